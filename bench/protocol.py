"""A protocol-level Streamlit client: one browser tab's session, without the browser.

Speaks Streamlit's own protocol over the websocket the browser uses (``/_stcore/stream``,
subprotocol ``streamlit``, binary protobuf BackMsg / ForwardMsg) and keeps the state a tab
keeps: the page's script hash, the address's query string (``page_info_changed``), the
fingerprints of the large messages already received (sent back so the server may answer with
references, as it does for a browser), the widgets drawn with their ids, and the alerts and
exceptions of the last run. The load benchmarks (``bench/burst.py``, ``bench/room_load.py``,
``bench/replicas.py``) drive many of these from one asyncio loop, so they measure the server
rather than browsers fighting over the machine's cores.

- ``open()`` connects with a keepalive (a ping every ``keepalive`` seconds, dropped if no
  answer within as long). Behind a load balancer with sticky sessions (``sticky=True``), it
  first loads the page over HTTP, as a tab loads ``index.html``, and sends back the cookie it
  was given on the websocket request.
- ``run()`` sends a ``rerun_script`` request (the first names the page by its address, as a
  fresh tab does; later ones name it by hash and carry the widget values given) and waits for
  the run's ``script_finished``, following any rerun the app asks for; a connection closed in
  the meantime raises ``Dropped``.
"""

from __future__ import annotations

import asyncio
import http.client
import math
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

KEEPALIVE_S = 20
FINISHED = ForwardMsg.ScriptFinishedStatus
STATUS_NAMES = {
    FINISHED.FINISHED_SUCCESSFULLY: "finished",
    FINISHED.FINISHED_WITH_COMPILE_ERROR: "compile_error",
    FINISHED.FINISHED_EARLY_FOR_RERUN: "rerun",
    FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment_finished",
}
SUCCESS, ERROR, WARNING = Alert.SUCCESS, Alert.ERROR, Alert.WARNING


class Dropped(Exception):
    """The connection ended before the client was done."""


def string_array(widget_id: str, values: Iterable[str]) -> WidgetState:
    """A multiselect's or multi-pills' value: the option labels as shown."""
    state = WidgetState(id=widget_id)
    state.string_array_value.data.extend(values)
    return state


def string_value(widget_id: str, value: str) -> WidgetState:
    return WidgetState(id=widget_id, string_value=value)


def trigger(widget_id: str) -> WidgetState:
    """A button press (a form's submit button included)."""
    return WidgetState(id=widget_id, trigger_value=True)


