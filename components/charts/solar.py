"""The solar-system picker: bodies by heliocentric distance, clickable to open a destination."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.charts.base import LABEL_POSITIONS, MUTED_COLOUR, SOURCE_DATA, finish, place_labels, wrap
from components.theme import destination_colour
from components.vocabulary import destination_short_labels

NO_DISTANCE_AU = 400.0  # where bodies without a single distance are drawn, past a marked break
BREAK_AU = 220.0
X_RANGE_AU = (0.25, 1800.0)
HEIGHT = 620
PLOT_PX = (640, 400)  # the plot's width in the narrowest figure (820 px) and its height
HEADROOM = 1.0  # rows of room above the first row, for the labels of its bodies
LABELLED_TYPES = ("planet", "region", "system", "small-body class", "dwarf planet")


def _label_positions(shown: pd.DataFrame, rows: int) -> list[str | None]:
    """A text position per body, or None where its name would meet another's (hover names it).

    Planets, regions and classes are named first, then moons, then the bodies with most
    missions."""
    span = np.log10(X_RANGE_AU[1]) - np.log10(X_RANGE_AU[0])
    x = (np.log10(shown["x"].astype(float).to_numpy()) - np.log10(X_RANGE_AU[0])) / span * PLOT_PX[0]
    y = (shown["y"].astype(float).to_numpy() + HEADROOM) / (rows - 1 + HEADROOM + 0.6) * PLOT_PX[1]
    radius = (8 + 4.5 * np.sqrt(shown["missions"].astype(float).to_numpy())) / 2
    kind = shown["body_type"].astype(str)
    importance = np.where(kind.isin(LABELLED_TYPES), 0, np.where(kind == "moon", 1, 2))
    rank = pd.DataFrame({"importance": importance, "missions": -shown["missions"].to_numpy()}).sort_values(
        ["importance", "missions"], kind="stable"
    )
    priority = np.empty(len(shown), dtype=int)
    priority[rank.index.to_numpy()] = np.arange(len(shown))
    # A planet with moons stacked under it is named at its left, leaving the room above to its neighbour.
    stacked = (shown.groupby(["destination_id", "x"])["offset"].transform("max") > 0).to_numpy()
    positions = [("middle left", *LABEL_POSITIONS) if top else LABEL_POSITIONS for top in stacked]
    return place_labels(
        list(zip(x, y, radius, strict=True)),
        list(shown["label"]),
        list(priority),
        (0, PLOT_PX[0], 0, PLOT_PX[1]),
        positions,
    )


def solar_system_picker(bodies: pd.DataFrame, missions: pd.DataFrame, destinations: pd.DataFrame) -> go.Figure:
    """Bodies by mean distance from the Sun (log scale), sized by missions, coloured by destination."""
    counts = missions["body_id"].value_counts()
    order = destinations.sort_values("display_order")
    short_names = destination_short_labels(destinations)
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
        shown["row"] + (shown["offset"] - shown.groupby(["destination_id", "x"])["offset"].transform("mean")) * 0.2
    )
    rows = int(shown["row"].max()) + 1 if len(shown) else 1
    shown["label"] = [wrap(escape(str(n)), 13) for n in shown["name"]]
    shown["slot"] = [p or "" for p in _label_positions(shown, rows)]
    shown = shown[["destination_id", "name", "mean_distance_au", "missions", "x", "y", "label", "slot"]]
    fig = go.Figure()
    for destination in order.itertuples():
        part = shown[shown["destination_id"] == destination.destination_id]
        if part.empty:
            continue
        distance_text = part["mean_distance_au"].map(lambda d: f"{d:g} AU" if pd.notna(d) else "no single distance")
        fig.add_trace(
            go.Scatter(
                name=escape(short_names[destination.destination_id]),
                x=part["x"].to_list(),
                y=part["y"].to_list(),
                mode="markers+text",
                text=[label if slot else "" for label, slot in zip(part["label"], part["slot"], strict=True)],
                textposition=[slot or "top center" for slot in part["slot"]],
                textfont={"size": 14, "color": "#1B1F24"},
                # A clicked body stays as it was drawn, and so do the others: every label stays readable.
                selected={"marker": {"opacity": 1}, "textfont": {"color": "#1B1F24"}},
                unselected={"marker": {"opacity": 0.9}, "textfont": {"color": "#1B1F24"}},
                marker={
                    "size": (8 + 4.5 * np.sqrt(part["missions"].to_numpy(dtype=float))).tolist(),
                    "color": destination_colour(destination.destination_id),
                    "line": {"width": 1, "color": "#333333"},
                    "opacity": 0.9,
                },
                customdata=[
                    [destination_id, int(n), distance, escape(str(name))]
                    for destination_id, n, distance, name in zip(
                        part["destination_id"], part["missions"], distance_text, part["name"], strict=True
                    )
                ],
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
        font={"size": 14, "color": "#005A8F"},
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
        font={"size": 14, "color": MUTED_COLOUR},
    )
    fig.update_xaxes(
        type="log",
        range=[np.log10(X_RANGE_AU[0]), np.log10(X_RANGE_AU[1])],
        title="Mean distance from the Sun (AU, log)",
        tickvals=[0.3, 1, 3, 10, 30, 100],
        ticktext=["0.3", "1", "3", "10", "30", "100"],
    )
    fig.update_yaxes(
        tickvals=list(range(rows)),
        ticktext=[escape(short_names[d]) for d in order["destination_id"]][:rows],
        range=[rows - 0.4, -HEADROOM],
        showgrid=False,
        zeroline=False,
    )
    return finish(
        fig,
        title="The Solar System and beyond: click a body to explore its destination",
        source=f"{SOURCE_DATA}; distances: NSSDCA fact sheets, JPL Small-Body Database",
        height=HEIGHT,
        show_legend=False,
        top_axis=1,
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
