"""Every bound widget, changed twice in a row by its fixed key: the second change must hold too.

A page that re-created a widget on every change (a key holding the current value) passed a
suite that changed each widget once, and dropped every second change in real use. Here each
widget is changed twice, and each time the test reads what a user sees: a header, a chart
title or legend, a caption, a table.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.expected import ALL_ROWS, MISSIONS

APP = Path(__file__).resolve().parent.parent / "app.py"


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def timelines(at: AppTest) -> list[dict]:
    """The timeline figures of the Missions page (the outcome charts below them left out)."""
    return [f for f in figures(at) if not title_of(f).startswith("Success and failure")]


def title_of(figure: dict) -> str:
    return figure["layout"]["title"]["text"].replace("<br>", " ")


def legend_of(figure: dict) -> list[str]:
    return [trace["name"] for trace in figure["data"] if trace.get("showlegend", True) and trace.get("name")]


def text_of(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown).replace("\\", "")


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "")


def test_sidebar_destination_filter_twice() -> None:
    at = open_page("views/home.py")
    for chosen in (["moon"], ["moon", "giant_planets"]):
        at.multiselect(key="destination").set_value(chosen).run()
        expected = MISSIONS["destination_id"].isin(chosen).sum()
        assert {m.label: m.value for m in at.metric}["Missions"] == str(expected)
        assert at.multiselect(key="destination").value == chosen


def test_sidebar_year_slider_and_status_twice() -> None:
    at = open_page("views/home.py")
    for years in ((1990, 2030), (1960, 1975)):
        at.slider(key="years").set_value(years).run()
        start = MISSIONS["launch_year"].fillna(MISSIONS["window_start"])
        expected = start.between(*years).sum()
        assert {m.label: m.value for m in at.metric}["Missions"] == str(expected)
    for statuses in (["failed"], ["failed", "completed"]):
        at.multiselect(key="status").set_value(statuses).run()
        start = MISSIONS["launch_year"].fillna(MISSIONS["window_start"])
        expected = (start.between(1960, 1975) & MISSIONS["status"].isin(statuses)).sum()
        assert {m.label: m.value for m in at.metric}["Missions"] == str(expected)


def test_reset_filters_clears_every_filter() -> None:
    at = open_page("views/home.py", {"destination": "Moon", "years": ["1990", "2000"]})
    at.button(key="reset_filters").click().run()
    assert at.multiselect(key="destination").value == []
    assert at.slider(key="years").value == (1957, 2061)
    assert {m.label: m.value for m in at.metric}["Missions"] == str(len(MISSIONS))


def test_pillar_segmented_control_twice() -> None:
    at = open_page("views/pillars.py")
    for step, header in (("technologies", "Pillar 3: Key technologies"), ("missions", "Pillar 2: Space missions")):
        at.segmented_control(key="pillar").set_value(step).run()
        assert at.header[0].value == header


def test_pillar_next_button_twice() -> None:
    at = open_page("views/pillars.py")
    at.button(key="pillar_next").click().run()
    at.button(key="pillar_next").click().run()
    assert at.header[0].value == "Pillar 3: Key technologies"
    assert at.segmented_control(key="pillar").value == "technologies"


def test_destination_focus_twice() -> None:
    at = open_page("views/destinations.py")
    for focus, name in (("small_bodies", "Small bodies"), ("giant_planets", "Giant planet systems")):
        at.selectbox(key="focus").set_value(focus).run()
        assert at.header[0].value == name
        assert f"{name}: missions from first flight to 2061" in [title_of(f) for f in figures(at)]


def test_compare_twice_and_never_the_focus() -> None:
    at = open_page("views/destinations.py")
    for compare, name in (("exoplanets", "Exoplanets and their systems"), ("small_bodies", "Small bodies")):
        at.selectbox(key="compare").set_value(compare).run()
        cards = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
        assert cards[-3:-1] == ["**Moon**", f"**{name}**"]
    at.selectbox(key="focus").set_value("small_bodies").run()
    assert at.selectbox(key="compare").value != "small_bodies"
    assert "moon" in at.selectbox(key="compare").options or "Moon" in at.selectbox(key="compare").options


def test_destination_timeline_colouring_twice() -> None:
    at = open_page("views/destinations.py")
    at.segmented_control(key="dcolour").set_value("lead_agency").run()
    legend = legend_of(figures(at)[0])
    assert "NASA" in legend and "Completed" not in legend
    at.segmented_control(key="dcolour").set_value("mode").run()
    legend = legend_of(figures(at)[0])
    assert "Delivery of instruments" in legend and "NASA" not in legend


def test_cooperation_cell_twice() -> None:
    at = open_page("views/cooperation.py")
    at.selectbox(key="cell_mode").set_value("multi_platform").run()
    at.selectbox(key="cell_destination").set_value("giant_planets").run()
    assert "Cassini" in set(at.dataframe[0].value["name"])
    at.selectbox(key="cell_destination").set_value("terrestrial_planets").run()
    assert "BepiColombo" in set(at.dataframe[0].value["name"])
    assert "Cassini" not in set(at.dataframe[0].value["name"])


def test_ladder_expanders_build_when_opened_twice() -> None:
    """A closed step of the ladder builds nothing; opening it shows its text, every time."""
    at = open_page("views/cooperation.py")
    step = at.expander[0]
    assert step.key == "ladder_instrument_delivery" and len(step.markdown) == 0
    for _ in range(2):
        at.session_state["ladder_instrument_delivery"] = True
        at.run()
        opened = " ".join(m.value for m in at.expander[0].markdown)
        assert "One agency builds an instrument" in opened and "In the data:" in opened
        assert len(at.expander[1].markdown) == 0  # the next step stays closed and unbuilt
        at.session_state["ladder_instrument_delivery"] = False
        at.run()
        assert len(at.expander[0].markdown) == 0
    at.session_state[at.expander[1].key] = True
    at.run()
    assert "In the data:" in " ".join(m.value for m in at.expander[1].markdown)


@pytest.mark.parametrize(
    ("page", "key", "expected"),
    [
        ("views/destinations.py", "table_7_1_in_full", "*Most promising modes:*"),
        ("views/cooperation.py", "models_in_full", "*Lessons:*"),
    ],
)
def test_a_read_in_full_expander_builds_when_opened_twice(page: str, key: str, expected: str) -> None:
    at = open_page(page)

    def written_out() -> str:
        return " ".join(m.value for m in at.get_by_key(key).markdown) if at.get_by_key(key) else ""

    assert expected not in written_out()
    for _ in range(2):
        at.session_state[key] = True
        at.run()
        assert expected in written_out()
        at.session_state[key] = False
        at.run()
        assert expected not in written_out()


def test_cooperation_breakdown_twice() -> None:
    at = open_page("views/cooperation.py")
    for by, title in (("era", "Cooperation modes by era"), ("status", "Cooperation modes by mission status")):
        at.segmented_control(key="breakdown").set_value(by).run()
        titles = [title_of(f) for f in figures(at)]
        assert title in titles
        assert "Cooperation modes by agency" not in titles


def test_missions_colouring_twice() -> None:
    at = open_page("views/missions.py", {"mode": ["Multi-platform mission", "Delivery of instruments"]})
    at.segmented_control(key="colour").set_value("lead_agency").run()
    legend = set(legend_of(figures(at)[0]))
    assert "NASA" in legend and "Multi-platform mission" not in legend
    at.segmented_control(key="colour").set_value("mode").run()
    assert set(legend_of(figures(at)[0])) <= {"Multi-platform mission", "Delivery of instruments"}
    assert "Delivery of instruments" in set(legend_of(figures(at)[0]))


def test_missions_search_twice() -> None:
    at = open_page("views/missions.py")
    at.text_input(key="search").input("huygens").run()
    # Huygens, and Cassini, which carried it (its alias Cassini–Huygens)
    assert [s.value for s in at.success] == ["2 mission(s) match “huygens”: outlined in black below."]
    at.text_input(key="search").input("kaguya").run()
    assert [s.value for s in at.success] == ["1 mission(s) match “kaguya”: outlined in black below."]
    assert list(at.dataframe[0].value["name"]) == ["SELENE / Kaguya"]


def test_missions_timeline_part_twice() -> None:
    at = open_page("views/missions.py")
    parts = at.selectbox(key="part").options
    assert parts[0].startswith("Moon, 1958")  # Pioneer 0 and the first Luna attempts
    at.selectbox(key="part").set_value(parts[3]).run()
    assert [title_of(f) for f in timelines(at)] == [f"Missions to {parts[3]}"]
    at.button(key="part_next").click().run()  # "Later"
    assert [title_of(f) for f in timelines(at)] == [f"Missions to {parts[4]}"]
    assert at.selectbox(key="part").value == parts[4]
    for figure in timelines(at):
        assert len({y for trace in figure["data"] for y in (trace.get("y") or [])}) <= 41


def test_missions_split_toggle_twice() -> None:
    at = open_page("views/missions.py", {"destination": ["Moon", "Exoplanets and their systems"]})
    at.toggle(key="split").set_value(True).run()
    assert [e.label.split(" — ")[0] for e in at.main.expander] == ["Moon", "Exoplanets and their systems"]
    at.toggle(key="split").set_value(False).run()
    assert len(at.main.expander) == 0


def test_agencies_tab_twice() -> None:
    at = open_page("views/agencies.py")
    at.session_state["tab"] = "Agency profile"
    at.run()
    assert at.subheader[0].value == "European Space Agency"
    at.session_state["tab"] = "Autonomy matrix"
    at.run()
    assert not at.subheader
    assert "Autonomy" in title_of(figures(at)[0])


def test_agency_profile_twice() -> None:
    at = open_page("views/agencies.py", {"tab": "Agency profile"})
    profiles = (("jaxa", "Japan Aerospace Exploration Agency"), ("cnes", "Centre national d'études spatiales"))
    for agency, name in profiles:
        at.selectbox(key="profile").set_value(agency).run()
        assert at.subheader[0].value.replace("\\", "") == name


def test_autonomy_controls_twice() -> None:
    at = open_page("views/agencies.py", {"tab": "Autonomy matrix"})
    for scope, name in (("moon", "Moon"), ("small_bodies", "Small bodies")):
        at.selectbox(key="scope").set_value(scope).run()
        assert f"{name}, as of {date.today().year}" in title_of(figures(at)[0])
    for year in (2015, 2000):
        at.slider(key="asof").set_value(year).run()
        assert f"Small bodies, as of {year}" in title_of(figures(at)[0])
    for group in ("iss_partnership", "all"):
        at.selectbox(key="among").set_value(group).run()
        within = "within" in title_of(figures(at)[0])
        assert within == (group != "all")


def test_data_table_and_row_filter_twice(dataset) -> None:
    at = open_page("views/data_sources.py")
    for table in ("agencies", "groups"):
        at.selectbox(key="table").set_value(table).run()
        assert len(at.dataframe[0].value) == len(dataset.table(table))
    at.selectbox(key="table").set_value("missions").run()
    for query in ("Hayabusa", "Venera"):
        at.text_input(key="rows").input(query).run()
        text = ALL_ROWS.astype("string")  # the Data page shows the file as it is, programme rows too
        expected = pd.concat([text[c].str.contains(query, case=False, na=False) for c in text], axis=1).any(axis=1)
        assert f"{int(expected.sum())} of {len(ALL_ROWS)} rows" in captions(at)


def test_home_pick_twice() -> None:
    at = open_page("views/home.py")
    for pick, name in (("small_bodies", "Small bodies"), ("exoplanets", "Exoplanets and their systems")):
        at.selectbox(key="pick").set_value(pick).run()
        labels = [link.proto.label for link in at.get("page_link") if "deep dive" in link.proto.label]
        assert labels == [f"Open the {name} deep dive"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"focus": "sun"}, "not a Table 7.1 destination"),
        ({"focus": "moon", "compare": "moon"}, "it is the destination in focus"),
        ({"tab": "profile", "profile": "eu"}, "no mission in the data involves it"),
        ({"tab": "autonomy", "asof": "2040"}, "the matrix reads the record up to"),
    ],
)
def test_values_a_view_cannot_show_get_a_notice(query: dict, expected: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("views/agencies.py" if "tab" in query else "views/destinations.py").run()
    notice = " ".join(w.value for w in at.warning).replace("\\", "")
    assert expected in notice
