"""Mission timelines: one bar per mission from launch to end, on a real date axis.

Bars are drawn as horizontal ``go.Bar`` traces with a datetime ``base`` and millisecond
durations (what ``px.timeline`` does internally), so exported images keep real dates
instead of collapsing to the 1970 epoch. Notional Horizon 2061 missions are drawn as
translucent, hatched windows.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from html import escape
from itertools import pairwise

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts.base import (
    GRID_COLOUR,
    MUTED_COLOUR,
    SOURCE_DATA,
    empty_figure,
    finish,
    plural,
    shorten,
    text_width_px,
    wrap,
)
from components.memo import shared
from components.metrics import FAILURE_WORDS, is_cooperative, led_by
from components.theme import MODE_COLOURS, NEUTRAL, STATUS_COLOURS, STATUS_PATTERNS, distinct_agency_colours, ink_on
from components.vocabulary import (
    COLOURINGS,
    agency_labels,
    destination_labels,
    destination_short_labels,
    mode_labels,
    status_label,
)

COLOR_BY = ("status", "lead_agency", "mode")
MAX_LEAD_COLOURS = 10  # leads beyond the ten with most bars share one grey in the legend
MIN_BAR_DAYS = 270  # short missions (an impactor, a failed launch) stay visible
YEAR_RANGE = ("1955-01-01", "2064-12-31")
YEAR_RANGE_YEARS = (1955, 2064)
ROW_PX = 24  # one bar and its 14 px label, with air above and below
ROW_LABEL_CHARS = 32  # longer names are shortened on the axis and given in full on hover
STRIP_LEVELS = 6
STRIP_PX = 24 * STRIP_LEVELS
STRIP_GAP_PX = 16
BOTTOM_AXIS_PX = 40 + 30  # the bottom margin and the year labels in it
NARROWEST_PLOT_PX = 400  # the time axis of an 820 px figure, after row labels and legend


def mission_spans(missions: pd.DataFrame, today: date, min_days: float = MIN_BAR_DAYS) -> pd.DataFrame:
    """Start and end dates for every mission, the way the timeline draws them: a mission that
    ended runs to the end of its end year, and no bar is shorter than ``min_days``."""
    frame = missions.copy()
    notional = frame["status"] == "notional"
    year_start = pd.to_datetime(frame["launch_year"].astype("Int64").astype("string") + "-01-01", errors="coerce")
    start = frame["launch_date"].fillna(year_start)
    window_start = pd.to_datetime(frame["window_start"].astype("Int64").astype("string") + "-01-01", errors="coerce")
    start = start.where(~notional, window_start)
    end_of_year = pd.to_datetime(frame["end_year"].astype("Int64").astype("string") + "-12-31", errors="coerce")
    window_end = pd.to_datetime(frame["window_end"].astype("Int64").astype("string") + "-12-31", errors="coerce")
    today_ts = pd.Timestamp(today)
    end = end_of_year.copy()
    end = end.where(~(frame["status"] == "operating"), today_ts)
    end = end.where(~notional, window_end)
    minimum = start + pd.Timedelta(days=min_days)
    end = end.fillna(minimum)
    end = end.where(end >= minimum, minimum)
    frame["start"], frame["end"] = start, end
    return frame.dropna(subset=["start"])


def _hover(missions: pd.DataFrame, participants: pd.DataFrame, agencies: pd.DataFrame) -> list[str]:
    """Hover text per mission: years, status, lead, and partners with role and contribution."""
    names = agency_labels(agencies)
    partners: dict[str, list[str]] = {}
    for row in participants[participants["role"] != "lead"].itertuples(index=False):
        line = (
            f"{escape(str(names.get(row.agency_id, row.agency_id)))} ({row.role}: {escape(str(row.contribution))[:80]})"
        )
        partners.setdefault(row.mission_id, []).append(line)
    texts = []
    for m in missions.itertuples(index=False):
        if m.status == "notional":
            years = f"notional window {int(m.window_start)}–{int(m.window_end)}"
        elif pd.notna(m.launch_year):
            years = f"{int(m.launch_year)}" + ("" if pd.isna(m.end_year) else f"–{int(m.end_year)}")
        else:
            years = ""
        lead = "to be decided" if pd.isna(m.lead_agency_id) else names.get(m.lead_agency_id, m.lead_agency_id)
        status = status_label(m.status)
        phase = getattr(m, "failure_phase", None)
        if m.status == "failed" and isinstance(phase, str):
            status += f" {FAILURE_WORDS[phase]}"
        text = f"<b>{escape(str(m.name))}</b><br>{years} · {status}<br>Lead: {escape(str(lead))}"
        if getattr(m, "uploaded", False) is True:
            text += "<br><i>Uploaded in this session</i>"
        carrier = getattr(m, "carrier_name", None)  # the caller names carriers that may be on another page
        if isinstance(carrier, str):
            text += f"<br>Carried by {escape(carrier)}"
        lines = partners.get(m.mission_id, [])
        if lines:
            more = f"<br>… and {len(lines) - 8} more" if len(lines) > 8 else ""
            text += "<br>Partners:<br>" + "<br>".join(lines[:8]) + more
        texts.append(text)
    return texts


def _colouring(
    spans: pd.DataFrame, color_by: str, agencies: pd.DataFrame, modes: pd.DataFrame | None
) -> tuple[pd.Series, dict[str, str], dict[str, str]]:
    """The group of every bar, with a colour and a legend name per group."""
    if color_by == "status":
        return spans["status"], STATUS_COLOURS, {s: status_label(s) for s in STATUS_COLOURS}
    if color_by == "lead_agency":
        group = spans["lead_agency_id"].fillna("undecided")
        # A legend a room can read: the leads with most bars keep their colour, the rest share one.
        ranked = group[group != "undecided"].value_counts(sort=False)
        ranked = ranked.iloc[sorted(range(len(ranked)), key=lambda i: (-ranked.iloc[i], ranked.index[i]))]
        others = set(ranked.index[MAX_LEAD_COLOURS:]) if len(ranked) > MAX_LEAD_COLOURS + 1 else set()
        group = group.where(~group.isin(others), "other")
        names = agency_labels(agencies)
        colours = distinct_agency_colours([a for a in ranked.index if a not in others])
        colours["undecided"] = "#BFC5CC"
        colours["other"] = NEUTRAL
        legend = {a: names.get(a, "Lead to be decided") for a in group.unique()}
        legend["other"] = f"{len(others)} other leads"
        return group, colours, legend
    # Without the modes table (an older caller) a mode is named by its id rather than mislabelled.
    names = mode_labels(modes) if modes is not None else {m: m for m in MODE_COLOURS}
    return spans["cooperation_mode_id"], MODE_COLOURS, names


def _legend_order(groups: pd.Series, colours: dict[str, str], color_by: str) -> list[str]:
    """Statuses and modes in their own order; agencies by bars drawn, then the other leads
    and the undecided lead."""
    present = set(groups)
    last = [g for g in ("other", "undecided") if g in present] if color_by == "lead_agency" else []
    if color_by == "lead_agency":
        ordered = [g for g in groups.value_counts().index if g not in last]
    else:
        ordered = [g for g in colours if g in present]
    return ordered + last


def _bar_pattern(group: str, notional: bool, colour: str, color_by: str) -> dict:
    """Coloured by status, every status has a fill pattern of its own as well as its colour (a
    reader who cannot tell the colours apart reads the pattern, in the bars and the legend);
    in the other colourings only notional windows are hatched."""
    if color_by == "status":
        return {"shape": STATUS_PATTERNS.get(group, ""), "fgcolor": ink_on(colour), "size": 7}
    return {"shape": "/" if notional else "", "fgcolor": "#FFFFFF"}


def _legend_name(group_name: str, notional: bool, color_by: str) -> str:
    """Solid bars carry the group's name; hatched ones say they are notional windows (when
    colouring by status the group already says "Notional")."""
    if not notional or color_by == "status":
        return escape(group_name)
    return wrap(f"{escape(group_name)} — notional window", 26)


def _row_labels(spans: pd.DataFrame) -> pd.Series:
    """Unique, readable row labels: long names shortened (hover has them in full), repeats dated."""
    labels = spans["name"].map(lambda n: escape(shorten(str(n), ROW_LABEL_CHARS)))
    repeated = labels.duplicated(keep=False)
    years = mission_start_year_label(spans)
    labels = labels.where(~repeated, labels + " (" + years + ")")
    if "uploaded" in spans.columns:  # the user's own rows (``components.upload``), marked on the axis
        labels = labels.where(~spans["uploaded"].fillna(False).astype(bool), labels + " ⇪")
    return labels


def mission_timeline(
    missions: pd.DataFrame,
    participants: pd.DataFrame,
    agencies: pd.DataFrame,
    destinations: pd.DataFrame,
    *,
    color_by: str = "status",
    today: date | None = None,
    title: str = "Mission timeline",
    compact: bool = False,
    milestones: pd.DataFrame | None = None,
    highlight: set[str] | None = None,
    modes: pd.DataFrame | None = None,
    zoom: bool = False,
) -> go.Figure:
    """Gantt of missions grouped by destination, with today and 2061 marked.

    ``zoom`` fits the year axis to the missions drawn (a page of the paged timeline covers a
    few years of one destination); otherwise the axis runs from 1955 to 2064, the same on every
    chart.

    Years are read at the top and at the bottom, since a full timeline is several screens
    tall; every destination opens with its name as a heading row. ``milestones`` adds a strip
    of dated events on the same axis above the bars; ``highlight`` outlines the bars of the
    given mission ids (search results); ``modes`` (the cooperation_modes table) names the modes
    when colouring by mode. ``compact`` charts (one destination, one agency) drop the headings
    when only one destination is shown."""
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {COLOR_BY}")
    today = today or date.today()
    spans = mission_spans(missions, today)
    if spans.empty:
        return empty_figure("No mission matches the current filters.", title=title, source=SOURCE_DATA)
    first, last = YEAR_RANGE_YEARS
    if zoom:
        first, last = _year_span_of(spans)
        # The shortest bar keeps the width on screen it has on the full axis.
        full = YEAR_RANGE_YEARS[1] + 1 - YEAR_RANGE_YEARS[0]
        spans = mission_spans(missions, today, MIN_BAR_DAYS * (last + 1 - first) / full)
    order = destinations.set_index("destination_id")["display_order"]
    dest_names = destination_short_labels(destinations)
    spans = spans.assign(_order=spans["destination_id"].map(order)).sort_values(["_order", "start"])
    spans["hover"] = _hover(spans, participants, agencies)
    spans["group"], colours, group_names = _colouring(spans, color_by, agencies, modes)
    spans["label"] = _row_labels(spans)
    # Only what the bars draw: every row selection below then copies a handful of columns.
    spans = spans[["mission_id", "destination_id", "status", "start", "end", "label", "hover", "group"]]

    headings = not compact or spans["destination_id"].nunique() > 1
    rows: list[str] = []
    heading_rows: list[int] = []
    for destination, part in spans.groupby("destination_id", sort=False):
        if headings:
            heading_rows.append(len(rows))
            rows.append(f"<b>{escape(str(dest_names.get(destination, destination)))}</b>")
        rows.extend(part["label"])

    if milestones is not None:
        milestones = milestones[milestones["date"].dt.year.between(first, last)]
    strip = milestones is not None and not milestones.empty and not compact
    gantt_px = ROW_PX * (len(rows) + 1)  # one spare row on top for the Today and 2061 labels
    if strip:
        plot_px = STRIP_PX + STRIP_GAP_PX + gantt_px
        fig = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            vertical_spacing=STRIP_GAP_PX / plot_px,
            row_heights=[STRIP_PX, gantt_px],
        )
        _add_milestones(fig, milestones, (first, last))
    else:
        fig = go.Figure()
    bar_row = {"row": 2, "col": 1} if strip else {}
    bar_x, bar_y = ("x2", "y2") if strip else ("x", "y")
    highlight = highlight or set()
    for group in _legend_order(spans["group"], colours, color_by):
        part = spans[spans["group"] == group]
        for notional in (False, True):
            selected = part[(part["status"] == "notional") == notional]
            if selected.empty:
                continue
            colour = colours.get(group, "#8C8C8C")
            fig.add_trace(
                go.Bar(
                    name=_legend_name(group_names.get(group, str(group)), notional, color_by),
                    legendgroup=str(group),
                    base=selected["start"].dt.strftime("%Y-%m-%d").to_list(),
                    x=((selected["end"] - selected["start"]).dt.total_seconds() * 1000).to_list(),
                    y=selected["label"].to_list(),
                    orientation="h",
                    marker={
                        "color": colour,
                        "opacity": 0.45 if notional else 0.95,
                        "pattern": _bar_pattern(group, notional, colour, color_by),
                        "line": {
                            "width": [3 if m in highlight else 0 for m in selected["mission_id"]],
                            "color": "#1B1F24",
                        },
                    },
                    customdata=selected["hover"].to_list(),
                    hovertemplate="%{customdata}<extra></extra>",
                ),
                **bar_row,
            )

    for when, text in (
        (datetime.combine(today, datetime.min.time()), f"Today ({today.year})"),
        (datetime(2061, 12, 31), "2061"),
    ):
        if not first <= when.year <= last:
            continue
        fig.add_shape(
            type="line",
            x0=when,
            x1=when,
            xref=bar_x,
            y0=0,
            y1=1,
            yref=f"{bar_y} domain",
            line={"color": MUTED_COLOUR, "dash": "dot", "width": 1.5},
        )
        fig.add_annotation(
            x=when,
            y=-1,  # the spare row above the first destination
            xref=bar_x,
            yref=bar_y,
            text=text,
            showarrow=False,
            xanchor="right",
            xshift=-4,
            font={"size": 14, "color": MUTED_COLOUR},
        )
    for row in heading_rows[1:]:
        fig.add_shape(
            type="line",
            xref=f"{bar_x} domain",
            x0=0,
            x1=1,
            yref=bar_y,
            y0=row - 0.5,
            y1=row - 0.5,
            line={"color": "#9AA3AD", "width": 1},
        )

    fig.update_layout(barmode="overlay", bargap=0.25)
    # At most six labels stay apart on the narrowest figure (every 20 years on the full axis);
    # a minor grid line halfway between them.
    step = next(s for s in (1, 2, 5, 10, 20) if (last - first + 1) / s <= 6)
    major = [y for y in range(first, last + 1) if y % step == 0]
    minor = [y + step / 2 for y in major if step > 1 and y + step / 2 <= last]
    year_axis = {
        "type": "date",
        "range": [f"{first}-01-01", f"{last}-12-31"],
        "tickvals": [f"{year}-01-01" for year in major],
        "ticktext": [str(year) for year in major],
        "minor": {
            "tickvals": [f"{int(year)}-{'07' if year % 1 else '01'}-01" for year in minor],
            "showgrid": True,
            "gridcolor": GRID_COLOUR,
        },
        "title": "",
    }
    fig.update_xaxes(**year_axis)
    if strip:
        # The strip's axis stands at the top of the figure; the bars keep theirs at the bottom.
        fig.update_xaxes(side="top", showticklabels=True, row=1, col=1)
    else:
        fig.update_layout(xaxis2={**year_axis, "overlaying": "x", "side": "top", "anchor": "y"})
        # An axis with no trace is not drawn: an empty one keeps the top year labels.
        fig.add_trace(go.Scatter(x=[None], y=[None], xaxis="x2", showlegend=False, hoverinfo="skip"))
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=rows,
        range=[len(rows) - 0.5, -1.5],
        autorange=False,
        showgrid=False,
        **bar_row,
    )
    finish(fig, title=title, source=SOURCE_DATA, legend_title=COLOURINGS[color_by], top_axis=1, legend="right")
    # The plot gets exactly ROW_PX a row: the figure adds the title block above and the year labels below.
    plot_px = gantt_px + (STRIP_PX + STRIP_GAP_PX if strip else 0)
    return fig.update_layout(height=plot_px + fig.layout.margin.t + BOTTOM_AXIS_PX)


def _year_span_of(spans: pd.DataFrame) -> tuple[int, int]:
    """The years a zoomed axis shows: a year either side of the bars, at least eight years."""
    first, last = int(spans["start"].dt.year.min()) - 1, int(spans["end"].dt.year.max()) + 1
    if last - first < 7:
        last = first + 7
    return max(first, YEAR_RANGE_YEARS[0]), min(last, YEAR_RANGE_YEARS[1])


def mission_start_year_label(spans: pd.DataFrame) -> pd.Series:
    return spans["start"].dt.year.astype("Int64").astype("string").fillna("")


def mission_start_years(missions: pd.DataFrame) -> pd.Series:
    """The year a mission's bar starts: its launch, or the opening of its notional window."""
    launch = missions["launch_year"].astype("Float64")
    window = missions["window_start"].astype("Float64")
    return launch.where(missions["status"] != "notional", window).fillna(launch).fillna(window)


