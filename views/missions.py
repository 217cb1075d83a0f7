"""Missions: every mission on one timeline, from Sputnik to the notional windows of 2041–2061."""

import streamlit as st

from components.charts import ChartContext, timeline_pages
from components.data import get_dataset
from components.lookup import search_missions
from components.state import current_state, view_choices
from components.tables import show_frame, with_names
from components.ui import md, render_chart, tables_ready
from components.widgets import choice_buttons, flag, search_box, stepper

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


@st.fragment
def timeline_section() -> None:
    """The timeline with its own controls: colouring, search, layout and part change this
    section only, so a change reruns it and leaves the charts below as they are."""
    colour_col, search_col, layout_col = st.columns([4, 3, 2], vertical_alignment="bottom")
    with colour_col:
        choice_buttons("Colour by", "colour", choices, current_state(dataset))
    with search_col:
        search_box("Find a mission", "search", placeholder="Name or alias, e.g. Huygens, Kaguya, MSR")
    with layout_col:
        flag("By destination", "split", help="One collapsible section per destination instead of one long sequence.")
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
                f"{len(found)} mission(s) match “{md(state.search)}”: outlined in black below.",
                icon=":material/search:",
            )
            show_frame(
                with_names(found, choices.vocabulary).assign(
                    years=found["launch_year"].astype("Int64").astype("string").fillna("notional")
                ),
                ("name", "years", "status", "destination", "lead", "note"),
            )

    pages = timeline_pages(ctx)
    if not pages:
        render_chart("missions_timeline", ctx)  # says that the filters leave nothing, and how to widen them
    elif state.split:
        st.caption(
            "One section per destination; open any of them. Long sections are split by era, 40 missions a chart."
        )
        first = pages[0][1]["destination_id"].iloc[0]
        for destination_id, label in choices.vocabulary.destinations.items():
            indices = [i for i, (_, part) in enumerate(pages) if set(part["destination_id"]) == {destination_id}]
            if not indices:
                continue
            count = sum(len(pages[i][1]) for i in indices)
            section = st.expander(
                f"{md(label)} — {count} missions",
                expanded=destination_id == first,
                key=f"section_{destination_id}",
                on_change="rerun",
            )
            if section.open:  # a closed section costs nothing
                with section:
                    for position, index in enumerate(indices):
                        page_ctx = ctx.with_options(highlight=highlight, page=index, milestones=position == 0)
                        render_chart("missions_timeline", page_ctx, key=f"timeline_{index}")
    else:
        titles = [title for title, _ in pages]
        index = titles.index(state.part) if state.part in titles else 0
        with stepper("part", titles, index, words=("Earlier", "Later")):
            st.selectbox(
                f"Part of the timeline ({len(pages)} part{'s' if len(pages) != 1 else ''} of at most 40 missions, "
                "by destination and era)",
                options=titles,
                index=0,  # the default stays the first part, so the URL names any other
                key="part",
                bind="query-params",
            )
        index = titles.index(current_state(dataset).part) if current_state(dataset).part in titles else 0
        render_chart("missions_timeline", ctx.with_options(highlight=highlight, page=index), key="timeline")
        if highlight:
            with_matches = [title for title, part in pages if highlight & set(part["mission_id"])]
            st.caption("Search matches are in: " + "; ".join(md(title) for title in with_matches) + ".")


timeline_section()

ctx = ChartContext(dataset, current_state(dataset))
st.header("Success and failure")
st.caption(
    "Launched missions only (completed, operating or failed). A mission failed when its primary objective was "
    "lost; the colour and the fill pattern say where: at launch, in cruise, on arrival (orbit insertion, entry, "
    "descent, landing) or after arriving. Labels give the share that succeeded."
)
render_chart("missions_outcomes_by_decade", ctx)
render_chart("missions_outcomes_by_agency", ctx)

programmes = ctx.filtered.programmes
if len(programmes):
    st.header("Programmes in view")
    st.caption(
        f"{len(programmes)} programme row(s), listed apart and never counted: a programme (Artemis, CLPS, ILRS, the "
        "crew-transport series) stands for a series of flights, and where those flights are in scope they are "
        "missions of their own."
    )
    show_frame(
        with_names(programmes, choices.vocabulary).assign(
            years=programmes["launch_year"].astype("Int64").astype("string").fillna("notional")
        ),
        ("name", "years", "status", "destination", "lead", "note"),
    )
