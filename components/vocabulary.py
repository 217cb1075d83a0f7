"""One label per id, taken from the data, and the parser that reads them back.

Every page, chart, caption, notice, URL and export asks this module for a name. The same
labels are what a bound widget shows and what the address bar carries (Streamlit writes
``format_func(option)`` into the URL), so a link reads ``?focus=Giant+planet+systems``.
Older links carry ids (``?focus=giant_planets``, ``?destination=moon,small_bodies``):
``Vocabulary.parse`` accepts an id, a URL token or a label, whatever the case.

The pure functions at the top work on single frames so chart builders, which receive
frames rather than a whole dataset, use the same names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from components.data import Dataset
from components.schema import COLUMN_TITLES, MISSION_STATUSES, MODE_IDS, TABLES

NATIONAL = "national"
NATIONAL_LABEL = "National (no foreign partner)"
MODE_CHOICES = (NATIONAL, *MODE_IDS)

STATUS_LABELS: dict[str, str] = {status: status.capitalize() for status in MISSION_STATUSES}
COLOURINGS: dict[str, str] = {"status": "Status", "lead_agency": "Lead agency", "mode": "Cooperation mode"}
BREAKDOWNS: dict[str, str] = {"agency": "Agency", "era": "Era", "status": "Status"}
PILLAR_STEPS = ("science", "missions", "technologies", "infrastructures")
AGENCY_TABS: dict[str, str] = {
    "participation": "Participation",
    "partnerships": "Partnerships",
    "profile": "Agency profile",
    "autonomy": "Autonomy matrix",
    "map": "World map",
}
ALL = "all"  # "no restriction" for the autonomy matrix's destination and group
ALL_DESTINATIONS = "All destinations"
ALL_AGENCIES = "All agencies"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, str(status).capitalize())


def destination_labels(destinations: pd.DataFrame) -> dict[str, str]:
    """Destination id → the data's name, in display order."""
    ordered = destinations.sort_values("display_order")
    return dict(zip(ordered["destination_id"], ordered["name"], strict=True))


def destination_short_labels(destinations: pd.DataFrame) -> dict[str, str]:
    """The data's own short names, for tick labels where the full name does not fit."""
    ordered = destinations.sort_values("display_order")
    return dict(zip(ordered["destination_id"], ordered["short_name"], strict=True))


def mode_labels(modes: pd.DataFrame) -> dict[str, str]:
    """Mode id → the data's name, in ladder order, with the national case first."""
    ordered = modes.sort_values("rank")
    return {NATIONAL: NATIONAL_LABEL, **dict(zip(ordered["mode_id"], ordered["name"], strict=True))}


def mode_short_labels(modes: pd.DataFrame) -> dict[str, str]:
    ordered = modes.sort_values("rank")
    return {NATIONAL: "National", **dict(zip(ordered["mode_id"], ordered["short_name"], strict=True))}


def agency_labels(agencies: pd.DataFrame) -> dict[str, str]:
    """Agency id → its short name (NASA, ESA, …), the name the agencies use themselves."""
    return dict(zip(agencies["agency_id"], agencies["short_name"], strict=True))


def column_label(column: str) -> str:
    """A table column's header: its title in data/datapackage.json (derived columns: its name in words)."""
    return COLUMN_TITLES.get(column) or column.replace("_", " ").capitalize()


def _fold(text: str) -> str:
    """Folded for matching a typed or linked value against ids and labels (never shown)."""
    return " ".join(str(text).replace("-", " ").replace("_", " ").split()).casefold()


@dataclass(frozen=True)
class Vocabulary:
    """Every id a view can name, with its one label. Built from the data, so new rows need no code."""

    destinations: Mapping[str, str] = field(default_factory=dict)
    table_destinations: tuple[str, ...] = ()
    agencies: Mapping[str, str] = field(default_factory=dict)
    modes: Mapping[str, str] = field(default_factory=lambda: {NATIONAL: NATIONAL_LABEL})
    statuses: Mapping[str, str] = field(default_factory=lambda: dict(STATUS_LABELS))
    pillars: Mapping[str, str] = field(default_factory=lambda: {p: p.capitalize() for p in PILLAR_STEPS})
    tables: Mapping[str, str] = field(default_factory=lambda: {spec.name: spec.file_name for spec in TABLES})
    groups: Mapping[str, str] = field(default_factory=dict)
    colourings: Mapping[str, str] = field(default_factory=lambda: dict(COLOURINGS))
    breakdowns: Mapping[str, str] = field(default_factory=lambda: dict(BREAKDOWNS))
    agency_tabs: Mapping[str, str] = field(default_factory=lambda: dict(AGENCY_TABS))
    scopes: Mapping[str, str] = field(default_factory=lambda: {ALL: ALL_DESTINATIONS})
    circles: Mapping[str, str] = field(default_factory=lambda: {ALL: ALL_AGENCIES})

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Vocabulary:
        tables = dataset.tables
        values: dict[str, object] = {}
        if "destinations" in tables:
            values["destinations"] = destination_labels(dataset.destinations)
            values["scopes"] = {ALL: ALL_DESTINATIONS, **values["destinations"]}
            ordered = dataset.destinations.sort_values("display_order")
            values["table_destinations"] = tuple(ordered.loc[ordered["in_table_7_1"], "destination_id"])
        if "agencies" in tables:
            labels = agency_labels(dataset.agencies)
            values["agencies"] = dict(sorted(labels.items(), key=lambda item: item[1].casefold()))
        if "cooperation_modes" in tables:
            values["modes"] = mode_labels(dataset.cooperation_modes)
        if "pillars" in tables:
            ordered = dataset.pillars.sort_values("number")
            values["pillars"] = dict(zip(ordered["pillar_id"], ordered["name"], strict=True))
        if "groups" in tables:
            values["groups"] = dict(zip(dataset.groups["group_id"], dataset.groups["short_name"], strict=True))
            values["circles"] = {ALL: ALL_AGENCIES, **{g: f"Members of {n}" for g, n in values["groups"].items()}}
        return cls(**values)

    def labels(self, kind: str) -> Mapping[str, str]:
        """``kind`` is one of the fields above: "destinations", "agencies", "modes", …"""
        return getattr(self, kind)

    def label(self, kind: str, value: str | None) -> str:
        if value is None:
            return ""
        return self.labels(kind).get(value, str(value))

    def parse(self, kind: str, text: str) -> str | None:
        """The id that ``text`` names: an id, a URL token ("in-development") or a label, any case."""
        labels = self.labels(kind)
        if text in labels:
            return text
        wanted = _fold(text)
        for value, label in labels.items():
            if wanted in (_fold(value), _fold(label)):
                return value
        return None

    def names(self, kind: str, values: tuple[str, ...] | list[str]) -> str:
        return ", ".join(self.label(kind, v) for v in values)
