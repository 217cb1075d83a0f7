"""Figures of the consortium sketch (``components.consortium``): what a group of agencies
covers at one destination, and what it has flown there.

Pure builders: a ``Sketch`` and the vocabulary in, a ``go.Figure`` out. Every cell says in
words what its colour says (alone, with partners, not yet), so the grid reads in greyscale
and on a washed-out projector; a capability that rests on one member carries ⚠, one that no
member has carries ✕.
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from components.analysis import ALONE, AUTONOMY_LABELS, CAPABILITY_LABELS, HERITAGE_CAPABILITIES, NOT_YET, WITH_PARTNERS
from components.charts.agencies import AUTONOMY_COLOURS
from components.charts.base import CELL_PX, SOURCE_DATA, column_labels, empty_figure, finish, text_width_px
from components.consortium import COMBINED, Sketch, joined_names
from components.vocabulary import Vocabulary

TOGETHER = "Together"
NBSP = "\u00a0"
SINGLE_MARK = "⚠"
LACKING_MARK = "✕"
COVERED_MARK = "✓"
LACKING_COLOUR = "#F6D0BB"  # a pale vermillion: the gap a workshop argues about (theme: "#D55E00")
STATUS_WORDS = {ALONE: "alone", WITH_PARTNERS: "with partners", NOT_YET: "not yet"}
_LEVELS = {NOT_YET: 0, WITH_PARTNERS: 1, ALONE: 2}  # a cell's z; the group's column adds LACKING_CODE
LACKING_CODE = 3  # z of a capability no member has: coloured apart from a member's "not yet"
TITLE_NAMES = 5  # members named in a title; more are counted ("and 3 others")
# The plot's width at the narrowest a page draws it (820 px figure, less the capability labels
# and margins): cells wrap their words to fit it.
NARROWEST_PLOT_PX = 620
LINE_PX = 20  # one line of cell text at the house template's CELL_PX
ROW_PAD_PX = 18


def _discrete(colours: list[str]) -> list[list[float | str]]:
    """A colour scale giving each code 0 … n-1 (with zmin 0, zmax n-1) one flat colour."""
    last = len(colours) - 1
    scale: list[list[float | str]] = []
    for code, colour in enumerate(colours):
        scale += [[max(0.0, (code - 0.5) / last), colour], [min(1.0, (code + 0.5) / last), colour]]
    return scale


CELL_SCALE = _discrete(
    [AUTONOMY_COLOURS[NOT_YET], AUTONOMY_COLOURS[WITH_PARTNERS], AUTONOMY_COLOURS[ALONE], LACKING_COLOUR]
)


def group_title_names(sketch: Sketch, vocabulary: Vocabulary) -> str:
    """The members as a title names them: all of them up to five, then a count."""
    names = [vocabulary.label("agencies", m) for m in sketch.members]
    if len(names) > TITLE_NAMES:
        names = [*names[: TITLE_NAMES - 1], f"{len(names) - TITLE_NAMES + 1} others"]
    return joined_names(names)


def _fit(text: str, column_px: float) -> str:
    """Cell text broken at spaces so that each line fits the column (Plotly never wraps); a mark
    is tied to its word by a no-break space, so "⚠" never stands on a line of its own."""
    words, lines = text.split(" "), []
    for word in words:
        if lines and text_width_px(lines[-1] + " " + word, CELL_PX) <= column_px:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _as_of(sketch: Sketch) -> str:
    return f", as of {sketch.as_of}" if sketch.as_of is not None else ""


def consortium_capabilities_figure(sketch: Sketch, vocabulary: Vocabulary) -> go.Figure:
    """Capability × member: demonstrated alone, only with partners or not yet at the destination,
    then the group's own column, ``Together``: covered (at its best level), resting on one
    member (⚠ and the member), or lacking (✕)."""
    destination = vocabulary.label("destinations", sketch.destination_id)
    title = (
        f"{escape(destination)}: what {escape(group_title_names(sketch, vocabulary))} cover together{_as_of(sketch)}"
    )
    source = (
        f"{SOURCE_DATA}; alone: on a national mission; with partners: only with foreign partners; "
        f"{SINGLE_MARK} one member only; {LACKING_MARK} no member yet"
    )
    if not sketch.members:
        return empty_figure("No agency chosen: pick agencies in the sidebar.", title=title, source=source)

    names = {m: escape(vocabulary.label("agencies", m)) for m in sketch.members}
    many = len(sketch.members) > 1
    columns, label_lines = column_labels([*names.values(), TOGETHER], 12)
    column_px = NARROWEST_PLOT_PX / len(columns) - 12
    capabilities = list(sketch.capabilities.index)
    rows = [escape(AUTONOMY_LABELS.get(c, c)) for c in capabilities]
    singles = sketch.single_holders.to_dict() if many else {}
    shown_by = sketch.autonomy.set_index(["agency_id", "capability"])["elements"].to_dict()

    z, text, hover = [], [], []
    for capability, row_label in zip(capabilities, rows, strict=True):
        z_row, text_row, hover_row = [], [], []
        for member in sketch.members:
            status = sketch.capabilities.at[capability, member]
            sole = singles.get(capability) == member
            z_row.append(_LEVELS[status])
            text_row.append(_fit(STATUS_WORDS[status] + (f"{NBSP}{SINGLE_MARK}" if sole else ""), column_px))
            words = f"<b>{names[member]}</b> · {row_label}: {STATUS_WORDS[status]}"
            if sole:
                words += " — the only member that has it"
            if shown_by.get((member, capability)):
                words += "<br>Shown by: " + escape(str(shown_by[(member, capability)]))
            hover_row.append(words)

        # The group's column: its best level, the one member it rests on, or the gap.
        level = sketch.coverage[capability]
        if level == NOT_YET:
            z_row.append(LACKING_CODE)
            lines = [_fit(f"{LACKING_MARK}{NBSP}lacking", column_px)]
            hover_row.append(f"{row_label}: no member has demonstrated it here")
        else:
            holders = [names[m] for m in sketch.members if sketch.capabilities.at[capability, m] != NOT_YET]
            z_row.append(_LEVELS[level])
            lines = [_fit(f"{COVERED_MARK}{NBSP}{STATUS_WORDS[level]}", column_px)]
            hover_row.append(f"{row_label}: covered {STATUS_WORDS[level]}, by {joined_names(holders)}")
        if capability in singles:
            holder = f"{SINGLE_MARK}{NBSP}{names[singles[capability]]}"
            fits = text_width_px(f"{holder} only", CELL_PX) <= column_px
            lines.append(f"{holder} only" if fits else holder)  # the source line says what ⚠ means
        text_row.append("<br>".join(lines))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)

    # One trace, so that every column is a brick of the same width.
    fig = go.Figure(
        go.Heatmap(
            x=columns,
            y=rows,
            z=z,
            text=text,
            customdata=hover,
            texttemplate="%{text}",
            colorscale=CELL_SCALE,
            zmin=0,
            zmax=LACKING_CODE,
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.update_xaxes(side="top", tickangle=0, type="category", showgrid=False)
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    deepest = max(cell.count("<br>") + 1 for row in text for cell in row)
    fig = finish(fig, title=title, source=source, show_legend=False, top_axis=label_lines)
    fig.update_layout(height=int(fig.layout.margin.t) + 40 + len(rows) * (deepest * LINE_PX + ROW_PAD_PX))
    return fig


def consortium_heritage_figure(sketch: Sketch, vocabulary: Vocabulary) -> go.Figure:
    """Member (and the group) × heritage: completed or operating missions at the destination
    taken part in, led, and credited with each capability. The group's row counts a shared
    mission once, so it is not the sum of the rows above it."""
    destination = vocabulary.label("destinations", sketch.destination_id)
    title = f"{escape(destination)}: what {escape(group_title_names(sketch, vocabulary))} have flown there"
    source = f"{SOURCE_DATA}; completed or operating missions (programme rows left out); a shared mission counts once"
    if not sketch.members:
        return empty_figure("No agency chosen: pick agencies in the sidebar.", title=title, source=source)
    table = sketch.heritage
    rows = [escape(vocabulary.label("agencies", a)) if a != COMBINED else TOGETHER for a in table.index]
    headings = ["Took part", "Led", *(CAPABILITY_LABELS[c] for c in HERITAGE_CAPABILITIES)]
    columns, label_lines = column_labels(headings, 12)
    values = table.to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=columns,
            y=rows,
            text=[[str(v) if v else "–" for v in row] for row in values],
            texttemplate="%{text}",
            colorscale=[[0, "#F2F5F8"], [0.001, "#C6DBEF"], [1, "#08519C"]],
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="<b>%{y}</b> · %{x}: %{z} mission(s)<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    fig.update_xaxes(side="top", tickangle=0, type="category", showgrid=False)
    fig = finish(fig, title=title, source=source, show_legend=False, top_axis=label_lines)
    fig.update_layout(height=int(fig.layout.margin.t) + 40 + 44 * len(rows))
    return fig
