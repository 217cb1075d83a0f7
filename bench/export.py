"""Export times: the browser's cold start, a warm image per format, the app's whole deck and ZIP.

One ``Renderer`` is started as the app starts it (on first use); the warm times are the
median over every registered chart's first image, drawn again after the cold one. The deck
and the ZIP are the app's "Every chart in the app" for the default view.

    python -m bench.export
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

from components.data import load_dataset  # noqa: E402
from components.export import ImageSize, Renderer, view_items  # noqa: E402
from components.export.bundle import deck_bytes, zip_bytes  # noqa: E402
from components.filters import FilterState  # noqa: E402


def measure() -> dict[str, object]:
    dataset, state = load_dataset(), FilterState()
    with Renderer() as renderer:
        if not renderer.available:
            return {"skipped": "no Chrome or Chromium"}
        start = time.perf_counter()
        renderer.render(go.Figure(go.Bar(y=[1, 2])), "png", ImageSize(400, 300))
        cold = time.perf_counter() - start

        start = time.perf_counter()
        items, _ = view_items(dataset, state)
        items_s = time.perf_counter() - start
        firsts = list({item.chart_id: item for item in reversed(items)}.values())
        warm: dict[str, float] = {}
        for fmt in ("png", "svg", "pdf"):
            times = []
            for item in firsts:
                start = time.perf_counter()
                renderer.render(item.figure, fmt, item.size_for(fmt))
                times.append(time.perf_counter() - start)
            warm[fmt] = statistics.median(times)

        start = time.perf_counter()
        deck_items, skipped = view_items(dataset, state, deck=True)
        deck = deck_bytes(deck_items, renderer, dataset=dataset, state=state, scope="All charts", skipped=skipped)
        deck_s = time.perf_counter() - start

        start = time.perf_counter()
        archive = zip_bytes(items, renderer, dataset=dataset, state=state, scope="All charts")
        zip_s = time.perf_counter() - start
    return {
        "cold_s": cold,
        "warm_s": warm,
        "charts": len(firsts),
        "images": len(items),
        "build_figures_s": items_s,
        "deck": {"slides": len(deck_items) + 2, "seconds": deck_s, "megabytes": len(deck) / 1e6},
        "zip": {"files": len(items) * 2 + 1, "seconds": zip_s, "megabytes": len(archive) / 1e6},
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=2))
