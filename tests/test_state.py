"""The resolver: one default per choice, and a notice for what a view cannot show."""

from __future__ import annotations

from datetime import date

import pytest

from components.charts import ChartContext, build
from components.data import Dataset
from components.filters import FilterState
from components.state import ViewChoices, resolve

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def choices(dataset: Dataset) -> ViewChoices:
    return ViewChoices.from_dataset(dataset, TODAY)


def test_defaults_fill_every_page_choice(choices: ViewChoices) -> None:
    state = resolve(FilterState(), choices).state
    assert (state.pillar, state.focus, state.compare, state.profile, state.table) == (
        "science",
        "moon",
        "terrestrial_planets",
        "esa",
        "missions",
    )
    assert (state.colour, state.timeline_colour, state.breakdown, state.tab) == (
        "status",
        "status",
        "agency",
        "participation",
    )
    assert state.as_of == 2026
    assert (state.scope, state.among) == (None, None)


def test_compare_is_never_the_focus(choices: ViewChoices) -> None:
    resolution = resolve(FilterState(focus="terrestrial_planets", compare="terrestrial_planets"), choices)
    assert resolution.state.focus == "terrestrial_planets"
    assert resolution.state.compare == "moon"
    assert resolution.notices == [
        "compare 'Terrestrial planets' (it is the destination in focus; showing Moon)",
    ]
    # With the focus elsewhere, the default comparison is the first other Table 7.1 row.
    assert resolve(FilterState(focus="moon"), choices).state.compare == "terrestrial_planets"


def test_a_context_destination_cannot_be_the_focus(choices: ViewChoices) -> None:
    resolution = resolve(FilterState(focus="sun"), choices)
    assert resolution.state.focus == "moon"
    assert resolution.kept.focus is None
    assert resolution.notices == [
        "focus 'Sun and inner heliosphere (context)' (not a Table 7.1 destination; showing Moon)"
    ]


def test_an_agency_without_missions_cannot_be_the_profile(choices: ViewChoices) -> None:
    resolution = resolve(FilterState(profile="eu"), choices)
    assert resolution.state.profile == "esa"
    assert resolution.notices == ["profile 'EU' (no mission in the data involves it; showing ESA)"]


def test_as_of_stops_at_this_year(choices: ViewChoices) -> None:
    resolution = resolve(FilterState(as_of=2040), choices)
    assert resolution.state.as_of == 2026
    assert resolution.notices == ["asof 2040 (the matrix reads the record up to 2026)"]
    assert resolve(FilterState(as_of=2015), choices).state.as_of == 2015


def test_resolving_twice_changes_nothing(choices: ViewChoices) -> None:
    once = resolve(FilterState(focus="small_bodies", profile="jaxa", as_of=2015), choices)
    twice = resolve(once.state, choices)
    assert twice.state == once.state
    assert twice.notices == []


def test_charts_read_the_same_resolved_choice_as_the_page(dataset: Dataset) -> None:
    """The page shows the Moon for focus=sun; so must the chart."""
    fig, _ = build("destination_timeline", ChartContext(dataset, FilterState(focus="sun"), today=TODAY))
    assert fig.layout.title.text.startswith("Moon: missions")
    fig, _ = build(
        "destination_comparison",
        ChartContext(dataset, FilterState(focus="small_bodies", compare="small_bodies"), today=TODAY),
    )
    assert fig.layout.title.text == "Cooperation modes practised: Small bodies vs Moon"
    assert [trace.name for trace in fig.data if any(trace.x)] == ["Small bodies", "Moon"]
