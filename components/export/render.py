"""One long-lived headless Chromium that turns Plotly figures into PNG, SVG and PDF.

kaleido 1.x drives a Chrome or Chromium through choreographer. Starting it takes about 3 s;
a warm image takes a fraction of that, so one ``Renderer`` is kept for the life of the
process (the app holds it with ``st.cache_resource``, the export command for its run).
Its browser runs on a thread of its own with its own event loop: Streamlit's script threads
and the command line call ``render`` synchronously, with a timeout, or ``submit`` many
figures and collect them in order while they draw (a deck, a ZIP).

Two things make a batch fast. A tab keeps its page between figures: kaleido reloads the page
(plotly.js, 4.6 MB of script) after every image, which cost 0.2 s and most of a core per
image, though ``Plotly.toImage`` draws in a detached element it purges; here a tab reloads
only every ``RELOAD_EVERY`` images. And a batch draws on ``TABS`` tabs at once, the second
opened when the first batch arrives, so a single image never waits for it. The browser
starts in the background on the first ``submit``, so a caller can build its figures
meanwhile.

Nothing is fetched: plotly.js is the copy inside the plotly package, MathJax is off, and
no figure asks for Plotly's online map outlines (the world map's twin brings its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from functools import cache

import plotly.graph_objects as go

FORMATS = ("png", "svg", "pdf")
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_ENV = ("CHROMIUM_PATH", "BROWSER_PATH")
START_TIMEOUT_S = 60.0
IMAGE_TIMEOUT_S = 45.0
TABS = 2  # tabs drawing at once: one per core of a small machine
RELOAD_EVERY = 200  # images a tab draws before its page is loaded afresh
INSTALL_HINT = (
    "Image export needs Chrome or Chromium, and none was found. Install it with "
    "`sudo apt-get install -y chromium` (Debian, Ubuntu), or set CHROMIUM_PATH to an existing "
    "Chrome or Chromium, then restart the app. Everything else works without it, including "
    "the camera button above each chart."
)
LOGGER = logging.getLogger("horizon2061")

Figure = go.Figure | Mapping


class ExportUnavailable(RuntimeError):
    """Image export cannot run here; the message says what to do about it."""


class _StartFailed(Exception):
    """The browser did not open; raised in place of each image waiting for it."""


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


@cache
def _session_class():
    """kaleido's session, with tabs that keep their page between images (imported on first use:
    kaleido and choreographer take a while to import, and most runs export nothing)."""
    import kaleido

    class Session(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:  # kaleido reloads here after every image
            tab.h2061_drawn = getattr(tab, "h2061_drawn", 0) + 1
            if tab.h2061_drawn % RELOAD_EVERY == 0:
                await tab.reload()
            await self.tabs_ready.put(tab)

        async def add_tab(self) -> None:
            await self._create_kaleido_tab()

    return Session


@dataclass
class _Browser:
    """One started (or starting) kaleido session and the loop it runs on."""

    session: object
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    opened: Future
    tabs: int = 1
    queued: int = 0  # images submitted and not yet drawn


class Pending:
    """An image on its way: ``result()`` waits for it and explains a failure."""

    def __init__(self, renderer: Renderer, figure: Figure, fmt: str, size: ImageSize) -> None:
        self._renderer, self._figure, self._fmt, self._size = renderer, figure, fmt, size
        self._browser, self._future, self._ahead = renderer._submit(figure, fmt, size)

    def done(self) -> bool:
        return self._future.done()

    def result(self) -> bytes:
        for attempt in (1, 2):
            try:
                return self._future.result(self._renderer._guard(self._ahead))
            except TimeoutError as exc:
                self._future.cancel()
                self._renderer._drop(self._browser)
                raise ExportUnavailable(
                    f"Drawing the image took longer than {self._renderer.timeout:g} s and was stopped. Try again; "
                    "a very long chart may need a filter."
                ) from exc
            except _StartFailed as failed:
                self._renderer._drop(self._browser)
                cause = failed.__cause__ or failed
                raise ExportUnavailable(
                    f"The browser for image export ({self._renderer.browser}) did not start: {_reason(cause)}. "
                    "Check that it runs (`chromium --headless --version`), then try again."
                ) from cause
            except (Exception, CancelledError) as exc:  # the browser may have died: start a new one, once
                gone = _browser_gone(exc) or isinstance(exc, CancelledError)
                self._renderer._drop(self._browser)
                if attempt == 2 or not gone:
                    raise ExportUnavailable(f"The image could not be drawn: {_reason(exc)}.") from exc
                self._browser, self._future, self._ahead = self._renderer._submit(self._figure, self._fmt, self._size)
        raise AssertionError("unreachable")


class Renderer:
    """A kaleido session on one browser, started on first use and restarted once if it dies.

    ``render`` and ``submit`` are safe to call from several threads: kaleido queues the
    figures on its tabs."""

    def __init__(self, browser: str | None = None, *, timeout: float = IMAGE_TIMEOUT_S, tabs: int = TABS) -> None:
        self.browser = browser or find_browser()
        self.timeout = timeout
        self.tabs = max(1, tabs)
        self._lock = threading.Lock()
        self._current: _Browser | None = None

    @property
    def available(self) -> bool:
        return self.browser is not None

    def start(self) -> None:
        """Start the browser in the background, if it is not running: call it before building
        figures that will be drawn, and the 3 s of its start overlap with the building."""
        if self.available:
            self._browser_now()

    def _launch(self) -> _Browser:
        session = _session_class()(n=1, timeout=self.timeout, mathjax=False, path=self.browser)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="h2061-kaleido", daemon=True)
        thread.start()

        async def open_session() -> None:
            await asyncio.wait_for(session.open(), START_TIMEOUT_S)

        return _Browser(session, loop, thread, asyncio.run_coroutine_threadsafe(open_session(), loop))

    def _browser_now(self) -> _Browser:
        if self.browser is None:
            raise ExportUnavailable(INSTALL_HINT)
        with self._lock:
            if self._current is None:
                self._current = self._launch()
            return self._current

    def _submit(self, figure: Figure, fmt: str, size: ImageSize) -> tuple[_Browser, Future, int]:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        spec = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
        options = {"format": fmt, "width": size.width, "height": size.height, "scale": size.scale}
        browser = self._browser_now()
        with self._lock:
            ahead = browser.queued
            browser.queued += 1
            more_tabs = ahead >= 1 and browser.tabs < self.tabs
            if more_tabs:
                browser.tabs += 1

        async def draw() -> bytes:
            try:
                try:
                    await asyncio.wrap_future(browser.opened)
                except Exception as exc:
                    raise _StartFailed() from exc
                if more_tabs:
                    asyncio.get_running_loop().create_task(_add_tab(browser))
                return await browser.session.calc_fig(spec, opts=options)
            finally:
                with self._lock:
                    browser.queued -= 1

        return browser, asyncio.run_coroutine_threadsafe(draw(), browser.loop), ahead

    def _guard(self, ahead: int) -> float:
        """How long a caller waits at most: the start, the images queued before this one and
        this one (kaleido's own timeout, per image, fires first)."""
        return START_TIMEOUT_S + (ahead + 1) * (self.timeout + 5)

    def submit(self, figure: Figure, fmt: str, size: ImageSize) -> Pending:
        """Queue the figure; ``result()`` of what this returns gives the bytes. Drawing starts at
        once, in the background; many figures submitted together draw on several tabs."""
        return Pending(self, figure, fmt, size)

    def render(self, figure: Figure, fmt: str, size: ImageSize) -> bytes:
        """The figure as ``fmt`` bytes at ``size``; ``ExportUnavailable`` with a reason on failure."""
        return self.submit(figure, fmt, size).result()

    def render_many(self, jobs: Iterable[tuple[Figure, str, ImageSize]]) -> list[bytes]:
        """Several figures drawn at once, their bytes in the order given."""
        return [pending.result() for pending in [self.submit(*job) for job in jobs]]

    def _drop(self, browser: _Browser) -> None:
        """Close ``browser`` if it is still the current one (a later one may have replaced it)."""
        with self._lock:
            if self._current is not browser:
                return
            self._current = None
        _shut(browser)

    def close(self) -> None:
        with self._lock:
            browser, self._current = self._current, None
        if browser is not None:
            _shut(browser)

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


async def _add_tab(browser: _Browser) -> None:
    try:
        await browser.session.add_tab()
    except Exception as exc:  # one tab still draws everything
        LOGGER.warning("a second tab for image export did not open: %s", _reason(exc))


def _shut(browser: _Browser) -> None:
    with contextlib.suppress(Exception):  # closing a dead browser may fail; nothing is left to do
        if browser.opened.done() and browser.opened.exception() is None:
            asyncio.run_coroutine_threadsafe(browser.session.close(), browser.loop).result(15)
        else:
            browser.opened.cancel()
            asyncio.run_coroutine_threadsafe(_close_quietly(browser.session), browser.loop).result(15)
    browser.loop.call_soon_threadsafe(browser.loop.stop)
    browser.thread.join(5)


async def _close_quietly(session) -> None:
    with contextlib.suppress(Exception):
        await session.close()


def _reason(exc: BaseException) -> str:
    """The first thing an error says (choreographer appends advice to download a browser,
    which cannot work offline)."""
    first = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    text = " ".join(first.split()) or type(exc).__name__
    return text[:200].rstrip(".")


def _browser_gone(exc: BaseException) -> bool:
    name = type(exc).__name__
    return any(word in name for word in ("Closed", "Pipe", "BrowserFailed", "BrowserClosed", "ChannelClosed"))
