"""The solar-system picker: bodies by heliocentric distance, clickable to open a destination."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.charts.base import MUTED_COLOUR, finish
from components.charts.explore import SOURCE_DATA
from components.theme import destination_colour

NO_DISTANCE_AU = 400.0  # where bodies without a single distance are drawn, past a marked break
BREAK_AU = 220.0


def solar_system_picker(bodies: pd.DataFrame, missions: pd.DataFrame, destinations: pd.DataFrame) -> go.Figure:
    """Bodies by mean distance from the Sun (log scale), sized by missions, coloured by destination."""
    counts = missions["body_id"].value_counts()
    order = destinations.sort_values("display_order")
    row_of = {d: i for i, d in enumerate(order["destination_id"])}
    shown = bodies[bodies["destination_id"].isin(row_of) & (bodies["body_id"] != "sun")].copy()
    shown["missions"] = shown["body_id"].map(counts).fillna(0).astype(int)
    shown = shown[
        (shown["missions"] > 0) | (shown["body_type"].isin(["planet", "region", "system", "small-body class"]))
    ]
    shown["x"] = shown["mean_distance_au"].fillna(NO_DISTANCE_AU)
    shown["row"] = shown["destination_id"].map(row_of).astype(float)
    # Spread bodies that share a distance (a planet and its moons) vertically within their row.
    shown = shown.sort_values(["destination_id", "x", "missions"], ascending=[True, True, False])
    shown["offset"] = shown.groupby(["destination_id", "x"]).cumcount()
    shown["y"] = (
        shown["row"] + (shown["offset"] - shown.groupby(["destination_id", "x"])["offset"].transform("mean")) * 0.22
    )
    # Label planets, regions, classes and busy targets; the rest are named on hover.
    shown["labelled"] = shown["body_type"].isin(["planet", "region", "system", "small-body class", "moon"]) & (
        shown["offset"] == 0
    ) | (shown["missions"] >= 4)
    fig = go.Figure()
    for destination in order.itertuples():
        part = shown[shown["destination_id"] == destination.destination_id]
        if part.empty:
            continue
        distance_text = part["mean_distance_au"].map(lambda d: f"{d:g} AU" if pd.notna(d) else "no single distance")
        fig.add_trace(
            go.Scatter(
                name=escape(destination.short_name),
                x=part["x"],
                y=part["y"],
                mode="markers+text",
                text=[
                    escape(str(n)) if labelled else ""
                    for n, labelled in zip(part["name"], part["labelled"], strict=True)
                ],
                textposition="top center",
                textfont={"size": 10},
                marker={
                    "size": 8 + 5 * np.sqrt(part["missions"]),
                    "color": destination_colour(destination.destination_id),
                    "line": {"width": 1, "color": "#333333"},
                    "opacity": 0.9,
                },
                customdata=np.column_stack(
                    [
                        part["destination_id"],
                        part["missions"],
                        distance_text,
                        part["name"].map(lambda n: escape(str(n))),
                    ]
                ),
                hovertemplate="<b>%{customdata[3]}</b><br>%{customdata[2]} · %{customdata[1]} missions<br>"
                "Click to open this destination<extra></extra>",
            )
        )
    # On a log axis shapes take data values but annotations take log10 values.
    fig.add_shape(type="line", x0=1, x1=1, y0=0, y1=1, yref="paper", line={"color": "#0072B2", "dash": "dot"})
    fig.add_annotation(
        x=0,
        y=1,
        xref="x",
        yref="paper",
        text="Earth (1 AU)",
        showarrow=False,
        yanchor="bottom",
        font={"size": 11, "color": "#0072B2"},
    )
    fig.add_shape(
        type="line", x0=BREAK_AU, x1=BREAK_AU, y0=0, y1=1, yref="paper", line={"color": MUTED_COLOUR, "dash": "dash"}
    )
    fig.add_annotation(
        x=np.log10(NO_DISTANCE_AU),
        y=1,
        xref="x",
        yref="paper",
        text="no single distance",
        showarrow=False,
        yanchor="bottom",
        font={"size": 11, "color": MUTED_COLOUR},
    )
    fig.update_xaxes(
        type="log",
        range=[np.log10(0.25), np.log10(1200)],
        title="Mean distance from the Sun (AU, log)",
        tickvals=[0.3, 1, 3, 10, 30, 100],
        ticktext=["0.3", "1", "3", "10", "30", "100"],
    )
    fig.update_yaxes(
        tickvals=list(range(len(order))),
        ticktext=[escape(n) for n in order["short_name"]],
        autorange="reversed",
        showgrid=False,
        zeroline=False,
    )
    return finish(
        fig,
        title="The Solar System and beyond: click a body to explore its destination",
        source=f"{SOURCE_DATA}; distances: NSSDCA fact sheets, JPL Small-Body Database",
        height=520,
        show_legend=False,
    )


def solar_system_summary(bodies: pd.DataFrame, missions: pd.DataFrame) -> str:
    counts = missions["body_id"].value_counts()
    if counts.empty:
        return "No mission matches the current filters."
    names = bodies.set_index("body_id")["name"]
    top = counts.index[0]
    far = bodies.dropna(subset=["mean_distance_au"]).set_index("body_id")["mean_distance_au"]
    reached = [b for b in counts.index if b in far.index]
    farthest = max(reached, key=lambda b: far[b]) if reached else None
    text = f"{names.get(top, top)} has the most missions shown ({counts.iloc[0]})"
    if farthest:
        text += f"; the farthest body visited is {names[farthest]} at {far[farthest]:g} AU"
    return text + "."
