"""Home: what the foresight says, and the headline figures of the dataset."""

import streamlit as st

from components.data import get_dataset
from components.metrics import headline_figures, missions_by_destination
from components.ui import md, tables_ready

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

if tables_ready(dataset, "pillars"):
    st.subheader("The four pillars")
    columns = st.columns(4)
    for column, pillar in zip(columns, dataset.pillars.sort_values("number").itertuples(), strict=True):
        with column.container(border=True):
            st.markdown(f"**{pillar.number}. {md(pillar.name)}**")
            st.caption(f"{md(pillar.covers)} (ch. 7 {md(pillar.section)})")
            st.markdown(f"Best suited to **{md(pillar.suited_cooperation)}** cooperation (ch. 7 §7.5.1).")

st.divider()
st.page_link(
    "views/data_sources.py", label="Browse every table, its sources and the seed errata", icon=":material/table:"
)
