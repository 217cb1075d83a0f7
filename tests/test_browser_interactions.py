"""Every bound widget, changed three times in a row in a real browser, then its link reopened.

A page that drops every second change, or writes a value the next visitor cannot read back,
passes a test that changes each widget once. So each widget here is changed three times in a
row by clicking, typing or pressing keys; after each change the widget, the text that depends
on it and the address bar must all show the new value (the address bar leaves a default out).
The last address is then opened in a fresh browser context, as a colleague would open a
pasted link, and must show the same view.

Expected counts and names come from the data (``dataset``), so a data edit does not break the
suite and a page that miscounts does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from components.charts import timeline
from components.data import Dataset
from components.filters import YEAR_MAX
from components.lookup import search_missions
from components.schema import TABLES
from components.tables import search_rows, unverified_mask
from components.vocabulary import Vocabulary, status_label

from .browser_support import streamlit_server

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
PlaywrightError = playwright_api.Error

VIEWPORT = {"width": 1280, "height": 720}
LATEST_YEAR = min(YEAR_MAX, date.today().year)  # the autonomy matrix's default "as of"
Query = dict[str, list[str]]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def server():
    # Other work on the tree must not put a "source file changed" prompt in the status widget,
    # which is what these tests watch to know that a rerun is over.
    with streamlit_server(env={"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}) as base:
        yield base


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def new_page(browser):
    """A page in a context of its own: no session, cookies or storage shared with another."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    return page


# --------------------------------------------------------------------------- waiting and reading


