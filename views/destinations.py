"""Destinations: Table 7.1 as an interactive table, a deep dive per destination, and a comparison."""

import pandas as pd
import streamlit as st

from components.analysis import STATUS_GROUP_ORDER, partner_missions, status_group, table_7_1
from components.charts import ChartContext
from components.data import get_dataset
from components.filters import narrow
from components.metrics import destination_counts
from components.state import current_state, link_params, view_choices
from components.ui import md, render_chart, tables_ready
from components.widgets import choice_buttons, choice_select, set_choice

dataset = get_dataset()
st.title("Destinations")
st.caption(
    "What international cooperation would bring to each destination, and which cooperation modes fit best "
    "(Table 7.1 of the chapter, below), with the missions that have gone there."
)

if not tables_ready(dataset, "destinations", "destination_benefits", "destination_modes", "cooperation_modes"):
    st.stop()

choices = view_choices(dataset)
vocabulary = choices.vocabulary
state = current_state(dataset)
names = vocabulary.destinations
rows = table_7_1(
    dataset.destinations,
    dataset.destination_benefits,
    dataset.destination_modes,
    dataset.cooperation_modes,
    only_modes=tuple(m for m in state.modes if m != "national"),
)
if state.modes:
    st.caption("Showing the destinations for which a mode selected in the sidebar is recommended.")


def _open_picked_row() -> None:
    """A ticked row of Table 7.1 opens that destination below (through the bound picker)."""
    picked = st.session_state["table_7_1"].selection.rows
    if picked:
        set_choice("focus", rows.iloc[picked[0]]["destination_id"])


picker_col, link_col = st.columns([2, 3], vertical_alignment="bottom")
with picker_col:
    focus = choice_select("Destination to explore", "focus", choices, state)
state = current_state(dataset)
with link_col:
    st.page_link(
        "views/cooperation.py",
        label=f"See how missions to {md(names[focus])} cooperated",
        icon=":material/handshake:",
        query_params=link_params(state, choices, destinations=(focus,)),
    )


def _at(frame: pd.DataFrame, destination_id: str) -> pd.DataFrame:
    return frame[frame["destination_id"] == destination_id]


TALL_TIMELINE_ROWS = 30  # beyond this, the deep dive's timeline scrolls in a frame


@st.fragment
def deep_dive_timeline(shown: int, filtered: bool) -> None:
    """The destination's timeline and its colouring: a new colouring reruns this part only."""
    caption_col, colour_col = st.columns([3, 2], vertical_alignment="center")
    caption_col.caption(
        f"{shown} missions shown"
        + (", following the sidebar filters" if filtered else "")
        + ". Past: completed or failed; planned: in development or planned; notional: Horizon 2061 concepts for "
        "2041–2061."
    )
    with colour_col:
        choice_buttons(
            "Colour the timeline by", "dcolour", choices, current_state(dataset), label_visibility="collapsed"
        )
    ctx = ChartContext(dataset, current_state(dataset))
    if shown > TALL_TIMELINE_ROWS:
        # Rows keep their height (24 px, legible on a projector); the chart scrolls in its frame.
        with st.container(height=620, border=False, key="destination_timeline_frame"):
            render_chart("destination_timeline", ctx)
        st.caption(f"Scroll the timeline for all {shown} missions; the Missions page shows them in parts by era.")
    else:
        render_chart("destination_timeline", ctx)


@st.fragment
def comparison(focus: str) -> None:
    """The second destination and the comparison: a new one reruns this part only."""
    compare = choice_select("Compare with", "compare", choices, current_state(dataset))
    state = current_state(dataset)
    missions_ready = not ({"missions", "mission_participants"} & set(dataset.problems))
    if missions_ready:
        per_destination = destination_counts(ChartContext(dataset, state).filtered.missions, dataset.destinations)
        per_destination = per_destination.set_index("destination_id")
    left, right = st.columns(2)
    for column, destination_id in ((left, focus), (right, compare)):
        with column.container(border=True):
            st.markdown(f"**{md(names[destination_id])}**")
            benefits = _at(dataset.destination_benefits, destination_id)
            modes = _at(dataset.destination_modes, destination_id)["mode_id"]
            st.markdown(
                f"{len(benefits)} benefits · recommended: " + ", ".join(md(vocabulary.label("modes", m)) for m in modes)
            )
            if missions_ready:
                row = per_destination.loc[destination_id]
                st.markdown(
                    f"{row['missions']} missions shown: {row['real']} flown or committed, {row['cooperative']} of "
                    f"them cooperative; {row['notional']} notional"
                )
    if tables_ready(dataset, "missions", "mission_participants"):
        render_chart("destination_comparison", ChartContext(dataset, state))


