"""Every page runs under AppTest and shows what a user expects, also with broken data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import ui
from components.data import DATA_DIR_ENV, Dataset
from components.schema import TABLES
from tests.expected import MISSIONS, PARTICIPANTS

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = [
    "views/home.py",
    "views/pillars.py",
    "views/destinations.py",
    "views/cooperation.py",
    "views/missions.py",
    "views/agencies.py",
    "views/data_sources.py",
    "views/consortium.py",
    "views/present.py",
    "views/room.py",
    "views/upload.py",
]
ODD_QUERIES = [
    {"destination": "pluto"},
    {"from": "2030", "to": "1990"},
    {"agency": "x" * 5000},
    {"focus": "<script>alert(1)</script>", "pillar": "<b>bold</b>"},
    {"status": "notional", "destination": "sun"},  # valid, but selects nothing
    {"mode": "working_group", "agency": "kacst"},
]


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


def test_home_shows_headline_figures() -> None:
    """Expected values counted straight from the CSV files, not through the app's metrics module."""
    missions, participants = MISSIONS, PARTICIPANTS
    real = missions[~missions["status"].isin(["notional", "cancelled"])]
    cooperative = real[real["cooperation_mode_id"] != "national"]
    at = run_app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Missions"] == str(len(missions))
    assert metrics["Agencies and partners"] == str(participants["agency_id"].nunique())
    assert metrics["Cooperative missions"] == f"{len(cooperative) / len(real):.0%}"
    assert metrics["Destinations"] == "6"


def test_home_headline_figures_follow_the_sidebar() -> None:
    missions = MISSIONS
    moon = missions[missions["destination_id"] == "moon"]
    real = moon[~moon["status"].isin(["notional", "cancelled"])]
    at = run_app(query={"destination": "Moon"})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Missions"] == str(len(moon))
    assert metrics["Cooperative missions"] == f"{(real['cooperation_mode_id'] != 'national').mean():.0%}"


def test_home_lists_the_pillars_and_destinations() -> None:
    at = run_app()
    text = " ".join(m.value for m in at.markdown)
    for pillar in ("Science questions", "Space missions", "Key technologies", "Infrastructures and services"):
        assert pillar in text
    overview = at.dataframe[0].value
    assert list(overview["name"])[:3] == ["Moon", "Terrestrial planets", "Giant planet systems"]


@pytest.mark.parametrize("table", [spec.name for spec in TABLES])
def test_data_page_shows_every_table(table: str, dataset: Dataset) -> None:
    at = run_app("views/data_sources.py")
    at.selectbox(key="table").set_value(table).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == len(dataset.table(table))
    assert any(b.label == f"Download {table}.csv" for b in at.get("download_button"))


def test_data_page_filter_and_empty_state() -> None:
    at = run_app("views/data_sources.py")
    at.selectbox(key="table").set_value("missions").run()
    at.text_input(key="rows").input("Hayabusa").run()
    names = set(at.dataframe[0].value["name"])
    assert {"Hayabusa", "Hayabusa2"} <= names
    at.text_input(key="rows").input("no such mission anywhere").run()
    assert any("No row matches" in i.value for i in at.info)


def test_data_page_shows_errata() -> None:
    at = run_app("views/data_sources.py")
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

    data_page = run_app("views/data_sources.py")
    assert not data_page.exception
    data_page.selectbox(key="table").set_value("pillars").run()
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


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", ODD_QUERIES, ids=["unknown", "reversed", "huge", "html", "empty", "narrow"])
def test_pages_survive_odd_links(page: str, query: dict[str, str]) -> None:
    at = run_app(page, query)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_odd_link_names_what_was_ignored() -> None:
    at = run_app(query={"destination": "pluto,moon", "from": "2030", "to": "1990"})
    notice = " ".join(w.value for w in at.warning)
    assert "pluto" in notice and "2030–1990" in notice
    assert at.query_params["destination"] == "Moon"
    assert "from" not in at.query_params and "years" not in at.query_params
    assert at.multiselect(key="destination").value == ["moon"]


def test_sidebar_filters_from_a_link_in_label_form() -> None:
    query = {"destination": ["Moon", "Small bodies"], "status": ["Completed"], "years": ["1990", "2020"]}
    at = run_app("views/cooperation.py", query)
    assert not at.warning
    assert at.multiselect(key="destination").value == ["moon", "small_bodies"]
    assert at.multiselect(key="status").value == ["completed"]
    assert at.slider(key="years").value == (1990, 2020)


def test_sidebar_filters_from_an_older_id_link() -> None:
    at = run_app("views/cooperation.py", {"destination": "moon,small_bodies", "from": "1990", "to": "2020"})
    assert not at.warning
    assert at.multiselect(key="destination").value == ["moon", "small_bodies"]
    assert at.slider(key="years").value == (1990, 2020)
    assert at.query_params["destination"] == ["Moon", "Small bodies"]
    assert at.query_params["years"] == ["1990", "2020"]


def test_filters_survive_page_changes() -> None:
    at = run_app()
    at.multiselect(key="agency").set_value(["jaxa"]).run()
    at.switch_page("views/destinations.py").run()
    assert at.multiselect(key="agency").value == ["jaxa"]


def test_pillars_stepper_moves_and_writes_the_url() -> None:
    at = run_app("views/pillars.py")
    assert at.header[0].value == "Pillar 1: Science questions"
    at.button(key="pillar_next").click().run()
    assert at.header[0].value == "Pillar 2: Space missions"
    assert at.segmented_control(key="pillar").value == "missions"
    at.button(key="pillar_previous").click().run()
    assert at.header[0].value == "Pillar 1: Science questions"


