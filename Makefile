# Two commands, from a fresh clone:  make run  |  make test
# Both create .venv in the repo, install the pinned requirements and make sure a
# Chromium is present (image export and the browser tests drive it).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501

.PHONY: run test bench lint format install browser clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

browser:
	@scripts/ensure_chromium.sh

run: install
	@scripts/ensure_chromium.sh || echo "Continuing without Chromium: the app runs, image export will not."
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Two workers (the machine's two cores); each test file stays on one worker, so a file's
# server and browser fixtures start once.
test: install browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Benchmarks, not part of make test: reruns, first chart, burst, export, the room, replicas, start-up.
bench: install
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
