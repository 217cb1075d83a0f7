"""The bound widgets' state, the resolver of effective choices, and the link notices.

Every widget that changes a view is bound to the URL by Streamlit itself
(``key=<param>, bind="query-params"``), so this module writes no URL by hand. It does three
things:

- ``ViewChoices`` and ``resolve``: the one place that decides what each page choice can be
  and what it is when the link does not say (focus, compare — never equal to focus —,
  profile, table, scope, among, as of, colourings, tab). Widgets, pages and charts all read
  the resolved state, so no two of them pick their own default.
- ``arrive``: a link in an older or non-canonical form (ids, comma lists, ``from``/``to``,
  unknown or unshowable values) is rewritten once into the canonical form with
  ``st.switch_page(page, query_params=...)``, which seeds every bound widget from the URL.
  What was dropped is remembered and named in a notice.
- ``current_state``: the pure ``FilterState`` read from the bound widget values.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import streamlit as st

from components.data import Dataset
from components.filters import (
    MAX_PARAM_CHARS,
    PARAMS,
    ROOM_PARAMS,
    SIDEBAR_PARAMS,
    TRUE_WORDS,
    YEAR_MAX,
    YEAR_MIN,
    FilterState,
    parse_query_params,
    printable,
    to_query_params,
)
from components.filters import PARAM_OF_FIELD as PARAMS_BY_FIELD
from components.ui import md
from components.vocabulary import AGENCY_TABS, ALL, Vocabulary

NOTICE_KEY = "h2061_link_notices"
PAGE_KEY = "h2061_page"
REWRITTEN_KEY = "h2061_link_rewritten"


@dataclass(frozen=True)
class ViewChoices:
    """What each page choice can show, with its labels, in display order; the first is the default
    unless ``defaults`` says otherwise. Built once per dataset."""

    vocabulary: Vocabulary
    options: Mapping[str, Mapping[str, str]]
    defaults: Mapping[str, str] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    @classmethod
    def from_dataset(cls, dataset: Dataset, today: date | None = None) -> ViewChoices:
        vocabulary = Vocabulary.from_dataset(dataset)
        table_destinations = {d: vocabulary.destinations[d] for d in vocabulary.table_destinations}
        involved: set[str] = set()
        if "mission_participants" in dataset.tables:
            involved = set(dataset.mission_participants["agency_id"])
        profiles = {a: label for a, label in vocabulary.agencies.items() if a in involved}
        with_members = set(dataset.memberships["group_id"]) if "memberships" in dataset.tables else set()
        circles = {g: label for g, label in vocabulary.circles.items() if g == ALL or g in with_members}
        options: dict[str, Mapping[str, str]] = {
            "pillar": vocabulary.pillars,
            "focus": table_destinations,
            "compare": table_destinations,  # minus the focus: see ``options_for``
            "pick": table_destinations,
            "dcolour": vocabulary.colourings,
            "colour": vocabulary.colourings,
            "breakdown": vocabulary.breakdowns,
            "cell_mode": vocabulary.modes,
            "cell_destination": vocabulary.destinations,
            "tab": AGENCY_TABS,
            "profile": profiles,
            "scope": vocabulary.scopes,
            "among": circles,
            "table": vocabulary.tables,
        }
        defaults = {"table": "missions", **({"profile": "esa"} if "esa" in profiles else {})}
        return cls(vocabulary, options, defaults, today or date.today())

    def options_for(self, param: str, state: FilterState | None = None) -> dict[str, str]:
        options = dict(self.options[param])
        if param == "compare" and state is not None:
            options.pop(self.effective(state, "focus"), None)
        return options

    def default(self, param: str, state: FilterState | None = None) -> str | None:
        options = self.options_for(param, state)
        wanted = self.defaults.get(param)
        if wanted in options:
            return wanted
        return next(iter(options), None)

    def effective(self, state: FilterState, param: str) -> str | None:
        value = getattr(state, PARAMS[param].field)
        options = self.options_for(param, state)
        return value if value in options else self.default(param, state)

    @property
    def latest_year(self) -> int:
        return min(YEAR_MAX, self.today.year)


@dataclass(frozen=True)
class Resolution:
    state: FilterState  # every choice filled in: what pages, widgets and charts show
    kept: FilterState  # what the link asked for that the views can show (defaults left out)
    notices: list[str]


def resolve(state: FilterState, choices: ViewChoices) -> Resolution:
    """Effective choices for a state, and a notice for each value a view cannot show."""
    notices: list[str] = []
    kept = state
    vocabulary = choices.vocabulary
    for param in ("pillar", "focus", "compare", "pick", "dcolour", "colour", "breakdown", "tab", "profile", "table"):
        attr = PARAMS[param].field
        value = getattr(kept, attr)
        if value is None:
            continue
        options = choices.options_for(param, kept)
        if value not in options:
            label = vocabulary.label(PARAMS[param].vocabulary, value)
            fallback = options.get(choices.default(param, kept), "the default")
            notices.append(f"{param} '{label}' ({_why_not(param, value, choices)}; showing {fallback})")
            kept = replace(kept, **{attr: None})
        elif value == choices.default(param, kept):
            kept = replace(kept, **{attr: None})
    for param in ("scope", "among", "cell_mode", "cell_destination"):
        attr = PARAMS[param].field
        value = getattr(kept, attr)
        if value is not None and value not in choices.options[param]:
            label = vocabulary.label(PARAMS[param].vocabulary, value)
            notices.append(f"{param} '{label}' (nothing to show for it)")
        if value is not None and (value == ALL or value not in choices.options[param]):
            kept = replace(kept, **{attr: None})
    if kept.seq is not None:  # a presentation sequence: steps and values the app cannot show are dropped
        from components.present import cleaned_sequence

        code, dropped = cleaned_sequence(kept.seq, vocabulary)
        notices.extend(f"seq: {printable(notice)}" for notice in dropped)
        kept = replace(kept, seq=code)
    if kept.as_of is not None and not (YEAR_MIN <= kept.as_of <= choices.latest_year):
        notices.append(f"asof {kept.as_of} (the matrix reads the record up to {choices.latest_year})")
        kept = replace(kept, as_of=None)
    elif kept.as_of == choices.latest_year:
        kept = replace(kept, as_of=None)
    effective = replace(
        kept,
        **{
            PARAMS[p].field: choices.effective(kept, p)
            for p in ("pillar", "focus", "pick", "dcolour", "colour", "breakdown", "tab", "profile", "table")
        },
    )
    effective = replace(
        effective,
        compare=choices.effective(effective, "compare"),
        as_of=kept.as_of or choices.latest_year,
        cell_mode=kept.cell_mode or choices.default("cell_mode"),
        cell_destination=kept.cell_destination or choices.default("cell_destination"),
    )
    return Resolution(effective, kept, notices)


def _why_not(param: str, value: str, choices: ViewChoices) -> str:
    if param in ("focus", "compare", "pick") and value in choices.vocabulary.destinations:
        if param == "compare" and value in choices.options["compare"]:
            return "it is the destination in focus"
        return "not a Table 7.1 destination"
    if param == "profile" and value in choices.vocabulary.agencies:
        return "no mission in the data involves it"
    return "not available here"


_CHOICES: dict[tuple[int, date], ViewChoices] = {}


def view_choices(dataset: Dataset, today: date | None = None) -> ViewChoices:
    """The choices of a dataset, built once per dataset object (and forgotten with it)."""
    key = (id(dataset), today or date.today())
    if key not in _CHOICES:
        _CHOICES[key] = ViewChoices.from_dataset(dataset, key[1])
        weakref.finalize(dataset, _CHOICES.pop, key, None)
    return _CHOICES[key]


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _normalised(params: Mapping[str, str | list[str]]) -> dict[str, list[str]]:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in params.items()}


def arrive(page: st.navigation, dataset: Dataset) -> None:  # type: ignore[valid-type]
    """Rewrite a link that is not in canonical form, once, so every bound widget seeds from it.

    Called by ``app.py`` before any widget is drawn. A canonical link (what the widgets write
    themselves) passes untouched; anything else is parsed, resolved and reopened through
    ``st.switch_page`` with the canonical query string. Notices survive the switch."""
    raw = _url_params()
    page_switched = st.session_state.get(PAGE_KEY) not in (None, page.url_path)
    st.session_state[PAGE_KEY] = page.url_path
    if not raw:
        return
    choices = view_choices(dataset)
    parsed, notices = parse_query_params(raw, choices.vocabulary)
    resolution = resolve(parsed, choices)
    canonical = to_query_params(resolution.kept, choices.vocabulary)
    canonical |= {k: raw[k][-1] for k in ROOM_PARAMS if raw.get(k) and len(raw[k][-1]) <= MAX_PARAM_CHARS}
    if _normalised(canonical) == raw:
        if page_switched:
            _adopt_sidebar_filters(parsed, raw)
        return
    if _typed_sequence(raw, canonical, notices + resolution.notices):
        return
    signature = repr(sorted(raw.items()))
    if st.session_state.get(REWRITTEN_KEY) == signature:
        return  # already rewritten once: never loop
    st.session_state[REWRITTEN_KEY] = signature
    st.session_state[NOTICE_KEY] = notices + resolution.notices
    st.switch_page(page, query_params=canonical)


def _typed_sequence(raw: Mapping[str, list[str]], canonical: Mapping[str, str | list[str]], notices: list[str]) -> bool:
    """A sequence pasted or typed into the Present page's field (a bound widget already in the
    session): the field itself takes the cleaned sequence, since a bound parameter cannot be
    rewritten by a page switch. True when that was the only difference from canonical form."""
    if "seq" not in st.session_state or "seq" not in raw:
        return False
    rest = {k: v for k, v in _normalised(canonical).items() if k != "seq"}
    if rest != {k: v for k, v in raw.items() if k != "seq"}:
        return False
    st.session_state["seq"] = str(canonical.get("seq", ""))
    st.session_state[NOTICE_KEY] = notices
    return True


def present_elsewhere(page, present_page, dataset: Dataset) -> None:  # st.Page objects
    """``?present=1`` on another page than Present: present that page's charts, each as this
    view shows it, full screen (a facilitator's bookmark of any view). A page without charts
    stays itself (the Room poll draws its own presentation mode)."""
    if page.url_path == present_page.url_path:
        return
    raw = _url_params()
    wanted = raw.get("present") or []
    if not wanted or wanted[-1].strip().casefold() not in TRUE_WORDS:
        return
    from components.present import page_sequence, step_params

    choices = view_choices(dataset)
    state = resolve(parse_query_params(raw, choices.vocabulary)[0], choices).state
    sequence = page_sequence(page.url_path or "home", state)
    if sequence is not None:
        st.switch_page(present_page, query_params=step_params(sequence, 1))


def _adopt_sidebar_filters(parsed: FilterState, raw: Mapping[str, list[str]]) -> None:
    """A link to another page (``st.page_link``) may carry other sidebar filters than the session
    holds ("See how missions to the Moon cooperated"). The sidebar widgets already exist in the
    session, so Streamlit keeps their values over the URL's on a page switch; the link's values
    are put in their place before the widgets are drawn. Only on a page switch: a change made in
    a widget never meets a stale URL here."""
    for key in SIDEBAR_PARAMS:
        if key not in raw or key not in st.session_state:
            continue
        wanted = parsed.value_of(key)
        held = st.session_state[key]
        if tuple(held) != tuple(wanted):
            st.session_state[key] = tuple(wanted) if key == "years" else list(wanted)


MAX_NOTICES_SHOWN = 10


def notice_text(notices: list[str]) -> str:
    """The one warning naming what a link asked for that could not be shown, escaped for
    Markdown. A link of a thousand junk parameters gets the first few and a count, not a wall."""
    shown = "; ".join(md(n) for n in notices[:MAX_NOTICES_SHOWN])
    if len(notices) > MAX_NOTICES_SHOWN:
        shown += f"; and {len(notices) - MAX_NOTICES_SHOWN} more"
    return f"Part of this link was ignored: {shown}. The rest of the view is shown."


def show_url_notices() -> None:
    """Name what a link asked for that could not be shown (once, on arrival)."""
    notices = st.session_state.pop(NOTICE_KEY, None) or []
    if notices:
        st.warning(notice_text(notices), icon=":material/link_off:")


def read_state(choices: ViewChoices) -> FilterState:
    """The state as the bound widgets hold it; widgets not drawn yet in this run fall back to the URL."""
    url_state, _ = parse_query_params(_url_params(), choices.vocabulary)
    values: dict[str, object] = {}
    for key, spec in PARAMS.items():
        if key not in st.session_state:
            continue
        value = st.session_state[key]
        if spec.kind == "list":
            values[spec.field] = tuple(value or ())
        elif spec.kind == "years":
            values["year_from"], values["year_to"] = (int(v) for v in value)
        elif spec.kind == "choice":
            values[spec.field] = _TAB_IDS.get(value, value) if key == "tab" else value
        elif spec.kind in ("year", "count"):
            values[spec.field] = None if value is None else int(value)
        elif spec.kind == "text":
            values[spec.field] = " ".join(str(value or "").split()) or None
        elif spec.kind == "flag":
            values[spec.field] = bool(value)
    return replace(url_state, **values)


_TAB_IDS = {label: tab_id for tab_id, label in AGENCY_TABS.items()}


def current_state(dataset: Dataset | None = None) -> FilterState:
    """The resolved state of this run: what every page, widget and chart shows."""
    from components.data import get_dataset

    choices = view_choices(dataset or get_dataset())
    return resolve(read_state(choices), choices).state


def link_params(state: FilterState, choices: ViewChoices, *, keep: tuple[str, ...] = (), **changes: object) -> dict:
    """Canonical query parameters for a link to another page: the sidebar filters, the page
    choices named in ``keep`` or changed here, defaults left out (so the link opens as is)."""
    wanted = replace(state, **changes)
    kept = resolve(wanted, choices).kept
    fields = {PARAMS_BY_FIELD[name] for name in changes} | set(keep)
    return to_query_params(kept, choices.vocabulary, only=(*SIDEBAR_PARAMS, *fields))
