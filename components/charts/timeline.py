"""Mission timelines: one bar per mission from launch to end, on a real date axis.

Bars are drawn as horizontal ``go.Bar`` traces with a datetime ``base`` and millisecond
durations (what ``px.timeline`` does internally), so exported images keep real dates
instead of collapsing to the 1970 epoch. Notional Horizon 2061 missions are drawn as
translucent, hatched windows.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts.base import MUTED_COLOUR, empty_figure, finish, plural
from components.charts.explore import MODE_COLOURS, SOURCE_DATA
from components.theme import STATUS_COLOURS, agency_colour

COLOR_BY = ("status", "lead_agency", "mode")
MIN_BAR_DAYS = 120  # short missions (an impactor, a failed launch) stay visible


def mission_spans(missions: pd.DataFrame, today: date) -> pd.DataFrame:
    """Start and end dates for every mission, the way the timeline draws them."""
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
    minimum = start + pd.Timedelta(days=MIN_BAR_DAYS)
    end = end.fillna(minimum)
    end = end.where(end >= minimum, minimum)
    frame["start"], frame["end"] = start, end
    return frame.dropna(subset=["start"])


def _hover(missions: pd.DataFrame, participants: pd.DataFrame, agencies: pd.DataFrame) -> list[str]:
    """Hover text per mission: years, status, lead, and partners with role and contribution."""
    names = agencies.set_index("agency_id")["short_name"]
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
        text = f"<b>{escape(str(m.name))}</b><br>{years} · {m.status}<br>Lead: {escape(str(lead))}"
        lines = partners.get(m.mission_id, [])
        if lines:
            more = f"<br>… and {len(lines) - 8} more" if len(lines) > 8 else ""
            text += "<br>Partners:<br>" + "<br>".join(lines[:8]) + more
        texts.append(text)
    return texts


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
) -> go.Figure:
    """Gantt of missions grouped by destination, with today and 2061 marked.

    ``milestones`` adds a strip of dated events on the same axis above the bars;
    ``highlight`` outlines the bars of the given mission ids (search results)."""
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {COLOR_BY}")
    today = today or date.today()
    spans = mission_spans(missions, today)
    if spans.empty:
        return empty_figure("No mission matches the current filters.", title=title, source=SOURCE_DATA)
    order = destinations.set_index("destination_id")["display_order"]
    dest_names = destinations.set_index("destination_id")["short_name"]
    spans = spans.assign(_order=spans["destination_id"].map(order)).sort_values(["_order", "start"])
    spans["hover"] = _hover(spans, participants, agencies)
    agency_names = agencies.set_index("agency_id")["short_name"]
    if color_by == "status":
        spans["group"] = spans["status"]
        colours = STATUS_COLOURS
        label = {s: s.capitalize() for s in STATUS_COLOURS}
    elif color_by == "lead_agency":
        spans["group"] = spans["lead_agency_id"].fillna("undecided")
        colours = {a: agency_colour(a) for a in spans["group"].unique()}
        colours["undecided"] = "#BFC5CC"
        label = {a: str(agency_names.get(a, "Lead to be decided")) for a in spans["group"].unique()}
    else:
        spans["group"] = spans["cooperation_mode_id"]
        colours = MODE_COLOURS
        label = {m: m.replace("_", " ").capitalize() for m in MODE_COLOURS}

    labels = spans["name"].map(lambda n: escape(str(n)))
    # Category labels must be unique; repeat names get their launch year.
    repeated = labels.duplicated(keep=False)
    years = mission_start_year_label(spans)
    spans["label"] = labels.where(~repeated, labels + " (" + years + ")")

    strip = milestones is not None and not milestones.empty
    row_height = 22 if compact else 18
    gantt_height = 140 + row_height * len(spans)
    strip_height = 130
    if strip:
        fig = make_subplots(
            rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.01, row_heights=[strip_height, gantt_height]
        )
        _add_milestones(fig, milestones)
    else:
        fig = go.Figure()
    bar_row = {"row": 2, "col": 1} if strip else {}
    highlight = highlight or set()
    for group, part in spans.groupby("group", sort=False):
        for notional in (False, True):
            rows = part[(part["status"] == "notional") == notional]
            if rows.empty:
                continue
            y = rows["label"].to_list()
            fig.add_trace(
                go.Bar(
                    name=label.get(group, str(group)) + (" (notional window)" if notional else ""),
                    legendgroup=str(group),
                    base=rows["start"].dt.strftime("%Y-%m-%d").to_list(),
                    x=((rows["end"] - rows["start"]).dt.total_seconds() * 1000).to_list(),
                    y=y,
                    orientation="h",
                    marker={
                        "color": colours.get(group, "#8C8C8C"),
                        "opacity": 0.45 if notional else 0.95,
                        "pattern": {"shape": "/" if notional else "", "fgcolor": "#FFFFFF"},
                        "line": {"width": [3 if m in highlight else 0 for m in rows["mission_id"]], "color": "#1B1F24"},
                    },
                    customdata=rows["hover"].to_list(),
                    hovertemplate="%{customdata}<extra></extra>",
                ),
                **bar_row,
            )

    for when, text in (
        (datetime.combine(today, datetime.min.time()), f"Today ({today.year})"),
        (datetime(2061, 12, 31), "2061"),
    ):
        fig.add_shape(
            type="line",
            x0=when,
            x1=when,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line={"color": MUTED_COLOUR, "dash": "dot", "width": 1.5},
        )
        fig.add_annotation(
            x=when,
            y=1,
            xref="x",
            yref="paper",
            text=text,
            showarrow=False,
            yanchor="bottom",
            font={"size": 11, "color": MUTED_COLOUR},
        )

    fig.update_layout(barmode="overlay", bargap=0.25)
    fig.update_xaxes(type="date", range=["1955-01-01", "2064-12-31"], title="")
    fig.update_yaxes(
        autorange="reversed",
        type="category",
        categoryorder="array",
        categoryarray=spans["label"].to_list(),
        tickfont={"size": 11},
        **bar_row,
    )
    if not compact:
        _add_group_labels(fig, spans, dest_names, bar_row)
    height = max(260, gantt_height + (strip_height if strip else 0))
    return finish(
        fig,
        title=title,
        source=SOURCE_DATA,
        height=height,
        legend_title={"status": "Status", "lead_agency": "Lead agency", "mode": "Cooperation mode"}[color_by],
    )


def mission_start_year_label(spans: pd.DataFrame) -> pd.Series:
    return spans["start"].dt.year.astype("Int64").astype("string").fillna("")


def _add_group_labels(fig: go.Figure, spans: pd.DataFrame, dest_names: pd.Series, bar_row: dict) -> None:
    """Destination headings and separators, since one axis holds every destination's rows."""
    axis = "y2" if bar_row else "y"
    labels = spans["label"].to_list()
    for destination, group in spans.groupby("destination_id", sort=False):
        first = labels.index(group["label"].iloc[0])
        fig.add_annotation(
            x="1956-01-01",
            y=labels[first],
            xref="x2" if bar_row else "x",
            yref=axis,
            text=f"<b>{escape(str(dest_names.get(destination, destination)))}</b>",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            yshift=6,
            font={"size": 12, "color": "#1B1F24"},
        )
        if first:
            fig.add_shape(
                type="line",
                xref="paper",
                x0=0,
                x1=1,
                yref=axis,
                y0=first - 0.5,
                y1=first - 0.5,
                line={"color": "#BFC5CC", "width": 1},
            )


