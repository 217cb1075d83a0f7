"""A workshop room, steady: people exploring while the room answers the poll.

One ``streamlit run app.py`` server (the poll on a fresh SQLite file) and, for ``duration``
seconds (60):

- ``sessions`` explorers (25), protocol-level clients (``bench/protocol.py``) spread over
  Home, Destinations, Cooperation, Missions and Agencies: each opens its page, then changes
  the sidebar destination filter after random exponential gaps of 10 s on average, to one or
  two destinations picked at random, as a person clicking around does;
- ``participants`` phones (40) on the real poll page (``/room?room=CODE``), also protocol-level:
  each joins within the first 5 s, then at a random time within the first 30 s picks modes
  (and, half the time, a pillar) for some destinations and presses *Send my answers*; the server
  runs the page, which writes through the store. An answer is *acknowledged* when the page
  answers "Sent for N destinations"; afterwards the answers table is counted: every
  acknowledged answer must be there;
- one person in headless Chromium (Debian's, via Playwright) on Agencies, changing the
  destination filter in the sidebar as a person does (typing a destination and Enter, or
  Backspace to remove it); the clock runs from the key press until the chart has changed on
  screen and the page is idle (no status widget, nothing stale);
- the facilitator's screen in the same Chromium (``/room?room=…&key=…``, live results every
  3 s): a MutationObserver records when its *Answered* figure changes; the k-th answer shown
  is paired with the k-th submit sent, so ``submit_to_screen_s`` is the time from a phone's
  *Send* to the facilitator's screen counting it.

Baselines from the same run: the explorers' runs against one session alone (each page opened
and changed ``changes`` times, before and after the load, pooled); the person's chart time
and the facilitator's screen measured alone before the load (``changes`` each).

Memory, on a fresh server of its own: the server's process-tree RSS (``/proc``) with 1, 10
and 25 sessions held open (each has opened its page and changed the filter once), and the
growth per added session (least squares over those points); peak RSS is sampled every 0.25 s
during the load. Times are seconds; p95 is nearest-rank.

    python -m bench.room_load [--sessions 25] [--participants 40] [--duration 60] [--changes 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.protocol import ERROR, SUCCESS, Dropped, Session, string_array, summary, trigger  # noqa: E402
from bench.rerun import URL_PATHS  # noqa: E402
from bench.server import RssSampler, megabytes, serve  # noqa: E402
from components.data import load_dataset_strict  # noqa: E402
from components.room import PollVocabulary, RoomStore  # noqa: E402
from components.state import view_choices  # noqa: E402

PAGES_MIX = ("Home", "Destinations", "Cooperation", "Missions", "Agencies")
PERSON_PAGE = "agencies"
FILTER_KEY = "destination"
MEAN_GAP_S = 10.0
JOIN_WINDOW_S = 5.0
ANSWER_WINDOW_S = 30.0
MEMORY_STEPS = (1, 10, 25)
MEMORY_BUDGET_BYTES = int(1.5 * 2**30)
GOAL_P95_RATIO, GOAL_SCREEN_S, GOAL_PEAK_BYTES = 3.0, 3.0, MEMORY_BUDGET_BYTES


# The workload -------------------------------------------------------------------------------------


@dataclass
class Client:
    """A protocol-level client and what it saw; explorers and participants alike."""

    index: int
    page: str
    session: Session
    runs: list[tuple[float, float, str]] = field(default_factory=list)  # (ended at, seconds, status)
    first_run_s: float | None = None
    dropped: bool = False
    error: str | None = None
    # Participants only.
    sent_at: float | None = None  # time.time(), to pair with the facilitator's screen
    submitted: int = 0
    acknowledged: int = 0
    ack_s: float | None = None

    def problems(self) -> list[str]:
        found = [self.error] if self.error else []
        found += self.session.page_errors
        found += [f"run status {status}" for _, _, status in self.runs if status != "finished"]
        return [f"{self.page} #{self.index}: {problem}" for problem in found]


async def _timed(client: Client, widgets=(), *, first: bool = False) -> float:
    began = time.perf_counter()
    status = await client.session.run(widgets, first=first)
    ended = time.perf_counter()
    client.runs.append((ended, ended - began, status))
    if first:
        client.first_run_s = ended - began
    return ended - began


def _filter_of(session: Session):
    found = session.widget(FILTER_KEY)
    if found is None or found[0] != "multiselect":
        raise RuntimeError("the page showed no destination filter")
    return found[1]


def pick_destinations(options: list[str], rng: random.Random, current: list[str]) -> list[str]:
    while True:
        chosen = rng.sample(options, k=rng.choice((1, 2)))
        if chosen != current:
            return chosen


async def change_filter(client: Client, rng: random.Random) -> float:
    """Send what the browser sends when the destination box changes; the run's seconds."""
    session = client.session
    widget = _filter_of(session)
    current = [v for k, v in parse_qsl(session.query_string) if k == FILTER_KEY]
    chosen = pick_destinations(list(widget.options), rng, current)
    query = [(k, v) for k, v in parse_qsl(session.query_string, keep_blank_values=True) if k != FILTER_KEY]
    session.query_string = urlencode([*query, *((FILTER_KEY, value) for value in chosen)])
    return await _timed(client, [string_array(widget.id, chosen)])


