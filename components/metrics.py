"""One definition per headline figure. Every page, chart summary and export counts through here.

Definitions (captions quote them):

- **A mission** is one row of ``missions.csv`` within the current filters, whatever its
  status, except a programme row (``mission_type`` "programme": Artemis, CLPS, ILRS, the crew
  transport series). A programme's flights are rows of their own, so counting the programme
  too would count them twice; programme rows are listed apart and feed only the autonomy
  matrix (crew transport). A notional Horizon 2061 programme (the lunar seismic network) has no
  flights of its own yet and counts as the notional mission it is. The status filter is how a
  reader leaves out notional or cancelled missions.
- **Failed**: status ``failed``, the primary objective lost; ``failure_phase`` says where
  (launch, cruise, arrival, surface). A mission **succeeded** when it is completed or
  operating; the success rate is over launched missions (succeeded + failed).
- **Flown or committed**: completed, operating, failed, in development or planned, i.e.
  not notional and not cancelled.
- **Cooperative**: a flown or committed mission tagged with one of the six cooperation
  modes of §7.5.1 — a partner agency from another country or an intergovernmental agency
  on board, or (for Halley's armada) coordination through an inter-agency working group.
  Notional concepts have no partners yet and are never counted as cooperative.
- **Led by** an agency: the mission's ``lead_agency_id``.
- **Took part**: the agency appears in ``mission_participants.csv`` for the mission, in any
  role (a mission counts once however many roles it had).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.analysis import REAL_STATUSES
from components.memo import shared

COOPERATIVE_DEFINITION = (
    "Cooperative: a flown or committed mission tagged with one of the six cooperation modes (§7.5.1) — a partner "
    "agency from another country or an intergovernmental agency on board, or coordination through an "
    "inter-agency working group. Notional concepts are not counted."
)


def is_programme(missions: pd.DataFrame) -> pd.Series:
    """Programme rows: listed, never counted as missions (see the definitions above)."""
    return (missions["mission_type"] == "programme") & (missions["status"] != "notional")


def is_real(missions: pd.DataFrame) -> pd.Series:
    return missions["status"].isin(REAL_STATUSES)


def is_cooperative(missions: pd.DataFrame) -> pd.Series:
    return is_real(missions) & (missions["cooperation_mode_id"] != "national")


@dataclass(frozen=True)
class MissionCounts:
    missions: int
    real: int
    cooperative: int
    notional: int
    cancelled: int

    @property
    def cooperative_share(self) -> float:
        return self.cooperative / self.real if self.real else 0.0


def mission_counts(missions: pd.DataFrame) -> MissionCounts:
    return MissionCounts(
        missions=len(missions),
        real=int(is_real(missions).sum()),
        cooperative=int(is_cooperative(missions).sum()),
        notional=int((missions["status"] == "notional").sum()),
        cancelled=int((missions["status"] == "cancelled").sum()),
    )


@shared()
def led_by(missions: pd.DataFrame) -> pd.Series:
    """Missions per lead agency, most first."""
    return missions["lead_agency_id"].dropna().value_counts()


@shared()
def took_part(participants: pd.DataFrame) -> pd.Series:
    """Distinct missions per agency, any role, most first."""
    return participants.drop_duplicates(["agency_id", "mission_id"])["agency_id"].value_counts()


@dataclass(frozen=True)
class HeadlineFigures:
    counts: MissionCounts
    agencies: int
    countries: int
    destinations: int
    context_destinations: int
    first_launch_year: int
    last_planned_year: int

    @property
    def missions(self) -> int:
        return self.counts.missions


@shared()
def headline_figures(
    missions: pd.DataFrame, participants: pd.DataFrame, agencies: pd.DataFrame, destinations: pd.DataFrame
) -> HeadlineFigures:
    """The figures of Home's header, for the missions in view (they follow the sidebar filters)."""
    involved = agencies[agencies["agency_id"].isin(set(participants["agency_id"]))]
    years = missions.loc[is_real(missions), "launch_year"].dropna()
    return HeadlineFigures(
        counts=mission_counts(missions),
        agencies=len(involved),
        countries=int(involved.loc[involved["country"] != "INT", "country"].nunique()),
        destinations=int(destinations["in_table_7_1"].sum()),
        context_destinations=int((~destinations["in_table_7_1"]).sum()),
        first_launch_year=int(years.min()) if len(years) else 0,
        last_planned_year=int(years.max()) if len(years) else 0,
    )


@shared()
def destination_counts(missions: pd.DataFrame, destinations: pd.DataFrame) -> pd.DataFrame:
    """One row per destination: missions, flown or committed, cooperative, notional."""
    counts = (
        missions.assign(
            missions=1,
            real=is_real(missions),
            cooperative=is_cooperative(missions),
            notional=missions["status"] == "notional",
        )
        .groupby("destination_id")[["missions", "real", "cooperative", "notional"]]
        .sum()
    )
    table = destinations.set_index("destination_id")[["name", "display_order", "in_table_7_1"]].join(counts)
    for column in ("missions", "real", "cooperative", "notional"):
        table[column] = table[column].fillna(0).astype(int)
    return table.sort_values("display_order").reset_index()


# The outcome of a launched mission, in the order a mission meets its risks.
LAUNCHED_STATUSES = ("completed", "operating", "failed")
OUTCOMES = {
    "succeeded": "Succeeded",
    "launch": "Failed at launch",
    "cruise": "Lost in cruise",
    "arrival": "Lost on arrival",
    "surface": "Lost after arrival",
}


# Where a failed mission was lost, as words after "failed": "failed on arrival".
FAILURE_WORDS = {"launch": "at launch", "cruise": "in cruise", "arrival": "on arrival", "surface": "after arrival"}


def outcomes(missions: pd.DataFrame) -> pd.Series:
    """For each launched mission (completed, operating or failed): "succeeded", or the phase
    in which it failed. Missions not yet launched, notional or cancelled are left out."""
    launched = missions[missions["status"].isin(LAUNCHED_STATUSES)]
    failed = launched["status"] == "failed"
    return launched["failure_phase"].where(failed, "succeeded").astype(str)


def outcome_counts(missions: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Launched missions per group of ``by`` (a decade, a lead agency) and outcome: one column
    per outcome in ``OUTCOMES`` order, plus ``launched`` and ``success_rate``."""
    result = outcomes(missions)
    table = pd.crosstab(by.loc[result.index], result).reindex(columns=list(OUTCOMES), fill_value=0)
    table["launched"] = table[list(OUTCOMES)].sum(axis=1)
    table["success_rate"] = table["succeeded"] / table["launched"]
    return table
