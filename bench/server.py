"""A ``streamlit run`` server the benchmarks can see into: its process id, its start-up time, its memory.

``tests/browser_support.streamlit_server`` yields only a URL; the load benchmarks also need
the process (to sample its memory), a port chosen by the caller (replicas behind a proxy) and
the time it took to answer ``/_stcore/health``. Memory is the resident set of the whole
process tree (the server and anything it started, e.g. kaleido's Chromium), read from
``/proc`` so nothing needs installing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser_support import free_port

ROOT = Path(__file__).resolve().parent.parent
# Source files are not watched: an edit made while a benchmark runs changes nothing mid-run.
QUIET = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}


@dataclass
class Server:
    base: str
    port: int
    process: subprocess.Popen
    healthy_after_s: float

    @property
    def pid(self) -> int:
        return self.process.pid


def command(script: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def wait_healthy(base: str, process: subprocess.Popen, timeout: float = 60.0, pause: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s")
        time.sleep(pause)


@contextmanager
def serve(env: dict[str, str] | None = None, script: str = "app.py", port: int | None = None) -> Iterator[Server]:
    """``streamlit run <script>`` until the block ends; the clock runs from the spawn to a 200 on health."""
    port = port or free_port()
    began = time.perf_counter()
    process = subprocess.Popen(
        command(script, port),
        cwd=ROOT,
        env={**os.environ, **QUIET, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield Server(base, port, process, time.perf_counter() - began)
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


# Memory -----------------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state
        tree.setdefault(parent, []).append(int(entry))
    return tree


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (0 once it has exited)."""
    tree, total, stack = _children(), 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
        stack.extend(tree.get(current, []))
    return total


@dataclass
class RssSampler:
    """Samples a process tree's RSS every ``interval`` seconds on a thread; ``peak`` since a mark."""

    pids: list[int]
    interval: float = 0.25
    samples: list[tuple[float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), sum(tree_rss_bytes(pid) for pid in self.pids)))
            self._stop.wait(self.interval)

    def now(self) -> int:
        return sum(tree_rss_bytes(pid) for pid in self.pids)

    def peak(self, since: float = 0.0, until: float = float("inf")) -> int:
        return max((rss for at, rss in self.samples if since <= at <= until), default=0)


def megabytes(value: float) -> float:
    return round(value / 2**20, 1)
