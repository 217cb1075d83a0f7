"""Attribute tests for every registered figure, in the style of plotly's own tests."""

from __future__ import annotations

import html
from datetime import date
from html import escape
from itertools import pairwise

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pydeck as pdk
import pytest

from components.analysis import co_participation, heritage, recommended_vs_practised, table_7_1
from components.charts import CHARTS, CHARTS_BY_ID, ChartContext, agencies, build
from components.charts.base import LABEL_POSITIONS, TEMPLATE, text_width_px
from components.charts.maps import STATION_COLOUR_HEX, arc_width_px, map_legend, node_radius_px
from components.charts.timeline import NARROWEST_PLOT_PX, mission_spans, mission_timeline, timeline_pages
from components.data import Dataset
from components.filters import FilterState
from components.theme import agency_colour
from components.vocabulary import agency_labels, destination_labels, mode_labels
from tests.expected import MISSIONS

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
    assert {c.page for c in CHARTS} == {
        "home",
        "pillars",
        "destinations",
        "cooperation",
        "missions",
        "agencies",
        "present",
        "consortium",
    }


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
    assert sum(bar.x) == len(MISSIONS)
    assert f"of {len(MISSIONS)} missions" in summary


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
    hatched = [t for t in bars if t.marker.pattern.shape == "/"]
    assert [t.name for t in hatched] == ["Notional"]  # coloured by status: the status says it all
    assert hatched[0].marker.opacity == 0.45
    assert len(hatched[0].y) == int((dataset.missions["status"] == "notional").sum())
    drawn = sum(len(t.base) for t in bars)
    assert drawn == len(dataset.missions)
    annotations = {a.text for a in fig.layout.annotations}
    assert {"Today (2026)", "2061"} <= annotations


def test_timeline_reads_years_at_the_top_and_the_bottom(dataset: Dataset) -> None:
    fig = mission_timeline(
        dataset.missions, dataset.mission_participants, dataset.agencies, dataset.destinations, today=TODAY
    )
    top, bottom = fig.layout.xaxis2, fig.layout.xaxis
    assert (top.overlaying, top.side, bottom.side) == ("x", "top", None)
    assert top.tickvals == bottom.tickvals and top.range == bottom.range
    assert list(top.ticktext) == ["1960", "1980", "2000", "2020", "2040", "2060"]
    assert [t.xaxis for t in fig.data][-1] == "x2"  # the empty trace that makes Plotly draw the top axis


def test_timeline_rows_are_headed_by_destination(dataset: Dataset) -> None:
    fig = mission_timeline(
        dataset.missions, dataset.mission_participants, dataset.agencies, dataset.destinations, today=TODAY
    )
    rows = list(fig.layout.yaxis.categoryarray)
    headings = [row for row in rows if row.startswith("<b>")]
    destinations_shown = dataset.destinations[
        dataset.destinations["destination_id"].isin(dataset.missions["destination_id"])
    ]
    assert headings == [f"<b>{escape(n)}</b>" for n in destinations_shown.sort_values("display_order")["short_name"]]
    assert rows[0] == "<b>Moon</b>"
    assert len(rows) == len(dataset.missions) + len(headings)
    assert fig.layout.yaxis.range == (len(rows) - 0.5, -1.5)  # one spare row on top for Today and 2061
    assert fig.layout.height == 24 * (len(rows) + 1) + fig.layout.margin.t + 70  # 24 px a row
    assert max(len(html.unescape(row)) for row in rows if not row.startswith("<b>")) <= 32 + len(" (2019)")


def test_timeline_legend_names_notional_windows_by_agency(dataset: Dataset) -> None:
    fig = mission_timeline(
        dataset.missions,
        dataset.mission_participants,
        dataset.agencies,
        dataset.destinations,
        color_by="lead_agency",
        today=TODAY,
    )
    hatched = [t.name for t in fig.data if t.type == "bar" and t.marker.pattern.shape == "/"]
    notional_leads = dataset.missions.loc[dataset.missions["status"] == "notional", "lead_agency_id"]
    assert len(hatched) == notional_leads.fillna("undecided").nunique()
    assert "NASA — notional window" in hatched
    assert hatched[-1] == "Lead to be decided —<br>notional window"
    assert not [t.name for t in fig.data if "(notional" in str(t.name)]


