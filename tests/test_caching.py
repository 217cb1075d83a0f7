"""Compute once: what a run derives from the shared data is built once and shared.

The figure cache is keyed by ``charts.cache_key``, which reads only the state fields a chart
declares (``ChartSpec.reads``). So a chart that reads a field it does not declare would show
a stale figure: the first tests catch that by recording every state field each builder reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from components import ui
from components.charts import CHARTS, ChartContext, build, cache_key, read_fields
from components.data import DATA_DIR, Dataset, get_dataset
from components.filters import FILTER_FIELDS, STATE_FIELDS, FilterState, filter_dataset
from components.memo import shared

PROPERTIES = {"years": ("year_from", "year_to"), "is_filtered": FILTER_FIELDS}


class RecordingState:
    """A FilterState that notes each field read through it."""

    def __init__(self, state: FilterState) -> None:
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "seen", set())

    def __getattr__(self, name: str):
        value = getattr(self._state, name)
        if name in STATE_FIELDS:
            self.seen.add(name)
        elif name in PROPERTIES:
            self.seen.update(PROPERTIES[name])
        elif not callable(value):
            raise AssertionError(f"unexpected state attribute {name!r}")
        return value


def _recorded(chart_id: str, dataset: Dataset, state: FilterState) -> set[str]:
    ctx = ChartContext(dataset, state)
    recorder = RecordingState(ctx.state)
    object.__setattr__(ctx, "state", recorder)
    build(chart_id, ctx)
    return recorder.seen


STATES = (
    FilterState(),
    FilterState(destinations=("moon", "small_bodies"), agencies=("esa",), year_from=1990, tab="profile"),
    FilterState(focus="giant_planets", compare="moon", timeline_colour="lead", colour="status", profile="jaxa"),
    FilterState(scope="moon", among="iss_partners", as_of=2015, search="luna"),
)


@pytest.mark.parametrize("chart_id", [chart.chart_id for chart in CHARTS])
def test_a_chart_reads_only_the_state_it_declares(dataset: Dataset, chart_id: str) -> None:
    spec = next(chart for chart in CHARTS if chart.chart_id == chart_id)
    for state in STATES:
        undeclared = _recorded(chart_id, dataset, state) - set(read_fields(spec))
        assert not undeclared, f"{chart_id} reads {sorted(undeclared)} but declares {spec.reads}"


def test_the_key_follows_what_the_chart_reads_and_nothing_else(dataset: Dataset) -> None:
    base = ChartContext(dataset, FilterState())
    moon = ChartContext(dataset, FilterState(destinations=("moon",)))
    assert cache_key("missions_timeline", base) != cache_key("missions_timeline", moon)
    # The heritage chart follows the destination in focus, not the sidebar filters.
    assert cache_key("destination_heritage", base) == cache_key("destination_heritage", moon)
    assert cache_key("destination_heritage", base) != cache_key(
        "destination_heritage", ChartContext(dataset, FilterState(focus="small_bodies"))
    )
    # Options are part of the key; a timeline page is not the whole timeline.
    assert cache_key("missions_timeline", base) != cache_key("missions_timeline", base.with_options(page=1))
    # Another load of the same files is another dataset: nothing built from one serves the other.
    assert cache_key("missions_timeline", base)[1] != Dataset(dataset.tables).version


def test_a_shared_figure_is_the_figure_a_fresh_build_gives(dataset: Dataset) -> None:
    state = FilterState(destinations=("terrestrial_planets",), colour="status")
    for chart_id in ("missions_timeline", "cooperation_ladder", "destination_heritage"):
        first, summary = ui.built_chart(chart_id, ChartContext(dataset, state))
        again, _ = ui.built_chart(chart_id, ChartContext(dataset, state))
        fresh, fresh_summary = build(chart_id, ChartContext(dataset, state))
        assert again is first  # built once, shared
        assert isinstance(first, go.Figure) and first.to_json() == fresh.to_json()
        assert summary == fresh_summary


def test_the_filtered_view_is_computed_once_per_selection(dataset: Dataset) -> None:
    moon = filter_dataset(dataset, FilterState(destinations=("moon",), focus="moon"))
    # Page choices such as the focus do not change which missions are selected.
    assert filter_dataset(dataset, FilterState(destinations=("moon",), focus="mars")) is moon
    other = filter_dataset(dataset, FilterState(destinations=("moon", "small_bodies")))
    assert other is not moon and len(other.missions) > len(moon.missions)
    assert set(moon.missions["destination_id"]) == {"moon"}


def test_shared_remembers_by_frame_identity_and_by_value() -> None:
    calls: list[int] = []

    @shared(maxsize=2)
    def total(frame: pd.DataFrame, column: str) -> int:
        calls.append(1)
        return int(frame[column].sum())

    a, b = pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [1, 2]})
    assert total(a, "x") == total(a, "x") == 3 and len(calls) == 1
    assert total(b, "x") == 3 and len(calls) == 2  # an equal frame is another frame
    assert total(a, column="x") == 3 and len(calls) == 3  # a keyword is another call shape
    total(pd.DataFrame({"x": [5]}), "x")  # the least recently used entry leaves
    assert total(a, "x") == 3 and len(calls) == 5


def test_the_dataset_is_loaded_once_per_change_of_its_files(tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    monkeypatch.setenv("H2061_DATA_DIR", str(copy))
    first = get_dataset()
    assert get_dataset() is first
    path = copy / "agencies.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # the same rows, other bytes
    changed = get_dataset()
    assert changed is not first and changed.version != first.version
    assert len(changed.agencies) == len(first.agencies)
