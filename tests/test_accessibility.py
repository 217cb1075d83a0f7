"""Accessibility in the real browser: axe-core on every page, normal and presenting; the keyboard.

axe-core (shipped inside ``axe-playwright-python``, injected into the page, no network) checks
each page of a real ``streamlit run`` server once its charts are drawn, in the normal layout and
with ``?present=1`` (presentation mode: no sidebar, charts sized for a projector). No serious or
critical violation may remain. The keyboard tests reach every control of a page with Tab alone,
and change a choice with the keyboard twice in a row, then reopen the link.
"""

from __future__ import annotations

import json

import pytest

from .browser_support import ROOT, streamlit_server

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

ARTIFACTS = ROOT / "test-artifacts" / "accessibility"
# Every page of app.py, by its URL path ("" is Home), with a heading it shows when drawn.
PAGES = ["", "pillars", "destinations", "cooperation", "consortium", "missions", "agencies", "present", "room"]
PAGES += ["upload", "data"]
BLOCKING = {"serious", "critical"}
CHARTS = '[data-testid="stPlotlyChart"] .main-svg, [data-testid="stDeckGlJsonChart"] canvas'


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    yield page
    context.close()


IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def settle(page) -> None:
    """Until the script run is over, the page's own repairs have run and the charts are drawn:
    idle twice, 800 ms apart (a link rewritten on arrival reruns the page once more)."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stMain] :is(h1, h2, h3), [data-testid=stPlotlyChart]')",
        timeout=30_000,
    )
    page.wait_for_function("() => window.h2061Repairs === true", timeout=30_000)
    for _ in range(2):
        page.wait_for_timeout(400)
        page.wait_for_function(IDLE, timeout=30_000)
        page.wait_for_timeout(400)


def violations(page) -> list[dict]:
    """axe-core's violations on the page as drawn now: rule, impact, how many elements, an example."""
    results = axe_api.Axe().run(page)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": len(v["nodes"]),
            "example": v["nodes"][0]["target"] if v["nodes"] else [],
            "summary": v["nodes"][0].get("failureSummary", "")[:300] if v["nodes"] else "",
        }
        for v in results.response["violations"]
    ]


def audit(page, base: str, path: str, presenting: bool) -> list[dict]:
    page.goto(f"{base}/{path}" + ("?present=1" if presenting else ""), wait_until="domcontentloaded")
    settle(page)
    if path in {"", "pillars", "destinations", "cooperation", "missions", "agencies"}:
        page.locator(CHARTS).first.wait_for(timeout=30_000)
    found = violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"{path or 'home'}{'_present' if presenting else ''}"
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    return found


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "present"])
@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_no_serious_or_critical_violation(page, server, path: str, presenting: bool) -> None:
    found = audit(page, server, path, presenting)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, json.dumps(blocking, indent=1)


def test_the_room_as_facilitator_projecting_and_as_participant(browser, server) -> None:
    """The room's other faces: the facilitator's view, projected, and a phone's form."""
    facilitator = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    facilitator.goto(f"{server}/room", wait_until="domcontentloaded")
    settle(facilitator)
    facilitator.get_by_label("Title (shown to participants)").fill("Accessible workshop")
    facilitator.get_by_role("button", name="Open a room").click()
    facilitator.get_by_text("Room code:").wait_for(timeout=20_000)
    settle(facilitator)
    join = facilitator.locator('[data-testid="stCode"]').filter(has_text="/room?room=").first.inner_text().strip()
    found = {"facilitator": violations(facilitator)}
    facilitator.goto(facilitator.url + "&present=1", wait_until="domcontentloaded")
    settle(facilitator)
    facilitator.get_by_text("Room code:").wait_for(timeout=20_000)
    found["facilitator projecting"] = violations(facilitator)
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(join, wait_until="domcontentloaded")
    settle(phone)
    phone.get_by_role("button", name="Send my answers").wait_for(timeout=20_000)
    found["participant"] = violations(phone)
    for page in (facilitator, phone):
        page.context.close()
    blocking = {view: [v for v in listed if v["impact"] in BLOCKING] for view, listed in found.items()}
    assert not any(blocking.values()), json.dumps(blocking, indent=1)


def test_every_chart_is_named_by_what_it_shows(page, server) -> None:
    """A screen reader hears each chart's registered title and the finding its caption gives
    everyone, not "image"."""
    from components.charts import CHARTS as REGISTRY

    page.goto(f"{server}/missions", wait_until="domcontentloaded")
    settle(page)
    page.locator(CHARTS).first.wait_for(timeout=30_000)
    named = page.eval_on_selector_all(
        '[data-testid="stPlotlyChart"]',
        """charts => charts.map(chart => {
            const labelled = chart.closest('[aria-label]') || chart.querySelector('[aria-label]');
            const block = chart.closest('[data-testid="stElementContainer"]');
            let next = block && block.nextElementSibling;
            while (next && !next.querySelector('[data-testid="stCaptionContainer"]')) next = next.nextElementSibling;
            return [labelled ? labelled.getAttribute('aria-label') : '', next ? next.innerText.trim() : ''];
        })""",
    )
    titles = {chart.title for chart in REGISTRY}
    assert len(named) >= 3
    for label, caption in named:
        title, _, finding = label.partition(". ")
        assert title in titles, label
        assert finding and finding == caption, (label, caption)
    assert any(label.startswith("Success and failure by decade. Of ") for label, _ in named), named