async def _sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.perf_counter()))


async def explore(
    client: Client, rng: random.Random, start: float, end: float, stop: asyncio.Event, done: set[int]
) -> None:
    """Open a page, then change the filter after exponential gaps until ``end``; stay until ``stop``."""
    try:
        await _sleep_until(start + rng.uniform(0, 2.0))  # a room does not click in the same millisecond
        await client.session.open()
        await _timed(client, first=True)
        _filter_of(client.session)
        while True:
            moment = time.perf_counter() + rng.expovariate(1 / MEAN_GAP_S)
            if moment >= end:
                break
            await _sleep_until(moment)
            await change_filter(client, rng)
        done.add(id(client))
        await client.session.wait_or_drop(stop)
    except Dropped as exc:
        client.dropped, client.error = True, str(exc)
    except asyncio.CancelledError:
        client.error = client.error or "timed out"
        raise
    except Exception as exc:
        client.error = f"{type(exc).__name__}: {exc}"
    finally:
        done.add(id(client))


def ballot_widgets(session: Session, rng: random.Random) -> tuple[list, int]:
    """A participant's picks for some destinations, as the form sends them on *Send*; and how many."""
    modes = {
        proto.id.rsplit("-room_modes_", 1)[1]: proto
        for kind, proto in session.widgets.values()
        if kind == "button_group" and "-room_modes_" in proto.id
    }
    pillars = {
        proto.id.rsplit("-room_pillar_", 1)[1]: proto
        for kind, proto in session.widgets.values()
        if kind == "button_group" and "-room_pillar_" in proto.id
    }
    submitter = session.form_submitter()
    if not modes or submitter is None:
        raise RuntimeError("the poll page showed no answer form")
    chosen = rng.sample(sorted(modes), k=rng.randint(1, len(modes)))
    widgets = []
    for destination in chosen:
        options = [option.content for option in modes[destination].options]
        widgets.append(string_array(modes[destination].id, rng.sample(options, k=rng.randint(1, 3))))
        if rng.random() < 0.5 and destination in pillars:
            labels = [option.content for option in pillars[destination].options]
            widgets.append(string_array(pillars[destination].id, [rng.choice(labels)]))
    return [*widgets, trigger(submitter.id)], len(chosen)