def settle(page) -> None:
    """Wait until the rerun is over: no status widget, no stale element left from the last run."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')",
        timeout=30_000,
    )


def open_view(page, base: str, path: str) -> None:
    open_link(page, f"{base}/{path}")


def open_link(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)


def eventually(page, read: Callable[[], object], expected: object, what: str, timeout_ms: int = 15_000) -> None:
    """Assert that ``read()`` comes to equal ``expected`` (charts and the URL follow a rerun)."""
    waited = 0
    while True:
        try:
            seen = read()
        except PlaywrightError as error:
            seen = f"<not readable: {error.message.splitlines()[0]}>"
        if seen == expected or waited >= timeout_ms:
            break
        page.wait_for_timeout(250)
        waited += 250
    assert seen == expected, f"{what}: expected {expected!r}, the page shows {seen!r} ({page.url})"


def query_of(page) -> Query:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


SVG_TEXT = """e => {
    const lines = e.querySelectorAll('tspan.line');
    const text = lines.length ? [...lines].map(l => l.textContent).join(' ') : e.textContent;
    return text.replace(/\\s+/g, ' ').trim();
}"""
NOTIONAL_SUFFIX = re.compile(r"\s*(?:—\s*notional window|\(notional window\))$")


def svg_text(locator) -> str:
    """A Plotly title or legend entry as it reads on screen (Plotly splits long ones into lines)."""
    return locator.evaluate(SVG_TEXT)


def chart_title(page, chart_selector: str) -> str | None:
    title = page.locator(f"{chart_selector} .gtitle")
    return svg_text(title.first) if title.count() else None


def legend(page, charts: str) -> frozenset[str]:
    """The groups the legends of the ``charts`` name (a group's notional windows count as the group)."""
    entries = page.locator(f"{charts} .legendtext").all()
    return frozenset(NOTIONAL_SUFFIX.sub("", svg_text(entry)) for entry in entries)


def first_text(page, selector: str) -> str | None:
    found = page.locator(selector)
    return found.first.inner_text().strip() if found.count() else None


def within(page, key: str, selector: str):
    return page.locator(f".st-key-{key} {selector}")


# What each kind of widget shows.


def selectbox_value(key: str) -> Callable:
    return lambda page: within(page, key, "input").input_value()


def segment_value(key: str) -> Callable:
    return lambda page: within(page, key, "[role=radio][aria-checked=true]").inner_text().strip()


def text_value(key: str) -> Callable:
    return lambda page: within(page, key, "input").input_value()


def toggle_value(key: str) -> Callable:
    return lambda page: within(page, key, "[role=switch]").is_checked()


def slider_value(key: str) -> Callable:
    return lambda page: within(page, key, "input[type=range]").evaluate_all("els => els.map(e => e.value)")


def tags(key: str) -> Callable:
    return lambda page: within(page, key, "[data-tag]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )


def open_tab(page) -> str:
    return page.get_by_role("tab", selected=True).inner_text().strip()


# What a user does to each kind of widget.


def choose(label: str) -> Callable:
    """Type the option into the selectbox and click it in the list."""

    def do(page, key: str) -> None:
        field = within(page, key, "input")
        field.click()
        field.fill(label)
        page.get_by_role("listbox").get_by_role("option", name=label, exact=True).click()

    return do


def press(label: str) -> Callable:
    """Click one button of a segmented control."""
    return lambda page, key: page.locator(f".st-key-{key}").get_by_role("radio", name=label, exact=True).click()


def type_in(text: str) -> Callable:
    def do(page, key: str) -> None:
        field = within(page, key, "input")
        field.fill(text)
        field.press("Enter")

    return do


def flip(page, key: str) -> None:
    within(page, key, "label").first.click()


def keys(name: str) -> Callable:
    """Move a slider from the keyboard."""

    def do(page, key: str) -> None:
        thumb = within(page, key, "input[type=range]")
        thumb.focus()
        thumb.press(name)

    return do


def click_tab(label: str) -> Callable:
    return lambda page, key: page.get_by_role("tab", name=label, exact=True).click()


def tick_row(index: int) -> Callable:
    """Tick a row's selection box in Table 7.1 (the grid is a canvas: click where the row is)."""

    def do(page, key: str) -> None:
        grid = page.locator(".st-key-table_7_1 [data-testid=stDataFrame]")
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        header, row = 35, 64  # px: the header row, and the page's row_height
        page.mouse.click(box["x"] + 14, box["y"] + header + row * (index + 0.5))

    return do


# --------------------------------------------------------------------------- the widgets


@dataclass(frozen=True)
class Change:
    do: Callable  # (page, key): what the user does
    shows: object  # what the widget then shows
    text: object  # what the text that depends on it then says
    query: Query  # the whole query string then


@dataclass(frozen=True)
class Widget:
    path: str  # page, and the query it starts from
    key: str
    value: Callable  # page -> what the widget shows
    depends: Callable  # page -> the dependent text
    changes: tuple[Change, Change, Change]


class Expect:
    """Names and counts a user should see, from the data the app reads."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.vocabulary = Vocabulary.from_dataset(dataset)
        # What pages count and draw: programme rows are listed apart (components/metrics.py).
        missions = dataset.missions
        programme = (missions["mission_type"] == "programme") & (missions["status"] != "notional")
        self.missions = missions[~programme]

    def destination(self, destination_id: str) -> str:
        return self.vocabulary.destinations[destination_id]

    def legend(self, colour: str, destination_id: str | None = None, *, first_part: bool = False) -> frozenset[str]:
        missions = self.missions
        if destination_id:
            missions = missions[missions["destination_id"] == destination_id]
        if first_part:  # the Missions page opens on the first part of its paged timeline
            missions = timeline.timeline_pages(missions, self.dataset.destinations, max_rows=40)[0][1]
        if colour == "status":
            return frozenset(status_label(s) for s in missions["status"])
        if colour == "lead_agency":
            # The ten leads with most bars are named; the others share one entry ("20 other leads").
            agencies = self.vocabulary.agencies
            counts = missions["lead_agency_id"].dropna().value_counts()
            leads = [a for a, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
            named = set(leads) if len(leads) <= 11 else set(leads[:10])
            shown = {agencies[a] for a in named}
            if len(leads) > 11:
                shown.add(f"{len(leads) - 10} other leads")
            if missions["lead_agency_id"].isna().any():
                shown.add("Lead to be decided")
            return frozenset(shown)
        return frozenset(self.vocabulary.modes[m] for m in missions["cooperation_mode_id"])

    def cell(self, mode_id: str, destination_id: str) -> tuple[str, object]:
        missions = self.missions
        here = missions[(missions["cooperation_mode_id"] == mode_id) & (missions["destination_id"] == destination_id)]
        if here.empty:
            mode = self.vocabulary.modes[mode_id]
            return (
                "info",
                f"No mission shown used {mode[0].lower() + mode[1:]} at {self.destination(destination_id)}.",
            )
        mode = self.vocabulary.modes[mode_id]
        count = f"{len(here)} mission{'s' if len(here) != 1 else ''}"
        used = f"used {mode[0].lower() + mode[1:]} at {self.destination(destination_id)}"
        return ("missions", f"{count} {used}, earliest first.")

    def search(self, text: str) -> str:
        found = search_missions(self.missions, text)
        return f"{len(found)} mission(s) match “{text}”: outlined in black below."

    def split(self) -> tuple[int, str]:
        destinations = self.dataset.destinations.sort_values("display_order")
        counts = self.missions["destination_id"].value_counts()
        shown = [(d.name, int(counts.get(d.destination_id, 0))) for d in destinations.itertuples()]
        shown = [(name, count) for name, count in shown if count]
        return (len(shown), f"{shown[0][0]} — {shown[0][1]} missions")

    def rows(self, file_name: str, text: str = "", unverified: bool = False) -> str:
        spec = next(t for t in TABLES if t.file_name == file_name)
        frame = self.dataset.table(spec.name)
        shown = search_rows(frame, text)
        if unverified:
            shown = shown[unverified_mask(shown)]
        return f"{len(shown)} of {len(frame)} rows"

    def full_name(self, short_name: str) -> str:
        agencies = self.dataset.agencies.set_index("short_name")
        return str(agencies.loc[short_name, "full_name"])


# Readers of the text that depends on each widget.


def deep_dive_link(page) -> str | None:
    link = page.locator("[data-testid=stPageLink]").filter(has_text="deep dive")
    if not link.count():
        return None
    found = re.search(r"Open the .+ deep dive", link.first.inner_text())
    return found.group(0) if found else None


def pillar_header(page) -> str | None:
    return first_text(page, "[data-testid=stMain] h2")


def destination_shown(page) -> tuple[str | None, str | None]:
    return (first_text(page, "[data-testid=stMain] h2"), chart_title(page, ".st-key-chart_destination_timeline"))


def compared_card(page) -> str | None:
    columns = page.locator(".st-key-compare").locator("xpath=following::*[@data-testid='stHorizontalBlock'][1]")
    bold = columns.locator("[data-testid=stColumn]").nth(1).locator("strong")
    return bold.first.inner_text().strip() if bold.count() else None


def cell_listing(page) -> tuple[str, object] | None:
    shown = page.locator(".st-key-cell_destination").locator(
        "xpath=following::*[@data-testid='stDataFrame' or @data-testid='stAlert'][1]"
    )
    if not shown.count():
        return None
    if shown.get_attribute("data-testid") == "stAlert":
        return ("info", shown.locator("[data-testid=stMarkdownContainer]").inner_text().strip())
    # The grid draws only the rows in view; the caption above it counts them all.
    caption = shown.locator("xpath=preceding::*[@data-testid='stCaptionContainer'][1]")
    return ("missions", caption.inner_text().strip())


def breakdown_title(page) -> str | None:
    return chart_title(page, "[class*='st-key-chart_cooperation_by_']")


def search_result(page) -> str | None:
    found = page.locator("[data-testid=stAlert]").filter(has_text="match")
    return found.locator("[data-testid=stMarkdownContainer]").inner_text().strip() if found.count() else None


def expanders(page) -> tuple[int, str | None]:
    summaries = page.locator("[data-testid=stMain] [data-testid=stExpander] summary")
    first = summaries.first.inner_text().splitlines()[-1].strip() if summaries.count() else None
    return (summaries.count(), first)


def tab_content(page) -> frozenset[str]:
    """The charts and pickers drawn in the open tab (only the open tab is built)."""
    keyed = page.locator("[role=tabpanel] [class*='st-key-']").evaluate_all(
        "els => els.flatMap(e => [...e.classList].filter(c => c.startsWith('st-key-')).map(c => c.slice(7)))"
    )
    return frozenset(keyed)


def profile_name(page) -> str | None:
    return first_text(page, "[role=tabpanel] h3")


def autonomy_title(page) -> str | None:
    return chart_title(page, ".st-key-chart_autonomy_matrix")


def autonomy(scope: str = "all destinations", year: int = LATEST_YEAR, within_group: str | None = None) -> str:
    group = f", within {within_group}" if within_group else ""
    return f"Autonomy for cooperation: who can do what alone — {scope}, as of {year}{group}"


def rows_caption(page) -> str | None:
    caption = page.locator("[data-testid=stCaptionContainer]").filter(has_text=" rows · ")
    return caption.first.inner_text().split(" · ")[0].strip() if caption.count() else None


TAB_CONTENT = {
    "Participation": frozenset({"chart_agencies_participation", "chart_agencies_roles"}),
    "Partnerships": frozenset({"chart_agencies_network", "chart_agencies_flow"}),
    "Agency profile": frozenset({"profile", "chart_agency_partners", "chart_agency_timeline"}),
    "Autonomy matrix": frozenset({"scope", "among", "asof", "chart_autonomy_matrix"}),
    "World map": frozenset({"chart_cooperation_map"}),
}


WIDGETS: dict[str, Callable[[Expect], Widget]] = {}


def user_does(name: str) -> Callable:
    """Register a widget's three changes under what the user does (the test's id)."""

    def register(build: Callable[[Expect], Widget]) -> Callable[[Expect], Widget]:
        WIDGETS[name] = build
        return build

    return register


MOON, GIANT, SMALL = "moon", "giant_planets", "small_bodies"


@user_does("home: choose three destinations below the picker")
def _(x: Expect) -> Widget:
    return Widget(
        "",
        "pick",
        selectbox_value("pick"),
        deep_dive_link,
        tuple(
            Change(
                choose(x.destination(d)),
                x.destination(d),
                f"Open the {x.destination(d)} deep dive",
                {} if d == MOON else {"pick": [x.destination(d)]},
            )
            for d in (SMALL, MOON, GIANT)
        ),
    )


@user_does("pillars: jump between three pillars")
def _(x: Expect) -> Widget:
    steps = ((3, "Key technologies"), (1, "Science questions"), (4, "Infrastructures and services"))
    return Widget(
        "pillars",
        "pillar",
        segment_value("pillar"),
        pillar_header,
        tuple(
            Change(press(name), name, f"Pillar {number}: {name}", {} if number == 1 else {"pillar": [name]})
            for number, name in steps
        ),
    )


def _destination_changes(x: Expect, steps) -> tuple[Change, ...]:
    return tuple(
        Change(
            do,
            x.destination(d),
            (x.destination(d), f"{x.destination(d)}: missions from first flight to 2061"),
            {} if d == MOON else {"focus": [x.destination(d)]},
        )
        for do, d in steps
    )


@user_does("destinations: explore three destinations")
def _(x: Expect) -> Widget:
    steps = [(choose(x.destination(d)), d) for d in (GIANT, MOON, SMALL)]
    return Widget("destinations", "focus", selectbox_value("focus"), destination_shown, _destination_changes(x, steps))


@user_does("destinations: tick three rows of Table 7.1")
def _(x: Expect) -> Widget:
    steps = [(tick_row(2), GIANT), (tick_row(3), SMALL), (tick_row(0), MOON)]
    return Widget("destinations", "focus", selectbox_value("focus"), destination_shown, _destination_changes(x, steps))


def _colour_changes(x: Expect, param: str, destination_id: str | None) -> tuple[Change, ...]:
    steps = (("Lead agency", "lead_agency"), ("Status", "status"), ("Cooperation mode", "mode"))
    first_part = destination_id is None
    return tuple(
        Change(
            press(label),
            label,
            x.legend(colour, destination_id, first_part=first_part),
            {} if colour == "status" else {param: [label]},
        )
        for label, colour in steps
    )


@user_does("destinations: colour the timeline three ways")
def _(x: Expect) -> Widget:
    return Widget(
        "destinations",
        "dcolour",
        segment_value("dcolour"),
        lambda page: legend(page, ".st-key-chart_destination_timeline"),
        _colour_changes(x, "dcolour", MOON),
    )


@user_does("destinations: compare with three destinations")
def _(x: Expect) -> Widget:
    return Widget(
        "destinations",
        "compare",
        selectbox_value("compare"),
        compared_card,
        tuple(
            Change(
                choose(x.destination(d)),
                x.destination(d),
                x.destination(d),
                {} if d == "terrestrial_planets" else {"compare": [x.destination(d)]},  # the default beside the Moon
            )
            for d in (GIANT, "terrestrial_planets", "exoplanets")
        ),
    )


@user_does("cooperation: list three modes at the Moon")
def _(x: Expect) -> Widget:
    modes = x.vocabulary.modes
    return Widget(
        "cooperation",
        "cell_mode",
        selectbox_value("cell_mode"),
        cell_listing,
        tuple(
            Change(choose(modes[m]), modes[m], x.cell(m, MOON), {"cell_mode": [modes[m]]})
            for m in ("multi_platform", "working_group", "integrated_mission")  # working groups: none at the Moon
        ),
    )


@user_does("cooperation: list national missions at three destinations")
def _(x: Expect) -> Widget:
    return Widget(
        "cooperation",
        "cell_destination",
        selectbox_value("cell_destination"),
        cell_listing,
        tuple(
            Change(
                choose(x.destination(d)),
                x.destination(d),
                x.cell("national", d),
                {"cell_destination": [x.destination(d)]},
            )
            for d in ("heliopause_ism", "sun", GIANT)
        ),
    )


@user_does("cooperation: break the modes down three ways")
def _(x: Expect) -> Widget:
    steps = (("Status", "mission status"), ("Agency", "agency"), ("Era", "era"))
    return Widget(
        "cooperation",
        "breakdown",
        segment_value("breakdown"),
        breakdown_title,
        tuple(
            Change(
                press(label), label, f"Cooperation modes by {by}", {} if label == "Agency" else {"breakdown": [label]}
            )
            for label, by in steps
        ),
    )


@user_does("missions: colour the timeline three ways")
def _(x: Expect) -> Widget:
    return Widget(
        "missions",
        "colour",
        segment_value("colour"),
        lambda page: legend(page, "[class*='st-key-timeline']"),  # the timeline, not the outcome charts below
        _colour_changes(x, "colour", None),
    )


def click(label: str) -> Callable:
    """Click a button of the page by its label (the widget's key is not needed)."""
    return lambda page, key: page.locator("[data-testid=stMain]").get_by_role("button", name=label).click()


def timeline_part_title(page) -> str | None:
    return chart_title(page, ".st-key-timeline")


@user_does("missions: step through three parts of the timeline")
def _(x: Expect) -> Widget:
    parts = [title for title, _ in timeline.timeline_pages(x.missions, x.dataset.destinations, max_rows=40)]
    return Widget(
        "missions",
        "part",
        selectbox_value("part"),
        timeline_part_title,
        (
            Change(choose(parts[2]), parts[2], f"Missions to {parts[2]}", {"part": [parts[2]]}),
            Change(click("Later"), parts[3], f"Missions to {parts[3]}", {"part": [parts[3]]}),
            Change(choose(parts[0]), parts[0], f"Missions to {parts[0]}", {}),
        ),
    )


@user_does("missions: search for three missions")
def _(x: Expect) -> Widget:
    return Widget(
        "missions",
        "search",
        text_value("search"),
        search_result,
        tuple(
            Change(type_in(text), text, x.search(text), {"search": [text]}) for text in ("huygens", "kaguya", "apollo")
        ),
    )


@user_does("missions: turn one chart per destination on, off and on")
def _(x: Expect) -> Widget:
    return Widget(
        "missions",
        "split",
        toggle_value("split"),
        expanders,
        tuple(Change(flip, on, x.split() if on else (0, None), {"split": ["true"]} if on else {}) for on in (1, 0, 1)),
    )


@user_does("agencies: open three tabs")
def _(x: Expect) -> Widget:
    return Widget(
        "agencies",
        "tab",
        open_tab,
        tab_content,
        tuple(
            Change(click_tab(label), label, TAB_CONTENT[label], {} if label == "Participation" else {"tab": [label]})
            for label in ("Partnerships", "Participation", "Autonomy matrix")
        ),
    )


@user_does("agencies: profile three agencies")
def _(x: Expect) -> Widget:
    return Widget(
        "agencies?tab=Agency+profile",
        "profile",
        selectbox_value("profile"),
        profile_name,
        tuple(
            Change(
                choose(agency),
                agency,
                x.full_name(agency),
                {"tab": ["Agency profile"]} | ({} if agency == "ESA" else {"profile": [agency]}),
            )
            for agency in ("JAXA", "ESA", "CNES")
        ),
    )


@user_does("agencies: read the autonomy matrix for three destinations")
def _(x: Expect) -> Widget:
    return Widget(
        "agencies?tab=Autonomy+matrix",
        "scope",
        selectbox_value("scope"),
        autonomy_title,
        tuple(
            Change(
                choose(label),
                label,
                autonomy(scope=label if label != "All destinations" else "all destinations"),
                {"tab": ["Autonomy matrix"]} | ({} if label == "All destinations" else {"scope": [label]}),
            )
            for label in ("Moon", "All destinations", "Small bodies")
        ),
    )


@user_does("agencies: read the autonomy matrix within three circles")
def _(x: Expect) -> Widget:
    return Widget(
        "agencies?tab=Autonomy+matrix",
        "among",
        selectbox_value("among"),
        autonomy_title,
        tuple(
            Change(
                choose(label),
                label,
                autonomy(within_group=label.removeprefix("Members of ") if label != "All agencies" else None),
                {"tab": ["Autonomy matrix"]} | ({} if label == "All agencies" else {"among": [label]}),
            )
            for label in ("Members of ISS partnership", "All agencies", "Members of Artemis Accords")
        ),
    )


@user_does("agencies: move the autonomy matrix through three years from the keyboard")
def _(x: Expect) -> Widget:
    steps = (("ArrowLeft", LATEST_YEAR - 1), ("End", LATEST_YEAR), ("Home", 1957))
    return Widget(
        "agencies?tab=Autonomy+matrix",
        "asof",
        slider_value("asof"),
        autonomy_title,
        tuple(
            Change(
                keys(key),
                [str(year)],
                autonomy(year=year),
                {"tab": ["Autonomy matrix"]} | ({} if year == LATEST_YEAR else {"asof": [str(year)]}),
            )
            for key, year in steps
        ),
    )


@user_does("data: open three tables")
def _(x: Expect) -> Widget:
    return Widget(
        "data",
        "table",
        selectbox_value("table"),
        rows_caption,
        tuple(
            Change(choose(name), name, x.rows(name), {} if name == "missions.csv" else {"table": [name]})
            for name in ("pillars.csv", "missions.csv", "agencies.csv")
        ),
    )


@user_does("data: filter the missions table three times")
def _(x: Expect) -> Widget:
    return Widget(
        "data",
        "rows",
        text_value("rows"),
        rows_caption,
        tuple(
            Change(
                type_in(text),
                text,
                x.rows("missions.csv", text),
                {"rows": [text]} if text else {},
            )
            for text in ("apollo", "", "voyager")
        ),
    )


@user_does("data: show only unverified rows, then all, then only unverified")
def _(x: Expect) -> Widget:
    return Widget(
        "data",
        "unverified",
        toggle_value("unverified"),
        rows_caption,
        tuple(
            Change(
                flip,
                bool(on),
                x.rows("missions.csv", unverified=bool(on)),
                {"unverified": ["true"]} if on else {},
            )
            for on in (1, 0, 1)
        ),
    )


# --------------------------------------------------------------------------- the tests


def shows(page, widget: Widget, change: Change, when: str) -> None:
    eventually(page, lambda: widget.value(page), change.shows, f"{when}: the {widget.key} widget")
    eventually(page, lambda: widget.depends(page), change.text, f"{when}: what depends on {widget.key}")
    eventually(page, lambda: query_of(page), change.query, f"{when}: the address bar")


@pytest.mark.parametrize("user_action", list(WIDGETS))
def test_three_changes_in_a_row_hold_and_the_link_reopens_them(browser, page, server, dataset, user_action) -> None:
    widget = WIDGETS[user_action](Expect(dataset))
    open_view(page, server, widget.path)
    for number, change in enumerate(widget.changes, start=1):
        change.do(page, widget.key)
        settle(page)
        shows(page, widget, change, f"after change {number}")
    assert page.js_errors == []

    reopened = new_page(browser)
    try:
        open_link(reopened, page.url)
        shows(reopened, widget, widget.changes[-1], "the link opened in a fresh browser")
        assert reopened.js_errors == []
    finally:
        reopened.context.close()


def test_next_twice_then_the_left_arrow_key_steps_through_the_pillars(page, server) -> None:
    open_view(page, server, "pillars")
    steps = [
        (lambda: page.get_by_role("button", name="Next").click(), "Space missions", 2),
        (lambda: page.get_by_role("button", name="Next").click(), "Key technologies", 3),
        (lambda: page.keyboard.press("ArrowLeft"), "Space missions", 2),
    ]
    for number, (do, name, pillar) in enumerate(steps, start=1):
        do()
        settle(page)
        when = f"after step {number}"
        eventually(page, lambda: segment_value("pillar")(page), name, f"{when}: the pillar buttons")
        eventually(page, lambda: pillar_header(page), f"Pillar {pillar}: {name}", f"{when}: the header")
        eventually(page, lambda: query_of(page), {"pillar": [name]}, f"{when}: the address bar")


def add_tag(page, key: str, label: str) -> None:
    """Type an option into a multiselect, click it, close the list."""
    field = within(page, key, "input")
    field.click()
    field.fill(label)
    page.get_by_role("listbox").get_by_role("option", name=label, exact=True).click()
    page.keyboard.press("Escape")
    settle(page)


def switch_page(page, name: str, path: str) -> None:
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=name).click()
    page.wait_for_url(f"**/{path}?**", timeout=15_000)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)