def test_timeline_names_modes_as_the_data_does(dataset: Dataset) -> None:
    fig = mission_timeline(
        dataset.missions,
        dataset.mission_participants,
        dataset.agencies,
        dataset.destinations,
        color_by="mode",
        today=TODAY,
        modes=dataset.cooperation_modes,
    )
    solid = [t.name for t in fig.data if t.type == "bar" and t.marker.pattern.shape == ""]
    labels = mode_labels(dataset.cooperation_modes)
    assert solid == [labels[m] for m in labels if m in set(dataset.missions["cooperation_mode_id"])]
    assert solid[:2] == ["National (no foreign partner)", "Delivery of instruments"]
    assert fig.layout.legend.title.text == "Cooperation mode"


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
    # Agencies without a fixed colour take one from a hash of their id: pinned, so new rows never reshuffle them.
    assert (agency_colour("kacst"), agency_colour("aeb")) == ("#88CCEE", "#332288")


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
    moon = int((MISSIONS["destination_id"] == "moon").sum())
    assert MISSIONS["destination_id"].value_counts().idxmax() == "moon"
    assert summary.startswith(f"Moon has the most missions ({moon} of {len(MISSIONS)} shown)")
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
    assert layer_types == ["GeoJsonLayer", "ArcLayer", "ScatterplotLayer", "ScatterplotLayer", "TextLayer"]
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
    jupiter = next(t for t in fig.data if "Jupiter" in [row[3] for row in t.customdata])
    assert jupiter.marker.color == "#E69F00"
    assert "Moon has the most missions" in summary


def test_network_draws_only_connected_agencies_in_their_colours(dataset: Dataset) -> None:
    fig, _ = build("agencies_network", ChartContext(dataset, FilterState()))
    nodes = fig.data[-1]
    hover_names = [row[0] for row in nodes.customdata]  # every node names itself on hover
    colours = dict(zip(hover_names, nodes.marker.color, strict=True))
    assert colours["NASA"] == agency_colour("nasa") and colours["ESA"] == agency_colour("esa")
    assert len(fig.data) - 1 >= 20  # edges


def test_network_names_only_the_busiest_agencies(dataset: Dataset) -> None:
    fig, _ = build("agencies_network", ChartContext(dataset, FilterState()))
    nodes = fig.data[-1]
    named = [text for text in nodes.text if text]
    busiest = agencies.top_agencies(dataset.missions, dataset.mission_participants, 12)
    labels = agency_labels(dataset.agencies)
    assert 8 <= len(named) <= 12
    assert set(named) <= {labels[a] for a in busiest}
    assert {"NASA", "ESA", "JAXA"} <= set(named)
    assert len(nodes.text) > 12  # the others are drawn, unnamed
    positions = {p for p, text in zip(nodes.textposition, nodes.text, strict=True) if text}
    assert positions <= set(LABEL_POSITIONS)


def test_participation_heatmap_counts_led_and_joined(dataset: Dataset) -> None:
    fig, _ = build("agencies_participation", ChartContext(dataset, FilterState()))
    heatmap = fig.data[0]
    row = list(heatmap.y).index("ESA")
    col = list(heatmap.x).index("Giant<br>planets")  # wrapped so eight columns fit 820 px
    led, joined = map(int, heatmap.text[row][col].split("/"))
    assert led >= 2 and heatmap.z[row][col] == led + joined  # Huygens, JUICE …
    col = list(heatmap.x).index("Moon")
    led, joined = map(int, heatmap.text[row][col].split("/"))
    assert joined >= 2 and heatmap.z[row][col] == led + joined  # Chandrayaan-1, Artemis I …


def test_full_timeline_has_a_milestones_strip(dataset: Dataset) -> None:
    fig, _ = build("missions_timeline", ChartContext(dataset, FilterState(), today=TODAY))
    strip = fig.data[0]
    assert strip.name == "Milestones" and len(strip.x) == len(dataset.milestones)
    assert strip.xaxis == "x" and fig.data[1].yaxis == "y2"
    # The strip's axis carries the years at the top of the figure, the bars' axis at the bottom.
    assert (fig.layout.xaxis.side, fig.layout.xaxis.showticklabels) == ("top", True)
    assert fig.layout.xaxis2.side is None and fig.layout.xaxis.tickvals == fig.layout.xaxis2.tickvals
    assert list(fig.layout.yaxis.ticktext) == ["<b>Milestones</b>"]


