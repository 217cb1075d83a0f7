"""The consortium sketch: a group of agencies at one destination, in five parts, in words and
as a figure.

Most expectations come from a small hand-made dataset (``world``) whose answers are counted
by hand below; a few check the real data and the registered chart."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from components.analysis import ALONE, NOT_YET, WITH_PARTNERS
from components.charts import CHARTS_BY_ID, ChartContext, build
from components.charts.consortium import (
    LACKING_CODE,
    LACKING_MARK,
    SINGLE_MARK,
    TOGETHER,
    consortium_capabilities_figure,
    consortium_heritage_figure,
)
from components.consortium import COMBINED, default_members, joined_names, sketch, sketch_summary
from components.data import Dataset, pandera_schema
from components.filters import FilterState
from components.schema import TABLES_BY_NAME
from components.vocabulary import Vocabulary

TODAY = date(2026, 11, 22)
_DTYPES = {"str": "string", "int": "Int64", "float": "float64", "bool": "boolean", "date": "datetime64[ns]"}


def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    """A table as the loader would give it: every column of its spec, typed, validated."""
    spec = TABLES_BY_NAME[name]
    frame = pd.DataFrame(
        {
            col.name: pd.Series(
                [row.get(col.name, "hand-made test" if col.name == "source" else None) for row in rows],
                dtype=object,
            ).astype(_DTYPES[col.kind])
            for col in spec.columns
        }
    )
    return pandera_schema(spec).validate(frame)


# A small world, counted by hand. At the Moon:
#   m1  Alpha Orbiter      2000 completed  alpha leads, alone (national)             orbit
#   m2  Beta Lander        2005 completed  beta leads; alpha built the rover and    landing (beta), roving (alpha)
#                                          tracked it (multi-platform)
#   m3  Gamma Flyby        2010 operating  gamma leads; beta instrument (delivery)  flyby (gamma)
#   m4  Alpha Return       2015 failed     alpha alone                              sample return: lost, so not shown
#   m5  Joint Orbiter      2030 planned    alpha leads, gamma element (integrated)  nothing shown yet
#   m6  Alpha Programme    2001 operating  programme row: alpha, beta               crew (alpha): autonomy only
#   m8  Omega Orbiter      2008 completed  omega leads, alpha instrument            orbit (omega)
# At the small bodies:
#   m7  Comet Probe        2012 completed  beta leads, alpha instrument (delivery)  flyby (beta)
# Alpha runs a deep-space station; delta has flown nothing.
MISSIONS = [
    ("m1", "Alpha Orbiter", "moon", 2000, "completed", "alpha", "orbiter", "orbit", "national"),
    ("m2", "Beta Lander", "moon", 2005, "completed", "beta", "lander", "landing|roving", "multi_platform"),
    ("m3", "Gamma Flyby", "moon", 2010, "operating", "gamma", "flyby", "flyby", "instrument_delivery"),
    ("m4", "Alpha Return", "moon", 2015, "failed", "alpha", "sample return", "sample_return", "national"),
    ("m5", "Joint Orbiter", "moon", 2030, "planned", "alpha", "orbiter", "orbit", "integrated_mission"),
    ("m6", "Alpha Programme", "moon", 2001, "operating", "alpha", "programme", "crew", "multi_mission_programme"),
    ("m7", "Comet Probe", "small_bodies", 2012, "completed", "beta", "flyby", "flyby", "instrument_delivery"),
    ("m8", "Omega Orbiter", "moon", 2008, "completed", "omega", "orbiter", "orbit", "instrument_delivery"),
]
PARTICIPANTS = [
    ("m1", "alpha", "lead", None),
    ("m2", "beta", "lead", None),
    ("m2", "alpha", "element", "roving"),
    ("m2", "alpha", "infrastructure", None),
    ("m3", "gamma", "lead", None),
    ("m3", "beta", "instrument", None),
    ("m4", "alpha", "lead", None),
    ("m5", "alpha", "lead", None),
    ("m5", "gamma", "element", None),
    ("m6", "alpha", "lead", None),
    ("m6", "beta", "element", None),
    ("m7", "beta", "lead", None),
    ("m7", "alpha", "instrument", None),
    ("m8", "omega", "lead", None),
    ("m8", "alpha", "instrument", None),
]
MODES = [
    ("instrument_delivery", 1, "Delivery of instruments", "Instrument"),
    ("infrastructure_support", 2, "Infrastructure support", "Infrastructure"),
    ("multi_platform", 3, "Multi-platform mission", "Multi-platform"),
    ("integrated_mission", 4, "Integrated mission", "Integrated"),
    ("working_group", 5, "Inter-agency working group", "Working group"),
    ("multi_mission_programme", 6, "Integrated multi-mission programme", "Programme"),
]
MEMBERS = ("alpha", "beta", "gamma", "delta")


@pytest.fixture(scope="module")
def world() -> Dataset:
    agencies = [
        {
            "agency_id": a,
            "short_name": a.capitalize(),
            "full_name": f"{a.capitalize()} Space Agency",
            "country": country,
            "kind": "national agency",
            "hq_city": "Capital",
            "hq_lat": 0.0,
            "hq_lon": 0.0,
        }
        for a, country in (("alpha", "AAA"), ("beta", "BBB"), ("gamma", "CCC"), ("delta", "DDD"), ("omega", "OOO"))
    ]
    destinations = [
        {"destination_id": d, "name": name, "short_name": name, "display_order": i, "in_table_7_1": True}
        | {"summary": name}
        for i, (d, name) in enumerate((("moon", "Moon"), ("small_bodies", "Small bodies")), start=1)
    ]
    tables = {
        "agencies": _table("agencies", agencies),
        "destinations": _table("destinations", destinations),
        "cooperation_modes": _table(
            "cooperation_modes",
            [
                {"mode_id": m, "rank": r, "name": n, "short_name": s}
                | {"definition": n, "examples": n, "governance_hint": n}
                for m, r, n, s in MODES
            ],
        ),
        "destination_modes": _table(
            "destination_modes",
            [
                {"destination_id": "moon", "mode_id": m, "rationale": "hand-made", "paragraph": "§7.5.2 (1)"}
                | {"reconstructed": True}
                for m in ("working_group", "instrument_delivery", "multi_platform")
            ],
        ),
        "missions": _table(
            "missions",
            [
                {
                    "mission_id": mid,
                    "name": name,
                    "destination_id": dest,
                    "body_id": dest,
                    "launch_year": year,
                    "status": status,
                    "lead_agency_id": lead,
                    "mission_type": kind,
                    "capabilities": caps,
                    "cooperation_mode_id": mode,
                    "failure_phase": "launch" if status == "failed" else None,
                }
                for mid, name, dest, year, status, lead, kind, caps, mode in MISSIONS
            ],
        ),
        "mission_participants": _table(
            "mission_participants",
            [
                {"mission_id": m, "agency_id": a, "role": r, "contribution": f"{r} of {m}", "capabilities": c}
                for m, a, r, c in PARTICIPANTS
            ],
        ),
        "infrastructures": _table(
            "infrastructures",
            [
                {
                    "infrastructure_id": "alpha_dish",
                    "name": "Alpha Deep Space Dish",
                    "kind": "ground station",
                    "operator_agency_id": "alpha",
                    "country": "AAA",
                    "established": 1990,
                    "status": "operating",
                    "description": "Alpha's own deep-space antenna.",
                }
            ],
        ),
    }
    return Dataset(tables)


@pytest.fixture(scope="module")
def words(world: Dataset) -> Vocabulary:
    return Vocabulary.from_dataset(world)


@pytest.fixture(scope="module")
def moon(world: Dataset):
    return sketch(world, "moon", MEMBERS)


# ------------------------------------------------------------------ the five parts, by hand


def test_heritage_per_member_and_together(moon) -> None:
    # Succeeded missions at the Moon: m1, m2, m3, m8 (m4 failed, m5 is planned, m6 is a programme row).
    assert list(moon.heritage.index) == [*MEMBERS, COMBINED]
    expected = {
        "alpha": {"took_part": 3, "led": 1, "flyby": 0, "orbit": 1, "landing": 0, "roving": 1, "sample_return": 0},
        "beta": {"took_part": 2, "led": 1, "flyby": 0, "orbit": 0, "landing": 1, "roving": 0, "sample_return": 0},
        "gamma": {"took_part": 1, "led": 1, "flyby": 1, "orbit": 0, "landing": 0, "roving": 0, "sample_return": 0},
        "delta": dict.fromkeys(["took_part", "led", "flyby", "orbit", "landing", "roving", "sample_return"], 0),
        # A shared mission counts once (m2 is alpha's and beta's); m8's orbit is omega's, not the group's.
        COMBINED: {"took_part": 4, "led": 3, "flyby": 1, "orbit": 1, "landing": 1, "roving": 1, "sample_return": 0},
    }
    assert moon.heritage.to_dict("index") == expected


def test_capabilities_covered_at_both_levels_and_lacking(moon) -> None:
    assert moon.capabilities.loc["orbit"].to_dict() == {
        "alpha": ALONE,
        "beta": NOT_YET,
        "gamma": NOT_YET,
        "delta": NOT_YET,
    }
    assert moon.capabilities.at["roving", "alpha"] == WITH_PARTNERS  # alpha's rover rode on beta's lander
    assert moon.capabilities.at["crew", "alpha"] == WITH_PARTNERS  # from the programme row, as on the autonomy page
    assert moon.capabilities.at["deep_space_tracking", "beta"] == WITH_PARTNERS  # alpha's dish tracked m2
    assert (moon.capabilities["delta"] == NOT_YET).all()
    assert moon.coverage.to_dict() == {
        "flyby": WITH_PARTNERS,
        "orbit": ALONE,
        "landing": WITH_PARTNERS,
        "roving": WITH_PARTNERS,
        "sample_return": NOT_YET,  # m4 failed
        "crew": WITH_PARTNERS,
        "deep_space_tracking": ALONE,
    }
    assert moon.covered == ("flyby", "orbit", "landing", "roving", "crew", "deep_space_tracking")
    assert moon.covered_alone == ("orbit", "deep_space_tracking")
    assert moon.lacking == ("sample_return",)


def test_single_member_dependencies(moon) -> None:
    # Deep-space tracking has two holders (alpha alone, beta with partners): not a dependency.
    assert moon.single_holders.to_dict() == {
        "flyby": "gamma",
        "orbit": "alpha",
        "landing": "beta",
        "roving": "alpha",
        "crew": "alpha",
    }


def test_recommended_modes_and_those_practised_together(moon) -> None:
    assert moon.modes.to_dict("records") == [
        # practised: anyone's flown or committed missions there (m3, m8); together: the group's (m3)
        {"mode_id": "instrument_delivery", "practised": 2, "together": 1, "practised_together": True},
        {"mode_id": "multi_platform", "practised": 1, "together": 1, "practised_together": True},
        {"mode_id": "working_group", "practised": 0, "together": 0, "practised_together": False},
    ]
    assert moon.recommended_practised == ("instrument_delivery", "multi_platform")


def test_missions_flown_together(moon) -> None:
    together = moon.flown_together
    # m6 is a programme row (never a mission), m4, m1 and m8 had one member only.
    assert list(together["mission_id"]) == ["m2", "m3", "m7", "m5"]
    assert list(together["at_destination"]) == [True, True, False, True]
    assert list(together["members"]) == ["alpha|beta", "beta|gamma", "alpha|beta", "alpha|gamma"]
    assert together.set_index("mission_id").loc[
        "m5", ["name", "launch_year", "status", "cooperation_mode_id"]
    ].tolist() == [
        "Joint Orbiter",
        2030,
        "planned",
        "integrated_mission",
    ]
    assert list(moon.together_here["mission_id"]) == ["m2", "m3", "m5"]


def test_as_of_reads_the_capabilities_of_that_year(world: Dataset) -> None:
    before = sketch(world, "moon", MEMBERS, as_of=2009)  # before Gamma Flyby (2010)
    assert before.coverage["flyby"] == NOT_YET
    assert "flyby" in before.lacking and "flyby" not in before.single_holders


def test_the_three_busiest_agencies_are_the_default_group(world: Dataset) -> None:
    # Missions at the Moon, any status, programme rows left out: alpha 5, beta 2, gamma 2, omega 1.
    missions, participants = world.missions, world.mission_participants
    assert default_members(missions, participants, "moon") == ("alpha", "beta", "gamma")
    assert default_members(missions, participants, "moon", count=1) == ("alpha",)
    assert default_members(missions, participants, "exoplanets") == ()


# ------------------------------------------------------------------ odd groups


def test_an_empty_group_gives_empty_parts(world: Dataset, words: Vocabulary) -> None:
    nobody = sketch(world, "moon", [])
    assert nobody.members == ()
    assert nobody.heritage.loc[COMBINED].sum() == 0
    assert nobody.lacking == tuple(nobody.coverage.index) and nobody.single_holders.empty
    assert nobody.flown_together.empty and not nobody.modes["practised_together"].any()
    assert (
        sketch_summary(nobody, words) == "Moon: no agency chosen; pick agencies in the sidebar to sketch a consortium."
    )
    figure = consortium_capabilities_figure(nobody, words)
    assert "No agency chosen" in figure.layout.annotations[0].text


def test_one_agency_and_an_agency_that_never_flew(world: Dataset, words: Vocabulary) -> None:
    gamma = sketch(world, "moon", ["gamma", "gamma"])
    assert gamma.members == ("gamma",)
    assert gamma.heritage.loc[COMBINED].to_dict() == gamma.heritage.loc["gamma"].to_dict()
    assert gamma.flown_together.empty
    assert sketch_summary(gamma, words) == (
        "Moon: Gamma took part in 1 completed or operating mission, leading 1, and covers 1 of 7 capabilities "
        "(none alone), lacking orbit, landing, roving, sample return, crew transport and deep-space tracking. "
        "Table 7.1 recommends delivery of instruments, multi-platform mission and inter-agency working group."
    )
    delta = sketch(world, "moon", ["delta", "unknown_agency"])
    assert delta.heritage.to_numpy().sum() == 0 and delta.covered == ()
    summary = sketch_summary(delta, words)
    assert "none of the 7 capabilities yet" in summary and "share no mission yet" in summary
    assert len(consortium_capabilities_figure(delta, words).data) == 1


def test_the_summary_says_the_five_parts(moon, words: Vocabulary) -> None:
    assert sketch_summary(moon, words) == (
        "Moon: Alpha, Beta, Gamma and Delta together took part in 4 completed or operating missions, leading 3, "
        "and cover 6 of 7 capabilities (2 alone), lacking sample return; 5 capabilities rest on one member "
        "(flyby: Gamma; orbit: Alpha; landing: Beta; roving: Alpha; crew transport: Alpha). Table 7.1 recommends "
        "delivery of instruments, multi-platform mission and inter-agency working group; they have practised 2 of "
        "them together (delivery of instruments and multi-platform mission); they share 4 missions flown or "
        "committed, 3 of them here."
    )


def test_names_join_as_a_sentence_does() -> None:
    assert [joined_names(n) for n in ([], ["ESA"], ["ESA", "JAXA"], ["ESA", "JAXA", "ISRO"])] == [
        "",
        "ESA",
        "ESA and JAXA",
        "ESA, JAXA and ISRO",
    ]


# ------------------------------------------------------------------ the figures


def test_capability_grid_marks_dependencies_and_gaps_in_text(moon, words: Vocabulary) -> None:
    figure = consortium_capabilities_figure(moon, words)
    assert len(figure.data) == 1 and figure.data[0].type == "heatmap"
    cells = figure.data[0]
    assert list(cells.x) == ["Alpha", "Beta", "Gamma", "Delta", TOGETHER]
    assert list(cells.y) == [
        "Flyby",
        "Orbit",
        "Landing",
        "Roving",
        "Sample return",
        "Crew transport",
        "Deep-space tracking",
    ]
    text = {(y, x): cells.text[i][j] for i, y in enumerate(cells.y) for j, x in enumerate(cells.x)}
    assert SINGLE_MARK in text[("Flyby", TOGETHER)] and "Gamma" in text[("Flyby", TOGETHER)]
    assert SINGLE_MARK in text[("Flyby", "Gamma")] and SINGLE_MARK not in text[("Flyby", "Alpha")]
    assert text[("Sample return", TOGETHER)].startswith(LACKING_MARK)
    assert SINGLE_MARK not in text[("Deep-space tracking", TOGETHER)]  # two holders
    assert "alone" in text[("Orbit", "Alpha")] and "with" in text[("Roving", "Alpha")]
    assert cells.z[4][4] == LACKING_CODE and cells.z[1][0] == 2 and cells.z[0][0] == 0
    assert "Shown by" in cells.customdata[0][2]  # Gamma's flyby names the mission that showed it
    title = figure.layout.title.text.replace("<br>", " ")
    assert "Moon" in title and all(name in title for name in ("Alpha", "Beta", "Gamma", "Delta"))
    assert figure.layout.title.subtitle.text.startswith("Source: ")
    assert figure.layout.xaxis.side == "top" and figure.layout.yaxis.autorange == "reversed"


def test_heritage_grid_counts_the_group_once(moon, words: Vocabulary) -> None:
    figure = consortium_heritage_figure(moon, words)
    cells = figure.data[0]
    assert cells.type == "heatmap"
    assert list(cells.y) == ["Alpha", "Beta", "Gamma", "Delta", TOGETHER]
    assert [list(row[:2]) for row in cells.z] == [[3, 1], [2, 1], [1, 1], [0, 0], [4, 3]]


def test_a_long_group_is_counted_in_the_title(world: Dataset, words: Vocabulary) -> None:
    many = sketch(world, "moon", ["alpha", "beta", "gamma", "delta", "omega", "unknown_agency"])
    title = consortium_capabilities_figure(many, words).layout.title.text.replace("<br>", " ")
    assert "Alpha, Beta, Gamma, Delta and 2 others" in title


# ------------------------------------------------------------------ the real data and the registry


def test_esa_and_nasa_flew_huygens_on_cassini_together(dataset: Dataset) -> None:
    pair = sketch(dataset, "giant_planets", ["esa", "nasa"], as_of=2026)
    here = pair.together_here.set_index("mission_id")
    # Huygens is its own row, led by ESA and carried by NASA's Cassini (NASA launched it and flew instruments).
    assert here.loc["huygens", "carrier_name"] == "Cassini" and here.loc["huygens", "members"] == "esa|nasa"
    assert here.loc["huygens", "cooperation_mode_id"] == "multi_platform"
    assert "multi_platform" in pair.recommended_practised
    assert pair.single_holders["landing"] == "esa"  # Huygens' landing on Titan is ESA's alone in this pair
    assert not pair.flown_together["at_destination"].all()  # they also share missions elsewhere (Rosetta, …)


def test_programme_rows_are_not_counted_as_missions(dataset: Dataset) -> None:
    nasa = sketch(dataset, "moon", ["nasa"])
    missions = dataset.missions
    flown = missions[
        (missions["destination_id"] == "moon")
        & missions["status"].isin(["completed", "operating"])
        & (missions["mission_type"] != "programme")
    ]
    joined = dataset.mission_participants
    taking_part = joined.loc[(joined["agency_id"] == "nasa") & joined["mission_id"].isin(flown["mission_id"])]
    assert nasa.heritage.at["nasa", "took_part"] == taking_part["mission_id"].nunique()
    assert nasa.heritage.at["nasa", "led"] == int((flown["lead_agency_id"] == "nasa").sum())
    assert "artemis_programme" not in set(sketch(dataset, "moon", ["nasa", "esa"]).flown_together["mission_id"])


def test_the_summary_of_a_real_group_names_what_it_lacks(dataset: Dataset) -> None:
    words = Vocabulary.from_dataset(dataset)
    group = sketch(dataset, "moon", ["esa", "jaxa", "isro"], as_of=2026)
    summary = sketch_summary(group, words)
    taking_part = int(group.heritage.at[COMBINED, "took_part"])
    assert summary.startswith(f"Moon: ESA, JAXA and ISRO together took part in {taking_part} completed or operating")
    assert "lacking sample return and crew transport" in summary
    assert "chandrayaan_1" in set(group.together_here["mission_id"])
    assert "Table 7.1 recommends delivery of instruments" in summary


def test_the_registered_chart_follows_focus_and_agencies(dataset: Dataset) -> None:
    spec = CHARTS_BY_ID["consortium_capabilities"]
    assert spec.page == "consortium" and "focus" in spec.reads and "agencies" in spec.reads
    assert "modes" not in spec.reads
    state = FilterState(focus="giant_planets", agencies=("esa", "nasa"))
    figure, summary = build("consortium_capabilities", ChartContext(dataset, state, today=TODAY))
    assert isinstance(figure, go.Figure) and figure.data[0].type == "heatmap"
    title = figure.layout.title.text.replace("<br>", " ")
    assert "Giant planet systems" in title and "ESA and NASA" in title and "as of 2026" in title
    assert summary.startswith("Giant planet systems: ESA and NASA together")
    # The sidebar's mode filter would hide every other mode: the sketch reads all of them.
    narrowed, _ = build("consortium_capabilities", ChartContext(dataset, state.with_changes(modes=("national",))))
    assert list(narrowed.data[0].text) == list(figure.data[0].text)


def test_with_no_agency_chosen_the_chart_shows_the_three_busiest(dataset: Dataset) -> None:
    figure, summary = build("consortium_capabilities", ChartContext(dataset, FilterState(focus="moon"), today=TODAY))
    busiest = default_members(dataset.missions, dataset.mission_participants, "moon")
    names = Vocabulary.from_dataset(dataset).agencies
    assert len(busiest) == 3
    assert list(figure.data[0].x)[:-1] == [names[a] for a in busiest]
    assert summary.startswith("Moon: " + joined_names([names[a] for a in busiest]) + " together")


# ---------------------------------------------------------------- on its page


def test_the_sketch_follows_its_destination_and_the_sidebar_agencies_changed_twice() -> None:
    import json
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/consortium.py").run()

    def sketch_title() -> str:
        charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key == "chart_consortium_capabilities"]
        return charts[0]["layout"]["title"]["text"].replace("<br>", " ")

    assert sketch_title().startswith("Moon: what")
    at.selectbox(key="focus").set_value("small_bodies").run()
    assert sketch_title().startswith("Small bodies: what")
    at.selectbox(key="focus").set_value("giant_planets").run()
    assert sketch_title().startswith("Giant planet systems: what")
    at.multiselect(key="agency").set_value(["esa", "nasa"]).run()
    assert "ESA and NASA" in sketch_title()
    at.multiselect(key="agency").set_value(["esa", "nasa", "jaxa"]).run()
    assert "ESA, NASA and JAXA" in sketch_title()
    captions = " ".join(c.value for c in at.caption)
    assert "the agencies chosen in the sidebar" in captions
    heritage = at.dataframe[0].value
    assert list(heritage.index) == ["ESA", "NASA", "JAXA", "Together (a shared mission once)"]
    link = next(p for p in at.get("page_link") if p.proto.label == "Present this sketch")
    assert "consortium_capabilities" in link.proto.query_string and "focus%3Dgiant_planets" in link.proto.query_string
    assert not at.exception