def test_sidebar_filters_stay_in_the_link_and_the_widgets_across_page_switches(page, server) -> None:
    open_view(page, server, "missions")
    add_tag(page, "agency", "ESA")
    eventually(page, lambda: query_of(page), {"agency": ["ESA"]}, "after choosing ESA: the address bar")
    add_tag(page, "status", "Operating")
    chosen = {"agency": ["ESA"], "status": ["Operating"]}
    eventually(page, lambda: query_of(page), chosen, "after choosing Operating: the address bar")

    switch_page(page, "Home", "")
    eventually(page, lambda: query_of(page), chosen, "on Home: the address bar")
    eventually(page, lambda: tags("agency")(page), ["ESA"], "on Home: the agency filter")
    eventually(page, lambda: tags("status")(page), ["Operating"], "on Home: the status filter")
    summary = page.locator("[data-testid=stCaptionContainer]").filter(has_text="Among the missions shown")
    assert "(ESA · Operating)" in summary.first.inner_text()

    switch_page(page, "Agencies", "agencies")
    eventually(page, lambda: query_of(page), chosen, "on Agencies: the address bar")
    eventually(page, lambda: tags("agency")(page), ["ESA"], "on Agencies: the agency filter")
    eventually(page, lambda: tags("status")(page), ["Operating"], "on Agencies: the status filter")


