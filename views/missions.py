"""Missions: every mission on one timeline, from Sputnik to the notional windows of 2041–2061."""

import streamlit as st

from components.charts import ChartContext
from components.data import get_dataset
from components.filters import MAX_SEARCH_CHARS, narrow
from components.lookup import search_missions
from components.state import current_state, update_state
from components.tables import show_frame
from components.ui import md, render_chart, tables_ready

COLOURINGS = {"status": "Status", "lead_agency": "Lead agency", "mode": "Cooperation mode"}

dataset = get_dataset()
st.title("Missions")
st.markdown(
    "One bar per mission, from launch to end; operating missions run to today, and the notional missions that "
    "Horizon 2061 foresees are drawn as hatched windows. Dated milestones of cooperation sit on the same axis. "
    "Hover a bar for its partners, their roles and what they contributed."
)
if not tables_ready(dataset, "missions", "mission_participants", "agencies", "destinations", "milestones"):
    st.stop()

state = current_state()
colour_col, search_col, layout_col = st.columns([2, 3, 2], vertical_alignment="bottom")
with colour_col:
    colour = (
        st.segmented_control(
            "Colour by",
            options=list(COLOURINGS),
            format_func=COLOURINGS.get,
            default=state.colour or "status",
            key=f"colour_{state.colour}",
        )
        or "status"
    )
with search_col:
    search = st.text_input(
        "Find a mission",
        value=state.search or "",
        max_chars=MAX_SEARCH_CHARS,
        placeholder="Name or alias, e.g. Huygens, Kaguya, MSR",
        key=f"search_{state.search}",
    )
with layout_col:
    per_destination = st.toggle(
        "One chart per destination", key="timeline_split", help="Collapse or expand each destination separately."
    )
changes = {}
if (colour if colour != "status" else None) != state.colour:
    changes["colour"] = None if colour == "status" else colour
if (search.strip() or None) != state.search:
    changes["search"] = search.strip() or None
if changes:
    state = update_state(**changes)

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
            found.assign(years=found["launch_year"].astype("string").fillna("notional")),
            ("name", "years", "status", "destination_id", "lead_agency_id", "note"),
        )

if per_destination:
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
