"""Every headline figure, read off every page and chart that shows it, agrees — under several filters.

Expected values are counted here straight from the CSV files with pandas, by the definitions
in ``components/metrics.py``'s docstring, so the test does not grade the app with its own code.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.charts import ChartContext, build
from components.data import Dataset
from components.filters import FilterState, to_query_params
from components.vocabulary import Vocabulary
from tests.expected import MISSIONS, PARTICIPANTS

APP = Path(__file__).resolve().parent.parent / "app.py"

NOT_REAL = ("notional", "cancelled")

STATES = {
    "all": FilterState(),
    "moon_small_bodies": FilterState(destinations=("moon", "small_bodies")),
    "esa": FilterState(agencies=("esa",)),
    "1990_2030": FilterState(year_from=1990, year_to=2030),
    "flown": FilterState(statuses=("completed", "operating", "failed")),
}


def expected_missions(state: FilterState) -> pd.DataFrame:
    m = MISSIONS
    keep = m["launch_year"].fillna(m["window_start"]).between(state.year_from, state.year_to)
    if state.destinations:
        keep &= m["destination_id"].isin(state.destinations)
    if state.statuses:
        keep &= m["status"].isin(state.statuses)
    if state.agencies:
        keep &= m["mission_id"].isin(PARTICIPANTS.loc[PARTICIPANTS["agency_id"].isin(state.agencies), "mission_id"])
    return m[keep]


def open_page(page: str, state: FilterState, vocabulary: Vocabulary, **extra: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in {**to_query_params(state, vocabulary), **extra}.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def vocabulary(dataset: Dataset) -> Vocabulary:
    return Vocabulary.from_dataset(dataset)


@pytest.mark.parametrize("name", list(STATES))
def test_missions_per_destination_agree_across_pages_and_charts(
    name: str, dataset: Dataset, vocabulary: Vocabulary
) -> None:
    state = STATES[name]
    shown = expected_missions(state)
    expected = shown["destination_id"].value_counts().to_dict()

    home = open_page("views/home.py", state, vocabulary)
    assert {m.label: m.value for m in home.metric}["Missions"] == str(len(shown))
    glance = home.dataframe[0].value
    names = dict(zip(dataset.destinations["name"], dataset.destinations["destination_id"], strict=True))
    on_home = {names[row.name]: int(row.missions) for row in glance.itertuples() if row.missions}
    assert on_home == expected

    ctx = ChartContext(dataset, state)
    by_status, _ = build("pillars_missions_by_status", ctx)
    short = dict(zip(dataset.destinations["short_name"], dataset.destinations["destination_id"], strict=True))
    totals: dict[str, int] = {}
    for trace in by_status.data:
        for label, value in zip(trace.y, trace.x, strict=True):
            text = html.unescape(str(label).replace("<br>", " "))
            key = short.get(text, names.get(text))
            totals[key] = totals.get(key, 0) + int(value)
    assert {k: v for k, v in totals.items() if v} == expected

    for focus in ("moon", "small_bodies"):
        destinations = open_page("views/destinations.py", state, vocabulary, focus=vocabulary.destinations[focus])
        metrics = {m.label: int(m.value) for m in destinations.metric}
        assert sum(metrics.values()) == expected.get(focus, 0)
        card = next(m.value for m in destinations.markdown if "missions shown:" in m.value)
        assert card.startswith(f"{expected.get(focus, 0)} missions shown")


@pytest.mark.parametrize("name", ["all", "1990_2030", "moon_small_bodies"])
def test_led_and_took_part_agree_across_pages_and_charts(name: str, dataset: Dataset, vocabulary: Vocabulary) -> None:
    state = STATES[name]
    shown = expected_missions(state)
    led = shown["lead_agency_id"].value_counts()
    took_part = (
        PARTICIPANTS[PARTICIPANTS["mission_id"].isin(shown["mission_id"])]
        .drop_duplicates(["agency_id", "mission_id"])["agency_id"]
        .value_counts()
    )
    top = took_part.index[0]

    ctx = ChartContext(dataset, state)
    _, participation = build("agencies_participation", ctx)
    assert f"({took_part.iloc[0]}, leading {led.get(top, 0)})" in participation
    _, timeline = build("missions_timeline", ctx)
    leader = led.index[0]
    assert f"{vocabulary.agencies[leader]} led {led.iloc[0]} of them" in timeline

    heatmap, _ = build("agencies_participation", ctx)
    cells = heatmap.data[0]
    row = list(cells.y).index(vocabulary.agencies[top])
    led_cells = [int(t.split("/")[0]) for t in cells.text[row] if t]
    joined_cells = [int(t.split("/")[1]) for t in cells.text[row] if t]
    assert sum(led_cells) == led.get(top, 0)
    assert sum(led_cells) + sum(joined_cells) == took_part.iloc[0]

    for agency in ("nasa", "esa"):
        page = open_page(
            "views/agencies.py", state, vocabulary, tab="Agency profile", profile=vocabulary.agencies[agency]
        )
        text = " ".join(m.value for m in page.markdown).replace("\\", "")
        found = re.search(r"took part in (\d+) and led (\d+)", text)
        assert found is not None
        assert (int(found[1]), int(found[2])) == (took_part.get(agency, 0), led.get(agency, 0))


@pytest.mark.parametrize("name", list(STATES))
def test_cooperative_share_agrees(name: str, dataset: Dataset, vocabulary: Vocabulary) -> None:
    state = STATES[name]
    shown = expected_missions(state)
    real = shown[~shown["status"].isin(NOT_REAL)]
    cooperative = real[real["cooperation_mode_id"] != "national"]
    home = open_page("views/home.py", state, vocabulary)
    share = f"{len(cooperative) / len(real):.0%}" if len(real) else "0%"
    assert {m.label: m.value for m in home.metric}["Cooperative missions"] == share
    glance = home.dataframe[0].value
    assert int(glance["cooperative"].sum()) == len(cooperative)
    assert int(glance["real"].sum()) == len(real)
    caption = " ".join(c.value for c in home.caption)
    assert f"{len(cooperative)} of {len(real)} flown or committed missions were cooperative" in caption

    matrix, _ = build("cooperation_mode_destination", ChartContext(dataset, state))
    cells = [(mode, int(count)) for mode, _destination, count in matrix.data[0].customdata]
    assert sum(count for _, count in cells) == len(shown)
    national = sum(count for mode, count in cells if mode == "national")
    assert national == int((shown["cooperation_mode_id"] == "national").sum())
