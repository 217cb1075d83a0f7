"""Server time of a rerun after a sidebar filter change, page by page, against a hello-world app.

Each page is opened in Streamlit's AppTest, then the sidebar destination filter is changed
``changes`` times; the figure is the median time of those reruns. Two kinds of change:

- **new view**: every change picks a destination selection this process has never shown, so
  nothing of it can come from a cache: the filtered missions, every chart and every table of
  the page are built. This is one person exploring on their own.
- **revisited view**: the changes alternate between two selections, so after the first two
  the figures and tables come from the shared caches. This is a room on the same link, or
  someone clicking back and forth.

The hello-world app (``bench/hello_app.py``) is measured the same way in the same run.
"""

from __future__ import annotations

import itertools
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.schema import DESTINATION_IDS

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
HELLO = Path(__file__).resolve().parent / "hello_app.py"
PAGES = {
    "Home": "views/home.py",
    "Four pillars": "views/pillars.py",
    "Destinations": "views/destinations.py",
    "Cooperation": "views/cooperation.py",
    "Missions": "views/missions.py",
    "Agencies": "views/agencies.py",
    "Data & sources": "views/data_sources.py",
}
# Each page's address, as app.py registers it (Home is the default page, at the root).
URL_PATHS = {
    "Home": "",
    "Four pillars": "pillars",
    "Destinations": "destinations",
    "Cooperation": "cooperation",
    "Missions": "missions",
    "Agencies": "agencies",
    "Data & sources": "data",
}
VALUES = (["moon"], ["moon", "small_bodies"])
HELLO_VALUES = (["a"], ["a", "b"])
DESTINATIONS = DESTINATION_IDS


def _never_shown() -> Iterator[list[str]]:
    """Destination selections of two and three, each handed out once per process."""
    for size in (2, 3, 4):
        for combination in itertools.combinations(DESTINATIONS, size):
            if list(combination) not in VALUES:
                yield list(combination)


NEW_VIEWS = _never_shown()


def _timed_reruns(at: AppTest, values: Iterator[list[str]], changes: int) -> list[float]:
    times = []
    for _ in range(changes):
        widget = at.multiselect(key="destination").set_value(next(values))
        start = time.perf_counter()
        widget.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"the page raised: {[e.value for e in at.exception]}")
    return times


def hello_times(changes: int = 6) -> list[float]:
    """Each timed rerun of the hello-world app after a filter change."""
    at = AppTest.from_file(str(HELLO), default_timeout=120)
    at.run()
    return _timed_reruns(at, itertools.cycle(HELLO_VALUES), changes)


def hello(changes: int = 6) -> float:
    return statistics.median(hello_times(changes))


def page(script: str, changes: int = 6, data_dir: Path | None = None, *, new_views: bool = False) -> float:
    """Median rerun of ``script`` after a filter change: revisited views, or never-shown ones."""
    if data_dir is not None:
        os.environ["H2061_DATA_DIR"] = str(data_dir)
    try:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
        at.switch_page(script).run()
        values = NEW_VIEWS if new_views else itertools.cycle(VALUES)
        return statistics.median(_timed_reruns(at, values, changes))
    finally:
        os.environ.pop("H2061_DATA_DIR", None)
