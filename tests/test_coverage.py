"""The record is complete: every entry of NSSDCA's lunar and planetary chronologies is a row.

``tests/fixtures/nssdca_checklist.csv`` lists the entries of NASA NSSDCA's *Chronology of Lunar
and Planetary Exploration* and of its lunar, Venus and Mars chronologies (name, launch date and
country as the chronology gives them), each with the row of ``data/missions.csv`` that covers
it or the reason it is left out. The tests read both files with pandas only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from components.data import DATA_DIR

CHECKLIST = pd.read_csv(
    Path(__file__).resolve().parent / "fixtures" / "nssdca_checklist.csv", dtype=str, keep_default_na=False
)
MISSIONS = pd.read_csv(DATA_DIR / "missions.csv", dtype=str, keep_default_na=False).set_index("mission_id")
AGENCIES = pd.read_csv(DATA_DIR / "agencies.csv", dtype=str, keep_default_na=False).set_index("agency_id")
# How the chronologies name a country, as the ISO codes of agencies.csv ("SUN" is the USSR,
# "INT" an intergovernmental body such as ESA).
COUNTRY_CODES = {
    "USA": "USA",
    "USSR": "SUN",
    "Russia": "RUS",
    "China": "CHN",
    "Japan": "JPN",
    "ESA": "INT",
    "India": "IND",
    "Israel": "ISR",
    "Luxembourg": "LUX",
    "UK": "GBR",
    "UAE": "ARE",
    "FRG": "DEU",
    "Germany": "DEU",
    "South Korea": "KOR",
}
MAPPED = CHECKLIST[CHECKLIST["mission_id"] != ""]


def test_checklist_covers_the_chronologies() -> None:
    assert list(CHECKLIST.columns) == [
        "name",
        "launch_date",
        "country",
        "chronology",
        "cospar_id",
        "mission_id",
        "exclusion",
    ]
    assert set(CHECKLIST["chronology"]) == {"full", "lunar", "venus", "mars"}
    counts = CHECKLIST["chronology"].value_counts()
    assert counts["lunar"] >= 100 and counts["venus"] >= 40 and counts["mars"] >= 45
    assert not CHECKLIST.duplicated(["name", "chronology"]).any()  # Galileo and Cassini are in two
    dated = CHECKLIST["launch_date"].str.match(r"^\d{4}-\d{2}-\d{2}$")
    future = CHECKLIST["mission_id"].map(MISSIONS["status"]).isin(["in development", "planned", "cancelled"])
    assert (dated | future | (CHECKLIST["exclusion"] != "")).all()  # only missions yet to fly have no date


def test_every_entry_is_a_row_or_a_reasoned_exclusion() -> None:
    unknown = sorted(set(MAPPED["mission_id"]) - set(MISSIONS.index))
    assert not unknown, f"checklist entries point at missing rows: {unknown}"
    neither = CHECKLIST[(CHECKLIST["mission_id"] == "") & (CHECKLIST["exclusion"].str.len() < 20)]
    assert neither.empty, f"entries with neither a row nor a reason: {list(neither['name'])}"
    both = CHECKLIST[(CHECKLIST["mission_id"] != "") & (CHECKLIST["exclusion"] != "")]
    assert both.empty
    assert (CHECKLIST["exclusion"] != "").sum() <= 0.05 * len(CHECKLIST)  # exclusions stay rare


def test_a_row_agrees_with_its_entry_on_date_and_country() -> None:
    rows = MISSIONS.loc[MAPPED["mission_id"]]
    dated = (MAPPED["launch_date"] != "").to_numpy() & (rows["launch_date"] != "").to_numpy()
    differs = MAPPED[dated & (rows["launch_date"].to_numpy() != MAPPED["launch_date"].to_numpy())]
    assert differs.empty, f"launch dates differ from the chronology: {list(differs['name'])}"
    for entry, lead in zip(MAPPED.itertuples(), rows["lead_agency_id"], strict=True):
        countries = {COUNTRY_CODES[part] for part in entry.country.split("/")}
        assert AGENCIES.at[lead, "country"] in countries, (entry.name, entry.country, lead)


@pytest.mark.parametrize(
    "names",
    [
        [f"Ranger {n}" for n in range(1, 10)],
        [f"Surveyor {n}" for n in range(1, 8)],
        [f"Lunar Orbiter {n}" for n in range(1, 6)],
        ["Mariner 6", "Mariner 7", "Venera 11", "Venera 12", "Venera 14", "Venera 16"],
        ["Helios 1", "Helios 2", "Genesis", "Wind", "ACE", "STEREO-A", "STEREO-B", "Aditya-L1"],
        ["Pioneer 0", "Pioneer E", "Luna 1958A", "Mars 1960A", "Sputnik 7", "Mariner 1", "Apollo 13"],
    ],
)
def test_missions_a_reader_looks_for_are_rows(names: list[str]) -> None:
    known = set(MISSIONS["name"]) | {a for cell in MISSIONS["aliases"] for a in cell.split("|") if a}
    assert not [n for n in names if n not in known]


@pytest.mark.parametrize(
    ("name", "carrier"),
    [
        ("Huygens", "cassini_huygens"),
        ("Philae", "rosetta"),
        ("MASCOT", "hayabusa2"),
        ("Beagle 2", "mars_express"),
        ("Yinghuo-1", "fobos_grunt"),
        ("Mio", "bepicolombo"),
        ("ArgoMoon", "artemis_1"),
        ("LICIACube", "dart"),
    ],
)
def test_a_carried_craft_built_by_another_agency_is_its_own_row(name: str, carrier: str) -> None:
    rows = MISSIONS[MISSIONS["name"] == name]
    assert len(rows) == 1, name
    row = rows.iloc[0]
    assert row["carrier_mission_id"] == carrier
    assert row["lead_agency_id"] != MISSIONS.at[carrier, "lead_agency_id"]


def test_failures_are_most_of_the_early_space_race() -> None:
    early = MISSIONS[MISSIONS["launch_year"].between("1958", "1963")]
    assert (early["status"] == "failed").mean() > 0.5
