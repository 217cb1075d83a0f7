"""One ``FilterState`` for the whole app, mirrored in the URL.

Every view is a link: the sidebar filters (destinations, agencies, status, cooperation modes,
years) and each page's own selection (pillar step, destination in focus, comparison, table)
live in one frozen object that is written to ``st.query_params`` and read back from them.
Anything in a URL that is unknown or malformed is dropped and named in a notice.

The pure part (``FilterState``, ``parse_query_params``, ``apply_filters``) has no Streamlit
calls so scripts, exports and tests use it directly; ``sync_state`` and ``filter_sidebar``
connect it to the session and the widgets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pandas as pd

from components.data import Dataset
from components.schema import MISSION_STATUSES, MODE_IDS, TABLES

YEAR_MIN = 1957
YEAR_MAX = 2061
MAX_PARAM_CHARS = 400  # longer values are refused outright
MAX_VALUES = 60
SESSION_KEY = "h2061_state"
WRITTEN_KEY = "h2061_url_written"

PILLAR_STEPS = ("science", "missions", "technologies", "infrastructures")
MODE_CHOICES = ("national", *MODE_IDS)

# query parameter -> FilterState field, for the multi-valued filters
LIST_PARAMS = {"destination": "destinations", "agency": "agencies", "status": "statuses", "mode": "modes"}
SINGLE_PARAMS = {
    "pillar": "pillar",
    "focus": "focus",
    "compare": "compare",
    "table": "table",
    "profile": "profile",
    "among": "among",
    "scope": "scope",
    "colour": "colour",
}
YEAR_PARAMS = ("from", "to")
TEXT_PARAMS = {"search": "search"}
VIEW_YEAR_PARAMS = {"asof": "as_of"}
KNOWN_PARAMS = (*LIST_PARAMS, *YEAR_PARAMS, *SINGLE_PARAMS, *TEXT_PARAMS, *VIEW_YEAR_PARAMS)
MAX_SEARCH_CHARS = 80
COLOUR_CHOICES = ("status", "lead_agency", "mode")


def _url_token(value: str) -> str:
    """Statuses contain spaces ("in development"); URLs carry them as "in-development"."""
    return value.replace(" ", "-")


@dataclass(frozen=True)
class FilterState:
    """What the user is looking at. Empty tuples mean "all"."""

    destinations: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    year_from: int = YEAR_MIN
    year_to: int = YEAR_MAX
    pillar: str | None = None
    focus: str | None = None
    compare: str | None = None
    table: str | None = None
    profile: str | None = None  # agency profile (Agencies page)
    among: str | None = None  # read the autonomy matrix within this group's members
    scope: str | None = None  # destination of the autonomy matrix (None: all destinations)
    as_of: int | None = None  # year of the autonomy matrix (None: this year)
    colour: str | None = None  # timeline colouring (Missions page)
    search: str | None = None  # mission search (Missions page)

    @property
    def is_filtered(self) -> bool:
        """True when the sidebar filters narrow the missions (page selections do not count)."""
        return bool(
            self.destinations
            or self.agencies
            or self.statuses
            or self.modes
            or (self.year_from, self.year_to) != (YEAR_MIN, YEAR_MAX)
        )

    def to_query_params(self) -> dict[str, str]:
        """Only what differs from the defaults, so links stay short and readable."""
        params: dict[str, str] = {}
        for param, attr in LIST_PARAMS.items():
            values = getattr(self, attr)
            if values:
                params[param] = ",".join(_url_token(v) for v in values)
        if self.year_from != YEAR_MIN:
            params["from"] = str(self.year_from)
        if self.year_to != YEAR_MAX:
            params["to"] = str(self.year_to)
        for param, attr in (*SINGLE_PARAMS.items(), *TEXT_PARAMS.items()):
            value = getattr(self, attr)
            if value:
                params[param] = value
        for param, attr in VIEW_YEAR_PARAMS.items():
            value = getattr(self, attr)
            if value is not None:
                params[param] = str(value)
        return params

    def with_changes(self, **changes: Any) -> FilterState:
        return replace(self, **changes)

    def cleared_filters(self) -> FilterState:
        """The same page selections with every sidebar filter reset."""
        return FilterState(**{name: getattr(self, name) for name in VIEW_FIELDS})


@dataclass(frozen=True)
class Vocabulary:
    """The ids a URL may name, taken from the data so new rows need no code change."""

    destinations: tuple[str, ...]
    agencies: tuple[str, ...]
    statuses: tuple[str, ...] = MISSION_STATUSES
    modes: tuple[str, ...] = MODE_CHOICES
    pillars: tuple[str, ...] = PILLAR_STEPS
    tables: tuple[str, ...] = field(default_factory=lambda: tuple(spec.name for spec in TABLES))
    groups: tuple[str, ...] = ()

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Vocabulary:
        def ids(table: str, column: str) -> tuple[str, ...]:
            return tuple(dataset.tables[table][column]) if table in dataset.tables else ()

        return cls(
            destinations=ids("destinations", "destination_id"),
            agencies=ids("agencies", "agency_id"),
            groups=ids("groups", "group_id"),
        )


def _quote(value: str, limit: int = 40) -> str:
    value = value.replace("\n", " ")
    return f"'{value[: limit - 1]}…'" if len(value) > limit else f"'{value}'"


def _first(raw: str | Sequence[str]) -> str:
    if isinstance(raw, str):
        return raw
    return raw[-1] if raw else ""


def parse_query_params(
    params: Mapping[str, str | Sequence[str]], vocabulary: Vocabulary
) -> tuple[FilterState, list[str]]:
    """Read a state from URL parameters. Returns the state and one notice per thing ignored."""
    notices: list[str] = []
    values: dict[str, Any] = {}
    allowed = {
        "destinations": vocabulary.destinations,
        "agencies": vocabulary.agencies,
        "statuses": vocabulary.statuses,
        "modes": vocabulary.modes,
    }
    for name in params:
        if name not in KNOWN_PARAMS:
            notices.append(f"unknown parameter {_quote(str(name))}")

    for param, attr in LIST_PARAMS.items():
        if param not in params:
            continue
        raw = _first(params[param])
        if len(raw) > MAX_PARAM_CHARS:
            notices.append(f"{param}: a value of {len(raw):,} characters (too long to be a real selection)")
            continue
        by_token = {_url_token(v): v for v in allowed[attr]}
        chosen: list[str] = []
        for token in (t.strip() for t in raw.split(",")):
            if not token:
                continue
            value = by_token.get(token) or by_token.get(_url_token(token.lower()))
            if value is None:
                notices.append(f"{param} {_quote(token)} (not a known {param})")
            elif value not in chosen:
                chosen.append(value)
        if len(chosen) > MAX_VALUES:
            notices.append(f"{param}: more than {MAX_VALUES} values")
            chosen = chosen[:MAX_VALUES]
        values[attr] = tuple(chosen)

    years: dict[str, int] = {}
    for param in YEAR_PARAMS:
        if param in params:
            year = _parse_year(param, _first(params[param]), notices)
            if year is not None:
                years[param] = year
    year_from, year_to = years.get("from", YEAR_MIN), years.get("to", YEAR_MAX)
    if year_from > year_to:
        notices.append(f"the year range {year_from}–{year_to} (it ends before it starts)")
        year_from, year_to = YEAR_MIN, YEAR_MAX
    values["year_from"], values["year_to"] = year_from, year_to

    single_allowed = {
        "pillar": vocabulary.pillars,
        "focus": vocabulary.destinations,
        "compare": vocabulary.destinations,
        "table": vocabulary.tables,
        "profile": vocabulary.agencies,
        "among": vocabulary.groups,
        "scope": vocabulary.destinations,
        "colour": COLOUR_CHOICES,
    }
    kinds = {
        "focus": "destination",
        "compare": "destination",
        "scope": "destination",
        "profile": "agency",
        "among": "group",
        "colour": "colouring",
    }
    for param, attr in SINGLE_PARAMS.items():
        if param not in params:
            continue
        raw = _first(params[param]).strip()
        if raw in single_allowed[param]:
            values[attr] = raw
        else:
            notices.append(f"{param} {_quote(raw)} (not a known {kinds.get(param, param)})")

    for param, attr in TEXT_PARAMS.items():
        if param not in params:
            continue
        raw = " ".join(_first(params[param]).split())
        if len(raw) > MAX_SEARCH_CHARS:
            notices.append(f"{param}: a text of {len(raw):,} characters (at most {MAX_SEARCH_CHARS})")
        elif raw:
            values[attr] = raw

    for param, attr in VIEW_YEAR_PARAMS.items():
        if param in params:
            year = _parse_year(param, _first(params[param]), notices)
            if year is not None:
                values[attr] = year
    return FilterState(**values), notices


def _parse_year(param: str, raw: str, notices: list[str]) -> int | None:
    """A year in the explorer's range, or None with a notice."""
    raw = raw.strip()
    if len(raw) <= 4 and raw.isdigit() and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    notices.append(f"{param} {_quote(raw)} (a year between {YEAR_MIN} and {YEAR_MAX} was expected)")
    return None


