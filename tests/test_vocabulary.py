"""One label per id, from the data: in widgets, in the URL and in every chart."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.charts import CHARTS, ChartContext, build
from components.data import DATA_DIR, Dataset
from components.filters import FilterState
from components.vocabulary import Vocabulary

APP = Path(__file__).resolve().parent.parent / "app.py"
DESTINATIONS = pd.read_csv(DATA_DIR / "destinations.csv").sort_values("display_order")
MODES = pd.read_csv(DATA_DIR / "cooperation_modes.csv").sort_values("rank")
AGENCIES = pd.read_csv(DATA_DIR / "agencies.csv")
STATUSES = ["Completed", "Operating", "Failed", "In development", "Planned", "Notional", "Cancelled"]


@pytest.fixture(scope="module")
def vocabulary(dataset: Dataset) -> Vocabulary:
    return Vocabulary.from_dataset(dataset)


@pytest.mark.parametrize("kind", ["destinations", "agencies", "modes", "statuses", "pillars", "tables", "circles"])
def test_labels_are_unique_so_a_url_names_one_thing(kind: str, vocabulary: Vocabulary) -> None:
    labels = list(vocabulary.labels(kind).values())
    assert len(labels) == len(set(labels))
    folded = [" ".join(label.replace("-", " ").split()).casefold() for label in labels]
    assert len(folded) == len(set(folded))


def test_sidebar_widgets_show_the_data_names() -> None:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    assert at.multiselect(key="destination").options == list(DESTINATIONS["name"])
    assert at.multiselect(key="mode").options == ["National (no foreign partner)", *MODES["name"]]
    assert at.multiselect(key="status").options == STATUSES
    assert at.multiselect(key="agency").options == sorted(AGENCIES["short_name"], key=str.casefold)


def _chart_texts(figure) -> set[str]:
    """Every legend entry, tick label and category a reader sees in a figure."""
    texts: set[str] = set()
    for trace in figure.data:
        if getattr(trace, "name", None) and trace.showlegend is not False:
            texts.add(trace.name)
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None and len(values) and isinstance(values[0], str):
                texts.update(values)
    layout = figure.layout
    for axis_name in [a for a in layout if a.startswith(("xaxis", "yaxis"))]:
        ticktext = layout[axis_name].ticktext
        if ticktext:
            texts.update(ticktext)
    return {html.unescape(re.sub(r"<br>|<[^>]+>", " ", str(t))).strip() for t in texts}


def _wrong_spellings() -> dict[str, str]:
    """What an id looks like when a page invents its own label, unless the data uses that very form."""
    wrong: dict[str, str] = {}
    for frame, id_column in ((DESTINATIONS, "destination_id"), (MODES, "mode_id")):
        for row in frame.itertuples():
            ident = getattr(row, id_column)
            spaced = ident.replace("_", " ")
            for variant in (ident, spaced, spaced.capitalize(), spaced.title()):
                if variant not in (row.name, row.short_name):
                    wrong[" ".join(variant.split())] = row.name
    wrong["Notional (notional window)"] = "Notional"
    return wrong


STATES = {
    "default": FilterState(focus="moon", compare="terrestrial_planets", profile="esa"),
    "by_agency": FilterState(colour="lead_agency", timeline_colour="lead_agency"),
    "by_mode": FilterState(colour="mode", timeline_colour="mode", breakdown="status"),
}


@pytest.mark.parametrize("state_name", list(STATES))
def test_charts_use_the_data_names(state_name: str, dataset: Dataset) -> None:
    wrong = _wrong_spellings()
    found: dict[str, list[str]] = {}
    for spec in CHARTS:
        if spec.kind != "plotly":
            continue
        figure, _ = build(spec.chart_id, ChartContext(dataset, STATES[state_name], today=date(2026, 12, 1)))
        bad = sorted(text for text in _chart_texts(figure) if text in wrong)
        if bad:
            found[spec.chart_id] = bad
    assert found == {}


def test_status_and_mode_legends_read_as_the_data_names(dataset: Dataset) -> None:
    figure, _ = build("missions_timeline", ChartContext(dataset, FilterState(colour="mode")))
    legend = {trace.name for trace in figure.data if trace.showlegend is not False and trace.name}
    assert {"National (no foreign partner)", "Delivery of instruments", "Multi-platform mission"} <= {
        html.unescape(name) for name in legend
    }
