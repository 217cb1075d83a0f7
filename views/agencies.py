"""Agencies: participation, roles, partnerships, a profile, the autonomy matrix and the world map."""

import streamlit as st

from components.analysis import heritage_by_destination
from components.charts import ChartContext, map_legend
from components.data import get_dataset
from components.filters import YEAR_MIN
from components.metrics import led_by, took_part
from components.state import current_state, view_choices
from components.tables import show_frame, with_names
from components.ui import md, render_chart, tables_ready
from components.vocabulary import AGENCY_TABS
from components.widgets import choice_select

dataset = get_dataset()
st.title("Agencies")
st.markdown(
    "Who took part where, in which roles and with whom; what each agency can do on its own; and where they sit on "
    "the map. Every chart follows the sidebar filters."
)
if not tables_ready(dataset, "missions", "mission_participants", "agencies", "destinations"):
    st.stop()

choices = view_choices(dataset)
vocabulary = choices.vocabulary


@st.fragment
def agency_profile() -> None:
    """One agency's profile: choosing another reruns this tab only."""
    choice_select(
        "Agency",
        "profile",
        choices,
        current_state(dataset),
        help="Type to search. The chosen agency is part of the link.",
    )
    state = current_state(dataset)
    ctx = ChartContext(dataset, state)
    profile = state.profile
    agency = dataset.agencies.set_index("agency_id").loc[profile]
    st.subheader(md(agency["full_name"]))
    founded = "" if agency.isna()["founded"] else f", founded {int(agency['founded'])}"
    st.caption(
        f"{md(agency['kind']).capitalize()} · {md(agency['hq_city'])} ({md(agency['country'])}){founded} · "
        f"{md(agency['source'])}"
    )
    led = int(led_by(ctx.filtered.missions).get(profile, 0))
    joined = int(took_part(ctx.filtered.participants).get(profile, 0))
    st.markdown(f"Among the missions shown, **{md(agency['short_name'])}** took part in {joined} and led {led}.")
    heritage = heritage_by_destination(dataset.missions, dataset.mission_participants, profile)
    if heritage.empty:
        st.info(
            f"{md(agency['short_name'])} has not shown a capability on a completed or operating mission in the data.",
            icon=":material/info:",
        )
    else:
        st.markdown(
            "**Heritage**: completed or operating missions on which its own spacecraft or element demonstrated "
            "each capability"
        )
        show_frame(
            with_names(heritage, vocabulary),
            ("destination", "flyby", "orbit", "landing", "roving", "sample_return"),
        )
    render_chart("agency_partners", ctx)
    render_chart("agency_timeline", ctx)


@st.fragment
def autonomy() -> None:
    """The autonomy matrix and its scope, circle and year: a change reruns this tab only."""
    st.markdown(
        "*Autonomy for cooperation* argues that a partnership is robust only if each partner keeps key "
        "capabilities of its own: the ISS relied on a single crew vehicle after the Shuttle retired in 2011 "
        "(§I, §VI). Each cell is derived from the missions: **demonstrated alone** (a national mission), **only "
        "with partners**, or **not yet**. ⚠ marks a capability only one agency holds."
    )
    scope_col, among_col, year_col = st.columns(3)
    state = current_state(dataset)
    with scope_col:
        choice_select("Destination", "scope", choices, state)
    with among_col:
        choice_select("Among", "among", choices, state)
    with year_col:
        st.slider(
            "As of",
            min_value=YEAR_MIN,
            max_value=choices.latest_year,
            value=choices.latest_year,
            key="asof",
            bind="query-params",
            help="Crew transport counts only while a programme flies; other capabilities, once shown, stay shown.",
        )
    state = current_state(dataset)
    st.caption("Try: among members of the ISS partnership, as of 2015 — the Soyuz-only years.")
    if tables_ready(dataset, "infrastructures", "memberships", "groups"):
        render_chart("autonomy_matrix", ChartContext(dataset, state))


tabs = st.tabs(list(AGENCY_TABS.values()), key="tab", bind="query-params", on_change="rerun")
participation_tab, network_tab, profile_tab, autonomy_tab, map_tab = tabs
state = current_state(dataset)
ctx = ChartContext(dataset, state)

# Only the open tab is built: the others cost nothing on a rerun.
if participation_tab.open:
    with participation_tab:
        render_chart("agencies_participation", ctx)
        render_chart("agencies_roles", ctx)

if network_tab.open:
    with network_tab:
        render_chart("agencies_network", ctx)
        render_chart("agencies_flow", ctx)

if profile_tab.open:
    with profile_tab:
        agency_profile()

if autonomy_tab.open:
    with autonomy_tab:
        autonomy()

if map_tab.open:
    with map_tab:
        st.markdown(
            "Agencies at their headquarters, sized by the missions they took part in and linked by arcs whose "
            "width grows with the missions they shared; orange rings mark deep-space ground stations. Drag to "
            "pan, scroll to zoom, hover for details. The basemap ships with the app, so the map works offline."
        )
        if tables_ready(dataset, "infrastructures"):
            render_chart("cooperation_map", ctx)
            if not ctx.filtered.missions.empty:
                legend = map_legend(ctx)
                st.image(legend.svg(), width="content", alt=f"Map legend. {legend.caption()}")