@shared()
def timeline_pages(
    missions: pd.DataFrame, destinations: pd.DataFrame, max_rows: int = 40
) -> list[tuple[str, pd.DataFrame]]:
    """The missions split into pages of at most ``max_rows`` bars, each with its title.

    One page per destination, in display order; a destination with more missions is split
    by era, at a change of start year where possible, into pages of even size ("Moon,
    1958–1975", "Moon, 1976–2030", …). Every mission is on exactly one page, in the order the
    timeline draws it."""
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    names = destination_labels(destinations)
    order = {d: i for i, d in enumerate(names)}
    frame = missions.assign(_year=mission_start_years(missions), _order=missions["destination_id"].map(order))
    frame = frame.sort_values(["_order", "_year", "launch_date"], na_position="last", kind="stable")
    pages: list[tuple[str, pd.DataFrame]] = []
    for destination, part in frame.groupby("destination_id", sort=False):
        name = names.get(destination, str(destination))
        for chunk in _era_chunks(part, max_rows):
            years = chunk["_year"].dropna().astype(int)
            span = "" if years.empty else f", {_year_span(int(years.min()), int(years.max()))}"
            pages.append((f"{name}{span}", chunk.drop(columns=["_year", "_order"])))
    return pages


def _era_chunks(part: pd.DataFrame, max_rows: int) -> list[pd.DataFrame]:
    """``part`` (sorted by start year) cut into as few pages as ``max_rows`` allows, of even
    size, each cut moved to the nearest change of year when that keeps every page in bounds."""
    count = len(part)
    pages = -(-count // max_rows)
    years = part["_year"].to_numpy()
    changes = [
        i for i in range(1, count) if not (years[i] == years[i - 1] or (pd.isna(years[i]) and pd.isna(years[i - 1])))
    ]
    cuts = [0]
    for page in range(1, pages):
        ideal = round(page * count / pages)
        fits = [c for c in changes if 0 < c - cuts[-1] <= max_rows and count - c <= (pages - page) * max_rows]
        cuts.append(min(fits, key=lambda c: abs(c - ideal)) if fits else min(cuts[-1] + max_rows, ideal))
    cuts.append(count)
    return [part.iloc[a:b] for a, b in pairwise(cuts)]


def _year_span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _add_milestones(fig: go.Figure, milestones: pd.DataFrame, years: tuple[int, int] = YEAR_RANGE_YEARS) -> None:
    """Dated events as diamonds on the rows of the top strip.

    A label is drawn only where it fits: on the first row whose previous label ends, at the
    narrowest figure a page draws, before this event; the others keep their diamond and their
    hover text."""
    events = milestones.sort_values("date").reset_index(drop=True)
    start_year = years[0]
    span_years = years[1] + 1 - start_year
    px_per_year = NARROWEST_PLOT_PX / span_years
    label_levels = STRIP_LEVELS - 1  # the bottom row holds the diamonds no row had room for
    row_ends = [-1.0] * label_levels
    levels, texts = [], []
    for event in events.itertuples():
        x = (event.date.year + event.date.dayofyear / 366 - start_year) * px_per_year
        name = escape(shorten(str(event.name), 24))
        width = 12 + text_width_px(html.unescape(name))  # the diamond, a gap and the text
        free = [level for level in range(label_levels) if row_ends[level] + 8 <= x]
        if free and x + width <= span_years * px_per_year:
            row_ends[free[0]] = x + width
            texts.append(name)
        else:  # a bare diamond, on a row where no label runs over it
            texts.append("")
        levels.append(free[0] if free else label_levels)
    fig.add_trace(
        go.Scatter(
            x=events["date"].dt.strftime("%Y-%m-%d"),
            y=levels,
            mode="markers+text",
            text=texts,
            textposition="middle right",
            textfont={"size": 14, "color": "#1B1F24"},
            marker={"symbol": "diamond", "size": 10, "color": "#1B1F24"},
            customdata=(
                events["name"].map(lambda n: escape(str(n)))
                + "<br>"
                + events["date"].dt.strftime("%d %b %Y")
                + " · "
                + events["description"].map(lambda d: escape(str(d)))
            ).to_list(),
            hovertemplate="<b>%{customdata}</b><extra></extra>",
            name="Milestones",
            showlegend=False,
            cliponaxis=False,
        ),
        row=1,
        col=1,
    )
    fig.update_yaxes(
        range=[STRIP_LEVELS - 0.5, -0.5],
        tickvals=[(STRIP_LEVELS - 1) / 2],
        ticktext=["<b>Milestones</b>"],
        showgrid=False,
        zeroline=False,
        row=1,
        col=1,
    )


def timeline_summary(missions: pd.DataFrame, agencies: pd.DataFrame) -> str:
    if missions.empty:
        return "No mission matches the current filters."
    names = agency_labels(agencies)
    leads = led_by(missions)
    text = f"{plural(len(missions), 'mission')} shown"
    if len(leads):
        top = leads.index[0]
        cooperative = int(is_cooperative(missions[missions["lead_agency_id"] == top]).sum())
        text += f"; {names.get(top, top)} led {leads.iloc[0]} of them, {cooperative} cooperative"
    notional = int((missions["status"] == "notional").sum())
    if notional:
        text += f"; {plural(notional, 'notional Horizon 2061 window')}"
    return text + "."
