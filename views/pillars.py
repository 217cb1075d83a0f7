"""Four pillars: step through Science → Missions → Technologies → Infrastructures."""

import streamlit as st

from components.charts import PILLAR_CHARTS, ChartContext
from components.data import get_dataset
from components.state import current_state, link_params, view_choices
from components.tables import show_frame
from components.ui import md, render_chart, tables_ready
from components.widgets import step_control

dataset = get_dataset()
st.title("The four pillars")
st.markdown(
    "Horizon 2061 builds planetary exploration on four pillars: the science questions, the missions that "
    "address them, the technologies that make those missions possible, and the infrastructures that support "
    "them (ch. 7 §7.2). Step through them; the step is part of the link."
)

if tables_ready(dataset, "pillars"):
    pillars = dataset.pillars.set_index("pillar_id")
    choices = view_choices(dataset)
    step = step_control("pillar", choices, current_state(dataset), label="Pillar")
    state = current_state(dataset)
    pillar = pillars.loc[step]
    ctx = ChartContext(dataset, state)

    st.header(f"Pillar {int(pillar['number'])}: {md(pillar['name'])}")
    for chart_id in PILLAR_CHARTS[step]:
        render_chart(chart_id, ctx)

    covers_col, brings_col, suited_col = st.columns(3)
    with covers_col.container(border=True):
        st.markdown("**What it covers**")
        st.markdown(f"{md(pillar['covers'])}  \n*ch. 7 {md(pillar['section'])}*")
    with brings_col.container(border=True):
        st.markdown("**What cooperation brings**")
        st.markdown(f"{md(pillar['cooperation_brings'])}  \n*ch. 7 {md(pillar['section'])}*")
    with suited_col.container(border=True):
        kind = pillar["suited_cooperation"]
        icon = ":material/account_balance:" if kind == "governmental" else ":material/groups:"
        st.markdown(f"**Best suited: {md(kind)} cooperation** {icon}")
        st.markdown(f"{md(pillar['suited_rationale'])}  \n*ch. 7 {md(pillar['suited_section'])}*")

    if step == "science" and tables_ready(dataset, "science_questions"):
        st.subheader("The six key questions")
        for question in dataset.science_questions.sort_values("number").itertuples():
            st.markdown(f"**Q{question.number}.** {md(question.question)}")
        st.caption(
            "From Horizon 2061 ch. 1, cited by ch. 7 §7.2.1. Which destination serves which question is "
            "our reading of §7.2.1 and §7.5.2."
        )

    if step == "technologies" and tables_ready(dataset, "technology_examples", "agencies"):
        st.subheader("The three kinds of technology cooperation (§7.2.3)")
        names = dataset.agencies.set_index("agency_id")["short_name"]
        examples = dataset.technology_examples.assign(
            provider=lambda f: f["provider_agency_id"].map(names),
            recipient=lambda f: f["recipient_agency_id"].map(names),
            category=lambda f: f["category"].map(
                {
                    "payload": "Scientific payloads",
                    "platform": "Spacecraft and launcher platforms",
                    "component": "Raw materials and components",
                }
            ),
        )
        show_frame(examples, ("category", "name", "provider", "recipient", "year", "description", "source"))

    if step == "infrastructures" and tables_ready(dataset, "infrastructures", "agencies"):
        st.subheader("Stations, archives and curation facilities")
        names = dataset.agencies.set_index("agency_id")["short_name"]
        others = dataset.infrastructures[dataset.infrastructures["kind"] != "ground station"].assign(
            operator=lambda f: f["operator_agency_id"].map(names)
        )
        show_frame(others, ("name", "kind", "operator", "status", "established", "description", "source"))

    st.divider()
    st.page_link(
        "views/destinations.py",
        label="Next: what cooperation brings to each destination (Table 7.1)",
        icon=":material/travel_explore:",
        query_params=link_params(state, choices),
    )
