"""Schema and integrity over every table, in one loop, plus the domain rules a reader relies on."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from components.data import DATA_DIR, Dataset, load_dataset
from components.schema import TABLES

TABLE_NAMES = [spec.name for spec in TABLES]


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_table_loads_and_validates(dataset: Dataset, name: str) -> None:
    assert name not in dataset.problems, str(dataset.problems.get(name))
    assert len(dataset.table(name)) > 0


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_row_has_a_source(dataset: Dataset, name: str) -> None:
    frame = dataset.table(name)
    assert frame["source"].notna().all()
    assert (frame["source"].str.strip().str.len() >= 5).all()


def test_no_stray_csv_files() -> None:
    """Every CSV in data/ is a known table, so nothing is silently ignored."""
    files = {path.stem for path in Path(DATA_DIR).glob("*.csv")}
    assert files == set(TABLE_NAMES)


def test_core_counts(dataset: Dataset) -> None:
    assert len(dataset.pillars) == 4
    assert list(dataset.science_questions["question_id"]) == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert dataset.destinations["in_table_7_1"].sum() == 6
    assert sorted(dataset.cooperation_modes["rank"]) == [1, 2, 3, 4, 5, 6]
    assert len(dataset.missions) >= 150
    assert len(dataset.agencies) >= 30


def test_table_7_1_rows_are_complete_and_labelled(dataset: Dataset) -> None:
    table_destinations = set(dataset.destinations.query("in_table_7_1")["destination_id"])
    assert set(dataset.destination_benefits["destination_id"]) == table_destinations
    assert set(dataset.destination_modes["destination_id"]) == table_destinations
    assert dataset.destination_benefits["reconstructed"].all()
    assert dataset.destination_modes["reconstructed"].all()


def test_each_destination_spans_past_present_and_future(dataset: Dataset) -> None:
    missions = dataset.missions
    for destination in dataset.destinations.query("in_table_7_1")["destination_id"]:
        here = missions[missions["destination_id"] == destination]
        flown = here[here["status"].isin(["completed", "operating", "failed"])]
        assert len(flown) >= 2, destination
        assert (here["status"] == "notional").any(), f"{destination} has no notional Horizon 2061 mission"
        if destination not in ("heliopause_ism",):
            assert here["status"].isin(["in development", "planned"]).any(), f"{destination} has no planned mission"


def test_notional_windows_sit_in_the_horizon(dataset: Dataset) -> None:
    notional = dataset.missions.query("status == 'notional'")
    assert len(notional) >= 10
    assert (notional["window_end"] <= 2061).all()
    assert notional["launch_year"].isna().all()


def test_national_missions_have_no_foreign_participants(dataset: Dataset) -> None:
    countries = dataset.agencies.set_index("agency_id")["country"]
    missions = dataset.missions.set_index("mission_id")
    participants = dataset.mission_participants.assign(country=lambda f: f["agency_id"].map(countries))
    # A carrier flies with the craft it carries: BepiColombo's partner is the JAXA-led Mio row.
    carried = missions.dropna(subset=["carrier_mission_id"])
    carried_countries = carried.assign(country=carried["lead_agency_id"].map(countries)).groupby("carrier_mission_id")[
        "country"
    ]
    for mission_id, group in participants.groupby("mission_id"):
        mission = missions.loc[mission_id]
        lead_country = countries[mission["lead_agency_id"]]
        flying = set(group["country"])
        if mission_id in carried_countries.groups:
            flying |= set(carried_countries.get_group(mission_id))
        if mission["cooperation_mode_id"] == "national":
            assert set(group["country"]) == {lead_country}, mission_id
        elif mission["cooperation_mode_id"] != "working_group" and mission["status"] != "notional":
            assert len(flying) >= 2, f"{mission_id} is cooperative but lists one country"


def test_lead_agency_existed_at_launch(dataset: Dataset) -> None:
    agencies = dataset.agencies.set_index("agency_id")
    launched = dataset.missions.dropna(subset=["lead_agency_id", "launch_year"])
    for mission in launched.itertuples():
        founded = agencies.at[mission.lead_agency_id, "founded"]
        dissolved = agencies.at[mission.lead_agency_id, "dissolved"]
        assert pd.isna(founded) or founded <= mission.launch_year, mission.mission_id
        assert pd.isna(dissolved) or mission.launch_year <= dissolved, mission.mission_id


def test_memberships_fall_within_agency_lifetimes(dataset: Dataset) -> None:
    joined = dataset.memberships.merge(dataset.agencies, on="agency_id")
    assert (joined["founded"].isna() | (joined["year_joined"] >= joined["founded"])).all()
    assert (joined["dissolved"].isna() | (joined["year_joined"] <= joined["dissolved"])).all()


def test_errata_point_at_real_rows(dataset: Dataset) -> None:
    id_column = {spec.name: spec.key[0] for spec in TABLES}
    for erratum in dataset.errata.itertuples():
        rows = dataset.table(erratum.table)[id_column[erratum.table]]
        assert erratum.row_id in set(rows), erratum.erratum_id


def test_seed_dates_corrected_against_the_record(dataset: Dataset) -> None:
    """The README's example slips: the record is in the columns, the seed's figure in the note."""
    missions = dataset.missions.set_index("mission_id")
    assert missions.at["hiten", "launch_year"] == 1990
    assert "1992" in missions.at["hiten", "note"]
    assert missions.at["nozomi", "launch_year"] == 1998
    assert "1995" in missions.at["nozomi", "note"]


def test_agency_positions_are_on_land_scale(dataset: Dataset) -> None:
    """Headquarters must sit inside a plausible box for their country code (catches swapped lat/lon)."""
    boxes = {
        "USA": (24, 50, -125, -66),
        "CHN": (18, 54, 73, 135),
        "JPN": (24, 46, 122, 146),
        "DEU": (47, 55, 5, 16),
        "FRA": (41, 51, -5, 10),
        "IND": (6, 36, 68, 98),
    }
    for agency in dataset.agencies.itertuples():
        if agency.country in boxes:
            south, north, west, east = boxes[agency.country]
            assert south <= agency.hq_lat <= north and west <= agency.hq_lon <= east, agency.agency_id


def test_probes_in_cruise_have_demonstrated_nothing_yet(dataset: Dataset) -> None:
    """Capabilities of a launched mission are what it has shown at its destination so far."""
    missions = dataset.missions.set_index("mission_id")
    for cruising in ("juice", "europa_clipper", "psyche", "tianwen_2"):
        assert pd.isna(missions.at[cruising, "capabilities"]), cruising
    assert missions.at["cassini_huygens", "capabilities"].split("|")[0] in ("orbit", "flyby")
    assert "landing" not in missions.at["artemis_programme", "capabilities"]  # no Artemis landing yet


def test_participant_capabilities_are_among_the_missions(dataset: Dataset) -> None:
    """A participant is credited only with what its mission lists, and only by its own element."""
    listed = dataset.missions.set_index("mission_id")["capabilities"].fillna("").str.split("|")
    claims = dataset.mission_participants.dropna(subset=["capabilities"])
    assert len(claims) >= 10
    for row in claims.itertuples(index=False):
        outside = set(row.capabilities.split("|")) - set(listed[row.mission_id])
        assert not outside, f"{row.mission_id} / {row.agency_id}: {outside}"
        assert row.role in ("lead", "element"), f"{row.mission_id} / {row.agency_id} claims as {row.role}"


def test_loader_rejects_a_claim_the_mission_does_not_list(data_copy: Path) -> None:
    path = data_copy / "mission_participants.csv"
    text = path.read_text(encoding="utf-8")
    lander = "lupex,isro,element,lunar lander; instruments,landing,"
    assert lander in text
    path.write_text(text.replace(lander, lander.replace(",landing,", ",sample_return,")), encoding="utf-8")
    problem = load_dataset(data_copy).problems["mission_participants"]
    assert problem.column == "capabilities" and problem.row_id == "mission_id 'lupex'"
    assert "'sample_return' is not among the capabilities of mission 'lupex'" in str(problem)


def test_the_lead_row_names_the_lead_agency(dataset: Dataset) -> None:
    """ "Led by" has one definition (the mission's lead_agency_id); the participants agree with it."""
    leads = dataset.mission_participants[dataset.mission_participants["role"] == "lead"]
    by_mission = {m: set(group["agency_id"]) for m, group in leads.groupby("mission_id")}
    missions = dataset.missions.dropna(subset=["lead_agency_id"]).set_index("mission_id")["lead_agency_id"]
    mismatched = {m: (lead, by_mission.get(m)) for m, lead in missions.items() if by_mission.get(m) != {lead}}
    assert mismatched == {}


# ------------------------------------------------------------- failures and carried craft


def test_a_failure_phase_exactly_when_failed() -> None:
    rows = list(csv.DictReader((DATA_DIR / "missions.csv").open(encoding="utf-8")))
    failed = [r for r in rows if r["status"] == "failed"]
    assert len(failed) >= 100  # most of the early Space Race
    assert all(r["failure_phase"] in ("launch", "cruise", "arrival", "surface") for r in failed)
    assert all(r["failure_phase"] == "" for r in rows if r["status"] != "failed")
    assert {r["failure_phase"] for r in failed} == {"launch", "cruise", "arrival", "surface"}


def test_a_carried_craft_names_a_carrier_that_exists_and_flew_with_it() -> None:
    rows = {r["mission_id"]: r for r in csv.DictReader((DATA_DIR / "missions.csv").open(encoding="utf-8"))}
    carried = [r for r in rows.values() if r["carrier_mission_id"]]
    assert len(carried) >= 15
    for row in carried:
        carrier = rows[row["carrier_mission_id"]]
        assert carrier["launch_year"] == row["launch_year"], row["mission_id"]
        if row["launch_date"] and carrier["launch_date"]:
            assert carrier["launch_date"] == row["launch_date"], row["mission_id"]
        assert not carrier["carrier_mission_id"] or carrier["carrier_mission_id"] != row["mission_id"]


def test_a_carrier_does_not_also_list_the_craft_it_carries() -> None:
    """One way of saying who built a carried craft: its own row, not an element of its carrier."""
    rows = list(csv.DictReader((DATA_DIR / "missions.csv").open(encoding="utf-8")))
    participants = list(csv.DictReader((DATA_DIR / "mission_participants.csv").open(encoding="utf-8")))
    for row in (r for r in rows if r["carrier_mission_id"]):
        names = {row["name"], *filter(None, row["aliases"].split("|"))}
        for p in participants:
            if p["mission_id"] == row["carrier_mission_id"] and p["role"] == "element":
                assert not any(n in p["contribution"] for n in names), (row["mission_id"], p["contribution"])


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        (("status", "failed", "failure_phase", ""), "failure_phase", "needs a failure phase"),
        (("status", "completed", "failure_phase", "cruise"), "failure_phase", "only a failed mission"),
        (("carrier_mission_id", "no_such_mission"), "carrier_mission_id", "unknown mission_id 'no_such_mission'"),
        (("carrier_mission_id", "apollo_11"), "launch_year", "launches with its carrier 'apollo_11'"),
    ],
)
def test_the_loader_rejects_a_broken_failure_or_carrier(
    data_copy: Path, change: tuple[str, ...], column: str, message: str
) -> None:
    path = data_copy / "missions.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    columns = list(rows[0])
    row = next(r for r in rows if r["mission_id"] == "mars_pathfinder")
    for key, value in zip(change[::2], change[1::2], strict=True):
        row[key] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    problem = load_dataset(data_copy).problems["missions"]
    assert problem.column == column and message in str(problem)
    assert problem.row_id == "mission_id 'mars_pathfinder'"


def test_counts_are_the_rows_of_the_files(dataset: Dataset) -> None:
    """The loader keeps every row: the figures pages quote start from these."""
    with (DATA_DIR / "missions.csv").open(encoding="utf-8") as handle:
        missions = sum(1 for _ in csv.DictReader(handle))
    with (DATA_DIR / "mission_participants.csv").open(encoding="utf-8") as handle:
        participations = sum(1 for _ in csv.DictReader(handle))
    assert len(dataset.missions) == missions >= 400
    assert len(dataset.mission_participants) == participations >= 700