@pytest.mark.parametrize(
    ("step", "header", "suited"),
    [
        ("science", "Science questions", "non-governmental"),
        ("missions", "Space missions", "governmental"),
        ("technologies", "Key technologies", "non-governmental"),
        ("infrastructures", "Infrastructures and services", "non-governmental"),
    ],
)
def test_each_pillar_step_from_a_link(step: str, header: str, suited: str) -> None:
    at = run_app("views/pillars.py", {"pillar": step})
    assert at.header[0].value.endswith(header)
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # drop Markdown escapes
    assert f"Best suited: {suited} cooperation" in text
    assert "§7.5.1" in text


def test_destination_deep_dive_from_a_link() -> None:
    at = run_app("views/destinations.py", {"focus": "giant_planets"})
    assert at.header[0].value == "Giant planet systems"
    text = " ".join(m.value for m in at.markdown)
    assert "giant" in text.lower() and "working group" in text.lower()  # §7.5.2 (3) proposes a giant-planets WG
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Past"]) >= 4


def test_destination_deep_dive_from_a_label_link() -> None:
    at = run_app("views/destinations.py", {"focus": "Giant planet systems"})
    assert not at.warning
    assert at.header[0].value == "Giant planet systems"


def test_table_7_1_follows_mode_filter() -> None:
    at = run_app("views/destinations.py", {"mode": "integrated_mission"})
    table = at.dataframe[0].value
    assert set(table["destination_id"]) == {"moon", "exoplanets"}


def test_cooperation_page_lists_a_cell() -> None:
    at = run_app("views/cooperation.py")
    at.selectbox(key="cell_mode").set_value("multi_platform").run()
    at.selectbox(key="cell_destination").set_value("giant_planets").run()
    names = set(at.dataframe[0].value["name"])
    assert "Cassini" in names
    text = " ".join(m.value for m in at.markdown)
    assert "dependency, not cross-support" in text.replace("\\", "").lower()


def test_data_page_table_comes_from_the_link(dataset: Dataset) -> None:
    at = run_app("views/data_sources.py", {"table": "agencies"})
    assert len(at.dataframe[0].value) == len(dataset.agencies)
    at.selectbox(key="table").set_value("groups").run()
    assert len(at.dataframe[0].value) == len(dataset.groups)


def test_missions_page_search_from_a_link() -> None:
    at = run_app("views/missions.py", {"search": "huygens", "colour": "lead_agency"})
    assert any("2 mission(s) match" in s.value for s in at.success)
    assert list(at.dataframe[0].value["name"]) == ["Cassini", "Huygens"]
    assert at.segmented_control(key="colour").value == "lead_agency"


def test_missions_page_search_with_no_match() -> None:
    at = run_app("views/missions.py", {"search": "<b>zzz</b>"})
    assert not at.exception
    assert any("No mission among those shown matches" in i.value and "\\<b\\>" in i.value for i in at.info)


def test_missions_page_per_destination_charts() -> None:
    at = run_app("views/missions.py", {"destination": "moon,exoplanets"})
    at.toggle(key="split").set_value(True).run()
    labels = [e.label for e in at.main.expander]
    assert len(labels) == 2 and labels[0].startswith("Moon — ")


def test_agencies_page_autonomy_from_a_link() -> None:
    at = run_app("views/agencies.py", {"tab": "autonomy", "among": "iss_partnership", "asof": "2015"})
    captions = " ".join(c.value for c in at.caption)
    assert "crew transport by Roscosmos" in captions


def test_agencies_profile_follows_the_link(dataset: Dataset) -> None:
    at = run_app("views/agencies.py", {"tab": "profile", "profile": "jaxa"})
    assert at.subheader[0].value == "Japan Aerospace Exploration Agency"
    assert "JAXA shared missions with" in " ".join(c.value for c in at.caption)


def test_home_picker_links_to_the_deep_dive() -> None:
    at = run_app()
    at.selectbox(key="pick").set_value("small_bodies").run()
    links = [link for link in at.get("page_link") if "deep dive" in link.proto.label]
    assert [link.proto.label for link in links] == ["Open the Small bodies deep dive"]
    assert links[0].proto.page == "destinations"
    assert links[0].proto.query_string == "focus=Small+bodies"


def test_data_page_can_list_unverified_rows(dataset: Dataset) -> None:
    from components.tables import unverified_mask

    counts = {spec.name: int(unverified_mask(dataset.table(spec.name)).sum()) for spec in TABLES}
    flagged = [name for name, count in counts.items() if count]
    if not flagged:  # every fact confirmed: the toggle has nothing to offer
        at = run_app("views/data_sources.py")
        assert not [t for t in at.toggle if t.key == "unverified"]
        return
    table = flagged[0]
    at = run_app("views/data_sources.py", {"table": table})
    at.toggle(key="unverified").set_value(True).run()
    shown = at.dataframe[0].value
    assert len(shown) == counts[table]
    assert unverified_mask(shown).all()


def test_a_failing_chart_is_contained(monkeypatch) -> None:
    """A bug in one builder shows a short message; the page and its other charts still render."""
    import components.charts as charts

    spec = charts.CHARTS_BY_ID["cooperation_ladder"]

    def explode(ctx):
        raise ValueError("boom")

    monkeypatch.setitem(
        charts.CHARTS_BY_ID, "cooperation_ladder", spec.__class__(**{**spec.__dict__, "build": explode})
    )
    ui._shared_build.clear()  # figures built earlier in this process are shared, the broken one too
    at = run_app("views/cooperation.py")
    assert not at.exception
    assert any("could not be drawn (ValueError)" in e.value for e in at.error)
    assert len(at.get("plotly_chart")) >= 3
