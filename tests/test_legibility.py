"""Every Plotly chart reads on a projector: measured in a real browser's SVG.

Each registered chart is drawn by plotly.js (inlined from the installed plotly package, no
network) at the full width of a 1280×720 projector and of a 1920×1080 screen, and at 820 px,
the width a wide-layout page gives a chart at 1280 px with the sidebar open. The test saves
a screenshot to look at, then reads the bounding box and computed font size of every
visible ``<text>`` element: no two labels overlap, none runs past the figure's edges, tick
labels, legends and axis titles are at least 14 px, titles at least 18 px.
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from components.charts import CHARTS, ChartContext
from components.data import Dataset
from components.filters import FilterState

from .browser_support import ROOT

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = ROOT / "test-artifacts" / "legibility"
# name: (viewport width, viewport height, figure width or None for the page width)
LAYOUTS = {
    "1280x720": (1280, 720, None),
    "1920x1080": (1920, 1080, None),
    "1280x720_sidebar": (1280, 720, 820),
}
TODAY = date(2026, 11, 22)
STATE = FilterState(focus="moon", compare="terrestrial_planets", profile="esa")
PLOTLY_CHARTS = [chart for chart in CHARTS if chart.kind == "plotly"]
TOLERANCE_PX = 2
MIN_PX = {"tick": 14, "legend": 14, "axis title": 14, "title": 18, "source": 13}
MIN_ANY_TEXT_PX = 13  # nothing on a chart is smaller than its source line

# Charts whose labels Plotly places itself, beyond what a builder can steer.
OVERLAP_EXEMPT: dict[str, str] = {}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<style>html, body {{ margin: 0; padding: 0; background: #FFFFFF; }} #chart {{ width: 100%; }}</style>
<script>{plotlyjs}</script>
</head><body><div id="chart"></div></body></html>
"""

DRAW = """async ([spec, width]) => {
  const fig = JSON.parse(spec);
  const root = document.getElementById('chart');
  Plotly.purge(root);
  root.style.width = width ? width + 'px' : '100%';
  await Plotly.newPlot(root, fig.data, fig.layout, {displaylogo: false, responsive: true});
}"""

# Every visible, non-empty text of the chart with its box and font size; hover labels excluded.
COLLECT_TEXTS = """() => {
  const root = document.getElementById('chart');
  const svg = root.querySelector('svg.main-svg').getBoundingClientRect();
  const texts = [];
  for (const el of root.querySelectorAll('svg text')) {
    if (el.closest('.hoverlayer')) continue;
    const content = (el.textContent || '').trim();
    if (!content) continue;
    let hidden = false;
    for (let node = el; node && node !== root; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) {
        hidden = true;
        break;
      }
    }
    if (hidden) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 0.5 || box.height < 0.5) continue;
    const cls = el.getAttribute('class') || '';
    const parent = el.parentElement.getAttribute('class') || '';
    const kind = /^[xy]\\d*tick$/.test(parent) ? 'tick'
      : el.classList.contains('gtitle-subtitle') ? 'source'
      : el.classList.contains('gtitle') ? 'title'
      : /^[xy]\\d*title$/.test(cls) ? 'axis title'
      : el.closest('.legend') ? 'legend'
      : el.closest('.annotation') ? 'annotation'
      : 'other';
    texts.push({
      text: content.slice(0, 60),
      kind,
      size: parseFloat(getComputedStyle(el).fontSize),
      left: box.left, right: box.right, top: box.top, bottom: box.bottom,
    });
  }
  return {svg: {left: svg.left, right: svg.right, width: svg.width}, texts};
}"""


@pytest.fixture(scope="module")
def pages(browser):
    """One page per viewport with plotly.js loaded once; charts are drawn into it in turn."""
    html = PAGE.format(plotlyjs=get_plotlyjs())
    opened = {}
    for width, height in {(w, h) for w, h, _ in LAYOUTS.values()}:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.outside_requests = []
        page.on("request", lambda request, page=page: page.outside_requests.append(request.url))
        page.set_content(html, wait_until="load")
        opened[(width, height)] = page
    yield opened
    for page in opened.values():
        assert page.outside_requests == []  # plotly.js is inlined: nothing is fetched
        page.context.close()


@pytest.fixture(scope="module")
def figures(dataset: Dataset) -> dict[str, str]:
    ctx = ChartContext(dataset, STATE, today=TODAY)
    return {chart.chart_id: chart.build(ctx).to_json() for chart in PLOTLY_CHARTS}


def draw(page, figure_json: str, width: int | None = None) -> dict:
    """Draw a figure into the page and return its SVG width and every visible text."""
    page.evaluate(DRAW, [figure_json, width])
    return page.evaluate(COLLECT_TEXTS)


def overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if across > TOLERANCE_PX and down > TOLERANCE_PX:
                found.append((a["text"], b["text"]))
    return found


def too_small(texts: list[dict]) -> list[tuple[str, str, float]]:
    return [
        (t["kind"], t["text"], t["size"])
        for t in texts
        if t["size"] < MIN_PX.get(t["kind"], MIN_ANY_TEXT_PX) or t["size"] < MIN_ANY_TEXT_PX
    ]


def beyond_edges(texts: list[dict], svg: dict) -> list[str]:
    return [
        t["text"] for t in texts if t["right"] > svg["right"] + TOLERANCE_PX or t["left"] < svg["left"] - TOLERANCE_PX
    ]


def test_overlap_finder_finds_overlaps() -> None:
    a = {"text": "a", "left": 0, "right": 50, "top": 0, "bottom": 16}
    b = {"text": "b", "left": 45, "right": 90, "top": 4, "bottom": 20}
    c = {"text": "c", "left": 49, "right": 90, "top": 15, "bottom": 31}  # touches a within the tolerance
    assert overlaps([a, b, c]) == [("a", "b"), ("b", "c")]


def test_the_measure_catches_a_crowded_chart(pages) -> None:
    """The same measurements on a figure built to fail them: small ticks, labels on top of
    each other and a title running past the right edge."""
    title = " ".join(["A title far too long for the figure"] * 4)
    crowded = go.Figure(go.Bar(x=["first category", "second category"], y=[1, 2]))
    crowded.update_layout(
        title={"text": title},
        xaxis={"tickfont": {"size": 11}},
        annotations=[{"text": "one label", "x": 0, "y": 1, "showarrow": False}] * 2,
        width=500,
    )
    measured = draw(pages[(1280, 720)], crowded.to_json())
    texts = measured["texts"]
    assert ("one label", "one label") in overlaps(texts)
    assert ("tick", "first category", 11) in too_small(texts)
    assert beyond_edges(texts, measured["svg"]) == [title[:60]]


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("chart_id", [chart.chart_id for chart in PLOTLY_CHARTS])
def test_chart_reads_on_a_projector(pages, figures, chart_id: str, layout: str) -> None:
    viewport_width, viewport_height, figure_width = LAYOUTS[layout]
    page = pages[(viewport_width, viewport_height)]
    measured = draw(page, figures[chart_id], figure_width)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#chart").screenshot(path=str(ARTIFACTS / f"{chart_id}_{layout}.png"))

    svg, texts = measured["svg"], measured["texts"]
    assert svg["width"] == pytest.approx(figure_width or viewport_width, abs=1)
    assert [t["text"] for t in texts if t["kind"] == "title"], "the chart has no title"
    assert [t for t in texts if t["kind"] == "source"], "the chart has no source line"
    assert too_small(texts) == []
    assert beyond_edges(texts, svg) == []
    if chart_id not in OVERLAP_EXEMPT:
        assert overlaps(texts) == []
