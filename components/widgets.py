"""The widgets bound to the URL: the shared sidebar, the stepper and the page pickers.

Each widget's key is its URL parameter (``components.filters.PARAMS``) and Streamlit binds
it (``bind="query-params"``): the widget on screen, its session value and the address bar
are one thing, and every change holds. Options and defaults come from ``ViewChoices``, the
labels from the vocabulary; buttons that move a bound value set ``st.session_state[key]``
in their callback, never the URL.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.filters import MAX_ROW_QUERY_CHARS, MAX_SEARCH_CHARS, PARAMS, YEAR_MAX, YEAR_MIN, FilterState
from components.state import ViewChoices
from components.vocabulary import MODE_CHOICES, STATUS_LABELS

BIND: dict[str, Any] = {"bind": "query-params"}


def filter_sidebar(choices: ViewChoices) -> None:
    """The sidebar filters, drawn on every page so they hold across page switches."""
    vocabulary = choices.vocabulary
    st.markdown("**Filters**")
    st.multiselect(
        "Destinations",
        options=list(vocabulary.destinations),
        format_func=vocabulary.destinations.get,
        key="destination",
        placeholder="All destinations",
        **BIND,
    )
    st.multiselect(
        "Agencies (any role)",
        options=list(vocabulary.agencies),
        format_func=vocabulary.agencies.get,
        key="agency",
        placeholder="All agencies",
        **BIND,
    )
    st.multiselect(
        "Status",
        options=list(STATUS_LABELS),
        format_func=STATUS_LABELS.get,
        key="status",
        placeholder="All statuses",
        **BIND,
    )
    st.multiselect(
        "Cooperation mode",
        options=[m for m in MODE_CHOICES if m in vocabulary.modes],
        format_func=vocabulary.modes.get,
        key="mode",
        placeholder="All modes, national included",
        **BIND,
    )
    st.slider(
        "Launch year (or notional window)",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        value=(YEAR_MIN, YEAR_MAX),
        key="years",
        help="Missions launched in this range; notional Horizon 2061 missions count from the opening of their window.",
        **BIND,
    )
    filtered = any(st.session_state.get(k) for k in ("destination", "agency", "status", "mode")) or tuple(
        st.session_state.get("years", (YEAR_MIN, YEAR_MAX))
    ) != (YEAR_MIN, YEAR_MAX)
    st.button(
        "Reset filters",
        icon=":material/filter_alt_off:",
        on_click=reset_filters,
        disabled=not filtered,
        width="stretch",
        key="reset_filters",
    )


def reset_filters() -> None:
    for key in ("destination", "agency", "status", "mode"):
        st.session_state[key] = []
    st.session_state["years"] = (YEAR_MIN, YEAR_MAX)


def choice_select(label: str, param: str, choices: ViewChoices, state: FilterState, **kwargs: Any) -> str:
    """A selectbox for one page choice, bound to the URL by its fixed key ``param``."""
    options = choices.options_for(param, state)
    ids = list(options)
    default = choices.default(param, state)
    return st.selectbox(
        label,
        options=ids,
        index=ids.index(default) if default in ids else 0,
        format_func=options.get,
        key=param,
        **BIND,
        **kwargs,
    )


def choice_buttons(label: str, param: str, choices: ViewChoices, state: FilterState, **kwargs: Any) -> str:
    """A segmented control for one page choice; it never goes blank (``required``)."""
    options = choices.options_for(param, state)
    return st.segmented_control(
        label,
        options=list(options),
        format_func=options.get,
        default=choices.default(param, state),
        required=True,
        key=param,
        **BIND,
        **kwargs,
    )


def stepper(
    key: str,
    options: list,
    index: int,
    *,
    words: tuple[str, str],
    keys: bool = False,
    widths: tuple[float, float, float] = (1.2, 6, 1.2),
):
    """Back / forward buttons that move the bound widget ``key`` through ``options``; returns the
    middle column, where the caller draws the widget itself. ``keys`` adds the ← → shortcuts."""
    back_col, middle_col, forward_col = st.columns(list(widths), vertical_alignment="bottom")
    for column, word, step, icon in (
        (back_col, words[0], -1, "arrow_back"),
        (forward_col, words[1], 1, "arrow_forward"),
    ):
        target = min(max(index + step, 0), len(options) - 1)
        shortcut = {"shortcut": "left" if step < 0 else "right", "help": f"{word} (← →)"} if keys else {}
        column.button(
            word,
            icon=f":material/{icon}:",
            icon_position="left" if step < 0 else "right",
            disabled=target == index,
            on_click=set_choice,
            args=(key, options[target]),
            key=f"{key}_{'previous' if step < 0 else 'next'}",
            width="stretch",
            **shortcut,
        )
    return middle_col


def step_control(param: str, choices: ViewChoices, state: FilterState, *, label: str) -> str:
    """Previous / next buttons (and the ← → keys) around a segmented control of the steps."""
    options = list(choices.options_for(param, state))
    current = getattr(state, PARAMS[param].field)
    index = options.index(current) if current in options else 0
    with stepper(param, options, index, words=("Previous", "Next"), keys=True):
        return choice_buttons(label, param, choices, state, label_visibility="collapsed")


def set_choice(key: str, value: object) -> None:
    """For callbacks (a clicked chart point, a ticked table row): move a bound widget's value."""
    st.session_state[key] = value


def search_box(label: str, param: str, *, placeholder: str) -> str:
    limit = MAX_SEARCH_CHARS if param == "search" else MAX_ROW_QUERY_CHARS
    return st.text_input(label, max_chars=limit, placeholder=placeholder, key=param, **BIND)


def flag(label: str, param: str, **kwargs: Any) -> bool:
    return st.toggle(label, key=param, **BIND, **kwargs)