def test_an_old_style_link_opens_in_the_label_form(page, server) -> None:
    open_view(page, server, "destinations?focus=giant_planets&destination=moon,small_bodies&from=1990&to=2030")
    canonical = {
        "focus": ["Giant planet systems"],
        "destination": ["Moon", "Small bodies"],
        "years": ["1990", "2030"],
    }
    eventually(page, lambda: query_of(page), canonical, "the rewritten address bar")
    eventually(page, lambda: selectbox_value("focus")(page), "Giant planet systems", "the destination picker")
    eventually(page, lambda: tags("destination")(page), ["Moon", "Small bodies"], "the destination filter")
    eventually(page, lambda: slider_value("years")(page), ["1990", "2030"], "the year slider")
    assert first_text(page, "[data-testid=stMain] h2") == "Giant planet systems"
    assert page.locator("[data-testid=stAlert]").filter(has_text="Part of this link was ignored").count() == 0


def test_a_link_with_an_unshowable_focus_and_an_unknown_parameter_names_both_and_shows_the_moon(page, server) -> None:
    open_view(page, server, "destinations?focus=sun&bogus=1")
    warning = page.locator("[data-testid=stAlert]").filter(has_text="Part of this link was ignored")
    warning.first.wait_for(timeout=15_000)
    text = warning.first.inner_text()
    assert "unknown parameter 'bogus'" in text
    assert "focus 'Sun and inner heliosphere (context)'" in text
    assert "showing Moon" in text
    assert selectbox_value("focus")(page) == "Moon"
    assert first_text(page, "[data-testid=stMain] h2") == "Moon"
    eventually(page, lambda: query_of(page), {}, "the address bar")


