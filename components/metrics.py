"""Headline figures computed from the dataset, for Home and for slide titles."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.analysis import REAL_STATUSES


@dataclass(frozen=True)
class HeadlineFigures:
    missions: int
    real_missions: int
    notional_missions: int
    cooperative_missions: int
    agencies: int
    countries: int
    destinations: int
    context_destinations: int
    first_launch_year: int
    last_planned_year: int

    @property
    def cooperative_share(self) -> float:
        """Share of real missions with at least one partner from another country."""
        return self.cooperative_missions / self.real_missions if self.real_missions else 0.0


def headline_figures(missions: pd.DataFrame, agencies: pd.DataFrame, destinations: pd.DataFrame) -> HeadlineFigures:
    real = missions[missions["status"].isin(REAL_STATUSES)]
    cooperative = real[real["cooperation_mode_id"] != "national"]
    countries = agencies.loc[agencies["country"] != "INT", "country"].nunique()
    years = real["launch_year"].dropna()
    return HeadlineFigures(
        missions=len(missions),
        real_missions=len(real),
        notional_missions=int((missions["status"] == "notional").sum()),
        cooperative_missions=len(cooperative),
        agencies=len(agencies),
        countries=int(countries),
        destinations=int(destinations["in_table_7_1"].sum()),
        context_destinations=int((~destinations["in_table_7_1"]).sum()),
        first_launch_year=int(years.min()) if len(years) else 0,
        last_planned_year=int(years.max()) if len(years) else 0,
    )


def missions_by_destination(missions: pd.DataFrame, destinations: pd.DataFrame) -> pd.DataFrame:
    """One row per destination: how many missions, how many cooperative, how many notional."""
    real = missions["status"].isin(REAL_STATUSES)
    counts = (
        missions.assign(
            real=real,
            cooperative=real & (missions["cooperation_mode_id"] != "national"),
            notional=missions["status"] == "notional",
        )
        .groupby("destination_id")[["real", "cooperative", "notional"]]
        .sum()
    )
    table = destinations.set_index("destination_id")[["name", "display_order", "in_table_7_1"]].join(counts)
    table = table.fillna({"real": 0, "cooperative": 0, "notional": 0})
    for col in ("real", "cooperative", "notional"):
        table[col] = table[col].astype(int)
    return table.sort_values("display_order").reset_index()
