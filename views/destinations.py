"""Destinations: Table 7.1 as an interactive table, a deep dive per destination, and a comparison."""

import pandas as pd
import streamlit as st

from components.analysis import partner_missions, status_group, table_7_1
from components.charts import ChartContext
from components.data import get_dataset
from components.filters import narrow
from components.state import current_state, state_select, update_state
from components.ui import md, render_chart, tables_ready

dataset = get_dataset()
st.title("Destinations")
st.markdown(
    "For each destination, Table 7.1 of the chapter sets out what international cooperation would bring and which "
    "cooperation modes fit best. Pick a row to open the destination."
)
st.info(
    "Table 7.1 is printed as an image in the book. These rows are **reconstructed** from the numbered paragraphs "
    "of ch. 7 §7.5.2 (1)–(6) and cite the paragraph each comes from.",
    icon=":material/info:",
)

if not tables_ready(dataset, "destinations", "destination_benefits", "destination_modes", "cooperation_modes"):
    st.stop()

state = current_state()
names = dataset.destinations.set_index("destination_id")["name"]
table_ids = list(dataset.destinations.query("in_table_7_1").sort_values("display_order")["destination_id"])
rows = table_7_1(
    dataset.destinations,
    dataset.destination_benefits,
    dataset.destination_modes,
    dataset.cooperation_modes,
    only_modes=tuple(m for m in state.modes if m != "national"),
)
if state.modes:
    st.caption("Showing the destinations for which a mode selected in the sidebar is recommended.")

st.subheader("Table 7.1: scientific benefits and promising cooperation modes")
st.caption("Hover a cell to read it in full; tick a row (or use the selector below) to open that destination.")
if rows.empty:
    st.info(
        "No destination has the selected cooperation modes among its recommendations.", icon=":material/search_off:"
    )
else:
    event = st.dataframe(
        rows,
        hide_index=True,
        column_order=("destination", "benefits", "recommended_modes", "paragraph"),
        column_config={
            "destination": st.column_config.TextColumn("Destination", width="medium"),
            "benefits": st.column_config.ListColumn("Benefits of cooperation", width="large"),
            "recommended_modes": st.column_config.ListColumn("Most promising modes", width="large"),
            "paragraph": st.column_config.TextColumn("Source", width="small"),
        },
        on_select="rerun",
        selection_mode="single-row",
        key="table_7_1",
        width="stretch",
    )
    picked = list(event.selection.rows) if event and event.selection else []
    # Act on a new click only, so the selector below can still change the focus afterwards.
    if picked and picked != st.session_state.get("table_7_1_last_pick"):
        state = update_state(focus=rows.iloc[picked[0]]["destination_id"])
    st.session_state["table_7_1_last_pick"] = picked

focus = state_select("Destination to explore", "focus", table_ids, names.get, fallback=table_ids[0])
state = current_state()

destination = dataset.destinations.set_index("destination_id").loc[focus]
ctx = ChartContext(dataset, state)
st.header(md(destination["name"]))
st.markdown(f"{md(destination['summary'])} *(ch. 7 {md(destination['table_paragraph'])})*")

benefits_col, modes_col = st.columns(2)
with benefits_col.container(border=True):
    st.markdown("**What cooperation would bring**")
    for benefit in dataset.destination_benefits.query("destination_id == @focus").itertuples():
        st.markdown(f"- {md(benefit.benefit)} *({md(benefit.paragraph)})*")
with modes_col.container(border=True):
    st.markdown("**Recommended cooperation modes, and why**")
    ranks = dataset.cooperation_modes.set_index("mode_id")
    recommended = (
        dataset.destination_modes.query("destination_id == @focus")
        .assign(rank=lambda f: f["mode_id"].map(ranks["rank"]))
        .sort_values("rank")
    )
    for mode in recommended.itertuples():
        st.markdown(f"- **{md(ranks.loc[mode.mode_id, 'name'])}**: {md(mode.rationale)} *({md(mode.paragraph)})*")

