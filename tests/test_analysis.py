"""Who is credited with a capability: the lead, or the partner whose element showed it.

Expectations are counted by hand from data/missions.csv and data/mission_participants.csv."""

from __future__ import annotations

import pandas as pd

from components.analysis import (
    ALONE,
    WITH_PARTNERS,
    autonomy_matrix,
    capability_credits,
    element_name,
    heritage,
    heritage_by_destination,
)
from components.data import Dataset


def _credited(dataset: Dataset, mission_id: str) -> dict[str, set[str]]:
    credits = capability_credits(dataset.missions, dataset.mission_participants)
    rows = credits[credits["mission_id"] == mission_id]
    return {agency: set(group["capability"]) for agency, group in rows.groupby("agency_id")}


def _statuses(matrix: pd.DataFrame) -> pd.Series:
    return matrix.set_index(["agency_id", "capability"])["status"]


# ------------------------------------------------------------------ the real dataset


def test_huygens_landing_is_esa_and_cassini_keeps_orbit_for_nasa(dataset: Dataset) -> None:
    # Huygens is a row of its own, carried by Cassini: its lead, ESA, is credited with what it showed.
    assert _credited(dataset, "cassini_huygens") == {"nasa": {"flyby", "orbit", "relay"}}
    assert _credited(dataset, "huygens") == {"esa": {"landing", "atmospheric_probe"}}
    table = heritage(dataset.missions, dataset.mission_participants, "giant_planets")
    assert table.loc["esa"].to_dict() == {"flyby": 0, "orbit": 0, "landing": 1, "roving": 0, "sample_return": 0}
    # NASA at the giant planets: flybys by Pioneer 10, Pioneer 11, Galileo, Cassini and Juno; orbits by
    # Galileo, Cassini and Juno; no landing of its own (Huygens was ESA's).
    assert table.loc["nasa"].to_dict() == {"flyby": 5, "orbit": 3, "landing": 0, "roving": 0, "sample_return": 0}


def test_philae_and_mascot_landings_go_to_their_builders(dataset: Dataset) -> None:
    assert _credited(dataset, "rosetta") == {"esa": {"flyby", "orbit"}}
    assert _credited(dataset, "philae") == {"dlr": {"landing"}, "cnes": {"landing"}, "asi": {"landing"}}
    assert _credited(dataset, "mascot") == {"dlr": {"landing"}, "cnes": {"landing"}}
    table = heritage(dataset.missions, dataset.mission_participants, "small_bodies")
    assert table.at["dlr", "landing"] == 2  # Philae (on Rosetta) and MASCOT (on Hayabusa2)
    assert table.at["cnes", "landing"] == 2  # the same two landers
    assert table.at["asi", "landing"] == 1  # Philae
    assert table.at["esa", "landing"] == 0  # Rosetta's orbiter did not land
    assert table.at["esa", "orbit"] == 1 and table.at["esa", "flyby"] == 2  # Rosetta; Giotto and Rosetta


def test_jaxa_keeps_what_its_own_elements_showed_on_hayabusa2(dataset: Dataset) -> None:
    # MINERVA-II1 rovers, the impactor and the capsule are JAXA's own; MASCOT is its own row.
    assert _credited(dataset, "hayabusa2") == {"jaxa": {"landing", "roving", "impact", "sample_return"}}
    table = heritage(dataset.missions, dataset.mission_participants, "small_bodies")
    assert table.loc["jaxa"].to_dict() == {"flyby": 0, "orbit": 0, "landing": 1, "roving": 1, "sample_return": 1}


def test_licia_cube_flyby_is_asi_and_dart_impact_stays_nasa(dataset: Dataset) -> None:
    assert _credited(dataset, "liciacube") == {"asi": {"flyby"}}
    assert _credited(dataset, "dart") == {"nasa": {"impact"}}
    assert _credited(dataset, "aida") == {}  # the programme row: its flights are credited on their own rows
    table = heritage(dataset.missions, dataset.mission_participants, "small_bodies")
    assert table.at["asi", "flyby"] == 1  # LICIACube, once


def test_apollo_soyuz_credits_both_crews(dataset: Dataset) -> None:
    assert _credited(dataset, "apollo_soyuz") == {"nasa": {"orbit", "crew"}, "ussr": {"orbit", "crew"}}


def test_element_names_what_showed_it(dataset: Dataset) -> None:
    credits = capability_credits(dataset.missions, dataset.mission_participants).set_index(
        ["mission_id", "agency_id", "capability"]
    )["element"]
    assert credits[("huygens", "esa", "landing")] == "Huygens on Cassini"  # a carried craft names its carrier
    assert credits[("philae", "dlr", "landing")] == "Philae on Rosetta"
    assert credits[("philae", "cnes", "landing")] == "Philae lander"  # a partner: the element it provided
    assert credits[("cassini_huygens", "nasa", "orbit")] == "Cassini"  # the lead: the mission itself
    assert credits[("hayabusa2", "jaxa", "landing")] == "Hayabusa2"
    assert credits[("lupex", "isro", "landing")] == "lunar lander"  # an element that is not a craft of its own


