"""Export from the page, in a real browser: Debian's Chromium against ``streamlit run``.

The user opens a chart's Export menu and saves a PNG, then an SVG from the same menu (two
in a row), builds the page's slide deck from the sidebar and saves it, then reopens the
link: the files are what a user would get (magic bytes, the filters in the SVG, the deck's
slides read back with python-pptx), named by chart id and filters.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from components.schema import PACKAGE

from .browser_support import streamlit_server
from .test_browser import new_page, settle

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")
pptx = pytest.importorskip("pptx")

VIEW = "/missions?destination=Giant+planet+systems&agency=ESA&years=1990&years=2030"


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


def png_width(data: bytes) -> int:
    return int.from_bytes(data[16:20], "big")


def _download(page, click, timeout=90_000):
    with page.expect_download(timeout=timeout) as info:
        click()
    download = info.value
    return download.suggested_filename, download.path().read_bytes()


def test_chart_menu_saves_png_then_svg_and_the_page_deck(server, browser) -> None:
    page = new_page(browser)
    page.goto(server + VIEW)
    settle(page)
    main = page.locator("[data-testid=stMain]")
    menus = main.locator("[data-testid=stPopover]")
    menus.nth(2).wait_for()
    assert menus.count() == 3  # the timeline and the two outcome charts each have one

    menus.first.get_by_role("button", name="Export").click()
    popover = page.locator("[data-testid=stPopoverBody]")
    popover.get_by_role("button", name=re.compile("PNG")).wait_for()
    png = popover.get_by_role("button", name=re.compile("PNG"))
    name, data = _download(page, png.click)
    assert name == "missions_timeline_giant-planets_esa_1990-2030.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_width(data) == 2400  # as on screen: 1200 px at 2×
    for size, width in (("For slides (16:9)", 2560), ("As on screen", 2400)):  # the size, changed twice
        choice = popover.get_by_role("radio", name=size)
        choice.click()
        playwright_api.expect(choice).to_have_attribute("aria-checked", "true")
        page.wait_for_timeout(1000)  # the rerun that hands the buttons their new files
        settle(page)
        popover = page.locator("[data-testid=stPopoverBody]")
        png = popover.get_by_role("button", name=re.compile("PNG"))
        name, data = _download(page, png.click)
        assert png_width(data) == width, size

    name, data = _download(page, lambda: popover.get_by_role("button", name=re.compile("SVG")).click())
    assert name == "missions_timeline_giant-planets_esa_1990-2030.svg"
    text = data.decode()
    assert text.startswith("<svg")
    assert "Giant planet systems · ESA · 1990–2030" in text
    years = {int(t) for t in re.findall(r">((?:19|20)\d\d)</text>", text)}
    assert {2000, 2010, 2020} <= years and 1970 not in years  # the years of the part, not the 1970 epoch
    page.keyboard.press("Escape")

    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Download all charts").click()
    sidebar.get_by_text("Slide deck (PPTX)").click()
    settle(page)
    sidebar.get_by_role("button", name="Build").click()
    save = sidebar.get_by_role("button", name=re.compile(r"Save horizon2061_.*\.pptx"))
    save.wait_for(timeout=120_000)
    name, data = _download(page, save.click)
    assert name == "horizon2061_missions-page_giant-planet-systems-esa-1990-2030.pptx"
    deck = pptx.Presentation(io.BytesIO(data))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[0] == "Horizon 2061 Explorer: Missions page"
    assert titles[-1] == "Sources"
    assert len(titles) == 3 + 2  # the timeline (one part), two outcome charts, title and sources
    for slide in list(deck.slides)[1:-1]:
        texts = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert "Giant planet systems · ESA · 1990–2030" in texts  # the footer names the filters
        assert slide.notes_slide.notes_text_frame.text.strip()  # the one-sentence finding
        (picture,) = [shape for shape in slide.shapes if shape.shape_type == 13]
        assert picture.image.size[0] >= 1920  # sharp on a 1920×1080 projector

    page.goto(server + VIEW)  # the same link opens the same view, and the menu names the same file
    settle(page)
    main.locator("[data-testid=stPopover]").first.get_by_role("button", name="Export").click()
    popover = page.locator("[data-testid=stPopoverBody]")
    name, data = _download(page, lambda: popover.get_by_role("button", name=re.compile("PDF")).click())
    assert name == "missions_timeline_giant-planets_esa_1990-2030.pdf"
    assert data[:5] == b"%PDF-"
    page.context.close()


def test_data_page_saves_the_package_for_one_view_then_another(server, browser, tmp_path) -> None:
    """Saved twice in a row, with a filter added between, then the link reopened: each ZIP is
    the view the button names, and it passes the standard check."""
    frictionless = pytest.importorskip("frictionless")

    page = new_page(browser)
    page.goto(server + "/data?destination=Moon")
    settle(page)
    button = page.get_by_role("button", name=re.compile(r"\(ZIP\)$"))
    button.wait_for()
    saved = []
    for agency, words in ((None, "Moon"), ("ESA", "Moon · ESA")):
        if agency:
            field = page.locator(".st-key-agency input")
            field.click()
            field.fill(agency)
            page.get_by_role("option", name=agency, exact=True).click()  # Enter would take every match
            page.keyboard.press("Escape")
            settle(page)
        button = page.get_by_role("button", name=f"Download the dataset for {words} (ZIP)")
        name, data = _download(page, button.click)
        saved.append(name)
        folder = tmp_path / name
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(folder)
        (inner,) = folder.iterdir()
        report = frictionless.validate(inner / "datapackage.json")
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])
        missions = (inner / "missions.csv").read_text(encoding="utf-8")
        ids = {line.split(",", 1)[0] for line in missions.splitlines()[1:]}
        assert "smart_1" in ids and "cassini_huygens" not in ids
        assert ("apollo_11" in ids) == (agency is None)
    version = PACKAGE["version"]
    assert saved == [f"horizon2061_dataset_{version}_moon.zip", f"horizon2061_dataset_{version}_moon-esa.zip"]

    page.goto(page.url)  # the link keeps the view, and the button still names it
    settle(page)
    page.get_by_role("button", name="Download the dataset for Moon · ESA (ZIP)").wait_for()
    page.context.close()
