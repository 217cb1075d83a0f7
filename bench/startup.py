"""Start-up: from ``streamlit run app.py`` to a healthy server and to the first page, and the import time.

- **To healthy.** The clock runs from spawning ``streamlit run app.py`` until
  ``/_stcore/health`` answers 200 (polled every 50 ms): what a load balancer's or a
  container's health check waits for. Streamlit answers health before any script has run, so
  the hello-world app (``bench/hello_app.py``) started the same way is the baseline.
- **To the first page.** On that fresh server, one protocol-level session opens Home
  (``bench/protocol.py``); the clock runs from the spawn to its first run's end: start-up,
  the app's imports, the dataset's load and validation and the first page's charts, which
  is what the first visitor after a deploy or a restart waits for.
- **Import time.** A fresh interpreter imports Streamlit, then every module ``app.py`` and the
  pages in ``views/`` import (read from their source), timed around each step; one
  ``python -X importtime`` run of the same imports names the slowest packages.

Each a median of ``repeats`` (at least 5) runs.

    python -m bench.startup [--repeats 5]
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.protocol import Session  # noqa: E402
from bench.server import serve  # noqa: E402

IMPORT_PROBE = """
import json, sys, time
sys.path.insert(0, {root!r})
began = time.perf_counter()
import streamlit
after_streamlit = time.perf_counter()
for name in {modules!r}:
    __import__(name)
done = time.perf_counter()
print(json.dumps({{"streamlit_s": after_streamlit - began, "app_modules_s": done - after_streamlit,
                   "total_s": done - began}}))
"""


def app_modules() -> list[str]:
    """Every module imported at the top of ``app.py`` and ``views/*.py``, Streamlit's aside."""
    found: list[str] = []
    for path in [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] not in ("streamlit", "__future__") and name not in found:
                    found.append(name)
    return found


def import_times(repeats: int) -> dict:
    modules = app_modules()
    probe = IMPORT_PROBE.format(root=str(ROOT), modules=modules)
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    cumulative: dict[str, int] = {}
    for line in traced.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, total, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        top = name.strip().split(".")[0]
        if name.strip() == top:  # a top-level package: its cumulative time includes its submodules
            cumulative[top] = max(cumulative.get(top, 0), int(total))
    slowest = sorted(cumulative.items(), key=lambda item: item[1], reverse=True)[:8]
    return {
        **{key: round(statistics.median(run[key] for run in runs), 3) for key in runs[0]},
        "modules": len(modules),
        "slowest_s": {name: round(us / 1e6, 3) for name, us in slowest},
    }


async def _first_page(base: str) -> float:
    session = Session(base, "")
    await session.open()
    began = time.perf_counter()
    status = await session.run(first=True)
    elapsed = time.perf_counter() - began
    await session.close()
    if status != "finished" or session.page_errors:
        raise RuntimeError(f"the first page failed: {status} {session.page_errors}")
    return elapsed


def server_times(script: str, repeats: int, first_page: bool) -> dict:
    healthy, first = [], []
    for _ in range(repeats):
        began = time.perf_counter()
        with serve(script=script) as server:
            healthy.append(server.healthy_after_s)
            if first_page:
                asyncio.run(_first_page(server.base))
                first.append(time.perf_counter() - began)
    result = {"healthy_s": round(statistics.median(healthy), 3), "healthy_runs_s": [round(h, 3) for h in healthy]}
    if first:
        result["first_page_s"] = round(statistics.median(first), 3)
        result["first_page_runs_s"] = [round(f, 3) for f in first]
    return result


def measure(repeats: int = 5) -> dict:
    repeats = max(5, repeats)
    return {
        "repeats": repeats,
        "app": server_times("app.py", repeats, first_page=True),
        "hello": server_times("bench/hello_app.py", repeats, first_page=False),
        "imports": import_times(repeats),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (at least 5)")
    args = parser.parse_args()
    print(json.dumps(measure(args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