def test_milestone_labels_leave_room_for_each_other(dataset: Dataset) -> None:
    fig, _ = build("missions_timeline", ChartContext(dataset, FilterState(), today=TODAY))
    strip = fig.data[0]
    labelled = [(x, level, text) for x, level, text in zip(strip.x, strip.y, strip.text, strict=True) if text]
    assert 8 <= len(labelled) < len(strip.x)  # the rest are named on hover
    assert {level for _, level, _ in labelled} == {0, 1, 2, 3, 4}  # the bottom row holds bare diamonds
    px_per_year = NARROWEST_PLOT_PX / 110
    for level in range(5):
        row = sorted((pd.Timestamp(x), text) for x, lv, text in labelled if lv == level)
        for (x0, text0), (x1, _) in pairwise(row):
            end = (x0.year + x0.dayofyear / 366) * px_per_year + 12 + text_width_px(html.unescape(text0))
            assert end + 8 <= (x1.year + x1.dayofyear / 366) * px_per_year


def test_timeline_pages_on_a_hand_made_frame() -> None:
    destinations = pd.DataFrame(
        {
            "destination_id": ["moon", "terrestrial_planets"],
            "name": ["Moon", "Terrestrial planets"],
            "display_order": [1, 2],
        }
    )
    moon = pd.DataFrame(
        {
            "mission_id": [f"moon_{year}" for year in range(1960, 2005)],
            "destination_id": "moon",
            "launch_year": list(range(1960, 2005)),
            "window_start": pd.NA,
            "status": "completed",
            "launch_date": pd.NaT,
        }
    )
    mars = pd.DataFrame(
        {
            "mission_id": ["mars_a", "mars_b", "mars_window"],
            "destination_id": "terrestrial_planets",
            "launch_year": [1990, 1992, pd.NA],
            "window_start": [pd.NA, pd.NA, 2045],
            "status": ["completed", "failed", "notional"],
            "launch_date": pd.NaT,
        }
    )
    pages = timeline_pages(pd.concat([mars, moon], ignore_index=True), destinations, max_rows=40)
    assert [title for title, _ in pages] == ["Moon, 1960–1981", "Moon, 1982–2004", "Terrestrial planets, 1990–2045"]
    assert [len(page) for _, page in pages] == [22, 23, 3]
    assert list(pages[2][1]["mission_id"]) == ["mars_a", "mars_b", "mars_window"]
    single = timeline_pages(mars.head(1), destinations)
    assert single[0][0] == "Terrestrial planets, 1990"


