"""Success and failure of launched missions, by decade and by lead agency.

Failures are told apart by where they happened (``failure_phase``): at launch, in cruise, on
arrival, or after arriving. Pure builders: frames in, ``go.Figure`` out, with a one-sentence
summary each.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from components.charts.base import SOURCE_DATA, finish, stacked_bars
from components.memo import shared
from components.metrics import FAILURE_WORDS, OUTCOMES, outcome_counts
from components.vocabulary import agency_labels

OUTCOME_COLOURS = {
    "succeeded": "#0072B2",  # blue
    "launch": "#D55E00",  # vermillion
    "cruise": "#E69F00",  # orange
    "arrival": "#CC79A7",  # reddish purple
    "surface": "#882255",  # wine
}
# A success is solid; each kind of failure has a pattern of its own besides its colour.
OUTCOME_PATTERNS = {"succeeded": "", "launch": "x", "cruise": "-", "arrival": "+", "surface": "."}
SOURCE = f"{SOURCE_DATA} (status and failure phase, from NSSDCA and agency records)"
TOP_AGENCIES = 12  # the lead agencies with most launched missions; the rest are summed as "Others"


def _decades(missions: pd.DataFrame) -> pd.Series:
    return (missions["launch_year"] // 10 * 10).astype("Int64").map(lambda d: f"{d}s" if pd.notna(d) else "")


@shared()
def by_decade(missions: pd.DataFrame) -> pd.DataFrame:
    launched = missions[missions["launch_year"].notna()]
    return outcome_counts(launched, _decades(launched)).sort_index()


@shared()
def by_agency(missions: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """The ``TOP_AGENCIES`` lead agencies with most launched missions, then "Others"."""
    names = agency_labels(agencies)
    table = outcome_counts(missions, missions["lead_agency_id"].map(names))
    table = table.sort_values(["launched", "succeeded"], ascending=False)
    if len(table) > TOP_AGENCIES:
        rest = table.iloc[TOP_AGENCIES:]
        others = rest.drop(columns="success_rate").sum()
        others["success_rate"] = others["succeeded"] / others["launched"]
        table = pd.concat([table.iloc[:TOP_AGENCIES], others.to_frame(f"Others ({len(rest)})").T])
    return table


def _outcome_bars(table: pd.DataFrame, *, horizontal: bool, category_title: str) -> go.Figure:
    rates = zip(table.index, table["success_rate"], strict=True)
    labels = [f"{escape(str(name))} · {rate:.0%}" for name, rate in rates]
    fig = stacked_bars(
        labels,
        [(OUTCOMES[o], [int(v) for v in table[o]], OUTCOME_COLOURS[o]) for o in OUTCOMES],
        horizontal=horizontal,
        patterns=[OUTCOME_PATTERNS[o] for o in OUTCOMES],
        value_title="Launched missions",
        category_title=category_title,
    )
    return fig


def outcomes_by_decade(missions: pd.DataFrame) -> go.Figure:
    table = by_decade(missions)
    fig = _outcome_bars(table, horizontal=False, category_title="Launch decade · share that succeeded")
    return finish(
        fig,
        title="Success and failure of launched missions, by decade",
        source=SOURCE,
        height=420,
        legend_title="Outcome",
    )


def outcomes_by_decade_summary(missions: pd.DataFrame) -> str:
    table = by_decade(missions)
    if table.empty:
        return "No launched mission matches the current filters."
    launched, failed = int(table["launched"].sum()), int(table["launched"].sum() - table["succeeded"].sum())
    worst = table.assign(failed=table["launched"] - table["succeeded"]).sort_values("failed", ascending=False)
    phases = table[[o for o in OUTCOMES if o != "succeeded"]].sum()
    text = f"Of {launched} launched missions shown, {failed} failed ({failed / launched:.0%})"
    if failed:
        text += (
            f"; the {worst.index[0]} had the most failures ({int(worst['failed'].iloc[0])} of "
            f"{int(worst['launched'].iloc[0])}), and most failures happened {FAILURE_WORDS[phases.idxmax()]} "
            f"({int(phases.max())})"
        )
    return text + "."


def outcomes_by_agency(missions: pd.DataFrame, agencies: pd.DataFrame) -> go.Figure:
    table = by_agency(missions, agencies)
    fig = _outcome_bars(table, horizontal=True, category_title="Lead agency · share that succeeded")
    return finish(
        fig,
        title="Success and failure of launched missions, by lead agency",
        source=SOURCE,
        height=max(300, 120 + 34 * len(table)),
        legend_title="Outcome",
    )


def outcomes_by_agency_summary(missions: pd.DataFrame, agencies: pd.DataFrame) -> str:
    table = by_agency(missions, agencies)
    if table.empty:
        return "No launched mission matches the current filters."
    first = table.iloc[0]
    text = (
        f"{table.index[0]} led the most launched missions ({int(first['launched'])}), "
        f"{first['success_rate']:.0%} of them successful"
    )
    regular = table[table["launched"] >= 5]
    if len(regular) > 1:
        best = regular.sort_values("success_rate", ascending=False)
        text += (
            f"; among leads of five or more, {best.index[0]} has the highest success rate "
            f"({best['success_rate'].iloc[0]:.0%})"
        )
    return text + "."