# ------------------------------------------------------------------------ applying


@dataclass(frozen=True)
class FilteredData:
    """The missions a state selects, with their participants."""

    missions: pd.DataFrame
    participants: pd.DataFrame
    state: FilterState

    @property
    def mission_ids(self) -> set[str]:
        return set(self.missions["mission_id"])


def mission_start_year(missions: pd.DataFrame) -> pd.Series:
    """Launch year, or the opening of the window for notional missions."""
    return missions["launch_year"].fillna(missions["window_start"])


def apply_filters(state: FilterState, missions: pd.DataFrame, participants: pd.DataFrame) -> FilteredData:
    """The one place where a state narrows the data; pages never filter by hand.

    A mission is kept when its destination, status and mode are selected (or nothing is),
    when one of the selected agencies took part in any role, and when it was launched (or its
    notional window opens) within the year range.
    """
    keep = pd.Series(True, index=missions.index)
    if state.destinations:
        keep &= missions["destination_id"].isin(state.destinations)
    if state.statuses:
        keep &= missions["status"].isin(state.statuses)
    if state.modes:
        keep &= missions["cooperation_mode_id"].isin(state.modes)
    if state.agencies:
        involved = participants.loc[participants["agency_id"].isin(state.agencies), "mission_id"]
        keep &= missions["mission_id"].isin(set(involved))
    start = mission_start_year(missions)
    keep &= start.between(state.year_from, state.year_to).fillna(False).astype(bool)
    selected = missions[keep]
    return FilteredData(
        missions=selected,
        participants=participants[participants["mission_id"].isin(set(selected["mission_id"]))],
        state=state,
    )


def describe(state: FilterState, names: Mapping[str, Mapping[str, str]]) -> str:
    """A short human sentence of the active filters, for captions and slide footers."""
    parts: list[str] = []
    for attr, label in (
        ("destinations", "destinations"),
        ("agencies", "agencies"),
        ("statuses", "status"),
        ("modes", "modes"),
    ):
        values = getattr(state, attr)
        if values:
            lookup = names.get(attr, {})
            parts.append(f"{label}: " + ", ".join(lookup.get(v, v) for v in values))
    if (state.year_from, state.year_to) != (YEAR_MIN, YEAR_MAX):
        parts.append(f"years {state.year_from}–{state.year_to}")
    return "; ".join(parts) if parts else "all missions"


STATE_FIELDS = tuple(f.name for f in fields(FilterState))
FILTER_FIELDS = ("destinations", "agencies", "statuses", "modes", "year_from", "year_to")
VIEW_FIELDS = tuple(name for name in STATE_FIELDS if name not in FILTER_FIELDS)


def narrow(view: FilteredData, **changes: Any) -> FilteredData:
    """A sub-view of an already filtered view, e.g. one destination or one mode of it."""
    return apply_filters(FilterState(**changes), view.missions, view.participants)
