"""The room's poll beside Table 7.1: a mode × destination heatmap of votes.

Pure, like every builder: the agreement table (``analysis.room_agreement``) in, a figure out.
Each cell prints the share of the room that chose the mode there and, where Table 7.1
recommends it, a ◆, so the book's choice is read from the text and not from colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import pandas as pd
import plotly.graph_objects as go

from components.analysis import AGREE, BOOK_ONLY, ROOM_ONLY
from components.charts.base import SOURCE_CH7, column_labels, finish, plural, wrap

BOOK_MARK = "◆"


def room_votes_figure(
    agreement: pd.DataFrame,
    destination_labels: Mapping[str, str],
    mode_labels: Mapping[str, str],
    *,
    participants: int,
    room: str,
) -> go.Figure:
    """Modes (rows, ladder order) × destinations (columns): the share of those who answered for a
    destination that chose the mode, with ◆ where Table 7.1 recommends it."""
    destinations = list(dict.fromkeys(agreement["destination_id"]))
    modes = list(dict.fromkeys(agreement["mode_id"]))
    cells = agreement.set_index(["mode_id", "destination_id"])
    shares = [[float(cells.loc[(m, d), "share"]) for d in destinations] for m in modes]
    text = [
        [
            f"{cells.loc[(m, d), 'share']:.0%}" + (f" {BOOK_MARK}" if cells.loc[(m, d), "recommended"] else "")
            if cells.loc[(m, d), "answered"]
            else (BOOK_MARK if cells.loc[(m, d), "recommended"] else "")
            for d in destinations
        ]
        for m in modes
    ]
    hover = [
        [
            f"{int(cells.loc[(m, d), 'votes'])} of {int(cells.loc[(m, d), 'answered'])} chose it"
            f"<br>{escape(str(cells.loc[(m, d), 'category']).capitalize())}"
            for d in destinations
        ]
        for m in modes
    ]
    columns, label_lines = column_labels([escape(destination_labels.get(d, d)) for d in destinations], 12)
    rows = [wrap(escape(mode_labels.get(m, m)), 22) for m in modes]
    fig = go.Figure(
        go.Heatmap(
            z=shares,
            x=columns,
            y=rows,
            zmin=0,
            zmax=1,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            colorscale=[[0, "#F2F5F8"], [0.001, "#DEEBF7"], [0.5, "#6BAED6"], [1, "#08519C"]],
            colorbar={"title": {"text": "Share of<br>the room"}, "tickformat": ".0%", "len": 0.8},
            xgap=3,
            ygap=3,
            hovertemplate="<b>%{y} · %{x}</b><br>%{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0)
    return finish(
        fig,
        title=f"The room's cooperation modes beside Table 7.1 ({plural(participants, 'participant')}, room {room})",
        source=f"the room's poll; {BOOK_MARK} Table 7.1's recommendation, {SOURCE_CH7} §7.5.2 (reconstructed)",
        height=max(420, 190 + 64 * len(modes)),
        show_legend=False,
        top_axis=label_lines,
    )


def room_summary(agreement: pd.DataFrame, participants: int) -> str:
    """One sentence: how far the room and the book agree."""
    if participants == 0 or not agreement["answered"].any():
        return "No answer yet: the heatmap fills in as participants send theirs."
    both = int((agreement["category"] == AGREE).sum())
    book = int((agreement["category"] == BOOK_ONLY).sum())
    room = int((agreement["category"] == ROOM_ONLY).sum())
    return (
        f"{plural(participants, 'participant')} answered. The room backs {both} of the book's "
        f"{both + book} recommendations (half of those answering or more) and adds {room} of its own."
    )
