"""Server time of a rerun after a sidebar filter change, page by page, against a hello-world app.

Each page is opened in Streamlit's AppTest, then the sidebar destination filter is changed
``changes`` times (alternating two values); the figure is the median time of those reruns.
The hello-world app (``bench/hello_app.py``) is measured the same way in the same run.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

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
VALUES = (["moon"], ["moon", "small_bodies"])
HELLO_VALUES = (["a"], ["a", "b"])


def _timed_reruns(at: AppTest, values: tuple[list[str], list[str]], changes: int) -> list[float]:
    times = []
    for i in range(changes):
        widget = at.multiselect(key="destination").set_value(values[i % 2])
        start = time.perf_counter()
        widget.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"the page raised: {[e.value for e in at.exception]}")
    return times


def hello(changes: int = 6) -> float:
    at = AppTest.from_file(str(HELLO), default_timeout=120)
    at.run()
    return statistics.median(_timed_reruns(at, HELLO_VALUES, changes))


def page(script: str, changes: int = 6, data_dir: Path | None = None) -> float:
    if data_dir is not None:
        os.environ["H2061_DATA_DIR"] = str(data_dir)
    try:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
        at.switch_page(script).run()
        return statistics.median(_timed_reruns(at, VALUES, changes))
    finally:
        os.environ.pop("H2061_DATA_DIR", None)