async def participate(
    client: Client, rng: random.Random, join_at: float, answer_at: float, stop: asyncio.Event, done: set[int]
) -> None:
    """Join the room at ``join_at``, send answers at ``answer_at`` (perf_counter), stay until ``stop``."""
    try:
        await _sleep_until(join_at)
        await client.session.open()
        await _timed(client, first=True)
        widgets, count = ballot_widgets(client.session, rng)
        await _sleep_until(answer_at)
        client.submitted = count
        client.sent_at = time.time()
        client.ack_s = await _timed(client, widgets)
        alerts = client.session.alerts
        if any(form == SUCCESS and body.startswith("Sent for") for form, body in alerts):
            client.acknowledged = count
        else:
            client.error = f"no acknowledgement: {[body for form, body in alerts if form == ERROR]}"
        done.add(id(client))
        await client.session.wait_or_drop(stop)
    except Dropped as exc:
        client.dropped, client.error = True, str(exc)
    except asyncio.CancelledError:
        client.error = client.error or "timed out"
        raise
    except Exception as exc:
        client.error = f"{type(exc).__name__}: {exc}"
    finally:
        done.add(id(client))


@dataclass
class Workload:
    """Everything one steady run did, ready to be summed up."""

    explorers: list[Client]
    participants: list[Client]
    start: float
    end: float
    wall_s: float


async def workload(
    base: str,
    code: str,
    *,
    sessions: int,
    participants: int,
    duration: float,
    rng: random.Random,
    sticky: bool = False,
    extra: list | None = None,
) -> Workload:
    """Explorers and participants against ``base`` for ``duration`` s; ``extra`` coroutines run alongside."""
    explorers = [
        Client(i, PAGES_MIX[i % len(PAGES_MIX)], Session(base, URL_PATHS[PAGES_MIX[i % len(PAGES_MIX)]], sticky=sticky))
        for i in range(sessions)
    ]
    phones = [
        Client(i, "Room poll", Session(base, "room", query_string=f"room={code}", sticky=sticky))
        for i in range(participants)
    ]
    stop, done = asyncio.Event(), set()
    start = time.perf_counter() + 0.5
    end = start + duration
    tasks = [asyncio.create_task(explore(c, random.Random(rng.random()), start, end, stop, done)) for c in explorers]
    for client in phones:
        join = start + rng.uniform(0, JOIN_WINDOW_S)
        answer = start + rng.uniform(JOIN_WINDOW_S, ANSWER_WINDOW_S)
        tasks.append(asyncio.create_task(participate(client, random.Random(rng.random()), join, answer, stop, done)))
    side = [asyncio.create_task(coroutine) for coroutine in extra or []]
    await _sleep_until(end)
    # Runs started before the end are waited for, within a limit; then everyone hangs up.
    deadline = time.perf_counter() + 90
    while time.perf_counter() < deadline and len(done) < len(tasks):
        await asyncio.sleep(0.1)
    if side:
        await asyncio.wait(side, timeout=max(1.0, deadline - time.perf_counter()))
    wall = time.perf_counter() - start
    stop.set()
    await asyncio.wait(tasks, timeout=10)
    for task in [*tasks, *side]:
        task.cancel()
    results = await asyncio.gather(*side, return_exceptions=True)
    await asyncio.gather(*tasks, return_exceptions=True)
    for client in [*explorers, *phones]:
        if client.error is None and not client.runs:
            client.error = "timed out"
        await client.session.close()
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result
    return Workload(explorers, phones, start, end, wall)


