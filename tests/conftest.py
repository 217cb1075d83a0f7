"""Shared fixtures: the real dataset, and a scratch copy of data/ to break on purpose."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components.data import DATA_DIR, Dataset, load_dataset  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def room_database(tmp_path_factory) -> Path:
    """The room poll's database for the whole run: a scratch SQLite file, never the user's own
    (~/.local/share/horizon2061/room.sqlite), and a join host that is this machine. Tests that
    need a database of their own set ``H2061_ROOM_DB`` themselves; servers started by the
    browser tests inherit this environment."""
    import os

    path = tmp_path_factory.mktemp("room") / "room.sqlite"
    saved = {key: os.environ.get(key) for key in ("H2061_ROOM_DB", "H2061_ROOM_HOST")}
    os.environ["H2061_ROOM_DB"] = str(path)
    os.environ["H2061_ROOM_HOST"] = "127.0.0.1"
    yield path
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test (Playwright never downloads one here)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM_FLAGS, chromium_path

    path = chromium_path()
    if path is None:
        pytest.fail("Chromium not found: run `make test`, which installs it, or set CHROMIUM_PATH")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
