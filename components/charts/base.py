"""Shared look of every figure: titles that say what is shown, a source line, one palette.

The house style is one Plotly template, ``h2061``, sized for a projector at 1280×720 read
from the back of a room: 14 px tick labels and legends, 16 px axis titles, 20 px titles and
a 14 px source line, dark text on white. Pages render with ``theme=None``, so what the
template says is what the room sees; ``tests/test_legibility.py`` measures it in a browser.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio

from components.theme import ink_on

# Streamlit's own font first; exports from headless Chromium fall back to a system sans-serif.
FONT_FAMILY = "'Source Sans 3', 'Source Sans Pro', Helvetica, Arial, 'DejaVu Sans', 'Liberation Sans', sans-serif"
TEXT_COLOUR = "#1B1F24"
MUTED_COLOUR = "#4A525E"  # dark grey: 7.9:1 on white, still readable on a washed-out projector
GRID_COLOUR = "#E3E7EC"
SOURCE_CH7 = "Planetary Exploration, Horizon 2061, ch. 7"
SOURCE_DATA = "Horizon 2061 Explorer dataset (NSSDCA, agency mission pages)"

TEMPLATE = "h2061"
TEXT_PX = 14
TICK_PX = 14
AXIS_TITLE_PX = 16
LEGEND_PX = 14
TITLE_PX = 20
SOURCE_PX = 14
CELL_PX = 15  # numbers and symbols inside heatmap cells and matrix markers
HOVER_PX = 14

# Titles and source lines are wrapped before they reach the right edge of the narrowest
# figure a page draws: 820 px, a wide-layout page at 1280 px with the sidebar open.
TITLE_WRAP = 72
SOURCE_WRAP = 100
TOP_AXIS_LINE_PX = 19  # one line of column labels above a matrix


def _template() -> go.layout.Template:
    template = go.layout.Template(pio.templates["plotly_white"])
    axis = {
        "tickfont": {"size": TICK_PX, "color": TEXT_COLOUR},
        "title": {"font": {"size": AXIS_TITLE_PX, "color": TEXT_COLOUR}, "standoff": 12},
        "gridcolor": GRID_COLOUR,
        "linecolor": GRID_COLOUR,
        "zerolinecolor": GRID_COLOUR,
        "automargin": True,
    }
    template.layout.update(
        font={"family": FONT_FAMILY, "size": TEXT_PX, "color": TEXT_COLOUR},
        title={
            "font": {"size": TITLE_PX, "color": TEXT_COLOUR},
            "subtitle": {"font": {"size": SOURCE_PX, "color": MUTED_COLOUR}},
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
        },
        legend={"font": {"size": LEGEND_PX, "color": TEXT_COLOUR}, "title": {"font": {"size": LEGEND_PX}}},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": HOVER_PX}},
        annotationdefaults={"font": {"size": TEXT_PX, "color": TEXT_COLOUR}},
        xaxis=axis,
        yaxis={**axis, "ticklabelstandoff": 6},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
    )
    for trace in template.data.heatmap:
        trace.update(textfont={"size": CELL_PX})
    for trace in template.data.scatter:
        trace.update(textfont={"size": TEXT_PX})
    for trace in template.data.bar:
        trace.update(textfont={"size": TEXT_PX}, outsidetextfont={"size": TEXT_PX, "color": TEXT_COLOUR})
    template.data.sankey = [go.Sankey(textfont={"size": TEXT_PX, "color": TEXT_COLOUR})]
    return template


pio.templates[TEMPLATE] = _template()


def use_house_template() -> None:
    """Make the house template Plotly's default, so new figures start from it: Plotly copies
    a default template without validating it, where setting it on each figure costs tens of
    milliseconds. Streamlit sets its own default when it is first imported, so
    ``charts.build`` calls this before every figure; ``finish`` still checks."""
    if pio.templates.default != TEMPLATE:
        pio.templates.default = TEMPLATE


use_house_template()


def wrap(text: str, width: int) -> str:
    """Break plain text at spaces into lines of at most ``width`` characters, joined by ``<br>``
    (Plotly never wraps by itself: a long title or tick label runs off the figure)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def shorten(text: str, width: int) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters, with an ellipsis."""
    text = str(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return cut.rstrip(" ,;:–-(") + "…"


def line_count(text: str) -> int:
    return str(text).count("<br>") + 1


def title_block_px(title_lines: int, source_lines: int) -> tuple[int, int]:
    """(top pad, height) of the title and its source line, as plotly.js 4 draws them.

    plotly.js anchors a multi-line title by its first line and centres a multi-line
    subtitle, so the offsets are measured, not derived; the legibility test checks them."""
    title_lines = max(1, min(title_lines, 3))
    pad = 16 if title_lines == 1 else 30
    title_bottom = 34 if title_lines == 1 else 8 + 26 * title_lines
    source_bottom = title_bottom + (35 if source_lines == 1 else 8 + 18 * source_lines)
    return pad, source_bottom


LABEL_PX = 14
LABEL_LINE_PX = 18
LABEL_POSITIONS = ("top center", "bottom center", "middle right", "middle left")
# Advance widths of Helvetica/Arial (Liberation Sans) in thousandths of an em; Source Sans is narrower.
_WIDTHS = {
    **dict.fromkeys(" !',./:;[]\\|ftIijl", 278),
    **dict.fromkeys('"()-`r', 333),
    **dict.fromkeys("*^", 389),
    **dict.fromkeys("0123456789#$?_abdeghnopquL–", 556),
    **dict.fromkeys("ckvsxyzJ", 500),
    **dict.fromkeys("ABEKPSVXY&", 667),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("mM%", 833),
    **dict.fromkeys("W—", 944),
}


def text_width_px(text: str, size: float = LABEL_PX) -> float:
    """The width of one line of text as the browser draws it, within a few per cent (6 % spare)."""
    return sum(_WIDTHS.get(char, 600) for char in str(text)) * size / 1000 * 1.06


def _label_box(x: float, y: float, radius: float, text: str, position: str) -> tuple[float, float, float, float]:
    """(left, right, top, bottom) in pixels, y downwards, of a text label beside a marker."""
    lines = html.unescape(text).split("<br>")
    width, height = max(text_width_px(line) for line in lines) + 4, LABEL_LINE_PX * len(lines)
    if position == "top center":
        return x - width / 2, x + width / 2, y - radius - height - 2, y - radius - 2
    if position == "bottom center":
        return x - width / 2, x + width / 2, y + radius + 2, y + radius + height + 2
    if position == "middle right":
        return x + radius + 3, x + radius + 3 + width, y - height / 2, y + height / 2
    return x - radius - 3 - width, x - radius - 3, y - height / 2, y + height / 2


def _boxes_meet(a: tuple, b: tuple) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def place_labels(
    points: list[tuple[float, float, float]],
    texts: list[str],
    priority: list[int],
    bounds: tuple[float, float, float, float],
    positions: tuple[str, ...] | list[tuple[str, ...]] = LABEL_POSITIONS,
) -> list[str | None]:
    """A Plotly ``textposition`` per marker, or None where every position would meet another
    label or marker or leave ``bounds`` (left, right, top, bottom); lower priority values go first.

    Plotly places scatter text without looking at its neighbours, so charts that name their
    markers (the network, the solar-system picker) choose positions here. ``points`` are
    (x, y, radius) in pixels, y downwards, at the narrowest width the chart is drawn: wider
    figures only move markers apart. ``texts`` may hold ``<br>``; ``positions`` are the
    positions to try in order, for all markers or one tuple per marker."""
    # A marker blocks the square inscribed in its circle: a label may graze its rim, not its face.
    markers = [(x - r * 0.7, x + r * 0.7, y - r * 0.7, y + r * 0.7) for x, y, r in points]
    taken: list[tuple] = []
    chosen: list[str | None] = [None] * len(points)
    for i in sorted(range(len(points)), key=lambda n: priority[n]):
        x, y, radius = points[i]
        for position in positions[i] if isinstance(positions, list) else positions:
            box = _label_box(x, y, radius, texts[i], position)
            inside = bounds[0] <= box[0] and box[1] <= bounds[1] and bounds[2] <= box[2] and box[3] <= bounds[3]
            blocked = any(_boxes_meet(box, other) for other in taken) or any(
                _boxes_meet(box, marker) for j, marker in enumerate(markers) if j != i
            )
            if inside and not blocked:
                chosen[i] = position
                taken.append(box)
                break
    return chosen


def finish(
    fig: go.Figure,
    *,
    title: str,
    source: str,
    height: int | None = None,
    legend_title: str | None = None,
    show_legend: bool = True,
    top_axis: int = 0,
    legend: str | None = None,
) -> go.Figure:
    """Apply the house style. ``source`` is printed under the title on screen and in exports.

    ``top_axis`` is the number of lines of x-axis labels drawn above the plot (matrices), so
    the title block leaves room for them. The legend stands at the right of the plot, where
    it cannot meet an axis title; ``legend="bottom"`` puts it under charts without a bottom
    axis (matrices with their labels on top)."""
    title_text = wrap(title, TITLE_WRAP) if "<br>" not in title else title
    source_text = wrap(f"Source: {source}", SOURCE_WRAP)
    pad, block = title_block_px(line_count(title_text), line_count(source_text))
    top = block + 14 + (top_axis * TOP_AXIS_LINE_PX + 12 if top_axis else 0)
    legend = legend or ("bottom" if top_axis else "right")
    if legend == "bottom":
        placement = {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.02, "yanchor": "top"}
    else:
        placement = {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
    if pio.templates.default != TEMPLATE:  # the figure did not start from the house template
        use_house_template()
        fig.update_layout(template=TEMPLATE)
    fig.update_layout(
        title={"text": title_text, "pad": {"t": pad, "l": 2}, "subtitle": {"text": source_text}},
        margin={"l": 10, "r": 16, "t": top, "b": 40},
        height=height,
        showlegend=show_legend,
        legend={"title": {"text": legend_title or ""}, **placement},
    )
    return fig


def empty_figure(message: str, *, title: str, source: str) -> go.Figure:
    """A figure that says why nothing is drawn (e.g. the filters exclude everything)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 16, "color": MUTED_COLOUR},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title=title, source=source, height=320, show_legend=False)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def stacked_bars(
    categories: list[str],
    series: list[tuple[str, list[int], str]],
    *,
    horizontal: bool,
    value_title: str,
    category_title: str = "",
    barmode: str = "stack",
    patterns: Sequence[str] | None = None,
) -> go.Figure:
    """Bars for several named series over the same categories (empty series are skipped).

    ``series`` holds (name, values, colour); names are shown as given, so escape data first.
    ``patterns``, one fill pattern per series (``""`` for solid), make series whose colour
    carries a meaning (a status, an outcome) readable without telling colours apart."""
    category_axis, value_axis = ("y", "x") if horizontal else ("x", "y")
    fig = go.Figure()
    for index, (name, values, colour) in enumerate(series):
        if not any(values):
            continue
        marker: dict = {"color": colour}
        if patterns is not None:
            marker["pattern"] = {"shape": patterns[index], "fgcolor": ink_on(colour), "size": 7}
        fig.add_trace(
            go.Bar(
                name=name,
                orientation="h" if horizontal else "v",
                marker=marker,
                hovertemplate=f"<b>%{{{category_axis}}}</b><br>{name}: %{{{value_axis}}}<extra></extra>",
                **{category_axis: categories, value_axis: values},
            )
        )
    # A vertical stack reads bottom-up, like Plotly's reversed legend; a horizontal one left to right.
    fig.update_layout(barmode=barmode, legend={"traceorder": "normal" if horizontal else "reversed"})
    if horizontal:
        fig.update_yaxes(autorange="reversed", title=category_title)
        fig.update_xaxes(title=value_title)
    else:
        fig.update_xaxes(title=category_title, type="category")
        fig.update_yaxes(title=value_title)
    return fig