def report(load: Workload) -> dict:
    """The figures of one steady run: runs, throughput, errors, drops, answers acknowledged."""
    clients = [*load.explorers, *load.participants]
    changes = [seconds for c in load.explorers for ended, seconds, _ in c.runs[1:]]
    first_runs = [c.first_run_s for c in load.explorers if c.first_run_s is not None]
    window = load.end - load.start
    completed = sum(len(c.runs) for c in clients)
    in_window = sum(1 for c in clients for ended, _, _ in c.runs if ended <= load.end)
    return {
        "sessions": len(load.explorers),
        "participants": len(load.participants),
        "duration_s": round(window, 1),
        "filter_change_s": summary(changes),
        "first_run_s": summary(first_runs),
        "submit_ack_s": summary([c.ack_s for c in load.participants if c.ack_s is not None]),
        "runs_completed": completed,
        "filter_changes": len(changes),
        "reruns_per_s": round(in_window / window, 2),
        "filter_changes_per_s": round(
            sum(1 for c in load.explorers for e, _, _ in c.runs[1:] if e <= load.end) / window, 2
        ),
        "dropped": sum(c.dropped for c in clients),
        "errors": [problem for c in clients for problem in c.problems()],
        "answers": {
            "submitted": sum(c.submitted for c in load.participants),
            "acknowledged": sum(c.acknowledged for c in load.participants),
            "respondents_acknowledged": sum(c.acknowledged > 0 for c in load.participants),
        },
    }


# Baselines and memory -----------------------------------------------------------------------------


async def set_filter(client: Client, values: list[str]) -> float:
    session = client.session
    widget = _filter_of(session)
    query = [(k, v) for k, v in parse_qsl(session.query_string, keep_blank_values=True) if k != FILTER_KEY]
    session.query_string = urlencode([*query, *((FILTER_KEY, value) for value in values)])
    return await _timed(client, [string_array(widget.id, values)])


async def single_session(base: str, changes: int, rng: random.Random) -> dict[str, list[float]]:
    """One session alone: each page of the mix opened, then its filter changed ``changes`` times."""
    first, changed = [], []
    for page in PAGES_MIX:
        client = Client(0, page, Session(base, URL_PATHS[page]))
        try:
            await client.session.open()
            first.append(await _timed(client, first=True))
            for _ in range(changes):
                await asyncio.sleep(0.2)
                changed.append(await change_filter(client, rng))
        finally:
            await client.session.close()
        if client.problems():
            raise RuntimeError(f"the single session failed: {client.problems()}")
    return {"first_run_s": first, "filter_change_s": changed}


async def warm(base: str, room_code: str) -> None:
    """One visit per page (and the poll page), so the dataset is loaded and the caches filled."""
    for page in PAGES_MIX:
        client = Client(0, page, Session(base, URL_PATHS[page]))
        await client.session.open()
        await _timed(client, first=True)
        await set_filter(client, ["Moon"])
        await client.session.close()
        if client.problems():
            raise RuntimeError(f"warm-up visit failed: {client.problems()}")
    phone = Client(0, "Room poll", Session(base, "room", query_string=f"room={room_code}"))
    await phone.session.open()
    await _timed(phone, first=True)
    await phone.session.close()


async def _settled_rss(sampler: RssSampler, wait: float = 3.0, samples: int = 8) -> int:
    await asyncio.sleep(wait)
    found = []
    for _ in range(samples):
        found.append(sampler.now())
        await asyncio.sleep(0.25)
    return int(statistics.median(found))


async def memory_steps(base: str, sampler: RssSampler, room_code: str, steps=MEMORY_STEPS) -> dict:
    """RSS with 0 (after a warm-up), then 1, 10, 25… sessions held open; growth per session."""
    await warm(base, room_code)
    points = [(0, await _settled_rss(sampler))]
    held: list[Client] = []
    try:
        for target in steps:
            while len(held) < target:
                page = PAGES_MIX[len(held) % len(PAGES_MIX)]
                client = Client(len(held), page, Session(base, URL_PATHS[page]))
                held.append(client)
                await client.session.open()
                await _timed(client, first=True)
                await set_filter(client, ["Moon"])
                if client.problems():
                    raise RuntimeError(f"memory session failed: {client.problems()}")
            points.append((target, await _settled_rss(sampler)))
    finally:
        for client in held:
            await client.session.close()
    counted = points[1:]
    mean_n = statistics.fmean(n for n, _ in counted)
    mean_rss = statistics.fmean(rss for _, rss in counted)
    slope = sum((n - mean_n) * (rss - mean_rss) for n, rss in counted) / sum((n - mean_n) ** 2 for n, _ in counted)
    one = dict(points)[steps[0]]
    return {
        "rss_mb": {str(n): megabytes(rss) for n, rss in points},
        "per_session_mb": round(slope / 2**20, 2),
        "sessions_in_budget": int((MEMORY_BUDGET_BYTES - one) / slope) + 1 if slope > 0 else None,
        "budget_mb": megabytes(MEMORY_BUDGET_BYTES),
    }


