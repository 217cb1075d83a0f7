"""Smoke test in a real browser: Debian's Chromium driven by Playwright against `streamlit run`.

Every page opens without an exception box or a JavaScript error, Home shows the headline
figures computed from the data, and no request leaves localhost (workshops run offline).
"""

from __future__ import annotations

import pytest

from components.data import Dataset
from components.metrics import headline_figures

from .browser_support import CHROMIUM_FLAGS, chromium_path, is_local, streamlit_server

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")

PAGES = {"": "Horizon 2061 Explorer", "data": "Data & sources"}


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium not found: run `make test`, which installs it, or set CHROMIUM_PATH")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.outside_requests = []
    page.js_errors = []
    page.on("request", lambda r: None if is_local(r.url) else page.outside_requests.append(r.url))
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    yield page
    context.close()


def open_page(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    # Wait for the script run to finish (the status widget disappears when idle).
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


@pytest.mark.parametrize(("path", "title"), PAGES.items(), ids=list(PAGES.values()))
def test_page_opens_cleanly(page, server, path: str, title: str) -> None:
    open_page(page, server, path)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.js_errors == []
    assert page.outside_requests == []


def test_home_shows_headline_figures(page, server, dataset: Dataset) -> None:
    figures = headline_figures(dataset.missions, dataset.agencies, dataset.destinations)
    open_page(page, server, "")
    page.wait_for_selector('[data-testid="stMetricValue"]')
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    shown = dict(zip([label.strip() for label in labels], [v.strip() for v in values], strict=True))
    assert shown["Missions"] == str(figures.missions)
    assert shown["Agencies and partners"] == str(figures.agencies)
    assert shown["Cooperative missions"] == f"{figures.cooperative_share:.0%}"
    assert shown["Destinations"] == "6"


def test_navigation_reaches_data_page(page, server) -> None:
    open_page(page, server, "")
    page.get_by_role("link", name="Data & sources").first.click()
    page.wait_for_url("**/data")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Download pillars.csv" in page.locator('[data-testid="stDownloadButton"]').first.inner_text()
