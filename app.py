"""Horizon 2061 Explorer: the frame every page runs in.

Page config, theme (``.streamlit/config.toml``), the explicit page registry and the shared
sidebar. Streamlit stops discovering ``pages/`` once ``st.navigation`` is called, so every
page is listed here.
"""

from pathlib import Path

import streamlit as st

from components.data import get_dataset
from components.ui import dataset_status

st.set_page_config(
    page_title="Horizon 2061 Explorer",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = {
    "Overview": [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    ],
    "Reference": [
        st.Page("pages/data_sources.py", title="Data & sources", icon=":material/table:", url_path="data"),
    ],
}

page = st.navigation(PAGES)

with st.sidebar:
    st.markdown("### Horizon 2061 Explorer")
    st.caption(
        "International cooperation in planetary exploration, after chapter 7 of *Planetary Exploration, Horizon 2061*."
    )
    dataset_status(get_dataset())

page.run()
