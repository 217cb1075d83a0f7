"""Small Streamlit helpers shared by pages: headers, data problems, escaping.

Everything that shows text coming from the data goes through ``md`` so that neither
Markdown, LaTeX nor HTML in a cell can change how the page renders.
"""

from __future__ import annotations

import logging
import re

import streamlit as st

from components.data import Dataset
from components.theme import CAPTION_COLOUR

LOGGER = logging.getLogger("horizon2061")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")  # & too: "&lt;" is shown, not read as "<"


def md(text: object) -> str:
    """Escape a value for Streamlit Markdown (which also renders ``$…$`` as LaTeX)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def tables_ready(dataset: Dataset, *names: str) -> bool:
    """Show why a page cannot render if a table it needs is broken; True when all are fine."""
    broken = [dataset.problems[name] for name in names if name in dataset.problems]
    for problem in broken:
        st.error(
            f"**This view needs `{problem.file}`, which could not be loaded.**  \n{md(problem)}",
            icon=":material/error:",
        )
    if broken:
        st.caption("Fix the file (the message gives the row and column) and reload the page. Other pages keep working.")
    return not broken


def dataset_status(dataset: Dataset) -> None:
    """A compact status line for the sidebar, naming broken files."""
    total = len(dataset.tables) + len(dataset.problems)
    if dataset.ok:
        st.caption(f":material/check_circle: {total} data tables loaded and validated")
        return
    st.warning(
        f"{len(dataset.problems)} of {total} data tables have problems: "
        + ", ".join(f"`{p.file}`" for p in dataset.problems.values()),
        icon=":material/warning:",
    )


def built_chart(chart_id: str, ctx):
    """A chart's figure and summary, built once per view and shared by every session.

    The key is ``charts.cache_key``: the dataset version, the day, the state fields the chart
    reads and its options, so a filter the chart does not follow never rebuilds it, and a
    room of people on the same link builds each figure once. Shared figures are never
    modified: copy one (``go.Figure(fig)``) before changing it."""
    from components.charts import build, cache_key

    key = cache_key(chart_id, ctx)
    return build(chart_id, ctx) if key is None else _shared_build(key, chart_id, ctx)


@st.cache_resource(max_entries=2048, show_spinner=False)
def _shared_build(key: tuple, _chart_id: str, _ctx):
    del key  # the cache key only
    from components.charts import build

    return build(_chart_id, _ctx)


PRESENT_HEIGHT = 520  # a chart between a step's heading and its footer, in a 1280×720 window
SCROLL_FRAME_KEY = "present_chart_frame"  # the frame a chart taller than the screen scrolls in


def chart_alt(title: str, summary: str) -> str:
    """A chart's name for screen readers: what it shows and what it finds (the caption under
    it says the same to everyone)."""
    return f"{title}. {summary}"


def render_chart(
    chart_id: str, ctx, *, key: str | None = None, on_select="ignore", presenting: bool = False, **select_kwargs
):
    """Draw a registered chart with its one-sentence summary; say so when filters leave nothing.

    ``on_select`` may be a callback: the chart's key is ``chart_<id>`` (or ``key``), so the
    callback reads the selection from ``st.session_state``. Drawn with ``theme=None`` so
    the app's own projector template is what is seen, on screen and in exports alike.
    ``presenting`` draws it for presentation mode: larger type and markers, one screen high
    (a taller chart scrolls in its frame), without the export menu.
    """
    from components.charts import CHARTS_BY_ID

    spec = CHARTS_BY_ID[chart_id]
    if not tables_ready(ctx.dataset, *spec.tables):
        return None
    follows_filters = "missions" in spec.tables and any(r in spec.reads for r in ("destinations", "agencies"))
    if follows_filters and ctx.filtered.missions.empty:
        st.info(
            f"**{spec.title}**: no mission matches the current filters. Widen them in the sidebar "
            "or use *Reset filters*.",
            icon=":material/filter_alt_off:",
        )
        return None
    try:
        with st.spinner(f"Drawing {spec.title.lower()}…", show_time=False):
            figure, summary = built_chart(chart_id, ctx)
    except Exception as exc:  # a broken chart must not take the page down with it
        LOGGER.exception("chart %s failed for state %s", chart_id, ctx.state)
        st.error(
            f"**{md(spec.title)}** could not be drawn ({md(type(exc).__name__)}). The rest of the page still works; "
            "please report the link of this view.",
            icon=":material/broken_image:",
        )
        return None
    from components.downloads import chart_menu, export_names

    key = key or f"chart_{chart_id}"
    names = export_names(chart_id, ctx)
    if spec.kind == "deck":
        height = PRESENT_HEIGHT if presenting else select_kwargs.get("height", 560)
        st.pydeck_chart(figure, height=height, key=key, alt=chart_alt(spec.title, summary))
        st.caption(md(summary))
        if not presenting:
            chart_menu(chart_id, ctx, key, names)
        return None
    if presenting:
        from components.charts.base import for_projector

        figure = for_projector(figure, height=PRESENT_HEIGHT)
        tall = figure.layout.height > PRESENT_HEIGHT
        frame = st.container(height=PRESENT_HEIGHT + 24, border=False, key=SCROLL_FRAME_KEY) if tall else st
        frame.plotly_chart(
            figure,
            key=key,
            theme=None,
            config={"displaylogo": False, "displayModeBar": False},
            alt=chart_alt(spec.title, summary),
        )
        st.caption(md(summary))
        return None
    event = st.plotly_chart(
        figure,
        key=key,
        on_select=on_select,
        theme=None,
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": names.stem, "scale": 2},
        },
        alt=chart_alt(spec.title, summary),
        **select_kwargs,
    )
    st.caption(md(summary))
    chart_menu(chart_id, ctx, key, names)
    return None if on_select == "ignore" else event


_HOUSE_CSS = f"""
<style>
[data-testid="stCaptionContainer"] {{ opacity: 1; color: {CAPTION_COLOUR}; }}
</style>
"""


def house_style() -> None:
    """Once per run, before the page: captions in a muted grey that reads at 5.5:1 or more on the
    page and the sidebar (Streamlit draws them at 60 % opacity: 4.4:1 on white, and code or
    links inside them fainter still), and the repairs of ``_HOUSE_JS``."""
    # One element, in the sidebar: each element in the main column adds a gap above the page's
    # content, and the sidebar, hidden when presenting, still applies both.
    st.sidebar.html(_HOUSE_CSS + _HOUSE_JS, unsafe_allow_javascript=True)


_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stMainMenu"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], .st-key-present_sequence_field { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.5rem 2rem 0 2rem; max-width: 100%; }
[data-testid="stMain"] h2 { font-size: 1.75rem; padding: 0; color: #000000; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { font-size: 1.05rem; color: #1B1F24; }
</style>
"""


