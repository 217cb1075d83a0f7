"""The room poll: writes a second on SQLite, and the time from a submit to the facilitator's screen.

- **Writes a second.** 40 threads (a room of forty phones) submit at one barrier to one room
  in a fresh SQLite file (WAL), ten answers each (within the rate limit's burst); the figure
  is answers ÷ wall time, median over five rounds, and every answer must be counted.
- **Submit to screen.** A real ``streamlit run`` server and the facilitator's page in
  headless Chromium; a participant's answer is written through the store (what the page's
  *Send* does), and the clock runs until the facilitator's "Answered" figure shows it, with
  no reload: the live results refresh every 3 s, so this is at most one refresh plus a run.
  Median and max over ``repeats`` submits.

    python -m bench.room
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.data import load_dataset_strict  # noqa: E402
from components.room import PollVocabulary, RoomStore, new_token  # noqa: E402
from components.state import view_choices  # noqa: E402

WRITERS = 40


def _poll() -> PollVocabulary:
    return PollVocabulary.from_vocabulary(view_choices(load_dataset_strict()).vocabulary)


def writes_per_second(rounds: int = 5, answers_each: int = 10) -> dict[str, float]:
    poll = _poll()
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        store = RoomStore.from_url(f"sqlite:///{tmp}/room.sqlite", poll)
        for _ in range(rounds):
            code, _ = store.open_room("bench")
            barrier = threading.Barrier(WRITERS)
            failures: list[BaseException] = []

            def phone(barrier=barrier, code=code, failures=failures) -> None:
                token = new_token()
                barrier.wait()
                for n in range(answers_each):
                    destination = poll.destinations[n % len(poll.destinations)]
                    try:
                        store.submit(code, token, destination, [poll.modes[n % len(poll.modes)]])
                    except BaseException as exc:  # counted and reported below
                        failures.append(exc)

            threads = [threading.Thread(target=phone) for _ in range(WRITERS)]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start
            written = WRITERS * answers_each - len(failures)
            if failures:
                raise RuntimeError(f"{len(failures)} answers failed: {failures[0]!r}")
            counted = int(store.results(code).answered.sum())
            if counted != WRITERS * min(answers_each, len(poll.destinations)):
                raise RuntimeError(f"answers lost: {counted} counted")
            rates.append(written / elapsed)
    return {"writers": WRITERS, "answers": WRITERS * answers_each, "median_per_s": statistics.median(rates)}


def submit_to_screen(repeats: int = 5) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM_FLAGS, chromium_path, streamlit_server

    poll = _poll()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/room.sqlite"
        store = RoomStore.from_url(url, poll)
        code, key = store.open_room("bench")
        env = {"H2061_ROOM_DB": url, "H2061_ROOM_HOST": "127.0.0.1", "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
        with streamlit_server(env=env) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{base}/room?room={code}&key={key}", wait_until="domcontentloaded")
            answered = page.locator('[data-testid="stMetric"]').filter(has_text="Answered")
            answered.wait_for(timeout=60_000)
            latencies = []
            for n in range(1, repeats + 1):
                time.sleep(1.3 * n % 3)  # submits at different points of the refresh cycle
                start = time.perf_counter()
                store.submit(code, new_token(), poll.destinations[0], [poll.modes[0]])
                page.wait_for_function(
                    """n => [...document.querySelectorAll('[data-testid="stMetric"]')]
                        .some(m => m.innerText.includes('Answered') && m.innerText.includes(String(n)))""",
                    arg=n,
                    timeout=30_000,
                )
                latencies.append(time.perf_counter() - start)
            browser.close()
    return {"repeats": repeats, "median_s": statistics.median(latencies), "max_s": max(latencies)}


def measure() -> dict[str, object]:
    return {"writes": writes_per_second(), "submit_to_screen": submit_to_screen()}


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=2))
