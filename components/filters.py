"""One ``FilterState`` for the whole app, mirrored in the URL.

Every view is a link: the sidebar filters (destinations, agencies, status, cooperation modes,
years) and each page's own choices (pillar, destination in focus, comparison, table, tab, …)
live in one frozen object. ``PARAMS`` names the URL parameter of every field; that name is
also the key of the widget bound to it, so Streamlit's own binding keeps widget and address
bar in step. The URL carries labels from the vocabulary (``focus=Giant+planet+systems``,
lists as repeated keys); ``parse_query_params`` also reads the id form of older links
(``focus=giant_planets``, ``destination=moon,small_bodies``, ``from=1990&to=2030``).

Nothing here calls Streamlit, so scripts, exports and tests use it directly.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from components.memo import shared
from components.metrics import is_programme
from components.vocabulary import Vocabulary

if TYPE_CHECKING:
    from components.data import Dataset

YEAR_MIN = 1957
YEAR_MAX = 2061
MAX_PARAM_CHARS = 400  # longer values are refused outright
MAX_VALUES = 60
MAX_SEARCH_CHARS = 80
MAX_ROW_QUERY_CHARS = 100
MAX_SEQUENCE_CHARS = 3000  # a presentation sequence of up to 40 steps, each with its filters
MAX_COUNT = 999


@dataclass(frozen=True)
class Param:
    """How one FilterState field appears in the URL (and which widget key it binds)."""

    field: str
    kind: str  # "list", "choice", "years", "year", "count", "text", "flag"
    vocabulary: str | None = None  # Vocabulary kind holding the allowed ids and their labels
    max_chars: int = MAX_PARAM_CHARS
    cli: bool = True  # also a flag of the export command (not for the presentation's own controls)


# URL parameter = widget key → field. The order is the order of a canonical query string.
PARAMS: dict[str, Param] = {
    "destination": Param("destinations", "list", "destinations"),
    "agency": Param("agencies", "list", "agencies"),
    "status": Param("statuses", "list", "statuses"),
    "mode": Param("modes", "list", "modes"),
    "years": Param("years", "years"),
    "pillar": Param("pillar", "choice", "pillars"),
    "focus": Param("focus", "choice", "destinations"),
    "compare": Param("compare", "choice", "destinations"),
    "dcolour": Param("timeline_colour", "choice", "colourings"),
    "pick": Param("pick", "choice", "destinations"),
    "breakdown": Param("breakdown", "choice", "breakdowns"),
    "cell_mode": Param("cell_mode", "choice", "modes"),
    "cell_destination": Param("cell_destination", "choice", "destinations"),
    "colour": Param("colour", "choice", "colourings"),
    "search": Param("search", "text", max_chars=MAX_SEARCH_CHARS),
    "split": Param("split", "flag"),
    "part": Param("part", "text"),
    "tab": Param("tab", "choice", "agency_tabs"),
    "profile": Param("profile", "choice", "agencies"),
    "scope": Param("scope", "choice", "scopes"),
    "among": Param("among", "choice", "circles"),
    "asof": Param("as_of", "year"),
    "table": Param("table", "choice", "tables"),
    "rows": Param("rows", "text", max_chars=MAX_ROW_QUERY_CHARS),
    "unverified": Param("unverified", "flag"),
    "present": Param("present", "flag", cli=False),
    "seq": Param("seq", "text", max_chars=MAX_SEQUENCE_CHARS),
    "step": Param("step", "count", cli=False),
}
LEGACY_YEAR_PARAMS = ("from", "to")  # older links: from=1990&to=2030, now years=1990&years=2030
# The Room page's own parameters: its code and the facilitator's key. Known, so a link with
# them gets no notice, and kept as they are by the link rewriting; never part of a
# FilterState, so no export, file name or shared view link can carry the facilitator's key.
ROOM_PARAMS = ("room", "key")
SIDEBAR_PARAMS = ("destination", "agency", "status", "mode", "years")
PARAM_OF_FIELD = {param.field: key for key, param in PARAMS.items()}
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off", "")


@dataclass(frozen=True)
class FilterState:
    """What the user is looking at. Empty tuples mean "all"; None means "the view's default"."""

    destinations: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    year_from: int = YEAR_MIN
    year_to: int = YEAR_MAX
    pillar: str | None = None
    focus: str | None = None
    compare: str | None = None
    timeline_colour: str | None = None  # Destinations page timeline colouring
    pick: str | None = None  # Home: the destination chosen below the picker
    breakdown: str | None = None  # Cooperation: break down by agency, era or status
    cell_mode: str | None = None  # Cooperation: the mode × destination cell listed
    cell_destination: str | None = None
    colour: str | None = None  # Missions timeline colouring
    search: str | None = None  # Missions search
    split: bool = False  # Missions: one collapsible section per destination
    part: str | None = None  # Missions: the part of the paged timeline shown (its title)
    tab: str | None = None  # Agencies tab
    profile: str | None = None  # Agencies profile
    scope: str | None = None  # autonomy matrix destination (None or "all": all destinations)
    among: str | None = None  # autonomy matrix within a group's members
    as_of: int | None = None  # autonomy matrix year (None: this year)
    table: str | None = None  # Data page table
    rows: str | None = None  # Data page row filter
    unverified: bool = False  # Data page: only rows marked unverified
    present: bool = False  # presentation mode: full screen, no sidebar or toolbar
    seq: str | None = None  # Present: the sequence, a ready-made id or its steps (``components.present``)
    step: int | None = None  # Present: the step shown, from 1

    @property
    def years(self) -> tuple[int, int]:
        return (self.year_from, self.year_to)

    @property
    def is_filtered(self) -> bool:
        """True when the sidebar filters narrow the missions (page choices do not count)."""
        return bool(
            self.destinations
            or self.agencies
            or self.statuses
            or self.modes
            or (self.year_from, self.year_to) != (YEAR_MIN, YEAR_MAX)
        )

    def with_changes(self, **changes: Any) -> FilterState:
        if "years" in changes:
            changes["year_from"], changes["year_to"] = changes.pop("years")
        return replace(self, **changes)

    def cleared_filters(self) -> FilterState:
        """The same page choices with every sidebar filter reset."""
        return FilterState(**{name: getattr(self, name) for name in VIEW_FIELDS})

    def value_of(self, param: str) -> Any:
        spec = PARAMS[param]
        return self.years if spec.kind == "years" else getattr(self, spec.field)


def to_query_params(
    state: FilterState, vocabulary: Vocabulary, only: Sequence[str] | None = None
) -> dict[str, str | list[str]]:
    """The canonical URL form of a state: labels, lists as repeated keys, defaults left out.

    This is what the bound widgets themselves write, so a link built here (``st.page_link``,
    the export command, a slide's footer) opens exactly like one copied from the address bar."""
    params: dict[str, str | list[str]] = {}
    for key, spec in PARAMS.items():
        if only is not None and key not in only:
            continue
        value = state.value_of(key)
        if spec.kind == "list" and value:
            params[key] = [vocabulary.label(spec.vocabulary, v) for v in value]
        elif spec.kind == "years" and value != (YEAR_MIN, YEAR_MAX):
            params[key] = [str(value[0]), str(value[1])]
        elif spec.kind == "choice" and value:
            params[key] = vocabulary.label(spec.vocabulary, value)
        elif spec.kind in ("year", "count") and value is not None:
            params[key] = str(value)
        elif spec.kind == "text" and value:
            params[key] = value
        elif spec.kind == "flag" and value:
            params[key] = "true"
    return params


# Line breaks, tabs, control and format characters (a zero-width space, a right-to-left
# override): in a notice they would break its line or turn the quoted text around.
_UNPRINTABLE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def printable(text: str) -> str:
    """``text`` on one line of visible characters, for quoting what a link said in a notice."""
    return " ".join("".join(" " if unicodedata.category(ch) in _UNPRINTABLE else ch for ch in text).split())


def _quote(value: str, limit: int = 40) -> str:
    value = printable(value)
    return f"'{value[: limit - 1]}…'" if len(value) > limit else f"'{value}'"


def _values(raw: str | Sequence[str]) -> list[str]:
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def parse_query_params(
    params: Mapping[str, str | Sequence[str]], vocabulary: Vocabulary
) -> tuple[FilterState, list[str]]:
    """Read a state from URL parameters in either form. Returns the state and one notice per
    thing ignored; what a particular view cannot show is the resolver's business."""
    notices: list[str] = []
    values: dict[str, Any] = {}
    for name in params:
        if name not in PARAMS and name not in LEGACY_YEAR_PARAMS and name not in ROOM_PARAMS:
            notices.append(f"unknown parameter {_quote(str(name))}" if printable(str(name)) else "a nameless parameter")
    for key in (k for k in ROOM_PARAMS if k in params):  # the Room page's, kept as they are when they fit
        raw_values = _values(params[key])
        if len(set(raw_values)) > 1:
            notices.append(f"{key}: {len(raw_values)} values where one was expected (the last one is read)")
        if len(raw_values[-1]) > MAX_PARAM_CHARS:
            notices.append(f"{key}: a value of {len(raw_values[-1]):,} characters (too long to be a real one)")

    for key, spec in PARAMS.items():
        if key not in params:
            continue
        raw_values = _values(params[key])
        if any(len(v) > spec.max_chars for v in raw_values) or sum(map(len, raw_values)) > max(
            spec.max_chars, MAX_PARAM_CHARS * 4
        ):
            longest = max(map(len, raw_values))
            notices.append(f"{key}: a value of {longest:,} characters (too long to be a real selection)")
            continue
        if spec.kind not in ("list", "years") and len(set(raw_values)) > 1:
            notices.append(f"{key}: {len(raw_values)} values where one was expected (the last one is read)")
        if spec.kind == "list":
            chosen: list[str] = []
            tokens = [
                t.strip()
                for v in raw_values
                for t in (v.split(",") if v not in vocabulary.labels(spec.vocabulary).values() else [v])
            ]
            for token in tokens:
                if not token:
                    continue
                value = vocabulary.parse(spec.vocabulary, token)
                if value is None:
                    notices.append(f"{key} {_quote(token)} (not a known {_KIND_NAMES.get(key, key)})")
                elif value not in chosen:
                    chosen.append(value)
            if len(chosen) > MAX_VALUES:
                notices.append(f"{key}: more than {MAX_VALUES} values")
                chosen = chosen[:MAX_VALUES]
            values[spec.field] = tuple(chosen)
        elif spec.kind == "years":
            years = [_parse_year(key, v, notices) for v in raw_values[:2]]
            if len(raw_values) == 2 and None not in years:
                values["years"] = tuple(years)
            elif len(raw_values) != 2:
                notices.append(f"{key}: two years were expected, from and to")
        elif spec.kind == "choice":
            raw = raw_values[-1].strip()
            value = vocabulary.parse(spec.vocabulary, raw)
            if value is None:
                notices.append(f"{key} {_quote(raw)} (not a known {_KIND_NAMES.get(key, key)})")
            else:
                values[spec.field] = value
        elif spec.kind == "year":
            year = _parse_year(key, raw_values[-1], notices)
            if year is not None:
                values[spec.field] = year
        elif spec.kind == "count":
            raw = raw_values[-1].strip()
            if _is_number(raw) and 1 <= int(raw) <= MAX_COUNT:
                values[spec.field] = int(raw)
            else:
                notices.append(f"{key} {_quote(raw)} (a whole number from 1 was expected)")
        elif spec.kind == "text":
            text = " ".join(raw_values[-1].split())
            if text:
                values[spec.field] = text
        elif spec.kind == "flag":
            word = raw_values[-1].strip().casefold()
            if word in TRUE_WORDS or word in FALSE_WORDS:
                values[spec.field] = word in TRUE_WORDS
            else:
                notices.append(f"{key} {_quote(word)} (true or false was expected)")

    legacy: dict[str, int | None] = {}
    for key in (k for k in LEGACY_YEAR_PARAMS if k in params):
        raw_values = _values(params[key])
        if len(set(raw_values)) > 1:
            notices.append(f"{key}: {len(raw_values)} values where one was expected (the last one is read)")
        if "years" in values:  # an older link's years, with the newer form beside them: that one is read
            notices.append(f"{key} {_quote(raw_values[-1])} (the link also has years, which are read instead)")
        else:
            legacy[key] = _parse_year(key, raw_values[-1], notices)
    if legacy:
        values["years"] = (legacy.get("from") or YEAR_MIN, legacy.get("to") or YEAR_MAX)
    if "years" in values:
        year_from, year_to = values.pop("years")
        if year_from > year_to:
            notices.append(f"the year range {year_from}–{year_to} (it ends before it starts)")
        else:
            values["year_from"], values["year_to"] = year_from, year_to
    return FilterState(**values), notices


_KIND_NAMES = {
    "destination": "destination",
    "agency": "agency",
    "status": "status",
    "mode": "cooperation mode",
    "focus": "destination",
    "compare": "destination",
    "pick": "destination",
    "scope": "destination",
    "cell_destination": "destination",
    "cell_mode": "cooperation mode",
    "profile": "agency",
    "among": "group",
    "colour": "colouring",
    "dcolour": "colouring",
    "breakdown": "breakdown",
    "tab": "tab",
    "table": "table",
    "pillar": "pillar",
}


def _is_number(raw: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also passes "²" and "¹⁹⁹⁰", which ``int`` refuses."""
    return raw.isascii() and raw.isdigit()


def _parse_year(param: str, raw: str, notices: list[str]) -> int | None:
    """A year in the explorer's range, or None with a notice."""
    raw = raw.strip()
    if len(raw) <= 4 and _is_number(raw) and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    notices.append(f"{param} {_quote(raw)} (a year between {YEAR_MIN} and {YEAR_MAX} was expected)")
    return None


# ------------------------------------------------------------------------ applying


@dataclass(frozen=True)
class FilteredData:
    """The missions a state selects, with their participants, and apart from them the
    programme rows the same state selects (never counted: ``components.metrics``)."""

    missions: pd.DataFrame
    participants: pd.DataFrame
    state: FilterState
    programmes: pd.DataFrame

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
    programme = is_programme(selected)
    counted = selected[~programme]
    return FilteredData(
        missions=counted,
        participants=participants[participants["mission_id"].isin(set(counted["mission_id"]))],
        state=state,
        programmes=selected[programme],
    )


def filter_dataset(dataset: Dataset, state: FilterState) -> FilteredData:
    """``apply_filters`` on a dataset's missions, computed once per dataset and sidebar
    selection and shared by every chart, page and session that asks for the same one.
    Pandas copies on write, so nothing that reads the result can change it."""
    return _filter_dataset(dataset, FilterState(**{name: getattr(state, name) for name in FILTER_FIELDS}))


@lru_cache(maxsize=256)
def _filter_dataset(dataset: Dataset, filters: FilterState) -> FilteredData:
    return apply_filters(filters, dataset.missions, dataset.mission_participants)


def describe(state: FilterState, vocabulary: Vocabulary) -> str:
    """The active filters in words, for captions, file names' readers and slide footers:
    "Moon · ESA, JAXA · 1990–2030"."""
    parts = [
        vocabulary.names(kind, values)
        for kind, values in (
            ("destinations", state.destinations),
            ("agencies", state.agencies),
            ("statuses", state.statuses),
            ("modes", state.modes),
        )
        if values
    ]
    if (state.year_from, state.year_to) != (YEAR_MIN, YEAR_MAX):
        parts.append(f"{state.year_from}–{state.year_to}")
    return " · ".join(parts) if parts else "All missions"


STATE_FIELDS = tuple(f.name for f in fields(FilterState))
FILTER_FIELDS = ("destinations", "agencies", "statuses", "modes", "year_from", "year_to")
VIEW_FIELDS = tuple(name for name in STATE_FIELDS if name not in FILTER_FIELDS)


@shared()
def narrow(view: FilteredData, **changes: Any) -> FilteredData:
    """A sub-view of an already filtered view, e.g. one destination or one mode of it."""
    rows = pd.concat([view.missions, view.programmes]) if len(view.programmes) else view.missions
    return apply_filters(FilterState(**changes), rows, view.participants)