def focus_walk(page, limit: int = 400) -> list[str]:
    """Press Tab until the focus comes back round; the description of each element it rested on."""
    seen: list[str] = []
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return '';
                return el.getAttribute('data-h2061-probe') || '';
            }"""
        )
        if here and seen and here == seen[0]:
            break
        if here:
            seen.append(here)
    return seen


@pytest.mark.parametrize("path", ["cooperation", "missions", "data"])
def test_every_control_is_reached_with_tab(page, server, path: str) -> None:
    page.goto(f"{server}/{path}", wait_until="domcontentloaded")
    settle(page)
    count = page.evaluate(
        """() => {
            const selector = 'input:not([type=hidden]):not([disabled]), button:not([disabled]), select, textarea, '
              + 'a[href], [role=tab], [role=radio], [role=checkbox], [role=switch], [tabindex="0"]';
            const visible = el => {
                const box = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && !el.closest('[inert]');
            };
            let n = 0;
            document.querySelectorAll(selector).forEach(el => {
                if (!visible(el) || el.tabIndex < 0 && !el.matches('[role=radio], [role=tab]')) return;
                el.setAttribute('data-h2061-probe', 'c' + (n++));
            });
            return n;
        }"""
    )
    assert count >= 5
    reached = set(focus_walk(page))
    probes = page.evaluate(
        """() => [...document.querySelectorAll('[data-h2061-probe]')].map(el => ({
            probe: el.getAttribute('data-h2061-probe'),
            what: (el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 60),
            group: el.matches('[role=radio], [role=tab]') ? (el.closest('[role=radiogroup], [role=tablist]') ?
                   [...document.querySelectorAll('[role=radiogroup], [role=tablist]')].indexOf(
                       el.closest('[role=radiogroup], [role=tablist]')) : -1) : null,
        }))"""
    )
    # Radio buttons and tabs are one stop per group (arrow keys move inside it): a group is reached
    # when one of its members is.
    groups_reached = {p["group"] for p in probes if p["group"] is not None and p["probe"] in reached}
    missed = [
        p["what"]
        for p in probes
        if p["probe"] not in reached and (p["group"] is None or p["group"] not in groups_reached)
    ]
    assert not missed, f"never reached with Tab on /{path}: {missed}"


def test_breakdown_changed_with_the_keyboard_twice_then_reopened(page, server) -> None:
    """The Cooperation page's "Break down by" choice, made with the keyboard alone twice in a row
    (the arrow key to the next option, Enter; again, Space): each choice redraws the chart and lands in
    the URL, and the link reopens on the last one."""
    page.goto(f"{server}/cooperation", wait_until="domcontentloaded")
    settle(page)
    page.locator(".st-key-breakdown").scroll_into_view_if_needed()
    options = page.locator(".st-key-breakdown [role=radio]")
    options.first.wait_for(timeout=30_000)
    labels = [text.strip() for text in options.all_inner_texts()]
    assert len(labels) >= 3, labels
    options.first.focus()
    chosen = []
    for key in ("Enter", "Space"):
        page.keyboard.press("ArrowRight")
        label = page.evaluate("() => document.activeElement.textContent.trim()")
        page.keyboard.press(key)
        settle(page)
        chosen.append(label)
        shown = page.evaluate("() => new URLSearchParams(location.search).get('breakdown')")
        assert shown == label, (shown, label)
        title = page.locator(".st-key-chart_cooperation_by_" + shown.casefold() + " .gtitle")
        assert title.count() == 1, f"no chart for {shown}"
        # Back on the option just chosen (the rerun may redraw the group), to move on from there.
        options.filter(has_text=label).first.focus()
    assert chosen == labels[1:3], chosen
    last = page.evaluate("() => new URLSearchParams(location.search).get('breakdown')")
    page.goto(page.url, wait_until="domcontentloaded")
    settle(page)
    assert page.evaluate("() => new URLSearchParams(location.search).get('breakdown')") == last
    assert page.locator(".st-key-chart_cooperation_by_" + last.casefold() + " .gtitle").count() == 1


def test_a_tall_chart_scrolls_with_the_keyboard_when_presenting(page, server) -> None:
    """Presenting, a chart taller than the screen scrolls in a frame: Tab reaches the frame, which
    names its chart, and each press of the down arrow scrolls it further; the same on reopening."""
    for _ in range(2):
        page.goto(f"{server}/?present=1", wait_until="domcontentloaded")
        settle(page)
        frame = page.locator(".st-key-present_chart_frame")
        frame.wait_for(timeout=30_000)
        page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('st-key-present_chart_frame')"):
                break
        else:
            pytest.fail("Tab never reached the chart's scrolling frame")
        label = frame.get_attribute("aria-label")
        assert label.startswith("The Solar System and beyond") and "arrow keys" in label, label
        assert frame.get_attribute("role") == "region"
        positions = [frame.evaluate("el => el.scrollTop")]
        for _ in range(2):
            page.keyboard.press("ArrowDown")
            page.wait_for_timeout(300)
            positions.append(frame.evaluate("el => el.scrollTop"))
        assert positions[0] < positions[1] < positions[2], positions


def report(base: str, browser) -> dict[str, dict[str, int]]:
    """Counts of violations by impact on every page, normal and presenting (for the record)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    counts: dict[str, dict[str, int]] = {}
    for path in PAGES:
        for presenting in (False, True):
            name = f"{path or 'home'}{' (present)' if presenting else ''}"
            found = audit(page, base, path, presenting)
            tally: dict[str, int] = {}
            for v in found:
                tally[v["impact"]] = tally.get(v["impact"], 0) + v["nodes"]
                tally["rules:" + v["rule"]] = v["nodes"]
            counts[name] = tally
    context.close()
    return counts


if __name__ == "__main__":  # python -m tests.test_accessibility: the counts, for the record
    from playwright.sync_api import sync_playwright

    from .browser_support import CHROMIUM_FLAGS, chromium_path

    with sync_playwright() as p, streamlit_server() as base:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        print(json.dumps(report(base, chromium), indent=1))
