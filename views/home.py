"""Home: what the foresight says, and the headline figures of the dataset."""

import streamlit as st

from components.charts import ChartContext
from components.data import get_dataset
from components.filters import describe
from components.metrics import COOPERATIVE_DEFINITION, destination_counts, headline_figures
from components.state import current_state, link_params, view_choices
from components.ui import md, render_chart, tables_ready
from components.widgets import choice_select, set_choice

dataset = get_dataset()

st.title("Horizon 2061 Explorer")
st.markdown(
    "Most of the missions that planetary science needs by 2061 are beyond any single space agency. "
    "Chapter 7 of *Planetary Exploration, Horizon 2061* sets out how nations can get there together: "
    "four pillars, six cooperation modes and, for each destination, what cooperation would bring "
    "(ch. 7 §7.2, §7.5)."
)

choices = view_choices(dataset)
vocabulary = choices.vocabulary
state = current_state(dataset)
if tables_ready(dataset, "missions", "mission_participants", "agencies", "destinations"):
    ctx = ChartContext(dataset, state)
    figures = headline_figures(ctx.filtered.missions, ctx.filtered.participants, dataset.agencies, dataset.destinations)
    counts = figures.counts
    col_missions, col_agencies, col_share, col_destinations = st.columns(4)
    col_missions.metric(
        "Missions",
        f"{counts.missions}",
        help=f"{counts.real} flown or committed ({figures.first_launch_year}–{figures.last_planned_year}), "
        f"{counts.notional} notional Horizon 2061 concepts for 2041–2061 and {counts.cancelled} cancelled.",
        border=True,
    )
    col_agencies.metric(
        "Agencies and partners",
        f"{figures.agencies}",
        help=f"Space agencies, intergovernmental bodies, institutes and companies from {figures.countries} "
        "countries that took part in the missions shown.",
        border=True,
    )
    col_share.metric(
        "Cooperative missions",
        f"{counts.cooperative_share:.0%}",
        help=f"{counts.cooperative} of the {counts.real} flown or committed missions shown. {COOPERATIVE_DEFINITION}",
        border=True,
    )
    col_destinations.metric(
        "Destinations",
        f"{figures.destinations}",
        help=f"The six rows of Table 7.1, plus {figures.context_destinations} context groups "
        "(near-Earth space, the Sun) for missions the texts cite.",
        border=True,
    )
    scope = "the missions shown" if state.is_filtered else "all missions in the data"
    st.caption(
        f"Among {scope} ({describe(state, vocabulary)}): {counts.cooperative} of {counts.real} flown or committed "
        f"missions were cooperative (tagged with one of the six modes of §7.5.1; notional concepts excluded)."
    )

if tables_ready(dataset, "bodies", "missions", "mission_participants", "destinations"):
    st.header("Pick a destination")

    def _pick_from_chart() -> None:
        points = st.session_state["chart_home_solar_system"].selection.points
        picked = points[0]["customdata"][0] if points else None
        if picked in choices.options_for("pick"):
            set_choice("pick", picked)

    render_chart("home_solar_system", ChartContext(dataset, state), on_select=_pick_from_chart, selection_mode="points")
    choice_col, link_col = st.columns([2, 3], vertical_alignment="bottom")
    with choice_col:
        chosen = choice_select("Or choose a destination", "pick", choices, state)
    link_col.page_link(
        "views/destinations.py",
        label=f"Open the {md(vocabulary.label('destinations', chosen))} deep dive",
        icon=":material/arrow_forward:",
        query_params=link_params(state, choices, focus=chosen),
    )

if tables_ready(dataset, "missions", "mission_participants", "agencies", "destinations"):
    st.header("Destinations at a glance")
    overview = destination_counts(ctx.filtered.missions, dataset.destinations)
    st.dataframe(
        overview,
        hide_index=True,
        column_order=("name", "in_table_7_1", "missions", "real", "cooperative", "notional"),
        column_config={
            "name": st.column_config.TextColumn("Destination", width="medium"),
            "in_table_7_1": st.column_config.CheckboxColumn("In Table 7.1"),
            "missions": st.column_config.NumberColumn("Missions", format="%d"),
            "real": st.column_config.ProgressColumn(
                "Flown or committed", format="%d", min_value=0, max_value=int(overview["real"].max() or 1)
            ),
            "cooperative": st.column_config.NumberColumn("Cooperative", format="%d"),
            "notional": st.column_config.NumberColumn("Notional 2041–2061", format="%d"),
        },
    )

if tables_ready(dataset, "pillars"):
    st.header("The four pillars")
    columns = st.columns(4)
    for column, pillar in zip(columns, dataset.pillars.sort_values("number").itertuples(), strict=True):
        with column.container(border=True):
            st.markdown(f"**{pillar.number}. {md(pillar.name)}**")
            st.caption(f"{md(pillar.covers)} (ch. 7 {md(pillar.section)})")
            st.markdown(f"Best suited to **{md(pillar.suited_cooperation)}** cooperation (ch. 7 §7.5.1).")

st.header("Where to go next")
links = link_params(state, choices)
pages = [
    ("views/pillars.py", "Step through the four pillars", ":material/view_column:"),
    ("views/destinations.py", "Table 7.1 and the destinations", ":material/travel_explore:"),
    ("views/cooperation.py", "Cooperation modes and models", ":material/handshake:"),
    ("views/missions.py", "Every mission on one timeline", ":material/rocket_launch:"),
    ("views/agencies.py", "Agencies, autonomy and the map", ":material/public:"),
    ("views/data_sources.py", "Every table, its sources, the errata", ":material/table:"),
]
for column, (path, label, icon) in zip(st.columns(3) * 2, pages, strict=True):
    column.page_link(path, label=label, icon=icon, query_params=links)