if tables_ready(dataset, "destination_questions", "science_questions"):
    questions = dataset.science_questions.set_index("question_id")
    served = dataset.destination_questions.query("destination_id == @focus").sort_values("question_id")
    st.markdown("**Science questions it serves** (our reading of §7.2.1 and §7.5.2)")
    st.markdown(
        "  \n".join(
            f"{'●' if q.emphasis == 'primary' else '○'} **Q{q.question_id[1:]}** "
            f"{md(questions.loc[q.question_id, 'question'])} — {md(q.basis)}"
            for q in served.itertuples()
        )
        or "None recorded."
    )

if tables_ready(dataset, "missions", "mission_participants", "agencies"):
    st.subheader("Missions")
    here = narrow(ctx.filtered, destinations=(focus,)).missions
    counts = status_group(here["status"]).value_counts()
    for column, group in zip(st.columns(4), ("Past", "Operating", "Planned", "Notional (2041–2061)"), strict=True):
        column.metric(group, int(counts.get(group, 0)), border=True)
    if state.is_filtered:
        st.caption("Counts follow the sidebar filters.")
    color_by = (
        st.segmented_control(
            "Colour the timeline by",
            options=["status", "lead_agency", "mode"],
            format_func={"status": "Status", "lead_agency": "Lead agency", "mode": "Cooperation mode"}.get,
            default="status",
            key="destination_color_by",
        )
        or "status"
    )
    render_chart("destination_timeline", ChartContext(dataset, state, options={"color_by": color_by}))

    st.subheader("Heritage: who has been there")
    render_chart("destination_heritage", ctx)
    partners = partner_missions(dataset.missions, dataset.mission_participants, focus)
    if len(partners):
        agency_names = dataset.agencies.set_index("agency_id")["short_name"]
        st.caption(
            "Also took part as partners (instruments, elements, launch or support): "
            + ", ".join(f"{md(agency_names[a])} ({n})" for a, n in partners.head(15).items())
        )

if tables_ready(dataset, "groups"):
    st.subheader("Who coordinates here")
    groups = dataset.groups.query("destination_id == @focus")
    if groups.empty:
        st.caption(
            "No working group is dedicated to this destination in the data; the cross-destination fora "
            "(ISECG, COSPAR) apply."
        )
    for group in groups.itertuples():
        founded = "" if pd.isna(group.founded) else f", {int(group.founded)}"
        status = " (proposed)" if group.status == "proposed" else ""
        st.markdown(f"- **{md(group.short_name)}**{status}{founded}: {md(group.focus)} *({md(group.source)})*")

st.page_link(
    "views/cooperation.py",
    label=f"See how missions to {md(destination['name'])} cooperated",
    icon=":material/handshake:",
    query_params=state.with_changes(destinations=(focus,)).to_query_params(),
)

st.divider()
st.subheader("Compare two destinations")
others = [d for d in table_ids if d != focus]
compare = state_select("Compare with", "compare", others, names.get, fallback=others[0])
state = current_state()
left, right = st.columns(2)
for column, destination_id in ((left, focus), (right, compare)):
    with column.container(border=True):
        st.markdown(f"**{md(names[destination_id])}**")
        benefits = dataset.destination_benefits.query("destination_id == @destination_id")
        modes = dataset.destination_modes.query("destination_id == @destination_id")["mode_id"]
        st.markdown(
            f"{len(benefits)} benefits · recommended: " + ", ".join(md(ranks.loc[m, "short_name"]) for m in modes)
        )
        if "missions" in dataset.tables:
            missions = narrow(ctx.filtered, destinations=(destination_id,)).missions
            cooperative = int((missions["cooperation_mode_id"] != "national").sum())
            st.markdown(f"{len(missions)} missions, {cooperative} with foreign partners")
if tables_ready(dataset, "missions", "mission_participants"):
    render_chart("destination_comparison", ChartContext(dataset, state))