# Two repairs to Streamlit's own markup, kept by an observer since Streamlit draws and redraws
# after this script has run:
# - the page list in the sidebar is a <ul> whose items sit in one <div> per section, which screen
#   readers do not announce as a list (axe: "list", "listitem"); the list says it is one, and the
#   section wrappers step aside (role "none");
# - a chart taller than the screen scrolls in a frame that cannot take the focus, so a keyboard (or
#   a presenter's clicker) could not scroll it: the frame becomes a named region in the tab order,
#   where the arrow keys scroll.
_HOUSE_JS = f"""
<script>
(() => {{
  if (window.h2061Repairs) return;
  window.h2061Repairs = true;
  const set = (el, name, value) => {{ if (el.getAttribute(name) !== value) el.setAttribute(name, value); }};
  const mark = () => {{
    document.querySelectorAll('[data-testid="stSidebarNavItems"]').forEach(list => {{
      set(list, "role", "list");
      [...list.children].forEach(child => {{ if (child.tagName === "DIV") set(child, "role", "none"); }});
    }});
    document.querySelectorAll(".st-key-{SCROLL_FRAME_KEY}").forEach(frame => {{
      set(frame, "tabindex", "0");
      set(frame, "role", "region");
      const title = frame.querySelector(".gtitle");
      const named = title ? title.textContent.trim() + ": " : "";
      set(frame, "aria-label", named + "the chart scrolls, use the arrow keys");
    }});
  }};
  new MutationObserver(mark).observe(document.body, {{ childList: true, subtree: true }});
  mark();
}})();
</script>
"""


def presentation_chrome() -> None:
    """Presentation mode: no sidebar, toolbar or menus; the page fills the screen. The bound
    widgets in the sidebar are still drawn (hidden), so the URL keeps every filter."""
    st.html(_PRESENTATION_CSS)
