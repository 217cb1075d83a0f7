"""A burst of visitors: many sessions opening the Explorer in the same second.

What a classroom does when everyone opens the shared link at once: ``sessions`` visitors
(25 by default) connect to one ``streamlit run app.py`` server within the same second, half
of them on Home and half on Agencies (or whichever pages are given, in turn). Each visitor
then changes the sidebar destination filter once, to "Moon", as a person would after the page
has appeared. The figures are how long visitors waited for their page, and for the page
after the filter change, and how many of them lost their connection.

The visitors are not browsers: each is a lightweight client that speaks Streamlit's own
protocol over the same websocket the browser uses (``/_stcore/stream``, subprotocol
``streamlit``, binary protobuf messages), so the burst measures the server, not 25 browsers
fighting over the machine's two cores. Each client behaves like the browser does:

- it connects with a 20-second keepalive (a ping every 20 s, dropped if no answer within
  20 s), which is the figure reported as ``keepalive_s``;
- it asks for its page the way a freshly opened tab does: a ``rerun_script`` request with the
  page's address (``page_name``, empty for Home), an empty query string, no widget values and
  the browser context (time zone, locale, address, colour scheme);
- the first run counts from that request until the server says the run is over
  (``script_finished``); its status is recorded (finished, or ended early for a rerun, after
  which the client keeps waiting for the run that follows); an error shown on the page counts
  as an error;
- the filter change is what the browser sends when the destination box changes: a
  ``rerun_script`` request for the page now shown, with the destination filter's new value
  (the option label "Moon" — the box sends the labels it shows) and the address updated to
  ``?destination=Moon`` as the box does, plus the fingerprints of the large messages already
  received so the server may send references to them instead of resending them, as it does
  for a browser. It is timed until that run's ``script_finished``. Only the changed filter's
  value is sent: every other widget keeps its default, which is what the page has on arrival;
- every client keeps its connection open, reading and answering pings, until all clients are
  done, then closes.

``connect_s`` is how long each connection took to open, and ``connected_within_s`` the time
between the first and the last visitor's connection being open. A visitor counts as dropped
when its connection is closed before it is done, by the server or because a keepalive ping
went unanswered, or when it cannot connect. The whole burst has a time limit (180 s by
default); visitors not done by then are reported as timed out.

The server is warm, as it would be a while after deployment: before the burst, one visitor per
page goes through the same steps alone, so the dataset is already loaded (once per server) and
the caches are filled. It does not watch the source files, so an edit made while the benchmark
runs changes nothing until the next run.

Times are in seconds; ``p95`` is the nearest-rank 95th percentile (with 25 sessions, the
second slowest). The machine's one-minute load average just before and after the burst is
reported alongside, since anything else busy on the machine slows the server too.

    python -m bench.burst [--sessions 25] [--pages Home Agencies] [--timeout 180]

prints the result as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.protocol import KEEPALIVE_S, Dropped, Session, rounded, string_array, summary  # noqa: E402
from bench.rerun import URL_PATHS  # noqa: E402
from tests.browser_support import streamlit_server  # noqa: E402

# Source files are not watched: an edit made while the benchmark runs changes nothing mid-run.
SERVER_ENV = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
FILTER_KEY = "destination"
FILTER_VALUE = "Moon"


@dataclass
class Visitor:
    """One protocol-level client and what it saw."""

    index: int
    page: str
    base: str
    connected_at: float | None = None
    first_run_s: float | None = None
    first_status: str | None = None
    filter_change_s: float | None = None
    filter_status: str | None = None
    dropped: bool = False
    error: str | None = None
    session: Session = field(init=False)

    def __post_init__(self) -> None:
        self.session = Session(self.base, URL_PATHS[self.page])

    @property
    def done(self) -> bool:
        return self.filter_change_s is not None

    @property
    def page_errors(self) -> list[str]:
        return self.session.page_errors

    def report(self) -> dict:
        return {
            "page": self.page,
            "connect_s": rounded(self.session.connect_s),
            "first_run_s": rounded(self.first_run_s),
            "first_status": self.first_status,
            "filter_change_s": rounded(self.filter_change_s),
            "filter_status": self.filter_status,
            "reruns": self.session.reruns,
            "references": self.session.references,
            "dropped": self.dropped,
            "error": self.error,
            "page_errors": self.page_errors,
        }


async def _visit(visitor: Visitor, start: asyncio.Event, all_done: asyncio.Event, finished: set[int]) -> None:
    session = visitor.session
    await start.wait()
    try:
        await session.open()
        visitor.connected_at = time.perf_counter()

        began = time.perf_counter()
        visitor.first_status = await session.run(first=True)
        visitor.first_run_s = time.perf_counter() - began
        found = session.widget(FILTER_KEY)
        if found is None or found[0] != "multiselect":
            raise RuntimeError("the page showed no destination filter")
        if FILTER_VALUE not in found[1].options:
            raise RuntimeError(f"{FILTER_VALUE!r} is not among the filter's options {list(found[1].options)}")

        query = [(k, v) for k, v in parse_qsl(session.query_string, keep_blank_values=True) if k != FILTER_KEY]
        session.query_string = urlencode([*query, (FILTER_KEY, FILTER_VALUE)])
        page_hash = session.page_hash
        began = time.perf_counter()
        visitor.filter_status = await session.run([string_array(found[1].id, [FILTER_VALUE])])
        visitor.filter_change_s = time.perf_counter() - began
        if session.page_hash != page_hash:
            raise RuntimeError("the filter change showed another page")

        finished.add(visitor.index)
        await session.wait_or_drop(all_done)
    except Dropped as exc:
        visitor.dropped, visitor.error = True, str(exc)
    except asyncio.CancelledError:
        if not visitor.done:
            visitor.error = visitor.error or "timed out"
        raise
    except Exception as exc:
        visitor.error = f"{type(exc).__name__}: {exc}"
    finally:
        finished.add(visitor.index)
        await session.close()


async def _burst(base: str, pages: list[str], sessions: int, timeout: float) -> list[Visitor]:
    visitors = [Visitor(index=i, page=pages[i % len(pages)], base=base) for i in range(sessions)]
    start, all_done = asyncio.Event(), asyncio.Event()
    finished: set[int] = set()

    async def watch() -> None:
        while len(finished) < sessions:
            await asyncio.sleep(0.05)
        all_done.set()

    tasks = [asyncio.create_task(_visit(v, start, all_done, finished)) for v in visitors]
    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0.2)  # every client is created and waiting at the start line
    start.set()
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    watcher.cancel()
    for visitor in visitors:
        if visitor.error is None and not visitor.done:
            visitor.error = "timed out"
    return visitors


def measure(sessions: int = 25, pages=("Home", "Agencies"), timeout: float = 180.0) -> dict:
    """Start a server, warm it, send ``sessions`` visitors at once; waits, drops and errors."""
    pages = list(pages)
    unknown = [page for page in pages if page not in URL_PATHS]
    if unknown:
        raise ValueError(f"unknown pages {unknown}; choose from {list(URL_PATHS)}")
    with streamlit_server(SERVER_ENV) as base:
        warm_up = [asyncio.run(_burst(base, [page], 1, timeout))[0] for page in pages]
        for visitor in warm_up:
            if not visitor.done or visitor.error:
                raise RuntimeError(f"warm-up visit to {visitor.page} failed: {visitor.report()}")
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        visitors = asyncio.run(_burst(base, pages, sessions, timeout))
        wall = time.perf_counter() - began
        load_after = os.getloadavg()[0]

    errors = [
        f"session {v.index} ({v.page}): {problem}"
        for v in visitors
        for problem in ([v.error] if v.error else []) + v.page_errors
    ]
    errors += [
        f"session {v.index} ({v.page}): run status {status}"
        for v in visitors
        for status in (v.first_status, v.filter_status)
        if status not in (None, "finished")
    ]
    counts = {page: sum(v.page == page for v in visitors) for page in pages}
    connected = [v.connected_at for v in visitors if v.connected_at is not None]
    return {
        "sessions": sessions,
        "dropped": sum(v.dropped for v in visitors),
        "timed_out": sum(v.error == "timed out" for v in visitors),
        "completed": sum(v.done for v in visitors),
        "errors": errors,
        "first_run_s": summary([v.first_run_s for v in visitors if v.first_run_s is not None]),
        "filter_change_s": summary([v.filter_change_s for v in visitors if v.filter_change_s is not None]),
        "connect_s": summary([v.session.connect_s for v in visitors if v.session.connect_s is not None]),
        "connected_within_s": rounded(max(connected) - min(connected)) if connected else None,
        "pages": counts,
        "per_page": {
            page: {
                "first_run_s": summary([v.first_run_s for v in visitors if v.page == page and v.first_run_s]),
                "filter_change_s": summary(
                    [v.filter_change_s for v in visitors if v.page == page and v.filter_change_s]
                ),
            }
            for page in pages
        },
        "warm_up": {
            v.page: {"first_run_s": rounded(v.first_run_s), "filter_change_s": rounded(v.filter_change_s)}
            for v in warm_up
        },
        "keepalive_s": KEEPALIVE_S,
        "timeout_s": timeout,
        "wall_s": round(wall, 3),
        "load_avg_1min": {"before": round(load_before, 2), "after": round(load_after, 2)},
        "visitors": [v.report() for v in visitors],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=25, help="visitors arriving together")
    parser.add_argument("--pages", nargs="*", default=["Home", "Agencies"], help=f"pages, from {list(URL_PATHS)}")
    parser.add_argument("--timeout", type=float, default=180.0, help="time limit for the whole burst, in seconds")
    args = parser.parse_args()
    print(json.dumps(measure(args.sessions, args.pages, args.timeout), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
