"""Every page runs under AppTest and shows what a user expects, also with broken data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.data import DATA_DIR_ENV, Dataset
from components.metrics import headline_figures
from components.schema import TABLES

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = ["pages/home.py", "pages/data_sources.py"]


def run_app(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if query:
        for key, value in query.items():
            at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_cleanly(page: str) -> None:
    at = run_app(page)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_home_shows_headline_figures(dataset: Dataset) -> None:
    figures = headline_figures(dataset.missions, dataset.agencies, dataset.destinations)
    at = run_app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Missions"] == str(figures.missions)
    assert metrics["Agencies and partners"] == str(figures.agencies)
    assert metrics["Cooperative missions"] == f"{figures.cooperative_share:.0%}"
    assert metrics["Destinations"] == "6"
    assert int(metrics["Missions"]) >= 150


def test_home_lists_the_pillars_and_destinations() -> None:
    at = run_app()
    text = " ".join(m.value for m in at.markdown)
    for pillar in ("Science questions", "Space missions", "Key technologies", "Infrastructures and services"):
        assert pillar in text
    overview = at.dataframe[0].value
    assert "Giant planet systems" in set(overview["name"])


@pytest.mark.parametrize("table", [spec.name for spec in TABLES])
def test_data_page_shows_every_table(table: str, dataset: Dataset) -> None:
    at = run_app("pages/data_sources.py")
    at.selectbox(key="data_table").set_value(table).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == len(dataset.table(table))
    assert any(b.label == f"Download {table}.csv" for b in at.get("download_button"))


def test_data_page_filter_and_empty_state() -> None:
    at = run_app("pages/data_sources.py")
    at.selectbox(key="data_table").set_value("missions").run()
    at.text_input(key="data_query").input("Hayabusa").run()
    names = set(at.dataframe[0].value["name"])
    assert {"Hayabusa", "Hayabusa2"} <= names
    at.text_input(key="data_query").input("no such mission anywhere").run()
    assert any("No row matches" in i.value for i in at.info)


def test_data_page_shows_errata() -> None:
    at = run_app("pages/data_sources.py")
    errata = at.dataframe[-1].value
    assert "Hiten launch year" in set(errata["topic"])


def test_broken_file_is_explained_and_other_pages_work(data_copy: Path, monkeypatch) -> None:
    path = data_copy / "missions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",moon,", ",pluto,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy))

    home = run_app()
    assert not home.exception
    messages = " ".join(e.value for e in home.error)
    assert "missions.csv" in messages and "row 3" in messages and "destination" in messages
    assert "Science questions" in " ".join(m.value for m in home.markdown)  # pillars still render

    data_page = run_app("pages/data_sources.py")
    assert not data_page.exception
    data_page.selectbox(key="data_table").set_value("pillars").run()
    assert len(data_page.dataframe[0].value) == 4


def test_hostile_text_in_data_is_escaped(data_copy: Path, monkeypatch) -> None:
    path = data_copy / "pillars.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Science questions", "<img src=x onerror=alert(1)> $x^2$ **bold**", 1), encoding="utf-8"
    )
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy))
    at = run_app()
    assert not at.exception
    card = next(m.value for m in at.markdown if "onerror" in m.value)
    assert "\\<img" in card and "\\$x^2\\$" in card and "\\*\\*bold\\*\\*" in card
