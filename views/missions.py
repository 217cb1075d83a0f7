"""Missions: every mission on one timeline, from Sputnik to the notional windows of 2041–2061."""

import streamlit as st

from components.charts import ChartContext
from components.data import get_dataset
from components.filters import narrow
from components.lookup import search_missions
from components.state import current_state, view_choices
from components.tables import show_frame, with_names
from components.ui import md, render_chart, tables_ready
from components.widgets import choice_buttons, flag, search_box

dataset = get_dataset()
st.title("Missions")
st.markdown(
    "One bar per mission, from launch to end; operating missions run to today, and the notional missions that "
    "Horizon 2061 foresees are drawn as hatched windows. Dated milestones of cooperation sit on the same axis. "
    "Hover a bar for its partners, their roles and what they contributed."
)
if not tables_ready(dataset, "missions", "mission_participants", "agencies", "destinations", "milestones"):
    st.stop()

choices = view_choices(dataset)
colour_col, search_col, layout_col = st.columns([3, 3, 2], vertical_alignment="bottom")
with colour_col:
    choice_buttons("Colour by", "colour", choices, current_state(dataset))
with search_col:
    search_box("Find a mission", "search", placeholder="Name or alias, e.g. Huygens, Kaguya, MSR")
with layout_col:
    flag("One chart per destination", "split", help="Collapse or expand each destination separately.")
state = current_state(dataset)

ctx = ChartContext(dataset, state)
missions = ctx.filtered.missions
highlight: set[str] = set()
if state.search:
    found = search_missions(missions, state.search)
    highlight = set(found["mission_id"])
    if found.empty:
        st.info(f"No mission among those shown matches “{md(state.search)}”.", icon=":material/search_off:")
    else:
        st.success(
            f"{len(found)} mission(s) match “{md(state.search)}”: outlined in black below.", icon=":material/search:"
        )
        show_frame(
            with_names(found, choices.vocabulary).assign(
                years=found["launch_year"].astype("Int64").astype("string").fillna("notional")
            ),
            ("name", "years", "status", "destination", "lead", "note"),
        )

if state.split:
    destinations = dataset.destinations.sort_values("display_order")
    for destination in destinations.itertuples():
        count = len(narrow(ctx.filtered, destinations=(destination.destination_id,)).missions)
        if not count:
            continue
        with st.expander(f"{md(destination.name)} — {count} missions", expanded=destination.display_order == 1):
            sub = ChartContext(
                dataset,
                state.with_changes(destinations=(destination.destination_id,)),
                options={"highlight": highlight},
            )
            render_chart("missions_timeline", sub, key=f"timeline_{destination.destination_id}")
else:
    render_chart("missions_timeline", ChartContext(dataset, state, options={"highlight": highlight}))
