"""Present: run a workshop from a sequence of charts, full screen, step by step.

Normal mode is the sequence's editor and preview; presentation mode (``?present=1`` or the
toggle) hides the sidebar and toolbar and fills the screen with one step. The sequence and
the step live in the URL (``seq``, ``step``), so a facilitator bookmarks a link and the
arrow keys step through it.
"""

from urllib.parse import urlencode, urlsplit

import streamlit as st

from components.charts import CHARTS, CHARTS_BY_ID, read_fields
from components.data import get_dataset
from components.present import (
    CUSTOM,
    DEFAULT_SEQUENCE,
    MAX_STEPS,
    as_custom,
    clamp_step,
    cleaned_sequence,
    moved,
    parse_sequence,
    step_context,
    step_filters,
    step_for,
    step_heading,
    with_step,
    without,
)
from components.state import current_state, view_choices
from components.ui import md, presentation_chrome, render_chart
from components.widgets import BIND, flag, set_choice, stepper

dataset = get_dataset()
choices = view_choices(dataset)
vocabulary = choices.vocabulary
state = current_state(dataset)
sequence, _ = parse_sequence(state.seq, vocabulary)  # the resolver cleaned it (a link: with a notice on arrival)
typed = st.session_state.get("seq")
if typed and typed != (state.seq or ""):  # pasted or typed into the field: clean the field, say what went
    _, dropped = cleaned_sequence(typed, vocabulary)
    if dropped:
        st.warning(
            "Part of this sequence was left out: " + "; ".join(md(n) for n in dropped) + ".", icon=":material/rule:"
        )
    st.session_state["seq"] = state.seq or ""

presenting = bool(state.present)
if presenting:
    presentation_chrome()
else:
    st.title("Present")
    st.markdown(
        "Run a workshop from a sequence of charts: one chart, or one row of Table 7.1, fills the screen; "
        "*Next* and *Previous* (or the ← → keys) step through it. The ready-made tour walks the four pillars, "
        "each destination of Table 7.1 and the modes recommended against those practised (ch. 7 §7.2, §7.5). "
        "Build your own from any chart, each step with its own filters, and share it as a link."
    )


PRESENT_HELP = "Full screen, without sidebar or toolbar; ← → step through the sequence. Switch off to edit it."


def set_sequence(code: str, step: int = 1) -> None:
    st.session_state["seq"] = code
    st.session_state["step"] = step


# The bound controls are drawn on every run, in both modes: an unmounted bound widget drops its
# parameter from the URL. In presentation mode the sequence field is drawn but hidden.
with st.container(key="present_sequence_field"):
    st.text_input(
        "Sequence code",
        key="seq",
        max_chars=3000,
        placeholder=DEFAULT_SEQUENCE,
        help="A ready-made sequence's id, or the steps of your own; paste one shared with you.",
        **BIND,
    )

count = len(sequence)
current = clamp_step(state.step, sequence)
if st.session_state.get("step") not in (None, *range(1, count + 1)):
    st.session_state["step"] = current


def step_controls() -> int:
    options = list(range(1, count + 1))
    widths = (2, 1.4, 2) if presenting else (1.2, 6, 1.2)
    with stepper("step", options, current - 1, words=("Previous", "Next"), keys=True, widths=widths):
        return st.selectbox(
            f"Step (of {count})",
            options=options,
            format_func=str,
            key="step",
            label_visibility="collapsed" if presenting else "visible",
            **BIND,
        )


step = sequence.steps[current - 1]

if presenting:
    if step.title:  # a ready-made step's own heading; other steps speak through the chart's title
        st.markdown(f"## {md(step.title)}")
    render_chart(step.chart_id, step_context(step, dataset), presenting=True)
    with st.container(key="present_footer"):
        left, controls, right = st.columns([3.4, 4.4, 2.2], vertical_alignment="center")
        left.caption(f"Step {current} of {count} · {md(step_filters(step, vocabulary))} · {md(sequence.title)}")
        with controls:
            step_controls()
        with right:
            flag("Presentation mode", "present", help=PRESENT_HELP)
    st.stop()

flag("Presentation mode", "present", help=PRESENT_HELP)

