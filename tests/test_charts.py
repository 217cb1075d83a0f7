"""Attribute tests for every registered figure, in the style of plotly's own tests."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import pytest

from components.analysis import heritage, recommended_vs_practised, table_7_1
from components.charts import CHARTS, CHARTS_BY_ID, ChartContext, build
from components.charts.timeline import mission_spans, mission_timeline
from components.data import Dataset
from components.filters import FilterState
from components.theme import agency_colour

TODAY = date(2026, 11, 22)
STATES = {
    "default": FilterState(),
    "focus": FilterState(focus="giant_planets", compare="small_bodies"),
    "filtered": FilterState(destinations=("moon", "terrestrial_planets"), year_from=2000, statuses=("completed",)),
}


@pytest.mark.parametrize("chart_id", [c.chart_id for c in CHARTS])
@pytest.mark.parametrize("state_name", list(STATES))
def test_every_chart_builds_with_title_source_and_summary(dataset: Dataset, chart_id: str, state_name: str) -> None:
    fig, summary = build(chart_id, ChartContext(dataset, STATES[state_name], today=TODAY))
    assert summary.endswith(".") and len(summary) > 20
    if CHARTS_BY_ID[chart_id].kind == "deck":
        assert isinstance(fig, pdk.Deck) and fig.map_provider is None
        return
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    assert fig.layout.title.subtitle.text.startswith("Source: ")
    assert summary.endswith(".") and len(summary) > 20
    assert len(fig.data) >= 1


def test_registry_ids_are_unique_and_pages_known() -> None:
    assert len(CHARTS_BY_ID) == len(CHARTS)
    assert {c.page for c in CHARTS} == {"home", "pillars", "destinations", "cooperation", "missions", "agencies"}


def test_science_matrix_is_six_by_six(dataset: Dataset) -> None:
    fig, _ = build("pillars_science_matrix", ChartContext(dataset, FilterState()))
    heatmap = fig.data[0]
    assert heatmap.type == "heatmap"
    assert len(heatmap.y) == 6 and len(heatmap.x) == 6
    assert heatmap.x[0].startswith("Q1")
    moon_row = list(heatmap.y).index("Moon")
    assert heatmap.z[moon_row][2] == 2  # Q3 origins is primary for the Moon (§7.5.2 (1))


def test_missions_by_status_counts_every_filtered_mission(dataset: Dataset) -> None:
    state = STATES["filtered"]
    ctx = ChartContext(dataset, state)
    fig, _ = build("pillars_missions_by_status", ctx)
    assert {t.type for t in fig.data} == {"bar"}
    assert fig.layout.barmode == "stack"
    assert sum(sum(t.x) for t in fig.data) == len(ctx.filtered.missions)


def test_ladder_orders_modes_by_rank_and_counts_all(dataset: Dataset) -> None:
    fig, summary = build("cooperation_ladder", ChartContext(dataset, FilterState()))
    bar = fig.data[0]
    assert bar.y[0].startswith("National")
    assert [label.split(".")[0] for label in bar.y[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert sum(bar.x) == len(dataset.missions)
    assert f"of {len(dataset.missions)} missions" in summary


def test_mode_matrix_points_carry_ids_for_click_through(dataset: Dataset) -> None:
    fig, _ = build("cooperation_mode_destination", ChartContext(dataset, FilterState()))
    points = fig.data[0].customdata
    assert len(points) == 7 * len(dataset.destinations)
    cassini_cell = [p for p in points if p[0] == "multi_platform" and p[1] == "giant_planets"]
    assert cassini_cell and cassini_cell[0][2] >= 1


def test_timeline_uses_real_dates_and_marks_notional_windows(dataset: Dataset) -> None:
    fig = mission_timeline(
        dataset.missions, dataset.mission_participants, dataset.agencies, dataset.destinations, today=TODAY
    )
    bars = [t for t in fig.data if t.type == "bar"]
    assert fig.layout.xaxis.type == "date"
    assert all(str(b).startswith(("19", "20")) for trace in bars for b in trace.base)
    assert all(x > 0 for trace in bars for x in trace.x)
    notional = [t for t in bars if "notional" in t.name]
    assert notional and all(t.marker.opacity < 0.6 and t.marker.pattern.shape == "/" for t in notional)
    drawn = sum(len(t.base) for t in bars)
    assert drawn == len(dataset.missions)
    annotations = {a.text for a in fig.layout.annotations}
    assert {"Today (2026)", "2061"} <= annotations


def test_timeline_spans_known_missions(dataset: Dataset) -> None:
    spans = mission_spans(dataset.missions, TODAY).set_index("mission_id")
    assert spans.at["cassini_huygens", "start"] == pd.Timestamp("1997-10-15")
    assert spans.at["cassini_huygens", "end"] == pd.Timestamp("2017-12-31")
    assert spans.at["voyager_1", "end"] == pd.Timestamp(TODAY)  # still operating
    assert spans.at["h2061_tno_orbiter", "start"].year == 2040


def test_timeline_colours_agencies_consistently(dataset: Dataset) -> None:
    fig = mission_timeline(
        dataset.missions,
        dataset.mission_participants,
        dataset.agencies,
        dataset.destinations,
        color_by="lead_agency",
        today=TODAY,
    )
    by_name = {t.name: t.marker.color for t in fig.data}
    assert by_name["NASA"] == agency_colour("nasa") == "#0072B2"
    assert by_name["ESA"] == agency_colour("esa")
    assert agency_colour("kacst") == agency_colour("kacst")  # hashed colours are stable


def test_hover_text_is_escaped(dataset: Dataset) -> None:
    missions = dataset.missions.head(1).assign(name="<img src=x onerror=alert(1)>")
    fig = mission_timeline(
        missions, dataset.mission_participants, dataset.agencies, dataset.destinations, today=TODAY, compact=True
    )
    assert "&lt;img" in fig.data[0].customdata[0]
    assert "<img" not in fig.data[0].customdata[0]


def test_heritage_on_a_hand_made_frame() -> None:
    missions = pd.DataFrame(
        {
            "mission_id": ["a", "b", "c", "d"],
            "destination_id": ["moon", "moon", "moon", "mars"],
            "status": ["completed", "operating", "failed", "completed"],
            "capabilities": ["orbit|landing", "orbit", pd.NA, "orbit"],
        }
    )
    participants = pd.DataFrame(
        {
            "mission_id": ["a", "a", "b", "c", "d"],
            "agency_id": ["x", "y", "y", "z", "x"],
            "role": ["lead", "element", "lead", "lead", "lead"],
        }
    )
    table = heritage(missions, participants, "moon")
    assert table.loc["x", "orbit"] == 1 and table.loc["x", "landing"] == 1
    assert table.loc["y", "orbit"] == 1 and table.loc["y", "landing"] == 0  # element does not inherit capabilities
    assert "z" not in table.index  # failed mission demonstrates nothing
    assert list(table.index) == ["x", "y"]


def test_recommended_vs_practised_finds_gaps(dataset: Dataset) -> None:
    table = recommended_vs_practised(dataset.destination_modes, dataset.missions, dataset.destinations)
    assert len(table) == 6 * 6
    cell = table.set_index(["destination_id", "mode_id"])
    assert cell.at[("giant_planets", "multi_platform"), "category"] == "recommended and practised"  # Cassini–Huygens
    assert cell.at[("giant_planets", "working_group"), "category"] == "recommended, not yet practised"
    assert cell.at[("moon", "multi_platform"), "category"] == "practised, not recommended"  # Hakuto-R, Chang'e-8 …


def test_table_7_1_filters_by_recommended_mode(dataset: Dataset) -> None:
    rows = table_7_1(
        dataset.destinations,
        dataset.destination_benefits,
        dataset.destination_modes,
        dataset.cooperation_modes,
        only_modes=("working_group",),
    )
    assert set(rows["destination_id"]) == {"moon", "terrestrial_planets", "giant_planets", "small_bodies", "exoplanets"}
    full = table_7_1(
        dataset.destinations, dataset.destination_benefits, dataset.destination_modes, dataset.cooperation_modes
    )
    assert len(full) == 6 and all(len(b) >= 3 for b in full["benefits"])


def test_status_summary_names_the_busiest_destination(dataset: Dataset) -> None:
    _, summary = build("pillars_missions_by_status", ChartContext(dataset, FilterState()))
    assert summary.startswith(f"Moon has the most missions (63 of {len(dataset.missions)} shown)")
    _, single = build("pillars_missions_by_status", ChartContext(dataset, FilterState(destinations=("sun",))))
    assert single.startswith("All ") and "at Sun and inner heliosphere" in single


def test_autonomy_matrix_on_a_hand_made_frame() -> None:
    from components.analysis import ALONE, WITH_PARTNERS, autonomy_matrix, single_holders

    missions = pd.DataFrame(
        {
            "mission_id": ["m1", "m2", "m3", "m4", "m5", "m6"],
            "destination_id": ["moon", "moon", "moon", "mars", "near", "near"],
            "status": ["completed", "completed", "failed", "operating", "completed", "operating"],
            "capabilities": ["orbit|landing", "orbit", "landing", "orbit", "crew", "crew"],
            "cooperation_mode_id": ["national", "instrument_delivery", "national", "national", "national", "national"],
            "lead_agency_id": ["a", "b", "b", "b", "a", "c"],
            "launch_year": [1970, 2010, 2020, 2015, 1981, 2000],
            "end_year": [1971, 2012, 2020, pd.NA, 2011, pd.NA],
            "mission_type": ["lander", "orbiter", "lander", "orbiter", "programme", "programme"],
        }
    )
    participants = pd.DataFrame({"mission_id": ["m2"], "agency_id": ["a"], "role": ["infrastructure"]})
    stations = pd.DataFrame({"kind": ["ground station"], "operator_agency_id": ["a"], "established": [1960]})

    moon = autonomy_matrix(missions, participants, stations, destination_id="moon").set_index(
        ["agency_id", "capability"]
    )["status"]
    assert moon[("a", "landing")] == ALONE
    assert moon[("b", "orbit")] == WITH_PARTNERS  # only a cooperative mission
    assert ("b", "landing") not in moon.index  # its landing failed
    assert moon[("b", "deep_space_tracking")] == WITH_PARTNERS  # relied on a's antenna
    assert moon[("a", "deep_space_tracking")] == ALONE

    everywhere = autonomy_matrix(missions, participants, stations, as_of=2015)
    crew = everywhere[everywhere["capability"] == "crew"]
    assert list(crew["agency_id"]) == ["c"]  # a's crew programme ended in 2011
    assert single_holders(everywhere)["crew"] == "c"
    before = autonomy_matrix(missions, participants, stations, as_of=2005)
    assert set(before.loc[before["capability"] == "crew", "agency_id"]) == {"a", "c"}


def test_iss_partnership_depended_on_soyuz_in_2015(dataset: Dataset) -> None:
    state = FilterState(among="iss_partnership", as_of=2015)
    fig, summary = build("autonomy_matrix", ChartContext(dataset, state, today=TODAY))
    assert summary == (
        "Single points of failure (all destinations, as of 2015, within ISS partnership): crew transport by Roscosmos."
    )
    rows = {y for trace in fig.data for y in trace.y}
    assert {"NASA", "ESA", "JAXA", "CSA", "Roscosmos"} <= rows  # CSA shown although it holds nothing yet
    flagged = [t for t in fig.data if t.name == "Single point of failure"]
    assert flagged and list(flagged[0].y) == ["Roscosmos"]
    _, later = build("autonomy_matrix", ChartContext(dataset, state.with_changes(as_of=2022), today=TODAY))
    assert "crew transport" not in later


def test_cooperation_map_is_offline(dataset: Dataset) -> None:
    deck, summary = build("cooperation_map", ChartContext(dataset, FilterState()))
    assert deck.map_provider is None
    layer_types = [layer.type for layer in deck.layers]
    assert layer_types == ["GeoJsonLayer", "ArcLayer", "ScatterplotLayer", "ScatterplotLayer"]
    assert len(deck.layers[0].data["features"]) >= 170
    spec = deck.to_json()
    assert "http" not in spec  # no tile server, no style URL, nothing to fetch
    arcs = deck.layers[1].data
    assert len(arcs) > 50 and all(arc["width"] > 0 for arc in arcs)
    assert "partnerships" in summary


def test_map_follows_the_filters(dataset: Dataset) -> None:
    narrow, _ = build("cooperation_map", ChartContext(dataset, FilterState(agencies=("kacst",))))
    agencies_drawn = len(narrow.layers[2].data)
    assert 2 <= agencies_drawn <= 8  # KACST and its Chang'e-4 partners only


def test_solar_system_picker_marks_earth_and_carries_destinations(dataset: Dataset) -> None:
    fig, summary = build("home_solar_system", ChartContext(dataset, FilterState()))
    assert fig.layout.xaxis.type == "log"
    assert any(a.text == "Earth (1 AU)" for a in fig.layout.annotations)
    destinations = {row[0] for trace in fig.data for row in trace.customdata}
    assert {
        "moon",
        "terrestrial_planets",
        "giant_planets",
        "small_bodies",
        "heliopause_ism",
        "exoplanets",
    } <= destinations
    jupiter = next(t for t in fig.data if "Jupiter" in list(t.customdata[:, 3]))
    assert jupiter.marker.color == "#E69F00"
    assert "Moon has the most missions" in summary


def test_network_draws_only_connected_agencies_in_their_colours(dataset: Dataset) -> None:
    fig, _ = build("agencies_network", ChartContext(dataset, FilterState()))
    nodes = fig.data[-1]
    assert "NASA" in nodes.text and "ESA" in nodes.text
    colours = dict(zip(nodes.text, nodes.marker.color, strict=True))
    assert colours["NASA"] == agency_colour("nasa") and colours["ESA"] == agency_colour("esa")
    assert len(fig.data) - 1 >= 20  # edges


def test_participation_heatmap_counts_led_and_joined(dataset: Dataset) -> None:
    fig, _ = build("agencies_participation", ChartContext(dataset, FilterState()))
    heatmap = fig.data[0]
    row = list(heatmap.y).index("ESA")
    col = list(heatmap.x).index("Giant planets")
    led, joined = map(int, heatmap.text[row][col].split("/"))
    assert joined >= 1 and heatmap.z[row][col] == led + joined  # Huygens, JUICE …


def test_full_timeline_has_a_milestones_strip(dataset: Dataset) -> None:
    fig, _ = build("missions_timeline", ChartContext(dataset, FilterState(), today=TODAY))
    strip = fig.data[0]
    assert strip.name == "Milestones" and len(strip.x) == len(dataset.milestones)
    assert strip.xaxis == "x" and fig.data[1].yaxis == "y2"


def test_chart_counts_per_page_match_the_readme() -> None:
    from collections import Counter

    counts = Counter(chart.page for chart in CHARTS)
    assert counts == {"home": 1, "pillars": 4, "destinations": 3, "cooperation": 6, "missions": 1, "agencies": 8}
