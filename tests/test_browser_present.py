"""Presentation mode in a real browser: the arrow keys step through the tour, the URL follows,
the sidebar and toolbar are hidden, and a reopened link opens the same step.

A facilitator presses → and ← in front of a room. Each press is checked twice in a row (a
handler that dropped every second key passes a single press), against the step's heading,
the footer and the address bar; then the last address is opened in a fresh context.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .browser_support import streamlit_server
from .test_browser_interactions import eventually, new_page, settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    with streamlit_server(env={"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}) as base:
        yield base


def open_presenting(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h2', timeout=30_000)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
    settle(page)


def heading(page) -> str:
    return page.locator('[data-testid="stMain"] h2').first.inner_text().strip()


def footer(page) -> str:
    return page.locator(".st-key-present_footer [data-testid='stCaptionContainer']").first.inner_text().strip()


def step_in_url(page) -> str | None:
    return (parse_qs(urlsplit(page.url).query).get("step") or [None])[0]


def press(page, key: str) -> None:
    page.locator('[data-testid="stMain"] h2').first.click()  # the page, not a field, has the focus
    page.keyboard.press(key)
    page.wait_for_timeout(400)
    settle(page)


def test_arrow_keys_step_twice_each_way_and_the_link_reopens_the_step(server, browser) -> None:
    page = new_page(browser)
    open_presenting(page, f"{server}/present?present=1")
    assert heading(page) == "Pillar 1: Science questions"
    eventually(page, lambda: parse_qs(urlsplit(page.url).query).get("present"), ["true"], "present in the URL")

    # Hidden chrome: neither the sidebar nor Streamlit's toolbar and menu show.
    for testid in ("stSidebar", "stToolbar", "stMainMenu", "stHeader"):
        shown = page.locator(f'[data-testid="{testid}"]')
        assert shown.count() == 0 or not shown.first.is_visible(), f"{testid} is visible in presentation mode"
    assert not page.locator("text=Sequence code").first.is_visible()

    press(page, "ArrowRight")
    eventually(page, lambda: heading(page), "Pillar 2: Space missions", "heading after →")
    eventually(page, lambda: step_in_url(page), "2", "step in the URL after →")
    assert footer(page).startswith("Step 2 of 17")
    press(page, "ArrowRight")
    eventually(page, lambda: heading(page), "Pillar 3: Key technologies", "heading after → →")
    eventually(page, lambda: step_in_url(page), "3", "step in the URL after → →")
    for _ in range(2):
        press(page, "ArrowRight")
    eventually(page, lambda: heading(page), "Moon: Table 7.1", "heading at step 5")
    eventually(page, lambda: step_in_url(page), "5", "step in the URL at step 5")
    title = page.locator('[data-testid="stPlotlyChart"] .gtitle').first.text_content()
    assert "Moon: what cooperation would bring" in title
    press(page, "ArrowLeft")
    eventually(page, lambda: step_in_url(page), "4", "step in the URL after ←")
    press(page, "ArrowLeft")
    eventually(page, lambda: heading(page), "Pillar 3: Key technologies", "heading after ← ←")
    eventually(page, lambda: step_in_url(page), "3", "step in the URL after ← ←")
    link = page.url
    assert page.js_errors == []
    page.context.close()

    again = new_page(browser)
    open_presenting(again, link)
    assert heading(again) == "Pillar 3: Key technologies"
    assert footer(again).startswith("Step 3 of 17")
    again.context.close()


def test_the_toggle_leaves_presentation_mode_and_brings_the_sidebar_back(server, browser) -> None:
    page = new_page(browser)
    open_presenting(page, f"{server}/present?present=true&step=2")
    page.locator(".st-key-present_footer").get_by_text("Presentation mode").click()
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)
    assert page.locator('[data-testid="stSidebar"]').first.is_visible()
    assert "present" not in parse_qs(urlsplit(page.url).query)
    assert step_in_url(page) == "2"  # the step holds when the mode goes
    page.get_by_role("button", name="Present full screen").click()
    page.wait_for_selector('[data-testid="stMain"] h2', timeout=30_000)
    settle(page)
    assert heading(page) == "Pillar 2: Space missions"
    eventually(page, lambda: not page.locator('[data-testid="stSidebar"]').first.is_visible(), True, "sidebar hidden")
    page.context.close()


def test_present_on_a_page_presents_that_views_charts(server, browser) -> None:
    page = new_page(browser)
    page.goto(f"{server}/destinations?focus=Small+bodies&present=1", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
    settle(page)
    query = parse_qs(urlsplit(page.url).query)
    assert urlsplit(page.url).path == "/present"
    assert query["seq"][0].startswith("destination_timeline~focus=small_bodies")
    title = page.locator('[data-testid="stPlotlyChart"] .gtitle').first.text_content()
    assert title.startswith("Small bodies")
    page.context.close()
