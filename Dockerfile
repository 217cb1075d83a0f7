# Horizon 2061 Explorer in a container: docs/deploy.md.
#   docker build -t horizon2061 .
#   docker run -p 8501:8501 -e H2061_ROOM_HOST=workshop.example.org horizon2061
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHROMIUM_PATH=/usr/bin/chromium

# Debian's Chromium draws the image exports (kaleido); fonts for its text.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 explorer
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=explorer:explorer . .

USER explorer
# The poll's SQLite file lives here unless H2061_ROOM_DB names another database (PostgreSQL for replicas).
RUN mkdir -p /home/explorer/.local/share/horizon2061
VOLUME ["/home/explorer/.local/share/horizon2061"]

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"

CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true"]
