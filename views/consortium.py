"""Consortium: what a group of agencies would bring to one destination, together.

A workshop picks a Table 7.1 destination here and a group of agencies in the sidebar
(*Agencies*): their heritage there, the capabilities they cover and lack, where they would rest
on one member, Table 7.1's modes they have practised together and the missions they share
(``components.consortium``). The view is a link; *Present this sketch* makes it a step.
"""

import streamlit as st

from components.charts import ChartContext, consortium_view
from components.consortium import COMBINED, capability_label
from components.data import get_dataset
from components.present import step_for
from components.state import current_state, view_choices
from components.tables import show_frame, with_names
from components.ui import md, render_chart, tables_ready
from components.widgets import choice_select

dataset = get_dataset()
choices = view_choices(dataset)
vocabulary = choices.vocabulary
st.title("Consortium sketch")
st.markdown(
    "Pick a destination here and a group of agencies in the sidebar (*Agencies*): what they have flown there, "
    "which capabilities they cover together and which they lack, where they would depend on one member, and "
    "which of the modes Table 7.1 recommends they have already practised together (ch. 7 §7.5; the autonomy "
    "matrix as on the Agencies page). The address bar holds the sketch: share it."
)
if not tables_ready(
    dataset, "missions", "mission_participants", "agencies", "infrastructures", "destination_modes", "cooperation_modes"
):
    st.stop()

choice_select("Destination", "focus", choices, current_state(dataset))
state = current_state(dataset)
sketch_ctx = ChartContext(dataset, state)
group = consortium_view(sketch_ctx)
members = vocabulary.names("agencies", group.members)
st.caption(
    f"Members: {md(members)}"
    + (
        " (the agencies chosen in the sidebar)."
        if state.agencies
        else " (with no agency chosen in the sidebar: the three with the most missions here)."
    )
)
render_chart("consortium_capabilities", sketch_ctx)
st.markdown("**Heritage here**: completed or operating missions taken part in, led, and crediting each capability")
heritage = group.heritage.rename(
    index=lambda a: "Together (a shared mission once)" if a == COMBINED else vocabulary.label("agencies", a),
    columns={c: capability_label(c) for c in group.heritage.columns if c not in ("took_part", "led")},
).rename(columns={"took_part": "Took part", "led": "Led"})
st.dataframe(heritage, width="stretch", key="consortium_heritage")
together = group.modes.assign(name=group.modes["mode_id"].map(vocabulary.modes))
st.markdown(
    "**Table 7.1's modes here, practised together:** "
    + "; ".join(f"{md(row.name)} {'✓' if row.practised_together else '✗ not yet'}" for row in together.itertuples())
)
shared = group.flown_together
if shared.empty:
    st.caption("These agencies have not yet flown a mission together.")
else:
    st.caption(
        f"{len(shared)} missions flown or committed together, {int(shared['at_destination'].sum())} of them here."
    )
    show_frame(
        with_names(
            shared.assign(
                members=shared["members"].map(lambda ids: vocabulary.names("agencies", tuple(str(ids).split("|"))))
            ),
            vocabulary,
        ),
        ("name", "destination", "launch_year", "status", "cooperation_mode", "members"),
        sort_by=("launch_year", "name"),
        key="consortium_missions",
    )
step = step_for("consortium_capabilities", state)
st.page_link(
    "views/present.py",
    label="Present this sketch",
    icon=":material/slideshow:",
    query_params={"present": "true", "seq": step.code()},
)
