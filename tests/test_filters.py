"""FilterState: URL round trips, hostile links, and the one function that applies it."""

from __future__ import annotations

import pytest

from components.data import Dataset
from components.filters import (
    YEAR_MAX,
    YEAR_MIN,
    FilterState,
    apply_filters,
    describe,
    parse_query_params,
    to_query_params,
)
from components.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def vocabulary(dataset: Dataset) -> Vocabulary:
    return Vocabulary.from_dataset(dataset)


STATES = [
    FilterState(),
    FilterState(destinations=("moon", "small_bodies"), agencies=("esa", "jaxa")),
    FilterState(statuses=("in development", "notional"), modes=("national", "multi_platform")),
    FilterState(year_from=1990, year_to=2030, pillar="technologies", focus="giant_planets", compare="moon"),
    FilterState(table="missions", rows="hayabusa", unverified=True),
    FilterState(tab="autonomy", scope="moon", among="iss_partnership", as_of=2015, split=True, search="apollo"),
]


@pytest.mark.parametrize("state", STATES)
def test_round_trip(state: FilterState, vocabulary: Vocabulary) -> None:
    parsed, notices = parse_query_params(to_query_params(state, vocabulary), vocabulary)
    assert parsed == state
    assert notices == []


def test_defaults_make_a_clean_url(vocabulary: Vocabulary) -> None:
    assert to_query_params(FilterState(), vocabulary) == {}
    assert to_query_params(FilterState(statuses=("in development",)), vocabulary) == {"status": ["In development"]}


def test_the_url_carries_labels_and_repeated_keys(vocabulary: Vocabulary) -> None:
    state = FilterState(agencies=("esa", "jaxa"), focus="giant_planets", year_from=1990, year_to=2030)
    assert to_query_params(state, vocabulary) == {
        "agency": ["ESA", "JAXA"],
        "years": ["1990", "2030"],
        "focus": "Giant planet systems",
    }


def test_older_id_links_still_parse(vocabulary: Vocabulary) -> None:
    state, notices = parse_query_params(
        {"focus": "giant_planets", "destination": "moon,small_bodies", "from": "1990", "to": "2030"}, vocabulary
    )
    assert notices == []
    assert state == FilterState(
        destinations=("moon", "small_bodies"), focus="giant_planets", year_from=1990, year_to=2030
    )


def test_unknown_destination_is_dropped_with_notice(vocabulary: Vocabulary) -> None:
    state, notices = parse_query_params({"destination": "pluto,moon"}, vocabulary)
    assert state.destinations == ("moon",)
    assert notices == ["destination 'pluto' (not a known destination)"]


def test_reversed_year_range_is_dropped(vocabulary: Vocabulary) -> None:
    state, notices = parse_query_params({"from": "2030", "to": "1990"}, vocabulary)
    assert (state.year_from, state.year_to) == (YEAR_MIN, YEAR_MAX)
    assert notices == ["the year range 2030–1990 (it ends before it starts)"]


@pytest.mark.parametrize("value", ["19x8", "-5", "99999", "1800", "2100", ""])
def test_bad_years_are_dropped(value: str, vocabulary: Vocabulary) -> None:
    state, notices = parse_query_params({"from": value}, vocabulary)
    assert state.year_from == YEAR_MIN
    assert len(notices) == 1 and notices[0].startswith("from ")


def test_very_long_value_is_refused(vocabulary: Vocabulary) -> None:
    state, notices = parse_query_params({"agency": "nasa," * 1250}, vocabulary)
    assert state.agencies == ()
    assert notices == ["agency: a value of 6,250 characters (too long to be a real selection)"]


def test_html_in_link_is_reported_not_kept(vocabulary: Vocabulary) -> None:
    state, notices = parse_query_params({"focus": "<script>alert(1)</script>", "mode": "<b>x</b>"}, vocabulary)
    assert state.focus is None and state.modes == ()
    assert any("<script>" in n for n in notices)  # the page escapes notices before showing them


def test_unknown_parameter_is_named(vocabulary: Vocabulary) -> None:
    state, notices = parse_query_params({"utm_source": "mail", "pillar": "missions"}, vocabulary)
    assert state.pillar == "missions"
    assert notices == ["unknown parameter 'utm_source'"]


def test_repeated_values_and_case_are_tolerated(vocabulary: Vocabulary) -> None:
    state, notices = parse_query_params({"status": "Completed,completed,IN-DEVELOPMENT"}, vocabulary)
    assert state.statuses == ("completed", "in development")
    assert notices == []


def test_apply_filters_by_destination_and_status(dataset: Dataset) -> None:
    state = FilterState(destinations=("giant_planets",), statuses=("completed",))
    view = apply_filters(state, dataset.missions, dataset.mission_participants)
    assert {"cassini_huygens", "galileo", "pioneer_10"} <= view.mission_ids
    assert set(view.missions["destination_id"]) == {"giant_planets"}
    assert set(view.missions["status"]) == {"completed"}
    assert set(view.participants["mission_id"]) <= view.mission_ids


def test_apply_filters_by_agency_counts_any_role(dataset: Dataset) -> None:
    view = apply_filters(FilterState(agencies=("asi",)), dataset.missions, dataset.mission_participants)
    assert "cassini_huygens" in view.mission_ids  # ASI as a partner, not the lead
    assert "liciacube" in view.mission_ids  # ASI as lead


def test_apply_filters_years_use_window_for_notional(dataset: Dataset) -> None:
    early = apply_filters(FilterState(year_to=2029), dataset.missions, dataset.mission_participants)
    assert not (early.missions["status"] == "notional").any()
    late = apply_filters(FilterState(year_from=2040), dataset.missions, dataset.mission_participants)
    assert set(late.missions["status"]) == {"notional"}


def test_apply_filters_empty_result_is_a_frame(dataset: Dataset) -> None:
    view = apply_filters(
        FilterState(destinations=("sun",), statuses=("notional",)), dataset.missions, dataset.mission_participants
    )
    assert view.missions.empty and view.participants.empty


def test_describe_reads_like_a_caption(vocabulary: Vocabulary) -> None:
    assert describe(FilterState(), vocabulary) == "All missions"
    state = FilterState(destinations=("moon",), agencies=("esa", "jaxa"), year_from=1990, year_to=2030)
    assert describe(state, vocabulary) == "Moon · ESA, JAXA · 1990–2030"


def test_narrow_keeps_the_outer_filters(dataset: Dataset) -> None:
    from components.filters import narrow

    outer = apply_filters(FilterState(year_to=2000), dataset.missions, dataset.mission_participants)
    inner = narrow(outer, destinations=("giant_planets",), modes=("multi_platform",))
    m = dataset.missions
    expected = m[
        (m["destination_id"] == "giant_planets")
        & (m["cooperation_mode_id"] == "multi_platform")
        & (m["launch_year"] <= 2000)
    ]
    assert inner.mission_ids == set(expected["mission_id"])
    assert "cassini_huygens" in inner.mission_ids
    assert set(inner.participants["mission_id"]) <= inner.mission_ids


def test_search_missions_matches_names_and_aliases(dataset: Dataset) -> None:
    from components.lookup import search_missions

    assert set(search_missions(dataset.missions, "kaguya")["mission_id"]) == {"selene_kaguya"}
    assert "cassini_huygens" in set(search_missions(dataset.missions, "Huygens")["mission_id"])
    assert search_missions(dataset.missions, "   ").empty