def ladder_step_text(page, key: str) -> str | None:
    """The text inside an expander of the ladder, hidden or not; None when nothing was built."""
    body = page.locator(f".st-key-{key} [data-testid=stExpanderDetails] [data-testid=stMarkdownContainer]")
    return " ".join(t.strip() for t in body.all_text_contents()).strip() or None


def test_a_ladder_step_opens_closes_and_opens_again_and_only_then_is_built(page, server, dataset) -> None:
    """The ladder's expanders build their text only when opened: opened, closed and opened again
    in a row, each click shows or hides it; another visitor of the same link sees them closed."""
    open_view(page, server, "cooperation")
    key = "ladder_instrument_delivery"
    definition = dataset.cooperation_modes.set_index("mode_id").loc["instrument_delivery", "definition"]
    summary = page.locator(f".st-key-{key} summary")
    for number, opened in enumerate((True, False, True), start=1):
        summary.click()
        settle(page)
        when = f"after click {number}"
        if opened:
            eventually(page, lambda: definition[:40] in (ladder_step_text(page, key) or ""), True, f"{when}: the text")
            assert "In the data:" in ladder_step_text(page, key)
        else:
            eventually(page, lambda: ladder_step_text(page, key), None, f"{when}: the closed step")
        assert ladder_step_text(page, "ladder_integrated_mission") is None, f"{when}: another step stays closed"
    url = page.url
    other = new_page(page.context.browser)
    try:
        open_link(other, url)
        assert other.locator(f".st-key-{key} summary").count() == 1
        assert ladder_step_text(other, key) is None
    finally:
        other.context.close()
