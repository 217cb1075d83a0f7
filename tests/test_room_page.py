"""The Room poll page in AppTest, and the room's agreement with Table 7.1.

A facilitator opens a room; participants join by its code (typed any way), answer, change an
answer and send again; the facilitator's results count every one of them beside the book.
Participants without the key cannot close, clear or export; a closed room refuses answers.
Each control is used twice in a row.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.analysis import AGREE, BOOK_ONLY, NEITHER, ROOM_ONLY, room_agreement
from components.charts.room import BOOK_MARK, room_summary, room_votes_figure
from components.data import Dataset

APP = Path(__file__).resolve().parent.parent / "app.py"
SIDEBAR_HIDDEN = '[data-testid="stSidebar"],'  # the presentation style's first selector, not any mention of the sidebar


@pytest.fixture
def room_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "room.sqlite"
    monkeypatch.setenv("H2061_ROOM_DB", str(path))
    monkeypatch.setenv("H2061_ROOM_HOST", "127.0.0.1")
    return path


def room_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page("views/room.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_room(title: str = "Lunar workshop") -> tuple[AppTest, str, str]:
    at = room_page()
    at.text_input(key="room_title").input(title).run()
    at.button(key="room_open").click().run()
    assert not at.exception
    return at, at.session_state["room"], at.query_params["key"]


def send(at: AppTest, answers: dict[str, list[str]], pillar: dict[str, str] | None = None) -> None:
    for destination_id, modes in answers.items():
        at.pills(key=f"room_modes_{destination_id}").set_value(modes)
    for destination_id, chosen in (pillar or {}).items():
        at.pills(key=f"room_pillar_{destination_id}").set_value(chosen)
    next(b for b in at.button if b.label == "Send my answers").click().run()
    assert not at.exception, [e.value for e in at.exception]


def votes_figure(at: AppTest) -> dict:
    (chart,) = [c for c in at.get("plotly_chart") if "room" in json.loads(c.proto.spec)["layout"]["title"]["text"]]
    return json.loads(chart.proto.spec)


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown).replace("\\", "")


def test_a_facilitator_sees_every_participant_beside_the_book(room_db) -> None:
    facilitator, code, key = open_room()
    assert f"Room code: `{code}`" in text(facilitator)
    join = next(c.value for c in facilitator.code if c.value.startswith("http://127.0.0.1:"))
    assert join.endswith(f"/room?room={code}") and key not in join
    assert len(facilitator.get("image")) == 1  # the QR code

    participants = []
    for number, modes in enumerate(
        (["integrated_mission", "working_group"], ["integrated_mission"], ["instrument_delivery"])
    ):
        typed = code.lower().replace("-", " ") if number == 0 else code
        at = room_page({"room": typed})
        assert at.main.header[0].value == "Lunar workshop"
        send(at, {"moon": modes}, {"moon": "technologies"})
        assert "Sent for 1 destination" in at.success[0].value
        participants.append(at)

    facilitator.run()
    figure = votes_figure(facilitator)
    assert "3 participants" in figure["layout"]["title"]["text"]
    heat = figure["data"][0]
    moon = heat["x"].index("Moon")
    rows = [label.replace("<br>", " ") for label in heat["y"]]
    integrated = rows.index("Integrated mission")
    assert heat["text"][integrated][moon] == f"67% {BOOK_MARK}"  # 2 of 3, and Table 7.1 recommends it
    metrics = {m.label: m.value for m in facilitator.metric}
    assert metrics["Participants"] == "3" and metrics["Answered"] == "3"
    assert "The room backs the book" in text(facilitator)


def test_a_participant_changes_an_answer_twice_and_it_counts_once(room_db) -> None:
    facilitator, code, _ = open_room()
    at = room_page({"room": code})
    send(at, {"moon": ["integrated_mission"]})
    send(at, {"moon": ["working_group"], "small_bodies": ["multi_platform"]})
    assert "Sent for 2 destinations" in at.success[0].value
    send(at, {"moon": ["working_group", "instrument_delivery"]})
    facilitator.run()
    heat = votes_figure(facilitator)["data"][0]
    moon = heat["x"].index("Moon")
    column = {row.replace("<br>", " "): heat["z"][i][moon] for i, row in enumerate(heat["y"])}
    assert column["Integrated mission"] == 0
    assert column["Inter-agency working group"] == 1 == column["Delivery of instruments"]
    assert "1 participant" in votes_figure(facilitator)["layout"]["title"]["text"]


def test_closing_twice_and_reopening_and_participants_cannot_act(room_db) -> None:
    facilitator, code, _ = open_room()
    participant = room_page({"room": code, "key": "not-the-key-at-all-1234"})
    assert "does not match" in participant.warning[0].value
    assert not [b for b in participant.button if b.key in ("room_close", "room_clear")]
    assert not [d for d in participant.get("download_button")]
    facilitator.button(key="room_close").click().run()
    assert facilitator.button(key="room_reopen")
    send(participant, {"moon": ["integrated_mission"]})  # the form was drawn while the room was open
    assert not participant.success  # refused: the page now says why and disables the form
    assert "closed this poll" in participant.info[0].value
    assert participant.pills(key="room_modes_moon").disabled
    facilitator.button(key="room_reopen").click().run()
    facilitator.button(key="room_close").click().run()
    facilitator.button(key="room_reopen").click().run()
    participant.run()
    send(participant, {"moon": ["integrated_mission"]})
    assert participant.success


def test_clearing_the_room_deletes_its_answers(room_db) -> None:
    facilitator, code, _ = open_room()
    send(room_page({"room": code}), {"giant_planets": ["integrated_mission"]})
    facilitator.run()
    assert "1 participant" in votes_figure(facilitator)["layout"]["title"]["text"]
    facilitator.button(key="room_clear").click().run()
    facilitator.run()
    assert "(0 participants" in votes_figure(facilitator)["layout"]["title"]["text"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("ZZZZZZ", "no room ZZZZZZ"), ("<b>x</b>", "letters"), ("a" * 11, "letters")],
)
def test_a_wrong_code_gets_a_clear_message_and_the_join_form(room_db, typed: str, message: str) -> None:
    at = room_page({"room": typed})
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert message.lower() in errors.lower(), errors
    assert at.button(key="room_open")  # still offered


def test_the_code_field_changed_twice_moves_between_rooms(room_db) -> None:
    _, first, _ = open_room("First")
    _, second, _ = open_room("Second")
    at = room_page()
    at.text_input(key="room").input(first).run()
    assert at.main.header[0].value == "First"
    at.text_input(key="room").input(second).run()
    assert at.main.header[0].value == "Second"


# ---------------------------------------------------------------- the room beside the book


def test_the_agreement_sorts_every_cell(dataset: Dataset) -> None:
    book = pd.DataFrame({"destination_id": ["moon", "moon"], "mode_id": ["integrated_mission", "working_group"]})
    votes = pd.DataFrame(
        {
            "destination_id": ["moon", "moon", "moon"],
            "mode_id": ["integrated_mission", "working_group", "multi_platform"],
            "votes": [3, 1, 2],
        }
    )
    table = room_agreement(
        votes, {"moon": 4}, book, ["moon", "exoplanets"], ["integrated_mission", "working_group", "multi_platform"]
    )
    category = table.set_index(["destination_id", "mode_id"])["category"]
    assert category[("moon", "integrated_mission")] == AGREE  # 75 % and in the book
    assert category[("moon", "working_group")] == BOOK_ONLY  # 25 %
    assert category[("moon", "multi_platform")] == ROOM_ONLY  # 50 %: half counts
    assert category[("exoplanets", "integrated_mission")] == NEITHER  # nobody answered
    assert room_summary(table, 4).endswith(
        "backs 1 of the book's 2 recommendations (half of those answering or more) and adds 1 of its own."
    )
    figure = room_votes_figure(
        table,
        {"moon": "Moon", "exoplanets": "Exoplanets"},
        {m: m for m in table["mode_id"]},
        participants=4,
        room="ABC-DEF",
    )
    assert figure.data[0].text[0][0] == f"75% {BOOK_MARK}"
    assert figure.data[0].text[1][1] == ""  # nobody answered and the book is silent
    assert room_summary(table.assign(answered=0), 0).startswith("No answer yet")


def test_the_facilitator_projects_the_room_and_back_twice(room_db) -> None:
    facilitator, code, _ = open_room()
    for projecting in (True, False, True):
        facilitator.toggle(key="present").set_value(projecting).run()
        assert not facilitator.exception
        chrome = [h for h in facilitator.get("html") if SIDEBAR_HIDDEN in h.proto.body]
        assert bool(chrome) == projecting
        assert f"Room code: `{code}`" in text(facilitator)  # the room stays on screen either way
    participant = room_page({"room": code, "present": "1"})
    assert not [h for h in participant.get("html") if SIDEBAR_HIDDEN in h.proto.body]  # not the facilitator's
