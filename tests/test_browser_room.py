"""The room in real browsers: a facilitator, three phones, and a server restart.

One browser context opens a room as the facilitator; three others join through the join
link the page shows and answer; the facilitator's live results must show all three within
10 s, without a reload. A participant's context, even with a made-up key, gets no control
over the room. Then the server is stopped and started again on the same database, and the
facilitator's link still shows every answer.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from .browser_support import streamlit_server
from .test_browser_interactions import eventually, new_page, settle

pytestmark = pytest.mark.browser

MODES = ("Integrated mission", "Inter-agency working group", "Delivery of instruments")


def room_env(tmp_path) -> dict[str, str]:
    return {
        "H2061_ROOM_DB": str(tmp_path / "room.sqlite"),
        "H2061_ROOM_HOST": "127.0.0.1",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)


def participants_shown(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Answered")
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def answer(page, modes: list[str]) -> None:
    moon = page.locator(".st-key-room_destination_moon")
    for mode in modes:
        moon.get_by_role("button", name=mode, exact=True).first.click()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text(re.compile(r"Sent for 1 destination")).wait_for(timeout=20_000)


def test_three_phones_answer_and_the_facilitator_sees_them_live(browser, tmp_path) -> None:
    env = room_env(tmp_path)
    with streamlit_server(env=env) as base:
        facilitator = new_page(browser)
        open_page(facilitator, f"{base}/room")
        facilitator.get_by_label("Title (shown to participants)").fill("Moon workshop")
        facilitator.get_by_role("button", name="Open a room").click()
        facilitator.get_by_text("Room code:").wait_for(timeout=20_000)
        settle(facilitator)
        query = parse_qs(urlsplit(facilitator.url).query)
        code, key = query["room"][0], query["key"][0]
        join = facilitator.locator('[data-testid="stCode"]').filter(has_text="/room?room=").first.inner_text().strip()
        assert join.startswith("http://127.0.0.1:") and key not in join
        facilitator_link = facilitator.url
        assert participants_shown(facilitator) == "0"

        phones = []
        started = None
        for number in range(3):
            phone = new_page(browser)
            open_page(phone, join)
            assert phone.get_by_text("Moon workshop").first.is_visible()
            modes = [MODES[number]] + ([MODES[0]] if number == 2 else [])
            answer(phone, modes)
            started = time.monotonic()
            phones.append(phone)
        # The last answer must reach the facilitator's screen within 10 s, by the live refresh alone.
        deadline = started + 10
        while participants_shown(facilitator) != "3" and time.monotonic() < deadline:
            facilitator.wait_for_timeout(250)
        assert participants_shown(facilitator) == "3", "the facilitator's results did not show all three answers"
        title = facilitator.locator('[data-testid="stPlotlyChart"] .gtitle').first
        eventually(facilitator, lambda: "3 participants" in title.text_content(), True, "the heatmap's title")

        # A participant with a made-up key gets the participant's view: no close, clear or export.
        intruder = phones[0]
        open_page(intruder, f"{base}/room?room={code}&key=made-up-key-0000000000")
        assert intruder.get_by_text("does not match this room").is_visible()
        for control in ("Close answers", "Clear the room", "Results as CSV"):
            assert intruder.get_by_role("button", name=control).count() == 0
        # The facilitator closes the answers; a phone then finds the form closed.
        facilitator.get_by_role("button", name="Close answers").click()
        facilitator.get_by_role("button", name="Reopen answers").wait_for(timeout=20_000)
        phone = phones[1]
        open_page(phone, join)
        assert phone.get_by_text("closed this poll").is_visible()
        assert phone.get_by_role("button", name="Send my answers").is_disabled()
        for page in (facilitator, *phones):
            assert page.js_errors == []
            page.context.close()

    # Stop the server, start it again on the same database: the answers are still there.
    with streamlit_server(env=env) as base:
        again = new_page(browser)
        open_page(again, facilitator_link.replace(urlsplit(facilitator_link).netloc, urlsplit(base).netloc))
        again.get_by_text("Room code:").wait_for(timeout=20_000)
        assert participants_shown(again) == "3"
        assert "3 participants" in again.locator('[data-testid="stPlotlyChart"] .gtitle').first.text_content()
        again.context.close()
