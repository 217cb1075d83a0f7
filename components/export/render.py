"""One long-lived headless Chromium that turns Plotly figures into PNG, SVG and PDF.

kaleido 1.x drives a Chrome or Chromium through choreographer. Starting it takes about 3 s;
a warm image takes a fraction of that, so one ``Renderer`` is kept for the life of the
process (the app holds it with ``st.cache_resource``, the export command for its run).
Its browser runs on a thread of its own with its own event loop: Streamlit's script threads
and the command line both call ``render`` synchronously, with a timeout.

Nothing is fetched: plotly.js is the copy inside the plotly package, MathJax is off, and
no figure asks for Plotly's online map outlines (the world map's twin brings its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import threading
from collections.abc import Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import plotly.graph_objects as go

FORMATS = ("png", "svg", "pdf")
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_ENV = ("CHROMIUM_PATH", "BROWSER_PATH")
START_TIMEOUT_S = 60.0
IMAGE_TIMEOUT_S = 45.0
INSTALL_HINT = (
    "Image export needs Chrome or Chromium, and none was found. Install it with "
    "`sudo apt-get install -y chromium` (Debian, Ubuntu), or set CHROMIUM_PATH to an existing "
    "Chrome or Chromium, then restart the app. Everything else works without it, including "
    "the camera button above each chart."
)


class ExportUnavailable(RuntimeError):
    """Image export cannot run here; the message says what to do about it."""


def find_browser(env: Mapping[str, str] | None = None) -> str | None:
    """The Chrome or Chromium to drive: ``CHROMIUM_PATH`` or ``BROWSER_PATH`` if set, else the
    first known browser name on ``PATH``. Never downloads one."""
    env = os.environ if env is None else env
    for name in BROWSER_ENV:
        path = env.get(name)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    search = env.get("PATH", os.defpath)
    for name in BROWSER_NAMES:
        found = shutil.which(name, path=search)
        if found:
            return found
    return None


@dataclass(frozen=True)
class ImageSize:
    width: int
    height: int
    scale: float = 1.0


class Renderer:
    """A kaleido session on one browser, started on first use and restarted once if it dies.

    ``render`` is safe to call from several threads: kaleido queues the figures on its tab."""

    def __init__(self, browser: str | None = None, *, timeout: float = IMAGE_TIMEOUT_S) -> None:
        self.browser = browser or find_browser()
        self.timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._thread: threading.Thread | None = None

    @property
    def available(self) -> bool:
        return self.browser is not None

    def _start(self) -> None:
        if self.browser is None:
            raise ExportUnavailable(INSTALL_HINT)
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="h2061-kaleido", daemon=True)
        thread.start()
        session = kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False, path=self.browser)
        try:
            asyncio.run_coroutine_threadsafe(session.open(), loop).result(START_TIMEOUT_S)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise ExportUnavailable(
                f"The browser for image export ({self.browser}) did not start: {_reason(exc)}. "
                "Check that it runs (`chromium --headless --version`), then try again."
            ) from exc
        self._loop, self._kaleido, self._thread = loop, session, thread

    def _session(self):
        with self._lock:
            if self._kaleido is None:
                self._start()
            return self._kaleido, self._loop

    def render(self, figure: go.Figure | dict, fmt: str, size: ImageSize) -> bytes:
        """The figure as ``fmt`` bytes at ``size``; ``ExportUnavailable`` with a reason on failure."""
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        spec = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
        options = {"format": fmt, "width": size.width, "height": size.height, "scale": size.scale}
        for attempt in (1, 2):
            session, loop = self._session()
            future = asyncio.run_coroutine_threadsafe(session.calc_fig(spec, opts=options), loop)
            try:
                return future.result(self.timeout + 5)
            except FutureTimeout as exc:
                future.cancel()
                self.close()
                raise ExportUnavailable(
                    f"Drawing the image took longer than {self.timeout:g} s and was stopped. Try again; "
                    "a very long chart may need a filter."
                ) from exc
            except Exception as exc:  # the browser may have died: start a new one, once
                self.close()
                if attempt == 2 or not _browser_gone(exc):
                    raise ExportUnavailable(f"The image could not be drawn: {_reason(exc)}.") from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            session, loop, thread = self._kaleido, self._loop, self._thread
            self._kaleido = self._loop = self._thread = None
        if session is None or loop is None:
            return
        with contextlib.suppress(Exception):  # closing a dead browser may fail; nothing is left to do
            asyncio.run_coroutine_threadsafe(session.close(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _reason(exc: BaseException) -> str:
    """The first thing an error says (choreographer appends advice to download a browser,
    which cannot work offline)."""
    first = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    text = " ".join(first.split()) or type(exc).__name__
    return text[:200].rstrip(".")


def _browser_gone(exc: BaseException) -> bool:
    name = type(exc).__name__
    return any(word in name for word in ("Closed", "Pipe", "BrowserFailed", "BrowserClosed", "ChannelClosed"))
