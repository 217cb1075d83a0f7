"""Smoke test in a real browser: Debian's Chromium driven by Playwright against `streamlit run`.

Every page opens without an exception box or a JavaScript error, Home shows the headline
figures computed from the data, and no request leaves localhost (workshops run offline).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.expected import MISSIONS, PARTICIPANTS

from .browser_support import is_local, streamlit_server

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "pages"

playwright_api = pytest.importorskip("playwright.sync_api")

PAGES = {
    "": "Horizon 2061 Explorer",
    "pillars": "The four pillars",
    "destinations": "Destinations",
    "cooperation": "Cooperation",
    "missions": "Missions",
    "agencies": "Agencies",
    "data": "Data & sources",
}
PAGES_WITH_CHARTS = {"", "pillars", "destinations", "cooperation", "missions", "agencies"}


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.outside_requests = []
    page.js_errors = []
    page.on("request", lambda r: None if is_local(r.url) else page.outside_requests.append(r.url))
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    return page


def settle(page) -> None:
    """Wait until the script run is over (the status widget disappears when idle)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


def open_page(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)


@pytest.mark.parametrize(("path", "title"), PAGES.items(), ids=list(PAGES.values()))
def test_page_opens_cleanly(page, server, path: str, title: str) -> None:
    open_page(page, server, path)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    if path in PAGES_WITH_CHARTS:
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=20_000)
    assert page.js_errors == []
    assert page.outside_requests == []


def test_map_renders_offline(page, server) -> None:
    open_page(page, server, "agencies")
    page.get_by_role("tab", name="World map").click()
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(timeout=20_000)
    box = canvas.bounding_box()
    assert box["width"] > 400 and box["height"] > 300
    page.wait_for_timeout(1500)
    assert page.outside_requests == []
    assert page.js_errors == []


def test_autonomy_matrix_flags_the_soyuz_years(page, server) -> None:
    open_page(page, server, "agencies?among=iss_partnership&asof=2015")
    page.get_by_role("tab", name="Autonomy matrix").click()
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="Single points of failure")
    caption.first.wait_for(timeout=20_000)
    assert "crew transport by Roscosmos" in caption.first.inner_text()


def test_home_shows_headline_figures(page, server) -> None:
    missions = MISSIONS  # counted straight from the CSV; programme rows are listed apart, not counted
    real = missions[~missions["status"].isin(["notional", "cancelled"])]
    agencies = PARTICIPANTS["agency_id"].nunique()
    open_page(page, server, "")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 4")
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    shown = dict(zip([label.strip() for label in labels], [v.strip() for v in values], strict=True))
    assert shown["Missions"] == str(len(missions))
    assert shown["Agencies and partners"] == str(agencies)
    assert shown["Cooperative missions"] == f"{(real['cooperation_mode_id'] != 'national').mean():.0%}"
    assert shown["Destinations"] == "6"


def test_navigation_reaches_data_page(page, server) -> None:
    open_page(page, server, "")
    page.get_by_role("link", name="Data & sources").first.click()
    page.wait_for_url("**/data")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Download missions.csv" in page.locator('[data-testid="stDownloadButton"]').first.inner_text()


def test_first_deep_link_on_a_fresh_server_keeps_the_frame(browser) -> None:
    """The first request a new server sees is a shared link: no 'Page not found', full frame."""
    page = new_page(browser)
    with streamlit_server() as base:
        open_page(page, base, "pillars?pillar=missions&destination=moon")
        assert page.locator('[data-testid="stMain"] h2').first.inner_text() == "Pillar 2: Space missions"
        assert page.get_by_text("Page not found").count() == 0
        assert "Four pillars" in page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Moon" in page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.inner_text()
    page.context.close()


def test_step_through_the_four_pillars(page, server) -> None:
    open_page(page, server, "pillars")
    expected = [
        "Pillar 1: Science questions",
        "Pillar 2: Space missions",
        "Pillar 3: Key technologies",
        "Pillar 4: Infrastructures and services",
    ]
    header = page.locator('[data-testid="stMain"] h2').first
    assert header.inner_text() == expected[0]
    for step in expected[1:]:
        page.get_by_role("button", name="Next").click()
        header.filter(has_text=step).wait_for(timeout=15_000)
        settle(page)
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
    assert page.url.endswith("pillar=Infrastructures+and+services")
    assert page.get_by_role("button", name="Next").is_disabled()
    page.locator(".st-key-pillar").get_by_role("radio", name="Science questions").click()
    header.filter(has_text=expected[0]).wait_for(timeout=15_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_open_a_destination_from_table_7_1_and_follow_its_link(page, server) -> None:
    open_page(page, server, "destinations")
    grid = page.locator(".st-key-table_7_1 [data-testid=stDataFrame]")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    header, row = 35, 64  # px: the header row, and the page's row_height
    # Row 3 of Table 7.1 is "Giant planet systems"; click its selection checkbox.
    page.mouse.click(box["x"] + 14, box["y"] + header + row * 2.5)
    page.wait_for_function("() => location.search.includes('focus=Giant+planet+systems')", timeout=15_000)
    settle(page)
    assert page.locator('[data-testid="stMain"] h2').filter(has_text="Giant planet systems").count() == 1

    page.get_by_role("link", name="See how missions to Giant planet systems cooperated").click()
    page.wait_for_url("**/cooperation?**", timeout=15_000)
    settle(page)
    assert "destination=Giant+planet+systems" in page.url
    chosen = page.locator(".st-key-destination").filter(has_text="Giant planet systems")
    chosen.wait_for(timeout=15_000)
    assert chosen.count() == 1
    summary = (
        page.locator('[data-testid="stCaptionContainer"]').filter(has_text="missions shown had").first.inner_text()
    )
    giant = int((MISSIONS["destination_id"] == "giant_planets").sum())
    assert f"of {giant} missions shown" in summary
    assert page.outside_requests == [] and page.js_errors == []


def test_clicking_a_body_offers_its_deep_dive(page, server) -> None:
    open_page(page, server, "")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator(".main-svg").first.wait_for(timeout=20_000)
    chart.scroll_into_view_if_needed()
    points = chart.locator("g.trace.scatter path.point")
    for index in range(points.count()):
        box = points.nth(index).bounding_box()
        if not box:
            continue
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.wait_for_timeout(120)
        if (page.locator(".hoverlayer").first.text_content() or "").startswith("Jupiter"):
            page.mouse.click(x, y)
            break
    else:
        pytest.fail("no Jupiter marker found in the solar-system picker")
    link = page.locator('[data-testid="stPageLink"]').filter(has_text="deep dive").first
    link.filter(has_text="Giant planet systems").wait_for(timeout=15_000)
    link.click()
    page.wait_for_url("**/destinations?**focus=Giant+planet+systems**", timeout=15_000)
    page.locator('[data-testid="stMain"] h2').filter(has_text="Giant planet systems").first.wait_for(timeout=20_000)


@pytest.mark.parametrize("path", sorted(PAGES_WITH_CHARTS))
def test_first_chart_starts_above_the_fold_at_1280x720(browser, server, path: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    open_page(page, server, path)
    charts = '[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"]'
    page.locator(charts).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # let the page finish laying out its elements
    top = page.evaluate(
        "(selector) => Math.min(...[...document.querySelectorAll(selector)]"
        ".map(e => e.getBoundingClientRect().top + window.scrollY))",
        charts,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page_{path or 'home'}_1280x720.png"))
    assert top < 720 - 60, f"first chart of /{path} starts at {top:.0f} px"
    context.close()
