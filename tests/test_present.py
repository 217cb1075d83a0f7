"""Presentation sequences (``components.present``) and the Present page in AppTest.

The pure part: the ready-made tour, a sequence as a link and back, what a step keeps, the
notices for what a hand-edited link gets wrong, and the editing steps. The page: presentation
mode from the URL and from the toggle, stepping with Next and Previous, building a sequence,
each control used twice in a row by its fixed key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.charts import CHARTS_BY_ID
from components.data import Dataset
from components.filters import FilterState
from components.present import (
    CUSTOM,
    MAX_STEPS,
    Step,
    as_custom,
    clamp_step,
    moved,
    page_sequence,
    parse_sequence,
    ready_made,
    sequence_items,
    step_filters,
    step_for,
    step_state,
    with_step,
    without,
)
from components.state import view_choices

APP = Path(__file__).resolve().parent.parent / "app.py"


def vocabulary(dataset: Dataset):
    return view_choices(dataset).vocabulary


TABLE_DESTINATIONS = ["moon", "terrestrial_planets", "giant_planets", "small_bodies", "heliopause_ism", "exoplanets"]


# ---------------------------------------------------------------- the pure part


def test_the_tour_walks_pillars_then_destinations_then_the_modes(dataset: Dataset) -> None:
    tour = ready_made("tour", vocabulary(dataset))
    charts = [step.chart_id for step in tour.steps]
    assert charts[:4] == [
        "pillars_science_matrix",
        "pillars_missions_by_status",
        "pillars_partner_contributions",
        "pillars_deep_space_antennas",
    ]
    assert [step.title for step in tour.steps[:4]] == [
        "Pillar 1: Science questions",
        "Pillar 2: Space missions",
        "Pillar 3: Key technologies",
        "Pillar 4: Infrastructures and services",
    ]
    middle = tour.steps[4:-1]
    assert [dict(step.params)["focus"] for step in middle[::2]] == TABLE_DESTINATIONS
    assert {step.chart_id for step in middle[::2]} == {"destination_table_row"}
    assert {step.chart_id for step in middle[1::2]} == {"destination_timeline"}
    assert middle[4].title == "Giant planet systems: Table 7.1"
    assert charts[-1] == "cooperation_recommended_vs_practised"
    assert len(tour) == 4 + 2 * 6 + 1


def test_an_empty_or_named_sequence_is_the_tour(dataset: Dataset) -> None:
    for code in (None, "", "  ", "tour"):
        sequence, notices = parse_sequence(code, vocabulary(dataset))
        assert sequence.seq_id == "tour" and notices == []
        assert sequence.code() == "tour"


def test_a_custom_sequence_round_trips_through_its_code(dataset: Dataset) -> None:
    custom = as_custom(ready_made("tour", vocabulary(dataset)))
    assert custom.seq_id == CUSTOM and custom.code().count("|") == len(custom) - 1
    again, notices = parse_sequence(custom.code(), vocabulary(dataset))
    assert notices == []
    assert [s.chart_id for s in again.steps] == [s.chart_id for s in custom.steps]
    assert again.code() == parse_sequence(again.code(), vocabulary(dataset))[0].code()


def test_a_step_keeps_only_what_its_chart_follows(dataset: Dataset) -> None:
    state = FilterState(agencies=("esa", "jaxa"), year_from=1990, year_to=2030, focus="moon", profile="nasa")
    timeline = step_for("destination_timeline", state)
    assert timeline.code() == "destination_timeline~agency=esa,jaxa~years=1990-2030~focus=moon"
    # The science matrix follows no filter at all; the heritage chart only the destination in focus.
    assert step_for("pillars_science_matrix", state).code() == "pillars_science_matrix"
    assert step_for("destination_heritage", state).code() == "destination_heritage~focus=moon"
    drawn = step_state(timeline, vocabulary(dataset))
    assert (drawn.agencies, drawn.years, drawn.focus) == (("esa", "jaxa"), (1990, 2030), "moon")
    assert step_filters(timeline, vocabulary(dataset)) == "Moon · ESA, JAXA · 1990–2030"


def test_what_a_hand_edited_sequence_gets_wrong_is_named(dataset: Dataset) -> None:
    code = "destination_timeline~focus=moon~agency=esa,nosuch|bogus_chart|missions_timeline~search=Luna|~|"
    sequence, notices = parse_sequence(code, vocabulary(dataset))
    assert [s.chart_id for s in sequence.steps] == ["destination_timeline", "missions_timeline", "bogus_chart"][:2]
    assert dict(sequence.steps[0].params) == {"agency": "esa", "focus": "moon"}
    assert "step 1: agency 'nosuch' (not a known agency)" in notices
    assert "step 2: 'bogus_chart' is not a chart of the app" in notices
    assert "step 3: 'search=Luna' (not a view parameter a step can carry)" in notices
    assert any(n.startswith("step 4:") for n in notices)


def test_a_sequence_with_nothing_usable_falls_back_to_the_tour(dataset: Dataset) -> None:
    sequence, notices = parse_sequence("<script>alert(1)</script>|nothing", vocabulary(dataset))
    assert sequence.seq_id == "tour"
    assert notices[-1] == "no usable step: showing the ready-made tour"


def test_a_sequence_keeps_at_most_forty_steps(dataset: Dataset) -> None:
    sequence, notices = parse_sequence("|".join(["cooperation_ladder"] * 50), vocabulary(dataset))
    assert len(sequence) == MAX_STEPS
    assert notices == [f"more than {MAX_STEPS} steps: the first {MAX_STEPS} are kept"]
    assert len(with_step(sequence, Step("cooperation_ladder"))) == MAX_STEPS


def test_editing_moves_adds_and_removes_steps(dataset: Dataset) -> None:
    three = parse_sequence("cooperation_ladder|missions_timeline|autonomy_matrix", vocabulary(dataset))[0]
    assert [s.chart_id for s in moved(three, 2, -1).steps] == [
        "cooperation_ladder",
        "autonomy_matrix",
        "missions_timeline",
    ]
    assert moved(three, 0, -1).code() == three.code()  # the first step cannot move up
    assert [s.chart_id for s in without(three, 1).steps] == ["cooperation_ladder", "autonomy_matrix"]
    added = with_step(ready_made("tour", vocabulary(dataset)), Step("agencies_network"))
    assert added.seq_id == CUSTOM and added.steps[-1].chart_id == "agencies_network" and len(added) == 18
    assert (clamp_step(None, three), clamp_step(0, three), clamp_step(9, three), clamp_step(2, three)) == (1, 1, 3, 2)


def test_a_page_presented_becomes_its_charts_in_its_view(dataset: Dataset) -> None:
    state = FilterState(focus="giant_planets", compare="small_bodies", destinations=("giant_planets",))
    sequence = page_sequence("destinations", state)
    assert [s.chart_id for s in sequence.steps] == [
        "destination_timeline",
        "destination_heritage",
        "destination_comparison",
    ]
    assert "focus=giant_planets" in sequence.steps[0].code()
    assert "compare=small_bodies" in sequence.steps[2].code()
    assert page_sequence("data", state) is None  # a page without charts stays itself


def test_sequence_items_draw_each_step_with_its_own_filters(dataset: Dataset) -> None:
    code = (
        "destination_heritage~focus=moon|destination_heritage~focus=small_bodies|destination_table_row~focus=exoplanets"
    )
    items, skipped = sequence_items(parse_sequence(code, vocabulary(dataset))[0], dataset)
    assert skipped == []
    assert [item.stem[:3] for item in items] == ["01_", "02_", "03_"]
    titles = [item.title for item in items]
    assert "Moon" in titles[0] and "Small bodies" in titles[1] and titles[2].startswith("Exoplanets")
    assert len({item.stem for item in items}) == 3


def test_the_table_row_chart_shows_the_destinations_benefits_and_modes(dataset: Dataset) -> None:
    from components.charts import ChartContext, build

    figure, summary = build("destination_table_row", ChartContext(dataset, FilterState(focus="small_bodies")))
    table = figure.data[0]
    assert table.type == "table"
    benefits, modes = table.cells.values[0][0], table.cells.values[1][0]
    expected = dataset.destination_benefits.query("destination_id == 'small_bodies'")["benefit"]
    assert benefits.count("•") == len(expected) > 0
    recommended = dataset.destination_modes.query("destination_id == 'small_bodies'")["mode_id"]
    assert modes.count(". ") >= len(recommended) > 0
    assert figure.layout.title.text.startswith("Small bodies: what cooperation would bring")
    assert summary.startswith("For Small bodies, the chapter names")
    assert CHARTS_BY_ID["destination_table_row"].page == "present"


# ---------------------------------------------------------------- the page


def open_present(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page("views/present.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def headings(at: AppTest) -> list[str]:
    return [m.value.replace("\\", "") for m in at.main.markdown if m.value.startswith(("## ", "#### "))]


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]


def test_presentation_mode_from_the_link_steps_forward_twice_and_back() -> None:
    at = open_present({"present": "1"})
    assert headings(at) == ["## Pillar 1: Science questions"]
    assert not at.main.title  # no page title in presentation mode: the step fills the screen
    assert any(c.value.startswith("Step 1 of 17") for c in at.main.caption)
    at.button(key="step_next").click().run()
    assert headings(at) == ["## Pillar 2: Space missions"]
    at.button(key="step_next").click().run()
    assert headings(at) == ["## Pillar 3: Key technologies"]
    assert any(c.value.startswith("Step 3 of 17") for c in at.main.caption)
    assert at.session_state["step"] == 3
    at.button(key="step_previous").click().run()
    assert headings(at) == ["## Pillar 2: Space missions"]
    assert not at.exception


def test_the_step_picker_moves_twice_and_a_table_row_step_draws_its_row() -> None:
    at = open_present({"present": "true"})
    at.selectbox(key="step").set_value(5).run()
    assert headings(at) == ["## Moon: Table 7.1"]
    assert chart_titles(at) == ["Moon: what cooperation would bring (Table 7.1)"]
    at.selectbox(key="step").set_value(9).run()
    assert headings(at) == ["## Giant planet systems: Table 7.1"]
    assert chart_titles(at)[0].startswith("Giant planet systems: what cooperation would bring")


def test_the_toggle_switches_presentation_mode_off_and_on_again() -> None:
    at = open_present({"present": "true", "step": "2"})
    assert not at.main.title
    at.toggle(key="present").set_value(False).run()
    assert [t.value for t in at.main.title] == ["Present"]
    assert at.session_state["step"] == 2  # the step holds
    at.toggle(key="present").set_value(True).run()
    assert not at.main.title and headings(at) == ["## Pillar 2: Space missions"]
    at.toggle(key="present").set_value(False).run()
    assert [t.value for t in at.main.title] == ["Present"]


def test_building_a_sequence_adds_twice_moves_and_removes() -> None:
    at = open_present()
    assert [t.value for t in at.main.title] == ["Present"]
    at.button(key="present_edit").click().run()
    assert at.session_state["seq"].startswith("pillars_science_matrix")
    at.selectbox(key="present_add_chart").set_value("destination_heritage").run()
    at.selectbox(key="present_add_focus").set_value("small_bodies").run()
    at.button(key="present_add").click().run()
    assert at.session_state["seq"].endswith("|destination_heritage~focus=small_bodies")
    assert at.session_state["step"] == 18
    at.selectbox(key="present_add_focus").set_value("exoplanets").run()
    at.button(key="present_add").click().run()
    assert at.session_state["seq"].endswith(
        "destination_heritage~focus=small_bodies|destination_heritage~focus=exoplanets"
    )
    assert at.session_state["step"] == 19
    assert chart_titles(at)[0].endswith("Exoplanets and their systems")
    at.button(key="present_up_18").click().run()
    assert at.session_state["seq"].endswith(
        "destination_heritage~focus=exoplanets|destination_heritage~focus=small_bodies"
    )
    at.button(key="present_drop_0").click().run()
    at.button(key="present_drop_0").click().run()
    steps = at.session_state["seq"].split("|")
    assert len(steps) == 17 and steps[0] == "pillars_partner_contributions"
    assert not at.exception


def test_a_sequence_link_with_mistakes_says_what_was_left_out() -> None:
    at = open_present({"seq": "cooperation_ladder|nosuch_chart|destination_heritage~focus=Atlantis"})
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "'nosuch_chart' is not a chart of the app" in warning
    assert "Atlantis" in warning
    assert any("2 steps" in c.value for c in at.main.caption)


@pytest.mark.parametrize("page", ["views/destinations.py", "views/cooperation.py"])
def test_present_on_another_page_presents_that_pages_charts(page: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["focus"] = "Small bodies"
    at.run()
    at.switch_page(page).run()
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    assert not at.main.title
    assert at.session_state["seq"].split("|")[0].split("~")[0] in {"destination_timeline", "cooperation_ladder"}


def test_a_cleaned_sequence_link_is_told_once_and_then_holds() -> None:
    at = open_present({"seq": "cooperation_ladder|nosuch_chart"})
    assert "nosuch_chart" in " ".join(w.value for w in at.warning).replace("\\", "")
    assert at.session_state["seq"] == "cooperation_ladder"
    at.run()
    assert not at.warning and at.session_state["seq"] == "cooperation_ladder"


def test_a_sequence_pasted_twice_into_its_field_is_cleaned_each_time() -> None:
    at = open_present()
    at.text_input(key="seq").set_value("cooperation_ladder|bogus|autonomy_matrix~scope=moon").run()
    assert not at.exception
    assert "'bogus' is not a chart of the app" in " ".join(w.value for w in at.warning).replace("\\", "")
    at.run()
    assert at.session_state["seq"] == "cooperation_ladder|autonomy_matrix~scope=moon"
    assert any("2 steps" in c.value for c in at.main.caption)
    at.text_input(key="seq").set_value("destination_heritage~focus=exoplanets~agency=nosuch").run()
    at.run()
    assert not at.exception
    assert at.session_state["seq"] == "destination_heritage~focus=exoplanets"
    assert chart_titles(at)[0].endswith("Exoplanets and their systems")


def test_the_export_command_writes_a_sequence_as_a_deck(tmp_path, capsys) -> None:
    from pptx import Presentation

    from components.export.__main__ import main

    code = "destination_heritage~focus=moon|destination_table_row~focus=exoplanets|nosuch"
    status = main(["--format", "pptx", "--out", str(tmp_path), "--seq", code, "--quiet"])
    err = capsys.readouterr().err
    assert status == 0, err
    assert "ignored: seq: step 3: 'nosuch' is not a chart of the app" in err
    (deck_path,) = tmp_path.glob("*.pptx")
    slides = list(Presentation(str(deck_path)).slides)
    assert len(slides) == 2 + 2
    titles = [slide.shapes.title.text for slide in slides]
    assert "Moon" in titles[1] and titles[2].startswith("Exoplanets and their systems: what cooperation")
    assert main(["--format", "png", "--out", str(tmp_path), "--seq", code, "--strict"]) == 2
    with pytest.raises(SystemExit) as refused:
        main(["--format", "png", "--out", str(tmp_path), "--seq", code, "--charts", "cooperation_ladder"])
    assert refused.value.code == 2
    assert "exclude each other" in capsys.readouterr().err
