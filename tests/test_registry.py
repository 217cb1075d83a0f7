"""The chart registry: stable ids, resolved state, inputs computed once per figure and summary."""

from __future__ import annotations

import re
from pathlib import Path

import components.charts as charts
from components.charts import CHARTS, ChartContext, build
from components.data import Dataset
from components.filters import FilterState


def test_chart_ids_are_unique_and_stable() -> None:
    ids = [chart.chart_id for chart in CHARTS]
    assert len(ids) == len(set(ids)) == 27
    assert {"missions_timeline", "autonomy_matrix", "cooperation_map", "home_solar_system"} <= set(ids)


def test_the_map_builds_its_inputs_once(dataset: Dataset, monkeypatch) -> None:
    calls = []
    real = charts.co_participation

    def counting(participants):
        calls.append(len(participants))
        return real(participants)

    monkeypatch.setattr(charts, "co_participation", counting)
    build("cooperation_map", ChartContext(dataset, FilterState()))
    assert len(calls) == 1


def test_the_autonomy_matrix_is_derived_once(dataset: Dataset, monkeypatch) -> None:
    calls = []
    real = charts.autonomy_matrix

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "autonomy_matrix", counting)
    build("autonomy_matrix", ChartContext(dataset, FilterState()))
    assert len(calls) == 1


def test_each_page_lists_the_charts_the_readme_promises() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    promised = re.search(r"\((\d+) in\s+all: ([^)]*)\)", readme)
    assert promised is not None
    per_page = dict(re.findall(r"([A-Z][a-z]+(?: [a-z]+)?) (\d+)", promised[2]))
    pages = {"Home": "home", "Four pillars": "pillars", "Destinations": "destinations"}
    pages |= {"Cooperation": "cooperation", "Missions": "missions", "Agencies": "agencies", "Present": "present"}
    pages |= {"Consortium sketch": "consortium"}
    assert {pages[name]: int(n) for name, n in per_page.items()} == {
        page: len(charts.charts_for(page)) for page in pages.values()
    }
    assert int(promised[1]) == len(CHARTS)


def test_autonomy_hover_credits_the_element_that_showed_it(dataset: Dataset) -> None:
    figure, _ = build("autonomy_matrix", ChartContext(dataset, FilterState(scope="giant_planets")))
    hovers = {
        (y, text.split(":")[0]): text
        for trace in figure.data
        if trace.customdata is not None
        for y, text in zip(trace.y, trace.customdata, strict=True)
    }
    assert "Shown by: Huygens on Cassini (1997)" in hovers[("ESA", "Landing")]
    assert hovers[("NASA", "Landing")] == "Landing: not yet"


def test_a_clicked_cell_leaves_every_number_readable(dataset: Dataset) -> None:
    figure, _ = build("cooperation_mode_destination", ChartContext(dataset, FilterState()))
    cells = figure.data[0]
    assert cells.unselected.marker.opacity == 1
    assert cells.unselected.textfont.color == cells.textfont.color == "#FFFFFF"
    assert cells.selected.marker.color != cells.marker.color
