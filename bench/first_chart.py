"""Time to first chart: how long a new visitor waits, in a real browser, before a page shows its first chart.

Two ``streamlit run`` servers are started side by side, headless and with usage statistics
off, each on a fresh port: one for the Explorer (``app.py``) and one for the one-chart
hello-world app (``bench/hello_app.py``). They do not watch the source files, so an edit made
while the benchmark runs changes nothing until the next run. One headless Chromium (Debian's,
driven by Playwright) visits them.

The servers are warm, as they would be on a running deployment: before anything is timed,
every page (and the hello-world app) is opened once and left to finish, so the dataset is
already loaded and the caches hold whatever a server that has been up for a while holds.

Then each page, and the hello-world app, is opened ``repeats`` times (at least five), in
turn, so that a slow spell on the machine hits every page alike. Every visit is a brand-new
browser context, so nothing is remembered between visits (no cookies, no browser cache; the
Streamlit front end is downloaded again each time, for the hello-world app too). The clock
starts just before the address is entered and stops as soon as the page's first chart is
drawn on screen. The visit is then left to finish before the next one starts, so visits
never overlap. The figure per page is the median of its visits; the ratio is that median
divided by the hello-world app's median, measured in the same run. The machine's one-minute
load average before and after is reported alongside: anything else busy on the machine
slows the browser and the servers alike and shows up as spread between visits (``runs_s``).

What counts as "first chart" is what each page shows first, from the top:

- Home, Four pillars, Destinations, Cooperation, Missions and Agencies: the first Plotly
  chart's drawing surface, ``[data-testid="stPlotlyChart"] .main-svg`` (on Agencies this is
  the chart on the first tab; the world map sits on a later tab and is not drawn on arrival);
- Data & sources, which has no chart: the first data table's drawing surface,
  ``[data-testid="stDataFrame"] canvas``;
- the hello-world app: its only chart, with the same Plotly selector.

    python -m bench.first_chart [--repeats 5] [--pages Home Agencies]

prints the result as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.rerun import PAGES, URL_PATHS  # noqa: E402
from tests.browser_support import CHROMIUM_FLAGS, chromium_path, streamlit_server  # noqa: E402

PLOTLY = '[data-testid="stPlotlyChart"] .main-svg'
TABLE = '[data-testid="stDataFrame"] canvas'
SELECTORS = {
    "Home": PLOTLY,
    "Four pillars": PLOTLY,
    "Destinations": PLOTLY,
    "Cooperation": PLOTLY,
    "Missions": PLOTLY,
    "Agencies": PLOTLY,
    "Data & sources": TABLE,
}
HELLO = "hello"
VIEWPORT = {"width": 1400, "height": 1000}
CHART_TIMEOUT_MS = 120_000
# The "running" figure in the top bar; the bar itself may also hold a "source changed" notice.
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')"
# Source files are not watched: an edit made while the benchmark runs changes nothing mid-run.
SERVER_ENV = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}


def _visit(browser, url: str, selector: str) -> float:
    """Open ``url`` in a fresh context; seconds until the first ``selector`` is visible."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=CHART_TIMEOUT_MS)
        page.locator(selector).first.wait_for(state="visible", timeout=CHART_TIMEOUT_MS)
        elapsed = time.perf_counter() - start
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError(f"{url} shows an exception")
        # Let the run finish so that the next visit finds an idle server.
        page.wait_for_timeout(300)
        page.wait_for_function(IDLE, timeout=CHART_TIMEOUT_MS)
        return elapsed
    finally:
        context.close()


def measure(pages: list[str] | None = None, repeats: int = 5) -> dict:
    """Median seconds to first chart per page and for the hello-world app, and the ratios."""
    from playwright.sync_api import sync_playwright

    names = list(PAGES) if pages is None else list(pages)
    unknown = [name for name in names if name not in URL_PATHS]
    if unknown:
        raise ValueError(f"unknown pages {unknown}; choose from {list(URL_PATHS)}")
    repeats = max(5, repeats)
    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Chromium not found (expected /usr/bin/chromium, or set CHROMIUM_PATH)")

    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        app_base = stack.enter_context(streamlit_server(SERVER_ENV))
        hello_base = stack.enter_context(streamlit_server(SERVER_ENV, script="bench/hello_app.py"))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        stack.callback(browser.close)

        targets = {HELLO: (f"{hello_base}/", PLOTLY)}
        targets.update({name: (f"{app_base}/{URL_PATHS[name]}", SELECTORS[name]) for name in names})
        for url, selector in targets.values():  # warm-up, not timed
            _visit(browser, url, selector)
        times: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(repeats):
            for name, (url, selector) in targets.items():
                times[name].append(_visit(browser, url, selector))

    hello = statistics.median(times[HELLO])
    medians = {name: statistics.median(times[name]) for name in names}
    return {
        "hello_s": round(hello, 3),
        "pages": {name: round(value, 3) for name, value in medians.items()},
        "ratio": {name: round(value / hello, 2) for name, value in medians.items()},
        "repeats": repeats,
        "selectors": {HELLO: PLOTLY, **{name: SELECTORS[name] for name in names}},
        "runs_s": {name: [round(t, 3) for t in values] for name, values in times.items()},
        "load_avg_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed visits per page (at least 5)")
    parser.add_argument("--pages", nargs="*", default=None, help=f"page names, from {list(URL_PATHS)}")
    args = parser.parse_args()
    print(json.dumps(measure(args.pages, args.repeats), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