# The browser: a person's chart, the facilitator's screen ---------------------------------------

CHART_OBSERVER = """() => {
    window.__h2061ChartAt = 0;
    const inChart = n => {
        const e = n && (n.nodeType === 1 ? n : n.parentElement);
        return !!(e && e.closest && e.closest('[data-testid="stPlotlyChart"]'));
    };
    new MutationObserver(list => {
        if (list.some(m => inChart(m.target))) window.__h2061ChartAt = Date.now();
    }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
CHART_UPDATED = """t0 => window.__h2061ChartAt > t0
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""
ANSWERED_OBSERVER = """() => {
    window.__h2061Answered = [];
    let last = null;
    const read = () => {
        for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
            if (!m.innerText.includes('Answered')) continue;
            const value = m.querySelector('[data-testid="stMetricValue"]');
            const n = parseInt((value ? value.innerText : '').trim(), 10);
            if (!Number.isNaN(n) && n !== last) { last = n; window.__h2061Answered.push([Date.now(), n]); }
        }
    };
    new MutationObserver(read).observe(document.body, {subtree: true, childList: true, characterData: true});
    read();
}"""
IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""


class Person:
    """A person in Chromium on one page, changing the sidebar's destination filter."""

    def __init__(self, page, labels: list[str]) -> None:
        self.page, self.labels, self.step = page, labels, 0

    async def open(self, url: str) -> None:
        await self.page.goto(url, wait_until="domcontentloaded")
        await self.page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=60_000)
        await self.page.wait_for_timeout(500)
        await self.page.wait_for_function(IDLE, timeout=60_000)
        await self.page.evaluate(CHART_OBSERVER)

    async def change(self) -> float:
        """Add a destination (typed, Enter) or remove the last one (Backspace); seconds to the new chart."""
        field = self.page.locator(".st-key-destination input")
        adding = self.step % 2 == 0
        label = self.labels[(self.step // 2) % len(self.labels)]
        await field.click()
        if adding:
            await field.fill(label)
            await self.page.get_by_role("listbox").get_by_role("option", name=label, exact=True).wait_for()
        self.step += 1
        began = time.time()
        await field.press("Enter" if adding else "Backspace")
        await self.page.wait_for_function(CHART_UPDATED, arg=began * 1000, polling="raf", timeout=60_000)
        seconds = time.time() - began
        await field.press("Escape")
        return seconds

    async def changes_until(self, end: float, rng: random.Random, at_least: int) -> list[float]:
        """Changes 6–11 s apart until ``end`` (perf_counter), and at least ``at_least`` in all."""
        times: list[float] = []
        while True:
            moment = time.perf_counter() + rng.uniform(6.0, 11.0)
            if moment >= end and len(times) >= at_least:
                return times
            await _sleep_until(moment)
            times.append(await self.change())


async def facilitator_screen(page, url: str) -> None:
    await page.goto(url, wait_until="domcontentloaded")
    await page.locator('[data-testid="stMetric"]').filter(has_text="Answered").wait_for(timeout=60_000)
    await page.evaluate(ANSWERED_OBSERVER)


async def screen_log(page) -> list[tuple[float, int]]:
    return [(at / 1000, n) for at, n in await page.evaluate("() => window.__h2061Answered")]


def screen_latencies(sent: list[float], shown: list[tuple[float, int]]) -> list[float]:
    """The k-th submit sent against the first moment the screen counts k answers (epoch seconds)."""
    sent = sorted(sent)
    latencies = []
    for k, when in enumerate(sent, start=1):
        seen = [at for at, n in shown if n >= k]
        if seen:
            latencies.append(max(0.0, min(seen) - when))
    return latencies


async def screen_alone(page, base: str, code: str, repeats: int) -> list[float]:
    """``repeats`` phones one after another on the poll page, each submit timed to the screen."""
    sent = []
    for n in range(1, repeats + 1):
        await asyncio.sleep(1.3 * n % 3)  # submits at different points of the refresh cycle
        phone = Client(n, "Room poll", Session(base, "room", query_string=f"room={code}"))
        await phone.session.open()
        await _timed(phone, first=True)
        widgets, _ = ballot_widgets(phone.session, random.Random(n))
        phone.sent_at = time.time()
        await _timed(phone, widgets)
        sent.append(phone.sent_at)
        await phone.session.close()
        deadline = time.time() + 30
        while time.time() < deadline and not any(k >= n for _, k in await screen_log(page)):
            await asyncio.sleep(0.1)
    return screen_latencies(sent, await screen_log(page))


def count_answers(store: RoomStore, code: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from components.room.store import answers

    with store.engine.connect() as conn:
        rows = conn.execute(select(func.count()).where(answers.c.room_code == code)).scalar_one()
        tokens = conn.execute(select(func.count(func.distinct(answers.c.token))).where(answers.c.room_code == code))
        return {"rows": int(rows), "respondents": int(tokens.scalar_one())}


# The whole run --------------------------------------------------------------------------------------


def _poll() -> PollVocabulary:
    return PollVocabulary.from_vocabulary(view_choices(load_dataset_strict()).vocabulary)


def _ratio(under: dict, alone: dict, key: str) -> float | None:
    if not under[key] or not alone[key]:
        return None
    return round(under[key] / alone[key], 2)


async def _steady(server, store: RoomStore, sampler: RssSampler, options: dict, rng: random.Random) -> dict:
    base = server.base
    rehearsal, rehearsal_key = store.open_room("rehearsal")
    code, key = store.open_room("workshop")
    await warm(base, rehearsal)
    alone_before = await single_session(base, options["changes"], rng)
    result: dict = {}
    extra = []
    browser = playwright = facilitator = None
    person_times: list[float] = []
    try:
        if options["browser"]:
            from playwright.async_api import async_playwright

            from tests.browser_support import CHROMIUM_FLAGS, chromium_path

            playwright = await async_playwright().start()
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            viewport = {"width": 1280, "height": 800}
            labels = [label for _, label in sorted(view_choices(load_dataset_strict()).vocabulary.destinations.items())]
            person = Person(await (await browser.new_context(viewport=viewport)).new_page(), labels)
            facilitator = await (await browser.new_context(viewport=viewport)).new_page()
            await person.open(f"{base}/{PERSON_PAGE}")
            person_alone = [await person.change() for _ in range(options["changes"])]
            await facilitator_screen(facilitator, f"{base}/room?room={rehearsal}&key={rehearsal_key}")
            screen_before = await screen_alone(facilitator, base, rehearsal, options["changes"])
            await facilitator_screen(facilitator, f"{base}/room?room={code}&key={key}")

            end = time.perf_counter() + options["duration"] + 0.5

            async def person_under_load() -> None:
                person_times.extend(await person.changes_until(end, random.Random(rng.random()), options["changes"]))

            extra.append(person_under_load())
        mark = time.perf_counter()
        load = await workload(
            base,
            code,
            sessions=options["sessions"],
            participants=options["participants"],
            duration=options["duration"],
            rng=rng,
            extra=extra,
        )
        peak = sampler.peak(since=mark)
        await asyncio.sleep(4)  # one more refresh of the facilitator's screen
        shown = await screen_log(facilitator) if facilitator is not None else []
    finally:
        if browser is not None:
            await browser.close()
        if playwright is not None:
            await playwright.stop()
    alone_after = await single_session(base, options["changes"], rng)
    steady = report(load)
    alone = {key: summary(alone_before[key] + alone_after[key]) for key in ("first_run_s", "filter_change_s")}
    alone["before_after_median_s"] = [
        round(statistics.median(alone_before["filter_change_s"]), 3),
        round(statistics.median(alone_after["filter_change_s"]), 3),
    ]
    counted = count_answers(store, code)
    answers = steady["answers"]
    answers.update(written=counted["rows"], respondents_written=counted["respondents"])
    answers["lost"] = max(0, answers["acknowledged"] - counted["rows"])
    result.update(
        steady=steady,
        single_session=alone,
        p50_ratio=_ratio(steady["filter_change_s"], alone["filter_change_s"], "median"),
        p95_ratio=_ratio(steady["filter_change_s"], alone["filter_change_s"], "p95"),
        peak_rss_mb=megabytes(peak),
    )
    if options["browser"]:
        sent = [c.sent_at for c in load.participants if c.acknowledged and c.sent_at is not None]
        result["browser"] = {
            "person_chart_s": summary(person_times),
            "person_chart_alone_s": summary(person_alone),
            "person_ratio": _ratio(summary(person_times), summary(person_alone), "median"),
            "submit_to_screen_s": summary(screen_latencies(sent, shown)),
            "submit_to_screen_alone_s": summary(screen_before),
            "screen_final_count": shown[-1][1] if shown else None,
        }
    return result


def measure(
    sessions: int = 25,
    participants: int = 40,
    duration: float = 60.0,
    changes: int = 5,
    *,
    browser: bool = True,
    memory_steps_at: tuple[int, ...] = MEMORY_STEPS,
    seed: int = 2061,
) -> dict:
    """Memory per session on one server, then the steady workshop on another; the figures."""
    rng = random.Random(seed)
    poll = _poll()
    options = {
        "sessions": sessions,
        "participants": participants,
        "duration": duration,
        "changes": max(5, changes),
        "browser": browser,
    }
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="h2061-room-load-") as tmp:
        url = f"sqlite:///{tmp}/room.sqlite"
        store = RoomStore.from_url(url, poll)
        env = {"H2061_ROOM_DB": url, "H2061_ROOM_HOST": "127.0.0.1"}
        with serve(env) as server, RssSampler([server.pid]) as sampler:
            memory_room, _ = store.open_room("memory")
            memory = asyncio.run(memory_steps(server.base, sampler, memory_room, memory_steps_at))
        with serve(env) as server, RssSampler([server.pid]) as sampler:
            result = asyncio.run(_steady(server, store, sampler, options, rng))
        store.engine.dispose()
    result["memory"] = memory
    result["database"] = "SQLite (WAL)"
    result["load_avg_1min"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    result["goals"] = {
        "p95_ratio": GOAL_P95_RATIO,
        "submit_to_screen_s": GOAL_SCREEN_S,
        "peak_rss_mb": megabytes(GOAL_PEAK_BYTES),
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=25, help="explorers changing filters")
    parser.add_argument("--participants", type=int, default=40, help="phones answering the poll")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of steady load")
    parser.add_argument("--changes", type=int, default=5, help="timed changes per baseline (at least 5)")
    parser.add_argument("--memory-steps", type=int, nargs="*", default=list(MEMORY_STEPS), help="sessions held")
    parser.add_argument("--skip-browser", action="store_true", help="no Chromium (person, facilitator)")
    args = parser.parse_args()
    result = measure(
        args.sessions,
        args.participants,
        args.duration,
        args.changes,
        browser=not args.skip_browser,
        memory_steps_at=tuple(args.memory_steps),
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
