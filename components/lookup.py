"""Find a mission, agency, group or event by any of its names.

Names in the sources vary ("Chang'E-4", "Chang'e 4", "QueQiao"); ``normalise`` folds case,
accents, apostrophes, hyphens and spaces so that they all meet. Used by the seed-coverage
test, and by search boxes in the app.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import NamedTuple

import pandas as pd

from components.data import Dataset
from components.memo import shared

# table -> (id column, columns holding names, columns holding "|"-separated aliases)
NAMED_TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "missions": ("mission_id", ("name",), ("aliases",)),
    "agencies": ("agency_id", ("short_name", "full_name"), ("aliases",)),
    "groups": ("group_id", ("name", "short_name"), ("aliases",)),
    "milestones": ("milestone_id", ("name",), ()),
    "infrastructures": ("infrastructure_id", ("name",), ()),
    "cooperation_models": ("model_id", ("name",), ()),
    "technology_examples": ("example_id", ("name",), ()),
}


class Match(NamedTuple):
    table: str
    row_id: str


def normalise(name: str) -> str:
    """Fold a name to letters and digits: "Chang'E-4" and "Chang'e 4" both become "change4"."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", ascii_only.casefold())


def name_index(dataset: Dataset) -> dict[str, list[Match]]:
    """Every name and alias of every named row, normalised."""
    index: dict[str, list[Match]] = defaultdict(list)
    for table, (id_col, name_cols, alias_cols) in NAMED_TABLES.items():
        if table in dataset.problems:
            continue
        frame = dataset.table(table)
        for row in frame.itertuples(index=False):
            row_id = getattr(row, id_col)
            names = [getattr(row, col) for col in name_cols]
            for col in alias_cols:
                value = getattr(row, col)
                if not pd.isna(value):
                    names.extend(value.split("|"))
            for name in names:
                if not pd.isna(name) and normalise(name):
                    index[normalise(name)].append(Match(table, row_id))
    return dict(index)


def find(dataset: Dataset, name: str, index: dict[str, list[Match]] | None = None) -> list[Match]:
    """Rows whose name or alias is ``name``; falls back to contributions on missions
    (instruments and elements such as "Huygens" or "LND" are named there)."""
    index = name_index(dataset) if index is None else index
    key = normalise(name)
    if key in index:
        return index[key]
    participants = dataset.tables.get("mission_participants")
    if participants is None or not key:
        return []
    folded = participants["contribution"].map(normalise)
    hits = participants.loc[folded.str.contains(key, regex=False), "mission_id"].unique()
    return [Match("missions", mission_id) for mission_id in hits]


@shared()
def search_missions(missions: pd.DataFrame, text: str) -> pd.DataFrame:
    """Missions whose name or an alias contains ``text`` (folded like ``normalise``)."""
    needle = normalise(text)
    if not needle:
        return missions.iloc[0:0]
    names = missions["name"].fillna("") + "|" + missions["aliases"].fillna("")
    hit = names.map(lambda value: any(needle in normalise(part) for part in value.split("|")))
    return missions[hit]
