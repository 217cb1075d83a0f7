"""Cooperation: the six modes as a ladder, where they were used, the gaps, and the governance models."""

import pandas as pd
import streamlit as st

from components.charts import ChartContext
from components.data import get_dataset
from components.filters import narrow
from components.state import current_state, link_params, view_choices
from components.tables import column_config_for_frame, show_frame, with_names
from components.ui import md, render_chart, tables_ready
from components.widgets import choice_buttons, choice_select, set_choice

dataset = get_dataset()
choices = view_choices(dataset)
vocabulary = choices.vocabulary
state = current_state(dataset)
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

st.header("The ladder of integration")
render_chart("cooperation_ladder", ctx)
for mode in dataset.cooperation_modes.sort_values("rank").itertuples():
    examples = narrow(ctx.filtered, modes=(mode.mode_id,)).missions
    # Only an open expander builds its text: six closed ones cost nothing on a rerun.
    with st.expander(
        f"{mode.rank}. {md(mode.name)} — {len(examples)} missions shown",
        key=f"ladder_{mode.mode_id}",
        on_change="rerun",
    ) as ladder_step:
        if ladder_step.open:
            st.markdown(
                f"{md(mode.definition)}  \n**Examples named in the chapter:** {md(mode.examples)}  \n"
                f"**Usual agreement:** {md(mode.governance_hint)}  \n*{md(mode.source)}*"
            )
            by_date = ["launch_year", "launch_date", "name"]
            earliest = examples.sort_values(by_date, kind="stable", na_position="last").head(12)
            if len(examples):
                st.markdown(
                    "**In the data:** "
                    + ", ".join(
                        f"{md(m.name)} ({'notional' if pd.isna(m.launch_year) else int(m.launch_year)})"
                        for m in earliest.itertuples()
                    )
                    + ("…" if len(examples) > 12 else "")
                )


@st.fragment
def cell_listing() -> None:
    """The missions of one mode × destination cell: choosing another cell reruns this part only
    (a click on the chart above reruns the page)."""
    state = current_state(dataset)
    cell_mode_col, cell_destination_col = st.columns(2)
    with cell_mode_col:
        choice_select("Mode", "cell_mode", choices, state)
    with cell_destination_col:
        choice_select("Destination", "cell_destination", choices, state)

    state = current_state(dataset)
    shown = ChartContext(dataset, state).filtered
    cell = narrow(shown, modes=(state.cell_mode,), destinations=(state.cell_destination,)).missions
    mode_name = vocabulary.label("modes", state.cell_mode)
    destination_name = vocabulary.label("destinations", state.cell_destination)
    if cell.empty:
        st.info(
            f"No mission shown used {md(mode_name[0].lower() + mode_name[1:])} at {md(destination_name)}.",
            icon=":material/search_off:",
        )
    else:
        used = f"used {md(mode_name[0].lower() + mode_name[1:])} at {md(destination_name)}"
        st.caption(f"{len(cell)} mission{'s' if len(cell) != 1 else ''} {used}, earliest first.")
        show_frame(
            with_names(cell, vocabulary),
            ("name", "launch_year", "status", "lead", "mission_type", "note", "source"),
            sort_by=("launch_year", "name"),
        )


@st.fragment
def breakdown() -> None:
    """The modes broken down by agency, era or status: a new choice reruns this part only."""
    st.header("By agency, era and status")
    choice_buttons("Break down by", "breakdown", choices, current_state(dataset))
    state = current_state(dataset)
    render_chart(f"cooperation_by_{state.breakdown}", ChartContext(dataset, state))


st.header("Where each mode was used")
st.caption("Click a square to list its missions, or choose a cell below.")


def _open_clicked_cell() -> None:
    points = st.session_state["chart_cooperation_mode_destination"].selection.points
    if points:
        mode_id, destination_id = points[0]["customdata"][:2]
        set_choice("cell_mode", mode_id)
        set_choice("cell_destination", destination_id)


render_chart("cooperation_mode_destination", ctx, on_select=_open_clicked_cell, selection_mode="points")
cell_listing()
breakdown()

st.header("Recommended vs practised")
st.markdown(
    "For each Table 7.1 destination: the modes the chapter recommends beside the modes its missions (flown or "
    "committed) actually used. Squares are the modes it recommends, circles the modes used without its "
    "recommendation; a number counts the missions. **A vermillion square marked “gap”** is recommended, but no "
    "mission shown has used it yet."
)
if state.modes:
    st.info(
        "The cooperation-mode filter is not applied here: a gap means no mission of any mode used it, so "
        "this chart compares against all modes. Selected in the sidebar: "
        f"{md(vocabulary.names('modes', state.modes))}.",
        icon=":material/filter_alt_off:",
    )
if tables_ready(dataset, "destination_modes"):
    render_chart("cooperation_recommended_vs_practised", ctx)

st.page_link(
    "views/consortium.py",
    label="Sketch a consortium: what a group of agencies covers together at a destination",
    icon=":material/groups:",
    query_params=link_params(state, choices),
)

st.header("Cooperation models compared")
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
    with st.expander(
        "Read each model's governance and lessons in full",
        icon=":material/menu_book:",
        key="models_in_full",
        on_change="rerun",
    ) as in_full:
        for model in cases.itertuples() if in_full.open else ():
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
