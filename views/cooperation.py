"""Cooperation: the six modes as a ladder, where they were used, the gaps, and the governance models."""

import pandas as pd
import streamlit as st

from components.charts import ChartContext
from components.data import get_dataset
from components.filters import narrow
from components.state import current_state
from components.tables import column_config_for_frame, show_frame
from components.ui import md, render_chart, tables_ready

dataset = get_dataset()
state = current_state()
st.title("Cooperation")
st.markdown(
    "The chapter lists six practical modes of cooperation in rough order of complexity and integration, from "
    "delivering an instrument to running several missions as one programme (ch. 7 §7.5.1). Each mission in the "
    "data is tagged with the most integrated mode it shows."
)

if not tables_ready(dataset, "cooperation_modes", "missions", "mission_participants", "agencies", "destinations"):
    st.stop()

ctx = ChartContext(dataset, state)
missions = ctx.filtered.missions

st.subheader("The ladder of integration")
render_chart("cooperation_ladder", ctx)
for mode in dataset.cooperation_modes.sort_values("rank").itertuples():
    examples = narrow(ctx.filtered, modes=(mode.mode_id,)).missions.sort_values("launch_year", na_position="last")
    with st.expander(f"{mode.rank}. {md(mode.name)} — {len(examples)} missions shown"):
        st.markdown(
            f"{md(mode.definition)}  \n**Examples named in the chapter:** {md(mode.examples)}  \n"
            f"**Usual agreement:** {md(mode.governance_hint)}  \n*{md(mode.source)}*"
        )
        if len(examples):
            st.markdown(
                "**In the data:** "
                + ", ".join(
                    f"{md(m.name)} ({'notional' if pd.isna(m.launch_year) else int(m.launch_year)})"
                    for m in examples.head(12).itertuples()
                )
                + ("…" if len(examples) > 12 else "")
            )

st.subheader("Where each mode was used")
st.caption("Click a square to list its missions, or choose a cell below.")
event = render_chart("cooperation_mode_destination", ctx, on_select="rerun", selection_mode="points")
mode_names = {
    "national": "National (no foreign partner)",
    **dict(zip(dataset.cooperation_modes["mode_id"], dataset.cooperation_modes["name"], strict=True)),
}
destination_names = dataset.destinations.set_index("destination_id")["name"]
points = event.selection.points if event and event.selection else []
if points and points != st.session_state.get("mode_cell_last"):
    mode_id, destination_id = points[0]["customdata"][:2]
    st.session_state["cell_mode"], st.session_state["cell_destination"] = mode_id, destination_id
st.session_state["mode_cell_last"] = points
cell_mode_col, cell_destination_col = st.columns(2)
cell_mode = cell_mode_col.selectbox("Mode", options=list(mode_names), format_func=mode_names.get, key="cell_mode")
cell_destination = cell_destination_col.selectbox(
    "Destination", options=list(destination_names.index), format_func=destination_names.get, key="cell_destination"
)
cell = narrow(ctx.filtered, modes=(cell_mode,), destinations=(cell_destination,)).missions
if cell.empty:
    st.info(
        f"No mission shown used {mode_names[cell_mode].lower()} at {destination_names[cell_destination]}.",
        icon=":material/search_off:",
    )
else:
    agency_names = dataset.agencies.set_index("agency_id")["short_name"]
    shown = cell.assign(lead=cell["lead_agency_id"].map(agency_names)).sort_values("launch_year")
    show_frame(shown, ("name", "launch_year", "status", "lead", "mission_type", "note", "source"))

st.subheader("By agency, era and status")
breakdown = (
    st.segmented_control(
        "Break down by",
        options=["agency", "era", "status"],
        format_func=str.capitalize,
        default="agency",
        key="cooperation_breakdown",
    )
    or "agency"
)
render_chart(f"cooperation_by_{breakdown}", ctx)

st.subheader("Recommended vs practised")
st.markdown(
    "For each Table 7.1 destination: the modes the chapter recommends beside the modes its missions (flown or "
    "committed) actually used. **Vermillion squares are gaps**: recommended, but no mission shown has used them yet."
)
if tables_ready(dataset, "destination_modes"):
    render_chart("cooperation_recommended_vs_practised", ctx)

st.subheader("Cooperation models compared")
st.markdown(
    "*Experience with collaborative space projects* (IISL 2012) draws lessons from five ways of working together, "
    'and argues for "autonomy for cooperation".'
)
if tables_ready(dataset, "cooperation_models"):
    models = dataset.cooperation_models
    principle = models[models["kind"] == "principle"]
    cases = models[models["kind"] != "principle"].assign(
        partners=lambda f: f["partner_count"].astype("string").fillna("–") + " " + f["partner_unit"].fillna("")
    )
    st.dataframe(
        cases,
        hide_index=True,
        width="stretch",
        column_order=(
            "name",
            "started",
            "legal_basis",
            "direction",
            "funds_exchange",
            "partners",
            "governance",
            "lessons",
            "section",
        ),
        column_config={
            **column_config_for_frame(cases),
            "legal_basis": st.column_config.TextColumn("Legal basis"),
            "direction": st.column_config.TextColumn("Direction"),
            "funds_exchange": st.column_config.TextColumn("Funds exchanged"),
            "partners": st.column_config.TextColumn("Partners"),
            "section": st.column_config.TextColumn("Seed §"),
        },
    )
    with st.expander("Read each model's governance and lessons in full", icon=":material/menu_book:"):
        for model in cases.itertuples():
            st.markdown(
                f"**{md(model.name)}** ({md(model.section)}, {int(model.started)})  \n"
                f"*Governance:* {md(model.governance)}  \n*Lessons:* {md(model.lessons)}"
            )
    iss = models.set_index("model_id").loc["iss"]
    lesson_col, principle_col = st.columns(2)
    with lesson_col.container(border=True):
        st.markdown("**The ISS lesson: dependency, not cross-support**")
        st.markdown(
            "Redundancy in key elements was not designed in. After the Shuttle retired in 2011 the Russian Soyuz "
            "was the only way to bring crews to the station until commercial US vehicles arrived "
            "(Autonomy for cooperation §I)."
        )
        st.caption(md(iss["lessons"]))
    for row in principle.itertuples():
        with principle_col.container(border=True):
            st.markdown(f"**{md(row.name)}**")
            st.markdown(f"{md(row.governance)}  \n{md(row.lessons)}  \n*{md(row.source)}*")