def column_labels(labels: list[str], width: int) -> tuple[list[str], int]:
    """Labels wrapped for columns of a matrix, and the number of lines the tallest one takes
    (``finish(top_axis=...)`` leaves that much room above the plot)."""
    wrapped = [wrap(label, width) for label in labels]
    return wrapped, max((line_count(label) for label in wrapped), default=1)


PROJECTOR_SCALE = 1.25  # presentation mode: a full-width chart read from the back of the room


def for_projector(fig: go.Figure, *, height: int) -> go.Figure:
    """A copy of a figure for presentation mode: the house template's type sizes, markers and
    lines scaled up, text at full contrast, at the height of one 16:9 screen. The shared
    figure is never changed."""
    out = go.Figure(fig)

    def scaled(size: object, default: float) -> float:
        return round(float(size if isinstance(size, int | float) else default) * PROJECTOR_SCALE, 1)

    layout = out.layout
    natural = int(layout.height or 0)
    out.update_layout(
        height=height if natural <= height else int(natural * PROJECTOR_SCALE),
        margin={"t": int((layout.margin.t or 80) * PROJECTOR_SCALE)},
        font={"size": scaled(layout.font.size, TEXT_PX), "color": "#000000"},
        title={"font": {"size": scaled(layout.title.font.size, TITLE_PX), "color": "#000000"}},
        legend={"font": {"size": scaled(layout.legend.font.size, LEGEND_PX), "color": "#000000"}},
    )
    out.update_xaxes(tickfont={"size": scaled(None, TICK_PX), "color": "#000000"})
    out.update_yaxes(tickfont={"size": scaled(None, TICK_PX), "color": "#000000"})
    for trace in out.data:
        marker = getattr(trace, "marker", None)
        if marker is not None and isinstance(getattr(marker, "size", None), int | float):
            marker.size = marker.size * PROJECTOR_SCALE
        line = getattr(trace, "line", None)
        if line is not None and isinstance(getattr(line, "width", None), int | float):
            line.width = line.width * PROJECTOR_SCALE
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and isinstance(getattr(textfont, "size", None), int | float):
            textfont.size = textfont.size * PROJECTOR_SCALE
    return out
