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
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.rerun import URL_PATHS  # noqa: E402
from tests.browser_support import streamlit_server  # noqa: E402

KEEPALIVE_S = 20
# Source files are not watched: an edit made while the benchmark runs changes nothing mid-run.
SERVER_ENV = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
FILTER_KEY = "destination"
FILTER_VALUE = "Moon"
FINISHED = ForwardMsg.ScriptFinishedStatus
STATUS_NAMES = {
    FINISHED.FINISHED_SUCCESSFULLY: "finished",
    FINISHED.FINISHED_WITH_COMPILE_ERROR: "compile_error",
    FINISHED.FINISHED_EARLY_FOR_RERUN: "rerun",
    FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment_finished",
}


class Dropped(Exception):
    """The connection ended before the client was done."""


@dataclass
class Visitor:
    """One protocol-level client and what it saw."""

    index: int
    page: str
    base: str
    connect_s: float | None = None
    connected_at: float | None = None
    first_run_s: float | None = None
    first_status: str | None = None
    filter_change_s: float | None = None
    filter_status: str | None = None
    reruns: int = 0
    references: int = 0
    dropped: bool = False
    error: str | None = None
    page_errors: list[str] = field(default_factory=list)
    # Protocol state, as a browser tab keeps it.
    page_hash: str = ""
    query_string: str = ""
    filter_id: str | None = None
    filter_options: list[str] = field(default_factory=list)
    cached_hashes: set[str] = field(default_factory=set)
    finished: asyncio.Queue = field(default_factory=asyncio.Queue)

    @property
    def done(self) -> bool:
        return self.filter_change_s is not None

    def report(self) -> dict:
        return {
            "page": self.page,
            "connect_s": _round(self.connect_s),
            "first_run_s": _round(self.first_run_s),
            "first_status": self.first_status,
            "filter_change_s": _round(self.filter_change_s),
            "filter_status": self.filter_status,
            "reruns": self.reruns,
            "references": self.references,
            "dropped": self.dropped,
            "error": self.error,
            "page_errors": self.page_errors,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _rerun_message(visitor: Visitor, *, first: bool, widget_value: list[str] | None = None) -> bytes:
    """The ``rerun_script`` BackMsg the browser sends on arrival, or after a filter change."""
    message = BackMsg()
    state = message.rerun_script
    path = URL_PATHS[visitor.page]
    if first:
        state.page_name = path  # a fresh tab names its page by its address; Home is ""
    else:
        state.page_script_hash = visitor.page_hash
        state.cached_message_hashes.extend(sorted(visitor.cached_hashes))
    state.query_string = visitor.query_string
    if widget_value is not None and visitor.filter_id is not None:
        widget = state.widget_states.widgets.add()
        widget.id = visitor.filter_id
        widget.string_array_value.data.extend(widget_value)
    context = state.context_info
    context.timezone = "UTC"
    context.timezone_offset = 0
    context.locale = "en-GB"
    query = f"?{visitor.query_string}" if visitor.query_string else ""
    context.url = f"{visitor.base}/{path}{query}"
    context.is_embedded = False
    context.color_scheme = "light"
    return message.SerializeToString()


def _handle(visitor: Visitor, message: ForwardMsg) -> None:
    """Update the client's state from one ForwardMsg, as the browser would."""
    if message.metadata.cacheable and message.hash:
        visitor.cached_hashes.add(message.hash)
    kind = message.WhichOneof("type")
    if kind == "new_session":
        visitor.page_hash = visitor.page_hash or message.new_session.page_script_hash
    elif kind == "navigation":
        if message.navigation.page_script_hash:
            visitor.page_hash = message.navigation.page_script_hash
    elif kind == "page_info_changed":
        visitor.query_string = message.page_info_changed.query_string
    elif kind == "ref_hash":
        visitor.references += 1  # the browser fills it in from what it already holds; nothing to answer
    elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        element = message.delta.new_element
        element_type = element.WhichOneof("type")
        if element_type == "multiselect" and element.multiselect.id.endswith(f"-{FILTER_KEY}"):
            visitor.filter_id = element.multiselect.id
            visitor.filter_options = list(element.multiselect.options)
        elif element_type == "exception":
            visitor.page_errors.append(f"{element.exception.type}: {element.exception.message}"[:300])
    elif kind == "script_finished":
        visitor.finished.put_nowait(message.script_finished)


async def _read(visitor: Visitor, connection) -> None:
    async for data in connection:
        message = ForwardMsg()
        message.ParseFromString(data)
        _handle(visitor, message)


async def _wait_run(visitor: Visitor, reader: asyncio.Task) -> str:
    """Wait for the end of the current run (following any rerun the app asks for); its status."""
    while True:
        getter = asyncio.ensure_future(visitor.finished.get())
        await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
        if not getter.done():
            getter.cancel()
            error = reader.exception() if not reader.cancelled() else None
            raise Dropped(f"connection closed: {error!r}" if error else "connection closed by the server")
        status = getter.result()
        if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
            visitor.reruns += 1
            continue
        return STATUS_NAMES.get(status, str(status))


async def _visit(visitor: Visitor, start: asyncio.Event, all_done: asyncio.Event, finished: set[int]) -> None:
    uri = visitor.base.replace("http://", "ws://", 1) + "/_stcore/stream"
    first = _rerun_message(visitor, first=True)
    await start.wait()
    reader: asyncio.Task | None = None
    connection = None
    try:
        began = time.perf_counter()
        try:
            connection = await websockets.connect(
                uri,
                subprotocols=["streamlit"],
                origin=visitor.base,
                ping_interval=KEEPALIVE_S,
                ping_timeout=KEEPALIVE_S,
                max_size=None,
                open_timeout=60,
            )
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as exc:
            raise Dropped(f"could not connect: {exc!r}") from exc
        visitor.connected_at = time.perf_counter()
        visitor.connect_s = visitor.connected_at - began
        reader = asyncio.create_task(_read(visitor, connection))

        began = time.perf_counter()
        await connection.send(first)
        visitor.first_status = await _wait_run(visitor, reader)
        visitor.first_run_s = time.perf_counter() - began
        if visitor.filter_id is None:
            raise RuntimeError("the page showed no destination filter")
        if FILTER_VALUE not in visitor.filter_options:
            raise RuntimeError(f"{FILTER_VALUE!r} is not among the filter's options {visitor.filter_options}")

        query = [(k, v) for k, v in parse_qsl(visitor.query_string, keep_blank_values=True) if k != FILTER_KEY]
        visitor.query_string = urlencode([*query, (FILTER_KEY, FILTER_VALUE)])
        page_hash = visitor.page_hash
        began = time.perf_counter()
        await connection.send(_rerun_message(visitor, first=False, widget_value=[FILTER_VALUE]))
        visitor.filter_status = await _wait_run(visitor, reader)
        visitor.filter_change_s = time.perf_counter() - began
        if visitor.page_hash != page_hash:
            raise RuntimeError("the filter change showed another page")

        finished.add(visitor.index)
        waiter = asyncio.ensure_future(all_done.wait())
        await asyncio.wait({waiter, reader}, return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done():
            waiter.cancel()
            raise Dropped("connection closed while waiting for the other visitors")
    except websockets.exceptions.ConnectionClosed as exc:
        visitor.dropped, visitor.error = True, f"connection closed: {exc!r}"
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
        if reader is not None:
            reader.cancel()
        if connection is not None:
            await connection.close()


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


def _summary(values: list[float]) -> dict:
    if not values:
        return {"median": None, "p95": None, "max": None, "n": 0}
    ordered = sorted(values)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median": round(statistics.median(ordered), 3),
        "p95": round(p95, 3),
        "max": round(ordered[-1], 3),
        "n": len(ordered),
    }


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
        "first_run_s": _summary([v.first_run_s for v in visitors if v.first_run_s is not None]),
        "filter_change_s": _summary([v.filter_change_s for v in visitors if v.filter_change_s is not None]),
        "connect_s": _summary([v.connect_s for v in visitors if v.connect_s is not None]),
        "connected_within_s": _round(max(connected) - min(connected)) if connected else None,
        "pages": counts,
        "per_page": {
            page: {
                "first_run_s": _summary([v.first_run_s for v in visitors if v.page == page and v.first_run_s]),
                "filter_change_s": _summary(
                    [v.filter_change_s for v in visitors if v.page == page and v.filter_change_s]
                ),
            }
            for page in pages
        },
        "warm_up": {
            v.page: {"first_run_s": _round(v.first_run_s), "filter_change_s": _round(v.filter_change_s)}
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
