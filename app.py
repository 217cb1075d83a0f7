"""Horizon 2061 Explorer: the frame every page runs in.

Page config, theme (``.streamlit/config.toml``), the explicit page registry and the shared
sidebar with the one filter state that every page reads. Every page is listed here.

The page scripts live in ``views/``, not ``pages/``. Streamlit treats a ``pages/`` folder next
to the main script as a legacy multipage app until ``st.navigation`` has run once in the
process: the first shared link opened on a fresh server (``/pillars?pillar=missions``) then
showed a "Page not found" dialog before this frame took over.
"""

from pathlib import Path

import streamlit as st

from components.data import get_dataset
from components.downloads import download_all
from components.filters import TRUE_WORDS
from components.state import arrive, current_state, present_elsewhere, show_url_notices, view_choices
from components.ui import dataset_status, house_style
from components.widgets import filter_sidebar

presenting = st.query_params.get("present", "").strip().casefold() in TRUE_WORDS
st.set_page_config(
    page_title="Horizon 2061 Explorer",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "expanded",
)

PRESENT_PAGE = st.Page("views/present.py", title="Present", icon=":material/slideshow:", url_path="present")
PAGES = {
    "Overview": [
        st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
    ],
    "Explore": [
        st.Page("views/pillars.py", title="Four pillars", icon=":material/view_column:", url_path="pillars"),
        st.Page(
            "views/destinations.py", title="Destinations", icon=":material/travel_explore:", url_path="destinations"
        ),
        st.Page("views/cooperation.py", title="Cooperation", icon=":material/handshake:", url_path="cooperation"),
        st.Page("views/consortium.py", title="Consortium sketch", icon=":material/groups:", url_path="consortium"),
        st.Page("views/missions.py", title="Missions", icon=":material/rocket_launch:", url_path="missions"),
        st.Page("views/agencies.py", title="Agencies", icon=":material/public:", url_path="agencies"),
    ],
    "Workshop": [
        PRESENT_PAGE,
        st.Page("views/room.py", title="Room poll", icon=":material/how_to_vote:", url_path="room"),
        st.Page("views/upload.py", title="Your data", icon=":material/upload_file:", url_path="upload"),
    ],
    "Reference": [
        st.Page("views/data_sources.py", title="Data & sources", icon=":material/table:", url_path="data"),
    ],
}

page = st.navigation(PAGES)
house_style()
dataset = get_dataset()
present_elsewhere(page, PRESENT_PAGE, dataset)  # ?present=1 on any page presents that page's charts
arrive(page, dataset)  # an older or non-canonical link is rewritten once, before any widget

with st.sidebar:
    st.markdown("### Horizon 2061 Explorer")
    st.caption(
        "International cooperation in planetary exploration, after chapter 7 of *Planetary Exploration, Horizon 2061*."
    )
    if "destinations" in dataset.tables and "agencies" in dataset.tables:
        filter_sidebar(view_choices(dataset))
        st.caption(":material/link: The address bar holds this view: copy it to share the exact filters.")
        download_all(dataset, current_state(dataset), page.url_path or "home", page.title)
    dataset_status(dataset)

show_url_notices()
page.run()