@dataclass
class Session:
    """One tab's session on one page (``path`` is the page's address, ``""`` for the default page)."""

    base: str
    path: str
    query_string: str = ""
    sticky: bool = False
    keepalive: float = KEEPALIVE_S
    cookie: str = ""
    connect_s: float | None = None
    reruns: int = 0
    references: int = 0
    page_hash: str = ""
    cached_hashes: set[str] = field(default_factory=set)
    widgets: dict[str, tuple[str, Any]] = field(default_factory=dict)  # id -> (element type, proto)
    alerts: list[tuple[int, str]] = field(default_factory=list)  # of the last run
    page_errors: list[str] = field(default_factory=list)
    connection: Any = None
    reader: asyncio.Task | None = None
    finished: asyncio.Queue = field(default_factory=asyncio.Queue)

    # Connection ---------------------------------------------------------------------------

    async def open(self, timeout: float = 60.0) -> float:
        """Connect (after the HTTP page load when sticky); the seconds it took."""
        began = time.perf_counter()
        headers = {}
        if self.sticky:
            self.cookie = await asyncio.to_thread(self._page_cookie, timeout)
            if self.cookie:
                headers["Cookie"] = self.cookie
        uri = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        try:
            self.connection = await websockets.connect(
                uri,
                subprotocols=["streamlit"],
                origin=self.base,
                additional_headers=headers,
                ping_interval=self.keepalive,
                ping_timeout=self.keepalive,
                max_size=None,
                open_timeout=timeout,
            )
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as exc:
            raise Dropped(f"could not connect: {exc!r}") from exc
        self.connect_s = time.perf_counter() - began
        self.reader = asyncio.create_task(self._read())
        return self.connect_s

    def _page_cookie(self, timeout: float) -> str:
        parts = urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            connection.request("GET", f"/{self.path}")
            response = connection.getresponse()
            response.read()
            jar = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
        finally:
            connection.close()
        return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())

    @property
    def alive(self) -> bool:
        return self.reader is not None and not self.reader.done()

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if self.connection is not None:
            await self.connection.close()

    async def wait_or_drop(self, event: asyncio.Event) -> None:
        """Keep the connection open (answering pings) until ``event``; ``Dropped`` if it closes first."""
        waiter = asyncio.ensure_future(event.wait())
        await asyncio.wait({waiter, self.reader}, return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done():
            waiter.cancel()
            raise Dropped("connection closed while the session was idle")

    # Runs ---------------------------------------------------------------------------------

    async def run(self, widgets: Iterable[WidgetState] = (), *, first: bool = False) -> str:
        """Ask for a run and wait for its end; its status (``finished``, …)."""
        self.alerts = []
        try:
            await self.connection.send(self.rerun_message(widgets, first=first))
        except websockets.exceptions.ConnectionClosed as exc:
            raise Dropped(f"connection closed: {exc!r}") from exc
        return await self._wait_run()

    def rerun_message(self, widgets: Iterable[WidgetState] = (), *, first: bool = False) -> bytes:
        message = BackMsg()
        state = message.rerun_script
        if first:
            state.page_name = self.path  # a fresh tab names its page by its address
        else:
            state.page_script_hash = self.page_hash
            state.cached_message_hashes.extend(sorted(self.cached_hashes))
        state.query_string = self.query_string
        state.widget_states.widgets.extend(widgets)
        context = state.context_info
        context.timezone = "UTC"
        context.timezone_offset = 0
        context.locale = "en-GB"
        query = f"?{self.query_string}" if self.query_string else ""
        context.url = f"{self.base}/{self.path}{query}"
        context.is_embedded = False
        context.color_scheme = "light"
        return message.SerializeToString()

    def widget(self, key: str) -> tuple[str, Any] | None:
        """The last drawn widget whose user key is ``key`` (ids end in ``-<key>``)."""
        for widget_id, found in self.widgets.items():
            if widget_id.endswith(f"-{key}"):
                return found
        return None

    def form_submitter(self) -> Any | None:
        for kind, proto in self.widgets.values():
            if kind == "button" and proto.is_form_submitter:
                return proto
        return None

    async def _read(self) -> None:
        async for data in self.connection:
            message = ForwardMsg()
            message.ParseFromString(data)
            self.handle(message)

    def handle(self, message: ForwardMsg) -> None:
        """Update the tab's state from one ForwardMsg, as the browser would."""
        if message.metadata.cacheable and message.hash:
            self.cached_hashes.add(message.hash)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = self.page_hash or message.new_session.page_script_hash
        elif kind == "navigation":
            if message.navigation.page_script_hash:
                self.page_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "ref_hash":
            self.references += 1  # the browser fills it in from what it already holds; nothing to answer
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            element_type = element.WhichOneof("type")
            if element_type == "exception":
                self.page_errors.append(f"{element.exception.type}: {element.exception.message}"[:300])
            elif element_type == "alert":
                self.alerts.append((element.alert.format, element.alert.body))
            elif element_type:
                inner = getattr(element, element_type)
                widget_id = getattr(inner, "id", "")
                if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                    self.widgets[widget_id] = (element_type, inner)
        elif kind == "script_finished":
            self.finished.put_nowait(message.script_finished)

    async def _wait_run(self) -> str:
        while True:
            getter = asyncio.ensure_future(self.finished.get())
            await asyncio.wait({getter, self.reader}, return_when=asyncio.FIRST_COMPLETED)
            if not getter.done():
                getter.cancel()
                error = self.reader.exception() if not self.reader.cancelled() else None
                raise Dropped(f"connection closed: {error!r}" if error else "connection closed by the server")
            status = getter.result()
            if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
                self.reruns += 1
                continue
            return STATUS_NAMES.get(status, str(status))


# Figures ------------------------------------------------------------------------------------------


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def summary(values: Iterable[float]) -> dict:
    """Median, nearest-rank 95th percentile and max (with 25 values, p95 is the second slowest)."""
    ordered = sorted(values)
    if not ordered:
        return {"median": None, "p95": None, "max": None, "n": 0}
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median": round(statistics.median(ordered), 3),
        "p95": round(p95, 3),
        "max": round(ordered[-1], 3),
        "n": len(ordered),
    }
