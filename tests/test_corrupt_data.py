"""Broken data files, as a user who edits a CSV by hand would break them: every page still runs,
names the broken file in words, and the pages that can do without it keep working."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.data import DATA_DIR_ENV, load_dataset
from components.schema import TABLES

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = (
    "views/home.py",
    "views/pillars.py",
    "views/destinations.py",
    "views/cooperation.py",
    "views/consortium.py",
    "views/missions.py",
    "views/agencies.py",
    "views/present.py",
    "views/room.py",
    "views/upload.py",
    "views/data_sources.py",
)


def _cut_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2][: len(lines[2]) // 2].rsplit(",", 1)[0]
    path.write_text("\n".join(lines), encoding="utf-8")


def _duplicate_key(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(2, lines[1])
    path.write_text("\n".join(lines), encoding="utf-8")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _binary_junk(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 4)


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    # damage: (how, the words the loader's message must contain)
    "cut line": (_cut_line, "a line cut short"),
    "duplicate key": (_duplicate_key, "must be unique"),
    "empty file": (_empty, "the file is empty"),
    "binary junk": (_binary_junk, "not valid UTF-8"),
}
KINDS = list(DAMAGES)
# Every table meets one damage (in turn), and mission_participants meets them all.
CASES = list(
    dict.fromkeys(
        [(spec.name, KINDS[i % len(KINDS)]) for i, spec in enumerate(TABLES)]
        + [("mission_participants", kind) for kind in KINDS]
    )
)


def _run(page: str, data_dir: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    if page != "views/home.py":
        at.switch_page(page)
        at.run()
    return at


def _shown_text(at: AppTest) -> str:
    parts = [e.value for e in at.error] + [e.value for e in at.warning] + [m.value for m in at.markdown]
    return "\n".join(str(p) for p in parts)


def _plain(text: str) -> str:
    """Markdown-escaped text as read on screen."""
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize(("table", "damage"), CASES, ids=[f"{t}-{d}" for t, d in CASES])
def test_every_page_survives_a_broken_table(data_copy: Path, monkeypatch, table: str, damage: str) -> None:
    how, words = DAMAGES[damage]
    how(data_copy / f"{table}.csv")
    problems = load_dataset(data_copy).problems
    assert table in problems and words in problems[table].reason, problems.get(table)
    failures = []
    for page in PAGES:
        at = _run(page, data_copy, monkeypatch)
        if at.exception:
            failures.append(f"{page}: {at.exception[0].value[:300]}")
            continue
        shown = _plain(_shown_text(at))
        if "Traceback" in shown:
            failures.append(f"{page}: a traceback is shown")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("damage", KINDS)
def test_destinations_explains_broken_participants(data_copy: Path, monkeypatch, damage: str) -> None:
    """The deep dive, the comparison and the partner table need the participants; Table 7.1 does not."""
    DAMAGES[damage][0](data_copy / "mission_participants.csv")
    at = _run("views/destinations.py", data_copy, monkeypatch)
    assert not at.exception, at.exception[0].value[:500] if at.exception else ""
    errors = [_plain(e.value) for e in at.main.error]
    assert errors and all("mission_participants.csv" in e for e in errors), errors
    assert DAMAGES[damage][1] in errors[0]
    # Table 7.1 and the destination's own benefits still show.
    assert at.main.dataframe, "Table 7.1 is gone"
    shown = [m.value.lower() for m in at.main.markdown] + [h.value.lower() for h in at.main.subheader]
    assert any("benefit" in text for text in shown), "benefits are gone"


def test_data_page_shows_every_healthy_table_when_one_is_broken(data_copy: Path, monkeypatch) -> None:
    _binary_junk(data_copy / "agencies.csv")
    problems = load_dataset(data_copy).problems
    at = _run("views/data_sources.py", data_copy, monkeypatch)
    assert not at.exception
    assert any("agencies.csv" in _plain(e.value) for e in at.main.error)
    healthy = [spec for spec in TABLES if spec.name not in problems]
    assert len(healthy) >= 10  # tables that need agencies are unavailable too; the rest are not
    for spec in healthy:
        at.main.selectbox(key="table").set_value(spec.name)
        at.run()
        assert not at.exception, spec.name
        assert at.main.dataframe, f"{spec.name} is not shown"
        assert any(f"of {len(load_dataset(data_copy).table(spec.name))} rows" in c.value for c in at.main.caption)
