"""Shared look of every figure: titles that say what is shown, a source line, one palette."""

from __future__ import annotations

import plotly.graph_objects as go

# Streamlit's own font first; exports from headless Chromium fall back to a system sans-serif.
FONT_FAMILY = "'Source Sans 3', 'Source Sans Pro', Helvetica, Arial, 'DejaVu Sans', 'Liberation Sans', sans-serif"
TEXT_COLOUR = "#1B1F24"
MUTED_COLOUR = "#5A6270"
GRID_COLOUR = "#E3E7EC"
SOURCE_CH7 = "Planetary Exploration, Horizon 2061, ch. 7"


def finish(
    fig: go.Figure,
    *,
    title: str,
    source: str,
    height: int | None = None,
    legend_title: str | None = None,
    show_legend: bool = True,
    top_axis: bool = False,
) -> go.Figure:
    """Apply the house style. ``source`` is printed under the title on screen and in exports;
    ``top_axis`` leaves room for x-axis labels drawn above the plot (matrices)."""
    fig.update_layout(
        template="plotly_white",
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "font": {"size": 18, "color": TEXT_COLOUR},
            "subtitle": {"text": f"Source: {source}", "font": {"size": 12, "color": MUTED_COLOUR}},
        },
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOUR},
        margin={"l": 10, "r": 10, "t": 124 if top_axis else 84, "b": 40},
        height=height,
        showlegend=show_legend,
        legend={"title": {"text": legend_title or ""}, "orientation": "h", "y": -0.2, "x": 0, "yanchor": "top"},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 13}},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
    )
    fig.update_xaxes(gridcolor=GRID_COLOUR, automargin=True)
    fig.update_yaxes(gridcolor=GRID_COLOUR, automargin=True, ticklabelstandoff=6)
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
        font={"size": 15, "color": MUTED_COLOUR},
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
) -> go.Figure:
    """Bars for several named series over the same categories (empty series are skipped).

    ``series`` holds (name, values, colour); names are shown as given, so escape data first."""
    category_axis, value_axis = ("y", "x") if horizontal else ("x", "y")
    fig = go.Figure()
    for name, values, colour in series:
        if not any(values):
            continue
        fig.add_trace(
            go.Bar(
                name=name,
                orientation="h" if horizontal else "v",
                marker_color=colour,
                hovertemplate=f"<b>%{{{category_axis}}}</b><br>{name}: %{{{value_axis}}}<extra></extra>",
                **{category_axis: categories, value_axis: values},
            )
        )
    fig.update_layout(barmode=barmode)
    if horizontal:
        fig.update_yaxes(autorange="reversed", title=category_title)
        fig.update_xaxes(title=value_title)
    else:
        fig.update_xaxes(title=category_title, type="category")
        fig.update_yaxes(title=value_title)
    return fig
