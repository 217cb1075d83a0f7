"""Every mission, agency, group, programme and framework the seeds name resolves in the data.

The names are written as the seeds write them (spelling, capitals and all), so this also
checks that the aliases carry the seeds' forms.
"""

from __future__ import annotations

import pytest

from components.data import Dataset
from components.lookup import find, name_index

SEED_NAMES: dict[str, list[str]] = {
    "missions": [
        # ch. 7
        "Sputnik-1",
        "Sputnik-2",
        "Explorer-1",
        "Apollo 11",
        "Apollo Soyuz Test Project",
        "International Space Station",
        "Mars Sample Return",
        "Perseverance",
        "Cassini-Huygens",
        "Lunar Gateway",
        "Chang'e-4",
        "Chang'E-1",
        "Chang'E-2",
        "Chang'E-3",
        "Chang'E-5",
        "Chang'E-6",
        "Chang'E-7",
        "TianWen-1",
        "ZhuRong",
        "QueQiao",
        "Hiten",
        "Nozomi",
        "Hayabusa",
        "Hayabusa2",
        "Akatsuki",
        "BepiColombo",
        "Martian Moons eXploration",
        "MMX",
        "OSIRIS-Rex",
        "SLIM",
        "SELENE",
        "Kaguya",
        "Lunar Polar Exploration",
        "Sakigake",
        "Suisei",
        "SMART-1",
        "Chandrayaan-1",
        "LCROSS",
        "LRO",
        "GRAIL",
        "LADEE",
        "Luna 25",
        "Luna 26",
        "Luna 27",
        "CLPS",
        "VIPER",
        "Chandrayaan-3",
        "Double Asteroid Redirection Test",
        "DART",
        "Hera",
        "AIDA",
        "Voyager 1",
        "Voyager 2",
        "James Webb Space Telescope",
        "Solar Orbiter",
        "Euclid",
        "ExoMars",
        "JUICE",
        "Double Star",
        "KuaFu",
        "SMILE",
        "EarthCare",
        "Dragon 3",
        "HTV",
        "HTV-X",
        "Artemis",
        "ILRS",
        "Halley revisit",
        "Mars Express",
        "Tianwen-2",
        # Autonomy for cooperation
        "AMS-02",
        "AMS-01",
        "STS-134",
    ],
    "agencies": [
        "NASA",
        "ESA",
        "European Space Agency",
        "Canadian Space Agency",
        "CSA",
        "ASC",
        "Roscosmos",
        "Russian Federal Space Agency",
        "RSA",
        "JAXA",
        "ISAS",
        "NASDA",
        "CNSA",
        "CAST",
        "ISRO",
        "ASI",
        "CNES",
        "DLR",
        "DARA",
        "BNSC",
        "ASA",
        "CSIRO",
        "KARI",
        "NSAU",
        "UKSA",
        "CERN",
        "NSPO",
        "DOE",
        "Eumetsat",
        "Eutelsat",
        "European Defence Agency",
        "GSA",
        "ESRO",
        "ELDO",
        "European Commission",
    ],
    "groups": [
        "ISECG",
        "International Space Exploration Coordination Group",
        "COSPAR",
        "ILEWG",
        "IACG",
        "COPUOS",
        "IAASS",
        "ISSF",
        "IISS",
        "ICAO",
        "Moon Village Association",
        "Artemis Accords",
        "International Lunar Research Station",
        "CETEX",
        "ICSU",
        "International Science Council",
        "IUGG",
        "IAU",
        "EGU",
        "AGU",
        "AOGS",
        "EPSC",
        "International MoonBase Alliance",
        "Global Exploration Strategy",
        "Charter on space and disasters",
        "ISS partnership",
    ],
    "milestones": [
        "International Geophysical Year",
        "Outer Space Treaty adopted",
        "Apollo–Soyuz docking",
        "ISS Intergovernmental Agreement",
        "Artemis Accords signed",
        "Global Exploration Strategy released",
        "China–Russia ILRS memorandum",
        "Lisbon Treaty in force",
        "Zarya launched",
        "Space Shuttle retired",
        "Halley Armada encounters",
        "Moon Village concept",
        "Global Exploration Roadmap (3rd edition)",
    ],
    "technology_examples": ["RD-180 rocket engines"],
    "cooperation_models": [
        "International Space Station",
        "Global Exploration Strategy and ISECG",
        "European Space Agency",
        "Alpha Magnetic Spectrometer (AMS-02)",
        "Autonomy for cooperation",
    ],
    # Instruments and elements are named in the participants' contributions.
    "contributions": ["Huygens", "Philae", "NCLE", "KLCP", "LND", "ASAN", "MarSCoDe", "Kibo", "MASCOT"],
}

CASES = [(table, name) for table, names in SEED_NAMES.items() for name in names]


@pytest.fixture(scope="module")
def index(dataset: Dataset):
    return name_index(dataset)


@pytest.mark.parametrize(("table", "name"), CASES, ids=[f"{t}:{n}" for t, n in CASES])
def test_seed_name_resolves(dataset: Dataset, index, table: str, name: str) -> None:
    matches = find(dataset, name, index)
    expected_table = "missions" if table == "contributions" else table
    assert any(m.table == expected_table for m in matches), f"{name!r} not found in {expected_table}: {matches}"


def test_seed_agency_lists_are_complete(dataset: Dataset) -> None:
    """The 14 GES agencies (2007), the 10 ILEWG founders and the 8 first Artemis Accords signatories."""
    memberships = dataset.memberships
    founders = memberships[memberships["role"] == "founding member"].groupby("group_id")["agency_id"].nunique()
    assert founders["isecg"] == 14
    assert founders["ges"] == 14
    assert founders["ilewg"] == 10
    assert founders["artemis_accords"] == 8
    assert founders["iss_partnership"] == 5


def test_change4_carries_the_four_foreign_payloads(dataset: Dataset) -> None:
    # Chang'e 4's lander and rover, its Queqiao relay and the Longjiang-2 microsatellite, one row each.
    family = ("change_4", "queqiao", "longjiang_2")
    participants = dataset.mission_participants
    payloads = participants[participants["mission_id"].isin(family) & (participants["role"] == "instrument")]
    countries = set(payloads.merge(dataset.agencies, on="agency_id")["country"])
    assert {"NLD", "SAU", "DEU", "SWE"} <= countries
