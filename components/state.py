"""Connect the one ``FilterState`` to the Streamlit session, the sidebar and the URL.

Rules, in order, on every run (``app.py`` calls ``sync_state`` before the page runs):

1. A URL that carries parameters we did not write ourselves is the truth: a pasted link,
   the browser's back button, or an ``st.page_link(..., query_params=...)``.
2. Otherwise the session is the truth. Streamlit's page menu clears the query string when
   moving between pages; the session keeps the filters and they are written back.
3. The state is then written to the URL, so the address bar always holds the current view.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from components.data import Dataset
from components.filters import (
    MODE_CHOICES,
    SESSION_KEY,
    WRITTEN_KEY,
    YEAR_MAX,
    YEAR_MIN,
    FilterState,
    Vocabulary,
    parse_query_params,
)
from components.schema import MISSION_STATUSES
from components.ui import md

WIDGET_KEYS = {
    "destinations": "filter_destinations",
    "agencies": "filter_agencies",
    "statuses": "filter_statuses",
    "modes": "filter_modes",
    "years": "filter_years",
}
NOTICE_KEY = "h2061_url_notices"


def _current_params() -> dict[str, str]:
    return {key: st.query_params.get(key, "") for key in st.query_params}


def _load_widgets(state: FilterState) -> None:
    st.session_state[WIDGET_KEYS["destinations"]] = list(state.destinations)
    st.session_state[WIDGET_KEYS["agencies"]] = list(state.agencies)
    st.session_state[WIDGET_KEYS["statuses"]] = list(state.statuses)
    st.session_state[WIDGET_KEYS["modes"]] = list(state.modes)
    st.session_state[WIDGET_KEYS["years"]] = (state.year_from, state.year_to)


def sync_state(dataset: Dataset) -> FilterState:
    """Decide between URL and session, remember notices, and return the state to render."""
    params = _current_params()
    written = st.session_state.get(WRITTEN_KEY)
    if SESSION_KEY not in st.session_state or (params and params != written):
        state, notices = parse_query_params(params, Vocabulary.from_dataset(dataset))
        st.session_state[SESSION_KEY] = state
        st.session_state[NOTICE_KEY] = notices
        _load_widgets(state)
    else:
        st.session_state[NOTICE_KEY] = []
    return st.session_state[SESSION_KEY]


def current_state() -> FilterState:
    """The state of this run; pages call this."""
    return st.session_state.get(SESSION_KEY, FilterState())


def update_state(**changes: object) -> FilterState:
    """Change page selections (pillar, focus, …) and mirror them in the URL at once."""
    state = current_state().with_changes(**changes)
    st.session_state[SESSION_KEY] = state
    write_url(state)
    return state


def write_url(state: FilterState) -> None:
    params = state.to_query_params()
    if params != _current_params():
        st.query_params.from_dict(params)
    st.session_state[WRITTEN_KEY] = params


def show_url_notices() -> None:
    notices = st.session_state.get(NOTICE_KEY) or []
    if notices:
        st.warning(
            "Part of this link was ignored: " + "; ".join(md(n) for n in notices) + ". The rest of the view is shown.",
            icon=":material/link_off:",
        )


def _reset_filters() -> None:
    state = current_state().cleared_filters()
    st.session_state[SESSION_KEY] = state
    _load_widgets(state)


def filter_sidebar(dataset: Dataset) -> FilterState:
    """The sidebar filters. Returns the state built from the widgets and writes it to the URL."""
    state = current_state()
    vocabulary = Vocabulary.from_dataset(dataset)
    names = option_names(dataset)
    st.markdown("**Filters**")
    destinations = st.multiselect(
        "Destinations",
        options=vocabulary.destinations,
        format_func=lambda v: names["destinations"].get(v, v),
        key=WIDGET_KEYS["destinations"],
        placeholder="All destinations",
    )
    agencies = st.multiselect(
        "Agencies (any role)",
        options=sorted(vocabulary.agencies, key=lambda v: names["agencies"].get(v, v).casefold()),
        format_func=lambda v: names["agencies"].get(v, v),
        key=WIDGET_KEYS["agencies"],
        placeholder="All agencies",
    )
    statuses = st.multiselect(
        "Status",
        options=MISSION_STATUSES,
        format_func=str.capitalize,
        key=WIDGET_KEYS["statuses"],
        placeholder="All statuses",
    )
    modes = st.multiselect(
        "Cooperation mode",
        options=MODE_CHOICES,
        format_func=lambda v: names["modes"].get(v, v),
        key=WIDGET_KEYS["modes"],
        placeholder="All modes, national included",
    )
    year_from, year_to = st.slider(
        "Launch year (or notional window)",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        key=WIDGET_KEYS["years"],
        help="Missions launched in this range; notional Horizon 2061 missions count from the opening of their window.",
    )
    state = state.with_changes(
        destinations=tuple(destinations),
        agencies=tuple(agencies),
        statuses=tuple(statuses),
        modes=tuple(modes),
        year_from=int(year_from),
        year_to=int(year_to),
    )
    st.session_state[SESSION_KEY] = state
    st.button(
        "Reset filters",
        icon=":material/filter_alt_off:",
        on_click=_reset_filters,
        disabled=not state.is_filtered,
        width="stretch",
    )
    write_url(state)
    return state


def option_names(dataset: Dataset) -> dict[str, Mapping[str, str]]:
    """Display names for ids, for widgets, notices and captions."""
    names: dict[str, Mapping[str, str]] = {"destinations": {}, "agencies": {}, "modes": {}}
    if "destinations" in dataset.tables:
        names["destinations"] = dict(
            zip(dataset.destinations["destination_id"], dataset.destinations["name"], strict=True)
        )
    if "agencies" in dataset.tables:
        names["agencies"] = dict(zip(dataset.agencies["agency_id"], dataset.agencies["short_name"], strict=True))
    modes = {"national": "National (no foreign partner)"}
    if "cooperation_modes" in dataset.tables:
        modes.update(zip(dataset.cooperation_modes["mode_id"], dataset.cooperation_modes["name"], strict=True))
    names["modes"] = modes
    names["statuses"] = {s: s.capitalize() for s in MISSION_STATUSES}
    return names


def step_control(field_name: str, options: tuple[str, ...], labels: Mapping[str, str], *, label: str) -> str:
    """Previous / next buttons plus direct jumps for a step kept in the state (and the URL)."""
    current = getattr(current_state(), field_name) or options[0]
    if current not in options:
        current = options[0]
    index = options.index(current)
    previous_col, jump_col, next_col = st.columns([1.2, 6, 1.2], vertical_alignment="center")
    previous_col.button(
        "Previous",
        icon=":material/arrow_back:",
        disabled=index == 0,
        on_click=update_state,
        kwargs={field_name: options[max(index - 1, 0)]},
        key=f"{field_name}_previous",
        shortcut="left",
        help="Previous step (← key)",
        width="stretch",
    )
    next_col.button(
        "Next",
        icon=":material/arrow_forward:",
        icon_position="right",
        disabled=index == len(options) - 1,
        on_click=update_state,
        kwargs={field_name: options[min(index + 1, len(options) - 1)]},
        key=f"{field_name}_next",
        shortcut="right",
        help="Next step (→ key)",
        width="stretch",
    )
    with jump_col:
        chosen = st.segmented_control(
            label,
            options=options,
            format_func=lambda o: labels.get(o, o),
            default=current,
            label_visibility="collapsed",
            key=f"{field_name}_jump_{current}",
        )
    if chosen and chosen != current:
        update_state(**{field_name: chosen})
        st.rerun()
    if getattr(current_state(), field_name) != current:
        update_state(**{field_name: current})
    return current


def state_select(label: str, field_name: str, options: list[str], format_func, *, fallback: str, **kwargs) -> str:
    """A selectbox bound to one field of the state (and so to the URL).

    The widget key includes the current value, so a link that changes the field re-creates
    the widget with the right selection instead of keeping a stale one.
    """
    current = getattr(current_state(), field_name)
    value = current if current in options else fallback
    chosen = st.selectbox(
        label,
        options=options,
        index=options.index(value),
        format_func=format_func,
        key=f"{field_name}_select_{value}",
        **kwargs,
    )
    if chosen != value:  # the fallback is implied, so it stays out of the URL until chosen
        update_state(**{field_name: chosen})
    return chosen