destination = dataset.destinations.set_index("destination_id").loc[focus]
ctx = ChartContext(dataset, state)
st.header(md(destination["name"]))
st.markdown(f"{md(destination['summary'])} *(ch. 7 {md(destination['table_paragraph'])})*")

if tables_ready(dataset, "missions", "mission_participants", "agencies"):
    here = narrow(ctx.filtered, destinations=(focus,)).missions
    counts = status_group(here["status"]).value_counts()
    for column, group in zip(st.columns(len(STATUS_GROUP_ORDER)), STATUS_GROUP_ORDER, strict=True):
        column.metric(group, int(counts.get(group, 0)), border=True)
    deep_dive_timeline(len(here), state.is_filtered)

benefits_col, modes_col = st.columns(2)
with benefits_col.container(border=True):
    st.markdown("**What cooperation would bring**")
    for benefit in _at(dataset.destination_benefits, focus).itertuples():
        st.markdown(f"- {md(benefit.benefit)} *({md(benefit.paragraph)})*")
with modes_col.container(border=True):
    st.markdown("**Recommended cooperation modes, and why**")
    ranks = dataset.cooperation_modes.set_index("mode_id")
    recommended = (
        _at(dataset.destination_modes, focus).assign(rank=lambda f: f["mode_id"].map(ranks["rank"])).sort_values("rank")
    )
    for mode in recommended.itertuples():
        st.markdown(f"- **{md(ranks.loc[mode.mode_id, 'name'])}**: {md(mode.rationale)} *({md(mode.paragraph)})*")

if tables_ready(dataset, "destination_questions", "science_questions"):
    questions = dataset.science_questions.set_index("question_id")
    served = _at(dataset.destination_questions, focus).sort_values("question_id")
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
    st.subheader("Heritage: who has been there")
    render_chart("destination_heritage", ctx)
    partners = partner_missions(dataset.missions, dataset.mission_participants, focus)
    if len(partners):
        st.caption(
            "Also took part as partners (instruments, elements, launch or support): "
            + ", ".join(f"{md(vocabulary.label('agencies', a))} ({n})" for a, n in partners.head(15).items())
        )

if tables_ready(dataset, "groups"):
    st.subheader("Who coordinates here")
    groups = _at(dataset.groups, focus)
    if groups.empty:
        st.caption(
            "No working group is dedicated to this destination in the data; the cross-destination fora "
            "(ISECG, COSPAR) apply."
        )
    for group in groups.itertuples():
        founded = "" if pd.isna(group.founded) else f", {int(group.founded)}"
        status = " (proposed)" if group.status == "proposed" else ""
        st.markdown(f"- **{md(group.short_name)}**{status}{founded}: {md(group.focus)} *({md(group.source)})*")

st.divider()
st.subheader("Table 7.1: scientific benefits and promising cooperation modes")
st.info(
    "Table 7.1 is printed as an image in the book. These rows are **reconstructed** from the numbered paragraphs "
    "of ch. 7 §7.5.2 (1)–(6) and cite the paragraph each comes from.",
    icon=":material/info:",
)
st.caption("Tick a row (or use the selector below) to open that destination; every cell is also written out below.")
if rows.empty:
    st.info(
        "No destination has the selected cooperation modes among its recommendations.", icon=":material/search_off:"
    )
else:
    st.dataframe(
        rows,
        hide_index=True,
        column_order=("destination", "benefits", "recommended_modes", "paragraph"),
        column_config={
            "destination": st.column_config.TextColumn("Destination", width="medium"),
            "benefits": st.column_config.ListColumn("Benefits of cooperation", width="large"),
            "recommended_modes": st.column_config.ListColumn("Most promising modes", width="large"),
            "paragraph": st.column_config.TextColumn("Source", width="small"),
        },
        on_select=_open_picked_row,
        selection_mode="single-row",
        key="table_7_1",
        width="stretch",
        row_height=64,
    )
    with st.expander(
        "Read Table 7.1 in full", icon=":material/table_rows:", key="table_7_1_in_full", on_change="rerun"
    ) as in_full:
        for row in rows.itertuples() if in_full.open else ():
            st.markdown(
                f"**{md(row.destination)}** *(ch. 7 {md(row.paragraph)})*  \n"
                f"*Benefits:* {'; '.join(md(b) for b in row.benefits)}  \n"
                f"*Most promising modes:* {', '.join(md(m) for m in row.recommended_modes)}"
            )

st.divider()
st.subheader("Compare two destinations")
comparison(focus)
