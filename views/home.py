"""Home: what the foresight says, and the headline figures of the dataset."""

import streamlit as st

from components.charts import ChartContext
from components.data import get_dataset
from components.metrics import headline_figures, missions_by_destination
from components.state import current_state
from components.ui import md, render_chart, tables_ready

dataset = get_dataset()

st.title("Horizon 2061 Explorer")
st.markdown(
    "Most of the missions that planetary science needs by 2061 are beyond any single space agency. "
    "Chapter 7 of *Planetary Exploration, Horizon 2061* sets out how nations can get there together: "
    "four pillars, six cooperation modes and, for each destination, what cooperation would bring "
    "(ch. 7 §7.2, §7.5)."
)

if tables_ready(dataset, "missions", "agencies", "destinations"):
    figures = headline_figures(dataset.missions, dataset.agencies, dataset.destinations)
    col_missions, col_agencies, col_share, col_destinations = st.columns(4)
    col_missions.metric(
        "Missions",
        f"{figures.missions}",
        help=f"{figures.real_missions} flown or committed ({figures.first_launch_year}–{figures.last_planned_year}) "
        f"and {figures.notional_missions} notional Horizon 2061 concepts for 2041–2061.",
        border=True,
    )
    col_agencies.metric(
        "Agencies and partners",
        f"{figures.agencies}",
        help=f"Space agencies, intergovernmental bodies, institutes and companies from {figures.countries} countries.",
        border=True,
    )
    col_share.metric(
        "Cooperative missions",
        f"{figures.cooperative_share:.0%}",
        help=f"{figures.cooperative_missions} of the {figures.real_missions} flown or committed missions had at least "
        "one partner from another country (notional concepts excluded).",
        border=True,
    )
    col_destinations.metric(
        "Destinations",
        f"{figures.destinations}",
        help=f"The six rows of Table 7.1, plus {figures.context_destinations} context groups "
        "(near-Earth space, the Sun) for missions the texts cite.",
        border=True,
    )
    st.caption(
        f"Cooperative: at least one partner agency from another country. Of {figures.real_missions} missions flown "
        f"or committed between {figures.first_launch_year} and {figures.last_planned_year}, "
        f"{figures.cooperative_missions} were cooperative."
    )

    st.subheader("Destinations at a glance")
    overview = missions_by_destination(dataset.missions, dataset.destinations)
    st.dataframe(
        overview,
        hide_index=True,
        column_order=("name", "in_table_7_1", "real", "cooperative", "notional"),
        column_config={
            "name": st.column_config.TextColumn("Destination", width="medium"),
            "in_table_7_1": st.column_config.CheckboxColumn("In Table 7.1"),
            "real": st.column_config.ProgressColumn(
                "Missions flown or committed", format="%d", min_value=0, max_value=int(overview["real"].max() or 1)
            ),
            "cooperative": st.column_config.NumberColumn("With foreign partners", format="%d"),
            "notional": st.column_config.NumberColumn("Notional 2041–2061", format="%d"),
        },
    )

if tables_ready(dataset, "bodies", "missions", "mission_participants", "destinations"):
    st.subheader("Pick a destination")
    state = current_state()
    event = render_chart("home_solar_system", ChartContext(dataset, state), on_select="rerun", selection_mode="points")
    points = event.selection.points if event and event.selection else []
    table_ids = list(dataset.destinations.query("in_table_7_1").sort_values("display_order")["destination_id"])
    names = dataset.destinations.set_index("destination_id")["name"]
    picked = points[0]["customdata"][0] if points else None
    if picked not in table_ids:
        picked = None
    choice_col, link_col = st.columns([2, 3], vertical_alignment="bottom")
    chosen = choice_col.selectbox(
        "Or choose a destination",
        options=table_ids,
        format_func=names.get,
        index=table_ids.index(picked) if picked else 0,
        key=f"home_pick_{picked}",
    )
    link_col.page_link(
        "views/destinations.py",
        label=f"Open the {md(names[chosen])} deep dive",
        icon=":material/arrow_forward:",
        query_params=state.with_changes(focus=chosen).to_query_params(),
    )

if tables_ready(dataset, "pillars"):
    st.subheader("The four pillars")
    columns = st.columns(4)
    for column, pillar in zip(columns, dataset.pillars.sort_values("number").itertuples(), strict=True):
        with column.container(border=True):
            st.markdown(f"**{pillar.number}. {md(pillar.name)}**")
            st.caption(f"{md(pillar.covers)} (ch. 7 {md(pillar.section)})")
            st.markdown(f"Best suited to **{md(pillar.suited_cooperation)}** cooperation (ch. 7 §7.5.1).")

st.subheader("Where to go next")
links = current_state().to_query_params()
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