def test_autonomy_matrix_follows_the_element(dataset: Dataset) -> None:
    d = dataset
    giant = autonomy_matrix(d.missions, d.mission_participants, d.infrastructures, destination_id="giant_planets")
    status = _statuses(giant)
    assert status[("esa", "landing")] == WITH_PARTNERS  # Huygens carried NASA instruments and rode on Cassini
    assert ("nasa", "landing") not in status.index
    assert status[("nasa", "orbit")] == WITH_PARTNERS  # Galileo, Cassini and Juno all carried foreign hardware
    assert status[("nasa", "flyby")] == ALONE  # Pioneer 10 and 11 were national
    small = autonomy_matrix(d.missions, d.mission_participants, d.infrastructures, destination_id="small_bodies")
    status = _statuses(small)
    assert status[("dlr", "landing")] == WITH_PARTNERS
    assert ("esa", "landing") not in status.index
    elements = small.set_index(["agency_id", "capability"])["elements"]
    assert elements[("dlr", "landing")] == "Philae on Rosetta (2004); MASCOT on Hayabusa2 (2014)"
    assert elements[("esa", "orbit")] == "Rosetta (2004)"
    huygens = giant.set_index(["agency_id", "capability"]).at[("esa", "landing"), "elements"]
    assert huygens == "Huygens on Cassini (1997)"


def test_agency_profile_heritage_credits_elements(dataset: Dataset) -> None:
    dlr = heritage_by_destination(dataset.missions, dataset.mission_participants, "dlr")
    assert dlr.to_dict("records") == [
        {"destination_id": "small_bodies", "flyby": 0, "orbit": 0, "landing": 2, "roving": 0, "sample_return": 0},
        # Helios 1 and 2, the West German solar probes launched by NASA
        {"destination_id": "sun", "flyby": 0, "orbit": 2, "landing": 0, "roving": 0, "sample_return": 0},
    ]


# ------------------------------------------------------------------ the rule on a hand-made frame


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    missions = pd.DataFrame(
        {
            "mission_id": ["m1", "m2", "m3"],
            "name": ["Mothership", "Home Lander", "Twin"],
            "destination_id": ["moon", "moon", "moon"],
            "status": ["completed", "completed", "operating"],
            "capabilities": ["orbit|landing", "landing", "landing|roving"],
            "cooperation_mode_id": ["multi_platform", "national", "multi_platform"],
            "lead_agency_id": ["lead", "lead", "lead"],
            "launch_year": [2001, 2005, 2010],
            "end_year": [2002, 2006, pd.NA],
            "mission_type": ["orbiter", "lander", "lander"],
        }
    )
    participants = pd.DataFrame(
        {
            "mission_id": ["m1", "m1", "m1", "m2", "m2", "m3", "m3"],
            "agency_id": ["lead", "partner", "payload", "lead", "company", "lead", "partner"],
            "role": ["lead", "element", "instrument", "lead", "element", "lead", "element"],
            "contribution": [
                "orbiter and operations",
                "Probe X lander (with others): descent system",
                "camera",
                "lander bus",
                "Y landing legs; tests",
                "Twin lander",
                "Small rover, operations",
            ],
            "capabilities": [pd.NA, "landing", pd.NA, pd.NA, "landing", "landing", "landing|roving"],
        }
    )
    stations = pd.DataFrame({"kind": [], "operator_agency_id": [], "established": []})
    return missions, participants, stations


def test_capability_credits_on_a_hand_made_frame() -> None:
    missions, participants, _ = _frames()
    credits = capability_credits(missions, participants)
    got = set(credits[["mission_id", "agency_id", "capability", "element"]].itertuples(index=False, name=None))
    assert got == {
        ("m1", "lead", "orbit", "Mothership"),  # nobody claims orbit: the lead keeps it
        ("m1", "partner", "landing", "Probe X lander"),  # the partner's element landed, not the lead's
        ("m2", "company", "landing", "Y landing legs"),
        ("m3", "lead", "landing", "Twin"),  # a lead shares a capability by claiming it
        ("m3", "partner", "landing", "Small rover"),
        ("m3", "partner", "roving", "Small rover"),
    }


def test_heritage_and_autonomy_use_the_credits() -> None:
    missions, participants, stations = _frames()
    table = heritage(missions, participants, "moon")
    assert table.loc["lead"].to_dict() == {"flyby": 0, "orbit": 1, "landing": 1, "roving": 0, "sample_return": 0}
    assert table.loc["partner"].to_dict() == {"flyby": 0, "orbit": 0, "landing": 2, "roving": 1, "sample_return": 0}
    assert "payload" not in table.index  # an instrument shows nothing itself

    status = _statuses(autonomy_matrix(missions, participants, stations))
    assert status[("partner", "landing")] == WITH_PARTNERS  # both of its landings were on cooperative missions
    assert status[("company", "landing")] == ALONE  # an element on a national mission stays "alone"
    assert status[("lead", "landing")] == WITH_PARTNERS  # only m3: m1's landing and m2's were not the lead's
    assert status[("lead", "orbit")] == WITH_PARTNERS
    before = _statuses(autonomy_matrix(missions, participants, stations, as_of=2004))
    assert set(before.index) == {("lead", "orbit"), ("partner", "landing")}


def test_without_a_capabilities_column_everything_goes_to_the_lead() -> None:
    missions, participants, _ = _frames()
    credits = capability_credits(missions, participants.drop(columns=["capabilities"]))
    assert set(credits["agency_id"]) == {"lead"}
    assert len(credits) == 5  # orbit, landing (m1); landing (m2); landing, roving (m3)


def test_element_name_cuts_the_details() -> None:
    assert element_name("Huygens Titan probe (developed under ESTEC management)") == "Huygens Titan probe"
    assert element_name("Philae lander: consortium lead and Lander Control Centre (Cologne)") == "Philae lander"
    assert element_name("probe B1") == "probe B1"