LABEL_GAP_YEARS = 24  # room for a label at the narrowest layout (about 6 px a year)


def _add_milestones(fig: go.Figure, milestones: pd.DataFrame) -> None:
    """Dated events as diamonds on three rows of the top strip.

    Labels are placed greedily so they never overlap: an event is labelled only if its row's
    previous label is far enough back; the others keep their diamond and their hover text."""
    events = milestones.sort_values("date").reset_index(drop=True)
    last_label = [-10_000.0] * 3
    levels, texts = [], []
    for event in events.itertuples():
        year = event.date.year + event.date.dayofyear / 366
        level = min(range(3), key=lambda lv: last_label[lv])
        if year - last_label[level] >= LABEL_GAP_YEARS:
            last_label[level] = year
            name = str(event.name)
            texts.append(escape(name if len(name) <= 22 else name[:21] + "…"))
        else:
            texts.append("")
        levels.append(level)
    fig.add_trace(
        go.Scatter(
            x=events["date"].dt.strftime("%Y-%m-%d"),
            y=levels,
            mode="markers+text",
            text=texts,
            textposition="middle right",
            textfont={"size": 10, "color": MUTED_COLOUR},
            marker={"symbol": "diamond", "size": 9, "color": "#1B1F24"},
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
    fig.update_yaxes(visible=False, range=[-0.6, 2.8], row=1, col=1)
    fig.add_annotation(
        text="<b>Milestones</b>",
        x="1956-01-01",
        y=2.6,
        xref="x",
        yref="y",
        showarrow=False,
        xanchor="left",
        font={"size": 12, "color": "#1B1F24"},
    )


def timeline_summary(missions: pd.DataFrame, agencies: pd.DataFrame) -> str:
    if missions.empty:
        return "No mission matches the current filters."
    real = missions[missions["status"] != "notional"]
    names = agencies.set_index("agency_id")["short_name"]
    leads = real["lead_agency_id"].value_counts()
    text = f"{plural(len(missions), 'mission')} shown"
    if len(leads):
        top = leads.index[0]
        cooperative = int((real[real["lead_agency_id"] == top]["cooperation_mode_id"] != "national").sum())
        text += f"; {names.get(top, top)} led {leads.iloc[0]} of them, {cooperative} with foreign partners"
    notional = int((missions["status"] == "notional").sum())
    if notional:
        text += f"; {plural(notional, 'notional Horizon 2061 window')}"
    return text + "."
