"""Export times against their goals: the browser's cold start, a warm image per format, the
whole app's slide deck cold and warm, one page's deck, and the app's ZIP.

- *Cold start*: the first image on a fresh ``Renderer`` (the browser starts).
- *Warm image*: every registered chart's first image, drawn ``ROUNDS`` times on a warm
  ``Renderer``; the median of each round's median over the charts, per format.
- *Full deck*: the app's "Every chart in the app" slide deck for the default view, every
  registered chart with long timelines in parts (the export's ``plan_items`` with no chart
  ids), from the click to the bytes: the figures built and drawn, the PPTX written. *Cold*
  is in a process that has built no figure yet, on a fresh ``Renderer`` (its browser's start
  included); *warm* is the same deck again on the warm ``Renderer``.
- *Page deck*: the Missions page's deck (``PAGE``, the page with the most slides), cold on a
  fresh ``Renderer`` and warm.

    python -m bench.export
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

from components.charts import charts_for  # noqa: E402
from components.data import load_dataset  # noqa: E402
from components.export import ImageSize, Renderer, plan_items, view_items  # noqa: E402
from components.export.bundle import deck_bytes, zip_bytes  # noqa: E402
from components.filters import FilterState  # noqa: E402

ROUNDS = 5
PAGE = "missions"
GOALS = {"warm_png_s": 0.5, "deck_cold_s": 8.0}


def _deck(dataset, state, renderer: Renderer, chart_ids=None) -> tuple[float, int, int]:
    """Seconds, slides and bytes of a deck, from the click (nothing built yet) to the bytes."""
    start = time.perf_counter()
    items = plan_items(dataset, state, chart_ids, deck=True)
    data = deck_bytes(items, renderer, dataset=dataset, state=state, scope="All charts", skipped=items.skipped)
    return time.perf_counter() - start, len(items) + 2, len(data)


def _browser_cpu_s() -> float:
    """CPU seconds used so far by the processes this one started (the browser's), from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    mine = {os.getpid()}
    while True:
        more = {pid for pid, parent in parents.items() if parent in mine} - mine
        if not more:
            return sum(times[pid] for pid in mine if pid != os.getpid())
        mine |= more


def measure(rounds: int = ROUNDS) -> dict[str, object]:
    dataset, state = load_dataset(), FilterState()
    if not Renderer().available:
        return {"skipped": "no Chrome or Chromium"}
    page_charts = [spec.chart_id for spec in charts_for(PAGE)]

    python_cpu = time.process_time()
    with Renderer() as renderer:  # the whole app's deck, first thing in the process
        deck_cold, slides, deck_size = _deck(dataset, state, renderer)
        deck_cpu = {"python": time.process_time() - python_cpu, "chromium": _browser_cpu_s()}
    with Renderer() as renderer:
        start = time.perf_counter()
        renderer.render(go.Figure(go.Bar(y=[1, 2])), "png", ImageSize(400, 300))
        cold = time.perf_counter() - start
    with Renderer() as renderer:
        page_cold, page_slides, page_size = _deck(dataset, state, renderer, page_charts)

    with Renderer() as renderer:
        renderer.render(go.Figure(go.Bar(y=[1, 2])), "png", ImageSize(400, 300))
        start = time.perf_counter()
        items, _ = view_items(dataset, state)
        items_s = time.perf_counter() - start
        firsts = list({item.chart_id: item for item in reversed(items)}.values())[::-1]
        warm: dict[str, float] = {}
        warm_rounds: dict[str, list[float]] = {}
        for fmt in ("png", "svg", "pdf"):
            medians = []
            for _ in range(rounds):
                times = []
                for item in firsts:
                    start = time.perf_counter()
                    renderer.render(item.figure, fmt, item.size_for(fmt))
                    times.append(time.perf_counter() - start)
                medians.append(statistics.median(times))
            warm[fmt], warm_rounds[fmt] = statistics.median(medians), medians

        deck_warm, _, _ = _deck(dataset, state, renderer)
        page_warm, _, _ = _deck(dataset, state, renderer, page_charts)

        start = time.perf_counter()
        zip_items = plan_items(dataset, state)
        archive = zip_bytes(zip_items, renderer, dataset=dataset, state=state, scope="All charts")
        zip_s = time.perf_counter() - start
    return {
        "cold_s": cold,
        "warm_s": warm,
        "warm_rounds_s": warm_rounds,
        "rounds": rounds,
        "charts": len(firsts),
        "images": len(items),
        "build_figures_s": items_s,
        "deck": {
            "scope": "every chart in the app",
            "slides": slides,
            "seconds": deck_cold,
            "megabytes": deck_size / 1e6,
        },
        "deck_cpu_s": deck_cpu,
        "deck_warm_s": deck_warm,
        "page_deck": {
            "page": PAGE,
            "slides": page_slides,
            "cold_s": page_cold,
            "warm_s": page_warm,
            "megabytes": page_size / 1e6,
        },
        "zip": {"files": len(zip_items) * 2 + 1, "seconds": zip_s, "megabytes": len(archive) / 1e6},
        "goals": GOALS,
        "met": {"warm_png_s": warm["png"] <= GOALS["warm_png_s"], "deck_cold_s": deck_cold <= GOALS["deck_cold_s"]},
    }


def report(result: dict) -> str:
    """The figures beside their goals, as lines of text."""
    if "cold_s" not in result:
        return f"export: skipped ({result.get('skipped')})"
    warm, deck, page, goals = result["warm_s"], result["deck"], result["page_deck"], result["goals"]
    cpu = result["deck_cpu_s"]

    def mark(key: str) -> str:
        return "met" if result["met"][key] else "NOT met"

    return "\n".join(
        [
            f"cold start (first image, fresh browser)   {result['cold_s']:6.2f} s",
            f"warm PNG, median of {result['rounds']} rounds × {result['charts']} charts {warm['png']:6.2f} s"
            f"   goal ≤ {goals['warm_png_s']:g} s: {mark('warm_png_s')}",
            f"warm SVG                                  {warm['svg']:6.2f} s",
            f"warm PDF                                  {warm['pdf']:6.2f} s",
            f"full deck ({deck['slides']} slides, every chart) cold {deck['seconds']:6.2f} s"
            f"   goal ≤ {goals['deck_cold_s']:g} s: {mark('deck_cold_s')}   {deck['megabytes']:.1f} MB",
            f"  its CPU: Python {cpu['python']:.1f} s, Chromium {cpu['chromium']:.1f} s ({os.cpu_count()} cores)",
            f"full deck warm                            {result['deck_warm_s']:6.2f} s",
            f"{page['page']} page's deck ({page['slides']} slides)   cold {page['cold_s']:6.2f} s, "
            f"warm {page['warm_s']:.2f} s   {page['megabytes']:.1f} MB",
            f"ZIP of every chart ({result['zip']['files']} files), warm  {result['zip']['seconds']:6.2f} s"
            f"   {result['zip']['megabytes']:.1f} MB",
            f"building the {result['images']} screen figures           {result['build_figures_s']:6.2f} s",
        ]
    )


def markdown(result: dict) -> list[str]:
    """The section of ``bench/results.md``: every figure beside its goal."""
    if "cold_s" not in result:
        return []
    warm, deck, page, zip_, goals = (result[k] for k in ("warm_s", "deck", "page_deck", "zip", "goals"))

    def verdict(key: str) -> str:
        return "met" if result["met"][key] else "**not met**"

    return [
        "## Image export",
        "",
        f"kaleido on one Chromium, drawing on up to two tabs at once. Warm images: every registered chart's "
        f"first image ({result['charts']} charts), {result['rounds']} rounds, the median of each round's median. "
        f"The full deck is the whole app's (every registered chart, long timelines in parts) for the default "
        f"view, from nothing built to the bytes; cold on a fresh browser in a process that has built no figure.",
        "",
        "| | seconds | goal | | size |",
        "|---|---|---|---|---|",
        f"| cold start (the first image) | {result['cold_s']:.2f} | | | |",
        f"| warm PNG | {warm['png']:.2f} | ≤ {goals['warm_png_s']:g} | {verdict('warm_png_s')} | |",
        f"| warm SVG | {warm['svg']:.2f} | | | |",
        f"| warm PDF | {warm['pdf']:.2f} | | | |",
        f"| full deck, {deck['slides']} slides, cold | {deck['seconds']:.1f} | ≤ {goals['deck_cold_s']:g} "
        f"| {verdict('deck_cold_s')} | {deck['megabytes']:.1f} MB |",
        f"| full deck, cold: CPU time of Python, of Chromium | {result['deck_cpu_s']['python']:.1f}, "
        f"{result['deck_cpu_s']['chromium']:.1f} | | | |",
        f"| full deck, warm | {result['deck_warm_s']:.1f} | | | |",
        f"| {page['page']} page's deck, {page['slides']} slides, cold | {page['cold_s']:.1f} | | "
        f"| {page['megabytes']:.1f} MB |",
        f"| {page['page']} page's deck, warm | {page['warm_s']:.1f} | | | |",
        f"| ZIP of every chart, {zip_['files']} files, warm | {zip_['seconds']:.1f} | | | {zip_['megabytes']:.1f} MB |",
        f"| building the {result['images']} screen figures | {result['build_figures_s']:.1f} | | | |",
    ]


if __name__ == "__main__":
    import json

    outcome = measure()
    print(json.dumps(outcome, indent=2))
    print(report(outcome))
