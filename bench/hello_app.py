"""The baseline: a one-chart Streamlit app with one sidebar filter, measured like the real pages."""

import pandas as pd
import plotly.express as px
import streamlit as st

frame = pd.DataFrame({"x": range(50), "y": [i * i for i in range(50)], "group": ["a", "b"] * 25})
chosen = st.sidebar.multiselect("Group", ["a", "b"], key="destination")
shown = frame[frame["group"].isin(chosen)] if chosen else frame
st.title("Hello")
st.plotly_chart(px.bar(shown, x="x", y="y"))