st.header(md(sequence.title))
st.caption(
    f"{count} steps. "
    + (
        "A ready-made sequence: edit a copy to change it."
        if sequence.seq_id != CUSTOM
        else f"Your own sequence (up to {MAX_STEPS} steps); the link holds it."
    )
)
tools = st.columns(3)
tools[0].button(
    "Edit a copy" if sequence.seq_id != CUSTOM else "Start again from the tour",
    icon=":material/edit:" if sequence.seq_id != CUSTOM else ":material/restart_alt:",
    on_click=set_sequence,
    args=(as_custom(sequence).code() if sequence.seq_id != CUSTOM else DEFAULT_SEQUENCE,),
    key="present_edit",
    width="stretch",
)
tools[1].button(
    "Present full screen",
    icon=":material/slideshow:",
    on_click=set_choice,
    args=("present", True),
    key="present_start",
    type="primary",
    width="stretch",
)

with st.container(border=True, key="present_steps"):
    for index, item in enumerate(sequence.steps):
        label_col, up_col, down_col, drop_col = st.columns([8, 1, 1, 1], vertical_alignment="center")
        marker = "▶ " if index + 1 == current else ""
        label_col.markdown(f"{marker}**{index + 1}.** {md(step_heading(item, vocabulary))}")
        if sequence.seq_id != CUSTOM:
            continue
        up_col.button(
            "",
            icon=":material/arrow_upward:",
            key=f"present_up_{index}",
            help="Move up",
            disabled=index == 0,
            on_click=lambda i=index: set_sequence(moved(sequence, i, -1).code(), current),
        )
        down_col.button(
            "",
            icon=":material/arrow_downward:",
            key=f"present_down_{index}",
            help="Move down",
            disabled=index == count - 1,
            on_click=lambda i=index: set_sequence(moved(sequence, i, 1).code(), current),
        )
        drop_col.button(
            "",
            icon=":material/close:",
            key=f"present_drop_{index}",
            help="Remove this step",
            disabled=count == 1,
            on_click=lambda i=index: set_sequence(without(sequence, i).code(), min(current, count - 1)),
        )

with st.expander("Add a step", icon=":material/add:", expanded=sequence.seq_id == CUSTOM):
    st.caption(
        "The step keeps the sidebar filters the chart follows, and the destination or agency chosen here; "
        "it shows them whatever the sidebar says later."
    )
    chart_id = st.selectbox(
        "Chart",
        options=[spec.chart_id for spec in CHARTS],
        format_func=lambda c: f"{CHARTS_BY_ID[c].title} ({CHARTS_BY_ID[c].page})",
        key="present_add_chart",
    )
    follows = set(read_fields(CHARTS_BY_ID[chart_id]))
    extra: dict[str, object] = {}
    if "focus" in follows:
        options = choices.options_for("focus")
        extra["focus"] = st.selectbox("Destination", list(options), format_func=options.get, key="present_add_focus")
    if "profile" in follows:
        options = choices.options_for("profile")
        extra["profile"] = st.selectbox("Agency", list(options), format_func=options.get, key="present_add_profile")
    if "compare" in follows:
        options = {k: v for k, v in choices.options_for("compare").items() if k != extra.get("focus")}
        extra["compare"] = st.selectbox(
            "Compared with", list(options), format_func=options.get, key="present_add_compare"
        )
    new_step = step_for(chart_id, state.with_changes(**extra))
    st.caption(f"Adds: {md(step_heading(new_step, vocabulary))}")
    st.button(
        "Add to the sequence",
        icon=":material/playlist_add:",
        key="present_add",
        disabled=count >= MAX_STEPS and sequence.seq_id == CUSTOM,
        on_click=lambda: set_sequence(with_step(sequence, new_step).code(), len(with_step(sequence, new_step))),
    )

st.header("Preview")
step_controls()
st.markdown(f"### {md(step_heading(step, vocabulary))}")
render_chart(step.chart_id, step_context(step, dataset))

st.header("Share")
origin = urlsplit(st.context.url or "")
base = f"{origin.scheme}://{origin.netloc}" if origin.scheme in ("http", "https") and origin.netloc else ""
link = f"{base}/present?" + urlencode({"present": "true", "seq": sequence.code(), "step": 1})
st.caption(
    "Open this link to present the sequence full screen from its first step (this page's own address holds "
    "the step shown too). The sidebar's *Download all charts* builds its slide deck, one slide per step."
)
st.code(link, language=None, wrap_lines=True)