def test_timeline_pages_cover_every_mission_once(dataset: Dataset) -> None:
    pages = timeline_pages(dataset.missions, dataset.destinations, max_rows=40)
    assert all(len(page) <= 40 for _, page in pages)
    shown = [m for _, page in pages for m in page["mission_id"]]
    assert sorted(shown) == sorted(dataset.missions["mission_id"]) and len(set(shown)) == len(shown)
    names = destination_labels(dataset.destinations)
    for title, page in pages:
        destination = page["destination_id"].iloc[0]
        assert set(page["destination_id"]) == {destination}
        years = page["launch_year"].fillna(page["window_start"]).astype(int)
        span = f"{years.min()}–{years.max()}" if years.min() != years.max() else str(years.min())
        assert title == f"{names[destination]}, {span}"
    moon_pages = [title for title, _ in pages if title.startswith("Moon, ")]
    assert len(moon_pages) == -(-int((dataset.missions["destination_id"] == "moon").sum()) // 40)
    assert [len(p) for _, p in timeline_pages(dataset.missions, dataset.destinations, max_rows=1)] == [1] * len(
        dataset.missions
    )


def _font_sizes(spec: object, path: str = "") -> list[tuple[str, float]]:
    """Every font size set anywhere in a figure's JSON, with where it was set."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "size" and path.endswith("font") and isinstance(value, int | float):
                found.append((path, value))
            found.extend(_font_sizes(value, key))
    elif isinstance(spec, list):
        for value in spec:
            found.extend(_font_sizes(value, path))
    return found


def test_projector_template_sizes() -> None:
    layout = pio.templates[TEMPLATE].layout
    assert layout.font.size == 14 and layout.font.color == "#1B1F24"
    assert layout.xaxis.tickfont.size == layout.yaxis.tickfont.size == 14
    assert layout.xaxis.title.font.size == layout.yaxis.title.font.size == 16
    assert layout.title.font.size == 20
    assert layout.title.subtitle.font.size == 14 and layout.title.subtitle.font.color == "#4A525E"
    assert layout.legend.font.size == 14
    assert layout.hoverlabel.font.size == 14
    assert layout.paper_bgcolor == layout.plot_bgcolor == "#FFFFFF"
    assert pio.templates[TEMPLATE].data.heatmap[0].textfont.size == 15


@pytest.mark.parametrize("chart_id", [c.chart_id for c in CHARTS if c.kind == "plotly"])
def test_every_figure_uses_the_template_and_no_small_font(dataset: Dataset, chart_id: str) -> None:
    fig, _ = build(chart_id, ChartContext(dataset, FilterState(), today=TODAY))
    assert fig.layout.template.layout.title.font.size == 20  # the h2061 template, resolved into the figure
    spec = fig.to_plotly_json()
    spec["layout"].pop("template")
    assert [(where, size) for where, size in _font_sizes(spec) if size < 14] == []


def test_source_lines_are_wrapped_before_the_right_edge(dataset: Dataset) -> None:
    for chart in CHARTS:
        if chart.kind != "plotly":
            continue
        fig, _ = build(chart.chart_id, ChartContext(dataset, FilterState(), today=TODAY))
        assert max(len(line) for line in fig.layout.title.subtitle.text.split("<br>")) <= 100, chart.chart_id
        assert max(len(line) for line in fig.layout.title.text.split("<br>")) <= 72, chart.chart_id


def test_matrices_wrap_their_column_labels_and_leave_room_above(dataset: Dataset) -> None:
    fig, _ = build("cooperation_mode_destination", ChartContext(dataset, FilterState()))
    assert list(fig.layout.xaxis.categoryarray) == [
        "Moon",
        "Terrestrial",
        "Giant<br>planets",
        "Small<br>bodies",
        "Heliopause<br>&amp; ISM",
        "Exoplanets",
        "Near-Earth<br>space",
        "Sun",
    ]
    assert fig.layout.xaxis.side == "top" and fig.layout.xaxis.tickangle == 0
    assert fig.layout.margin.t == 69 + 14 + 2 * 19 + 12  # title block, gap, two lines of labels


def test_solar_system_picker_names_bodies_without_overlap(dataset: Dataset) -> None:
    fig, _ = build("home_solar_system", ChartContext(dataset, FilterState()))
    named = {
        text: position
        for trace in fig.data
        for text, position in zip(trace.text, trace.textposition, strict=True)
        if text
    }
    assert {"Jupiter", "Saturn", "Mars", "Venus", "Pluto"} <= set(named)
    assert named["Earth orbit"] != named["Sun–Earth L2"]  # side by side at 1 AU, never on top of each other
    assert all(trace.textfont.size == 14 for trace in fig.data)


def test_map_names_the_main_agencies_and_stations_are_orange(dataset: Dataset) -> None:
    deck, _ = build("cooperation_map", ChartContext(dataset, FilterState()))
    names = deck.layers[-1]
    assert names.id == "agency_names"
    named = [row["name"] for row in names.data]
    assert 6 <= len(named) <= 12 and {"NASA", "ESA"} <= set(named)
    stations = deck.layers[3]
    assert stations.get_line_color == [230, 159, 0] and STATION_COLOUR_HEX == "#E69F00"


def test_map_legend_gives_three_reference_sizes(dataset: Dataset) -> None:
    ctx = ChartContext(dataset, FilterState())
    edges = co_participation(ctx.filtered.participants)
    per_agency = ctx.filtered.participants.drop_duplicates(["agency_id", "mission_id"])["agency_id"].value_counts()
    legend = map_legend(edges, per_agency)
    shared = [int(entry.label.split()[0]) for entry in legend.arcs]
    assert len(shared) == 3 and shared[0] == int(edges["shared"].min()) and shared[-1] == int(edges["shared"].max())
    assert [entry.size_px for entry in legend.arcs] == [float(arc_width_px(n)) for n in shared]
    missions = [int(entry.label.split()[0]) for entry in legend.nodes]
    assert missions[-1] == int(per_agency.max())
    assert [entry.size_px for entry in legend.nodes] == [float(node_radius_px(n)) for n in missions]
    assert legend.station_label == "Orange ring: a deep-space ground station"
    assert legend.caption().endswith("an orange ring marks a deep-space ground station.")
    assert legend.caption().startswith("Arc width is the number of missions two agencies shared (1 shared mission, ")
    svg = legend.svg()
    assert svg.startswith("<svg") and 'stroke="#E69F00"' in svg and "<image" not in svg


def test_a_timeline_page_reads_its_own_years(dataset: Dataset) -> None:
    """A page of the paged timeline (one destination, one era) fits the year axis to its bars."""
    ctx = ChartContext(dataset, FilterState(), today=TODAY)
    title, missions = timeline_pages(ctx.filtered.missions, dataset.destinations)[0]
    assert title == "Moon, 1958–1965"
    fig, _ = build("missions_timeline", ctx.with_options(page=0))
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert start.year == 1957 and 1966 <= end.year <= 1968
    assert fig.layout.xaxis.ticktext[0] == "1958" and len(fig.layout.xaxis.ticktext) <= 6
    bars = [t for t in fig.data if t.type == "bar"]
    assert sum(len(t.base) for t in bars) == len(missions) == 38
    assert all(pd.Timestamp(b) >= start for t in bars for b in t.base)
    assert "Today (2026)" not in {a.text for a in fig.layout.annotations}  # 2026 is off this axis
    # The full timeline keeps the same axis on every chart, 1955 to 2064.
    full, _ = build("missions_timeline", ctx)
    assert [pd.Timestamp(x).year for x in full.layout.xaxis.range] == [1955, 2064]


def test_timeline_hover_says_how_a_mission_failed_and_who_carried_it(dataset: Dataset) -> None:
    ctx = ChartContext(dataset, FilterState(destinations=("sun",)), today=TODAY)
    fig, _ = build("missions_timeline", ctx.with_options(page=0))
    hovers = {text.split("</b>")[0][3:]: text for trace in fig.data if trace.type == "bar" for text in trace.customdata}
    assert "Failed at launch" in hovers["Pioneer E"]
    # BioSentinel rode on Artemis I, a Moon mission drawn on another page of the timeline.
    assert "Carried by Artemis I" in hovers["BioSentinel"]


def _marks(fig: go.Figure) -> dict[str, tuple]:
    """What tells each legend entry apart once the colour is taken away: its symbol, its fill
    pattern, and what its marks say (a count, a word, nothing)."""
    marks = {}
    for trace in fig.data:
        if trace.showlegend is False or not trace.name:
            continue
        marker = trace.marker
        pattern = getattr(marker, "pattern", None)
        texts = set(getattr(trace, "text", None) or ()) if "text" in (getattr(trace, "mode", "") or "") else set()
        said = "count" if texts and all(t.isdigit() for t in texts) else "|".join(sorted(texts))
        marks[trace.name] = (
            getattr(marker, "symbol", None),
            pattern.shape if pattern is not None else None,
            said,
        )
    return marks


@pytest.mark.parametrize(
    ("chart_id", "state"),
    [
        ("pillars_missions_by_status", FilterState()),
        ("missions_outcomes_by_decade", FilterState()),
        ("missions_outcomes_by_agency", FilterState()),
        ("missions_timeline", FilterState(colour="status")),
        ("destination_timeline", FilterState(focus="moon", timeline_colour="status")),
        ("autonomy_matrix", FilterState()),
        ("cooperation_recommended_vs_practised", FilterState()),
    ],
)
def test_status_and_outcome_are_never_told_by_colour_alone(dataset: Dataset, chart_id: str, state) -> None:
    """Each legend entry of a chart whose colours mean a status, an outcome or a category has a
    symbol or fill pattern no other entry shares, so a reader who cannot tell the colours apart
    (or a grey-scale print) still reads the chart."""
    fig, _ = build(chart_id, ChartContext(dataset, state, today=TODAY))
    marks = _marks(fig)
    assert len(marks) >= 3, marks
    by_mark: dict[tuple, list[str]] = {}
    for name, mark in marks.items():
        by_mark.setdefault(mark, []).append(name)
    assert all(len(names) == 1 for names in by_mark.values()), by_mark


def test_captions_and_marks_over_colour_stand_out() -> None:
    """Captions read at WCAG AA (4.5:1) on the page and the sidebar; a pattern or label over a
    coloured mark takes whichever ink stands out more (dark on yellow, white on blue)."""
    from components.theme import CAPTION_COLOUR, PAGE_BACKGROUND, PANEL_BACKGROUND, contrast_ratio, ink_on

    assert contrast_ratio(CAPTION_COLOUR, PAGE_BACKGROUND) >= 4.5
    assert contrast_ratio(CAPTION_COLOUR, PANEL_BACKGROUND) >= 4.5
    assert round(contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0
    assert ink_on("#F0E442") == "#1B1F24"
    assert ink_on("#0072B2") == "#FFFFFF"
