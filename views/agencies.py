"""Agencies: participation, roles, partnerships, a profile, the autonomy matrix and the world map."""

import streamlit as st

from components.analysis import heritage_by_destination
from components.charts import ChartContext
from components.data import get_dataset
from components.filters import YEAR_MAX, YEAR_MIN
from components.state import current_state, state_select, update_state
from components.tables import show_frame
from components.ui import md, render_chart, tables_ready

dataset = get_dataset()
st.title("Agencies")
st.markdown(
    "Who took part where, in which roles and with whom; what each agency can do on its own; and where they sit on "
    "the map. Every chart follows the sidebar filters."
)
if not tables_ready(dataset, "missions", "mission_participants", "agencies", "destinations"):
    st.stop()

state = current_state()
ctx = ChartContext(dataset, state)

participation_tab, network_tab, profile_tab, autonomy_tab, map_tab = st.tabs(
    ["Participation", "Partnerships", "Agency profile", "Autonomy matrix", "World map"]
)

with participation_tab:
    render_chart("agencies_participation", ctx)
    render_chart("agencies_roles", ctx)

with network_tab:
    render_chart("agencies_network", ctx)
    render_chart("agencies_flow", ctx)

with profile_tab:
    names = dataset.agencies.set_index("agency_id")["short_name"]
    involved = dataset.mission_participants["agency_id"].value_counts()
    options = list(involved.index)
    profile = state_select(
        "Agency",
        "profile",
        options,
        lambda a: f"{names[a]} ({involved[a]} missions)",
        fallback="esa" if "esa" in options else options[0],
    )
    agency = dataset.agencies.set_index("agency_id").loc[profile]
    st.subheader(md(agency["full_name"]))
    founded = "" if agency.isna()["founded"] else f", founded {int(agency['founded'])}"
    st.caption(
        f"{md(agency['kind']).capitalize()} · {md(agency['hq_city'])} ({md(agency['country'])}){founded} · "
        f"{md(agency['source'])}"
    )
    led = heritage_by_destination(dataset.missions, dataset.mission_participants, profile)
    if led.empty:
        st.info(
            f"{md(agency['short_name'])} has not led a completed or operating mission in the data.",
            icon=":material/info:",
        )
    else:
        st.markdown("**Heritage as lead**: completed or operating missions it led that demonstrated each capability")
        led = led.assign(
            destination=led["destination_id"].map(dataset.destinations.set_index("destination_id")["name"])
        )
        show_frame(led, ("destination", "flyby", "orbit", "landing", "roving", "sample_return"))
    render_chart("agency_partners", ctx)
    render_chart("agency_timeline", ctx)

with autonomy_tab:
    st.markdown(
        "*Autonomy for cooperation* argues that a partnership is robust only if each partner keeps key capabilities "
        "of its own: the ISS relied on a single crew vehicle after the Shuttle retired in 2011 (§I, §VI). Each cell "
        "is derived from the missions: **demonstrated alone** (a national mission), **only with partners**, or "
        "**not yet**. ⚠ marks a capability only one agency holds."
    )
    scope_col, among_col, year_col = st.columns(3)
    with scope_col:
        destination_names = {
            "all": "All destinations",
            **dict(zip(dataset.destinations["destination_id"], dataset.destinations["name"], strict=True)),
        }
        scope = st.selectbox(
            "Destination",
            options=list(destination_names),
            format_func=destination_names.get,
            index=list(destination_names).index(state.scope or "all"),
            key=f"scope_{state.scope}",
        )
    with among_col:
        group_names = {"all": "All agencies"}
        if "groups" in dataset.tables and "memberships" in dataset.tables:
            with_members = set(dataset.memberships["group_id"])
            group_names |= {
                g.group_id: f"Members of {g.short_name}"
                for g in dataset.groups.itertuples()
                if g.group_id in with_members
            }
        among = st.selectbox(
            "Among",
            options=list(group_names),
            format_func=group_names.get,
            index=list(group_names).index(state.among if state.among in group_names else "all"),
            key=f"among_{state.among}",
        )
    with year_col:
        year = st.slider(
            "As of",
            min_value=YEAR_MIN,
            max_value=min(YEAR_MAX, ctx.today.year),
            value=state.as_of or ctx.today.year,
            key=f"asof_{state.as_of}",
            help="Crew transport counts only while a programme flies; other capabilities, once shown, stay shown.",
        )
    changes = {
        "scope": None if scope == "all" else scope,
        "among": None if among == "all" else among,
        "as_of": None if year == ctx.today.year else year,
    }
    if any(getattr(state, k) != v for k, v in changes.items()):
        state = update_state(**changes)
    st.caption("Try: among members of the ISS partnership, as of 2015 — the Soyuz-only years.")
    if tables_ready(dataset, "infrastructures", "memberships", "groups"):
        render_chart("autonomy_matrix", ChartContext(dataset, state))

with map_tab:
    st.markdown(
        "Agencies at their headquarters, linked by arcs weighted by the missions they shared; white rings "
        "are deep-space ground stations. Drag to pan, scroll to zoom, hover for details. The basemap ships "
        "with the app, so the map works offline."
    )
    if tables_ready(dataset, "infrastructures"):
        render_chart("cooperation_map", ctx)
