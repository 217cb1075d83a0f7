"""Uploads in Chromium: real files dropped on the uploader, as a workshop participant would.

A good file adds its missions to every view; a file with bad rows lists them by row, column
and reason; a file over 2 MB is refused with a clear message; HTML and script in cells show
as text (no element is made, no script runs); a downloaded CSV defuses formulas. Two uploads
in a row, then the page reopened in a fresh session, which shows none of them.
"""

from __future__ import annotations

import csv
import io

import pytest

from components.upload import EXAMPLES

from .browser_support import streamlit_server
from .test_browser_interactions import new_page, settle

pytestmark = pytest.mark.browser

PAYLOAD = '<img src=x onerror="window.__pwned=1">'
FORMULA = '=HYPERLINK("http://example.invalid","click")'


@pytest.fixture(scope="module")
def server():
    with streamlit_server(env={"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}) as base:
        yield base


def missions_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(EXAMPLES["missions"]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**EXAMPLES["missions"], **row})
    return buffer.getvalue().encode("utf-8")


def upload(page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_text(name).first.wait_for(timeout=30_000)
    settle(page)


def remove_files(page) -> None:
    chips = page.locator('[data-testid="stFileChipDeleteBtn"] button')
    while chips.count():
        chips.first.click()
        settle(page)


def open_upload(page, base: str) -> None:
    page.goto(f"{base}/upload", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)


def go_to(page, title: str) -> None:
    """In-app navigation (the sidebar's page links): a reload would start a new session, and
    uploaded rows live in the session."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)


def missions_count(page) -> int:
    go_to(page, "Home")
    page.wait_for_selector('[data-testid="stMetric"]', timeout=30_000)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Missions").first
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def test_good_bad_oversized_and_hostile_files(server, browser) -> None:
    page = new_page(browser)
    open_upload(page, server)
    shipped = missions_count(page)
    go_to(page, "Your data")

    # 1. A file with a good row, a bad year and an unknown agency: errors by row, column and reason.
    bad = missions_csv(
        [
            {"mission_id": "wk_good", "name": "Workshop lander"},
            {"mission_id": "wk_bad_year", "name": "Bad year", "launch_year": "20x0"},
            {"mission_id": "wk_bad_agency", "name": "Bad agency", "lead_agency_id": "nosuch"},
        ]
    )
    upload(page, "plans.csv", bad)
    assert page.get_by_text("3 rows read: 1 valid, 2 with errors").is_visible()
    errors = page.locator('[data-testid="stDataFrame"]').first
    errors.wait_for()
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "2 problems in 2 rows" in text
    remove_files(page)

    # 2. Over 2 MB: refused with a clear message, nothing added.
    big = missions_csv([{"mission_id": "wk_big", "note": "x" * (2 * 1024 * 1024)}])
    upload(page, "big.csv", big)
    assert page.get_by_text("an upload may be at most 2 MB").first.is_visible()
    assert page.get_by_role("button", name="Add the 0 valid rows to every view").is_disabled()
    remove_files(page)

    # 3. HTML and script, and a formula: kept as text, shown inert, added to the session.
    hostile = missions_csv(
        [
            {"mission_id": "wk_html", "name": PAYLOAD},
            {"mission_id": "wk_formula", "name": FORMULA},
        ]
    )
    upload(page, "hostile.csv", hostile)
    assert page.get_by_text("2 rows read: 2 valid, 0 with errors").is_visible()
    page.get_by_role("button", name="Add the 2 valid rows to every view").click()
    page.get_by_text("2 missions and 2 participant rows of yours").wait_for(timeout=30_000)
    settle(page)
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0

    # The downloaded CSV defuses the formula.
    with page.expect_download() as download:
        page.get_by_role("button", name="Your missions as CSV").click()
    content = download.value.path().read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in content and PAYLOAD.replace('"', '""') in content

    # Every view of this session counts them; the uploaded payload is text on the timeline too.
    assert missions_count(page) == shipped + 2
    go_to(page, "Destinations")  # the Moon in focus, by default
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
    settle(page)
    assert page.evaluate("() => window.__pwned === undefined")
    labels = " ".join(t.text_content() for t in page.locator(".yaxislayer-above text").all())
    assert "<img src=x" in labels and "⇪" in labels
    assert page.js_errors == []
    page.context.close()

    # A colleague's session never sees them.
    other = new_page(browser)
    open_upload(other, server)
    assert missions_count(other) == shipped
    other.context.close()
