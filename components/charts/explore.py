"""Figures for the explore pages: pillars, destinations and cooperation modes.

Every builder is pure (frames in, ``go.Figure`` out) and has a matching ``*_summary``
that states the chart's main finding in one sentence for readers who cannot see it.
Text that comes from the data is HTML-escaped before it reaches hover labels.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from components.analysis import (
    CAPABILITY_LABELS,
    HERITAGE_CAPABILITIES,
    STATUS_GROUP_ORDER,
    mode_counts,
    status_group,
)
from components.charts.base import SOURCE_CH7, SOURCE_DATA, column_labels, finish, plural, stacked_bars, wrap
from components.schema import MISSION_STATUSES, MODE_IDS
from components.theme import (
    CATEGORY_COLOURS,
    MODE_COLOURS,
    OKABE_ITO,
    STATUS_GROUP_COLOURS,
    STATUS_GROUP_PATTERNS,
    destination_colour,
)
from components.vocabulary import agency_labels, destination_labels, destination_short_labels, mode_labels, status_label


def _table_destinations(destinations: pd.DataFrame) -> pd.DataFrame:
    return destinations[destinations["in_table_7_1"]].sort_values("display_order")


def table_row_figure(row: pd.Series, modes: pd.DataFrame) -> go.Figure:
    """One row of Table 7.1 as a slide: what cooperation would bring to a destination and the
    modes that fit it, ladder order (``analysis.table_7_1`` gives the row)."""
    benefits = [escape(str(b)) for b in row["benefits"]] or ["(none listed)"]
    chosen = [escape(str(m)) for m in row["recommended_modes"]] or ["(none listed)"]
    fig = go.Figure(
        go.Table(
            columnwidth=[3, 2],
            header={
                "values": ["<b>What cooperation would bring</b>", "<b>Promising cooperation modes</b>"],
                "align": "left",
                "fill_color": "#F2F5F8",
                "font": {"size": 18},
                "height": 40,
                "line_color": "#FFFFFF",
            },
            cells={
                "values": [
                    ["<br>".join(f"• {wrap(b, 58)}".replace("<br>", "<br>   ") for b in benefits)],
                    ["<br>".join(f"{n}. {wrap(m, 34)}".replace("<br>", "<br>    ") for n, m in enumerate(chosen, 1))],
                ],
                "align": "left",
                "fill_color": "#FFFFFF",
                "font": {"size": 17},
                "height": 32,
                "line_color": "#FFFFFF",
            },
        )
    )
    paragraph = str(row.get("paragraph") or "§7.5.2")
    return finish(
        fig,
        title=f"{escape(str(row['destination']))}: what cooperation would bring (Table 7.1)",
        source=f"{SOURCE_CH7} {paragraph}; Table 7.1 reconstructed from the numbered paragraphs",
        height=560,
        show_legend=False,
    )


def table_row_summary(row: pd.Series) -> str:
    modes = ", ".join(str(m) for m in row["recommended_modes"]) or "no mode"
    count = len(row["benefits"])
    return (
        f"For {row['destination']}, the chapter names {plural(count, 'benefit')} of cooperation "
        f"and recommends {modes.lower() if modes else modes}."
    )


# ------------------------------------------------------------------ Pillar 1: science


def science_matrix(
    destination_questions: pd.DataFrame, destinations: pd.DataFrame, questions: pd.DataFrame
) -> go.Figure:
    """Destinations × the six key questions: which questions each destination serves."""
    rows = _table_destinations(destinations)
    questions = questions.sort_values("number")
    lookup = destination_questions.set_index(["destination_id", "question_id"])
    z, text, hover = [], [], []
    for destination in rows.itertuples():
        z_row, text_row, hover_row = [], [], []
        for question in questions.itertuples():
            key = (destination.destination_id, question.question_id)
            if key in lookup.index:
                link = lookup.loc[key]
                primary = link["emphasis"] == "primary"
                z_row.append(2 if primary else 1)
                text_row.append("●" if primary else "○")
                hover_row.append(f"{escape(link['basis'])}<br><i>{escape(link['source'])}</i>")
            else:
                z_row.append(0)
                text_row.append("")
                hover_row.append("Not emphasised in ch. 7")
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    x_labels, label_lines = column_labels([f"Q{q.number} {q.short_title}" for q in questions.itertuples()], 16)
    short_names = destination_short_labels(destinations)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x_labels,
            y=[escape(short_names[d]) for d in rows["destination_id"]],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 20, "color": "#FFFFFF"},
            customdata=hover,
            hovertemplate="<b>%{y} · %{x}</b><br>%{customdata}<extra></extra>",
            colorscale=[[0, "#F2F5F8"], [0.5, "#9ECAE1"], [1, "#0072B2"]],
            zmin=0,
            zmax=2,
            showscale=False,
            xgap=3,
            ygap=3,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0)
    return finish(
        fig,
        title="Which of the six key questions each destination serves",
        source=f"{SOURCE_CH7} §7.2.1, §7.5.2 (our reading; ● primary, ○ supporting)",
        height=420,
        show_legend=False,
        top_axis=label_lines,
    )


def science_matrix_summary(destination_questions: pd.DataFrame, questions: pd.DataFrame) -> str:
    counts = destination_questions.groupby("question_id").size()
    widest = counts.idxmax()
    title = questions.set_index("question_id").loc[widest, "short_title"]
    return (
        f"Question {widest[1:]} ({title.lower()}) is served by the most destinations ({counts.max()} of 6); "
        f"{plural(len(destination_questions), 'link')} in all, "
        f"{int((destination_questions['emphasis'] == 'primary').sum())} of them primary."
    )


# ----------------------------------------------------------------- Pillar 2: missions


def missions_by_status(missions: pd.DataFrame, destinations: pd.DataFrame) -> go.Figure:
    """Missions per destination, stacked by past / operating / planned / notional."""
    order = destinations.sort_values("display_order")
    grouped = missions.assign(group=status_group(missions["status"]))
    counts = grouped.groupby(["destination_id", "group"]).size()
    short_names = destination_short_labels(destinations)
    fig = stacked_bars(
        [escape(short_names[d]) for d in order["destination_id"]],
        [
            (g, [int(counts.get((d, g), 0)) for d in order["destination_id"]], STATUS_GROUP_COLOURS[g])
            for g in STATUS_GROUP_ORDER
        ],
        horizontal=True,
        value_title="Missions",
        patterns=[STATUS_GROUP_PATTERNS[g] for g in STATUS_GROUP_ORDER],
    )
    return finish(fig, title="Missions by destination and status", source=SOURCE_DATA, height=380)


def missions_by_status_summary(missions: pd.DataFrame, destinations: pd.DataFrame) -> str:
    if missions.empty:
        return "No mission matches the current filters."
    per_destination = missions["destination_id"].value_counts()
    names = destination_labels(destinations)
    top = per_destination.index[0]
    planned = int(missions["status"].isin(["in development", "planned"]).sum())
    notional = int((missions["status"] == "notional").sum())
    if len(missions) == 1:
        lead = f"The one mission shown is at {names[top]}"
    elif len(per_destination) == 1:
        lead = f"All {len(missions)} missions shown are at {names[top]}"
    else:
        lead = f"{names[top]} has the most missions ({per_destination.iloc[0]} of {len(missions)} shown)"
    return f"{lead}; {planned} planned or in development and {notional} notional."


# -------------------------------------------------------------- Pillar 3: technologies


def partner_contributions(contributions: pd.DataFrame) -> go.Figure:
    """Foreign contributions to missions per decade, by kind (payloads, platforms, support)."""
    kinds = ["Payloads", "Platforms and launchers", "Ground and infrastructure support", "Sample and data exchange"]
    colours = dict(zip(kinds, (OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[4]), strict=True))
    decades = sorted(contributions["decade"].unique())
    by_kind = contributions.set_index(["kind", "decade"])["contributions"]
    fig = stacked_bars(
        decades,
        [(k, [int(by_kind.get((k, d), 0)) for d in decades], colours[k]) for k in kinds],
        horizontal=False,
        value_title="Contributions from another country",
        category_title="Launch decade",
    )
    return finish(
        fig,
        title="What partners contributed to other nations' missions, by decade",
        source=f"{SOURCE_DATA}; kinds after {SOURCE_CH7} §7.2.3",
        height=400,
    )


def partner_contributions_summary(contributions: pd.DataFrame) -> str:
    if contributions.empty:
        return "No foreign contribution among the missions shown."
    by_kind = contributions.groupby("kind")["contributions"].sum().sort_values(ascending=False)
    by_decade = contributions.groupby("decade")["contributions"].sum()
    return (
        f"{by_kind.index[0]} are the most common foreign contribution ({by_kind.iloc[0]} of {by_kind.sum()}); "
        f"the busiest decade is the {by_decade.idxmax()} with {by_decade.max()}."
    )


# ---------------------------------------------------------- Pillar 4: infrastructures


def deep_space_antennas(infrastructures: pd.DataFrame) -> go.Figure:
    """The largest antenna of each deep-space ground station, grouped by network."""
    stations = infrastructures[infrastructures["kind"] == "ground station"].copy()
    stations = stations.sort_values(["network", "largest_antenna_m"], ascending=[True, False])
    networks = list(dict.fromkeys(stations["network"]))
    palette = dict(zip(networks, OKABE_ITO + OKABE_ITO, strict=False))
    fig = go.Figure()
    for network in networks:
        part = stations[stations["network"] == network]
        fig.add_trace(
            go.Bar(
                name=network,
                y=[escape(n) for n in part["name"]],
                x=part["largest_antenna_m"],
                orientation="h",
                marker_color=palette[network],
                customdata=list(zip(part["country"], part["established"].astype("string").fillna("?"), strict=True)),
                hovertemplate="<b>%{y}</b><br>Largest dish %{x:.0f} m · %{customdata[0]} · since %{customdata[1]}"
                "<extra></extra>",
            )
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Largest antenna (m)")
    return finish(
        fig,
        title="Deep-space ground stations and their largest antennas",
        source=f"Agency station pages; {SOURCE_CH7} §7.2.4, §7.5.1",
        height=480,
        legend_title="Network",
    )


def deep_space_antennas_summary(infrastructures: pd.DataFrame) -> str:
    stations = infrastructures[infrastructures["kind"] == "ground station"]
    countries = stations["country"].nunique()
    return (
        f"{plural(len(stations), 'deep-space station')} in {countries} countries across "
        f"{stations['network'].nunique()} networks; only NASA's DSN and ESA's ESTRACK span three continents."
    )


# ------------------------------------------------------------------- destinations


def heritage_heatmap(heritage_table: pd.DataFrame, agencies: pd.DataFrame, destination_name: str) -> go.Figure:
    """Agency × capability at one destination: missions that demonstrated it (lead or element)."""
    names = agency_labels(agencies)
    labels = [escape(str(names.get(a, a))) for a in heritage_table.index]
    columns, label_lines = column_labels([CAPABILITY_LABELS[c] for c in HERITAGE_CAPABILITIES], 12)
    values = heritage_table.to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=columns,
            y=labels,
            text=[[str(v) if v else "" for v in row] for row in values],
            texttemplate="%{text}",
            colorscale=[[0, "#F2F5F8"], [0.001, "#C6DBEF"], [1, "#08519C"]],
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="<b>%{y}</b> · %{x}: %{z} mission(s) led<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0)
    return finish(
        fig,
        title=f"Who has flown by, orbited, landed, roved or returned samples: {escape(destination_name)}",
        source=f"{SOURCE_DATA}; completed or operating missions, counted for their lead agency",
        height=max(300, 160 + 36 * len(labels)),
        show_legend=False,
        top_axis=label_lines,
    )


def heritage_summary(heritage_table: pd.DataFrame, agencies: pd.DataFrame) -> str:
    if heritage_table.empty:
        return "No agency has yet completed a mission here."
    names = agency_labels(agencies)
    returners = [names.get(a, a) for a in heritage_table.index[heritage_table["sample_return"] > 0]]
    count = len(heritage_table)
    text = f"{plural(count, 'agency', 'agencies')} {'has' if count == 1 else 'have'} led a mission that demonstrated "
    text += "at least one capability here"
    if returners:
        text += f"; sample return by {', '.join(returners)}"
    return text + "."


def destination_comparison(
    missions: pd.DataFrame, destinations: pd.DataFrame, modes: pd.DataFrame, first: str, second: str
) -> go.Figure:
    """Two destinations side by side: their missions per cooperation mode."""
    names = destination_labels(destinations)
    mode_names = mode_labels(modes)
    order = ["national", *MODE_IDS]
    fig = stacked_bars(
        [wrap(mode_names[m], 24) for m in order],
        [
            (
                escape(names[d]),
                [int(mode_counts(missions[missions["destination_id"] == d])[m]) for m in order],
                destination_colour(d),
            )
            for d in (first, second)
        ],
        horizontal=True,
        value_title="Missions",
        barmode="group",
    )
    return finish(
        fig,
        title=f"Cooperation modes practised: {escape(names[first])} vs {escape(names[second])}",
        source=SOURCE_DATA,
        height=420,
    )


def destination_comparison_summary(missions: pd.DataFrame, destinations: pd.DataFrame, first: str, second: str) -> str:
    names = destination_labels(destinations)
    parts = []
    for destination in (first, second):
        here = missions[missions["destination_id"] == destination]
        cooperative = int((here["cooperation_mode_id"] != "national").sum())
        parts.append(f"{names[destination]}: {cooperative} of {plural(len(here), 'mission')} cooperative")
    return "; ".join(parts) + "."


# ----------------------------------------------------------------------- cooperation


def mode_ladder(missions: pd.DataFrame, modes: pd.DataFrame) -> go.Figure:
    """The six modes as a ladder of increasing integration, with the missions that used each."""
    ordered = modes.sort_values("rank")
    counts = mode_counts(missions)
    mode_names = mode_labels(modes)
    ids = ["national", *ordered["mode_id"]]
    labels = [mode_names["national"]] + [f"{r.rank}. {mode_names[r.mode_id]}" for r in ordered.itertuples()]
    hover = ["Every participant from the lead's own country"] + [escape(d) for d in ordered["definition"]]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=[int(counts[m]) for m in ids],
            orientation="h",
            marker_color=[MODE_COLOURS[m] for m in ids],
            text=[int(counts[m]) for m in ids],
            textposition="outside",
            customdata=hover,
            hovertemplate="<b>%{y}</b><br>%{x} missions<br>%{customdata}<extra></extra>",
        )
    )
    fig.update_xaxes(title="Missions (most integrated mode each mission shows)")
    return finish(
        fig,
        title="The cooperation ladder: from delivering an instrument to multi-mission programmes",
        source=f"Modes after {SOURCE_CH7} §7.5.1; missions from the {SOURCE_DATA}",
        height=420,
        show_legend=False,
    )


def mode_ladder_summary(missions: pd.DataFrame, modes: pd.DataFrame) -> str:
    if missions.empty:
        return "No mission matches the current filters."
    counts = mode_counts(missions)
    cooperative = counts.drop("national")
    names = mode_labels(modes)
    top = cooperative.idxmax()
    return (
        f"{int(cooperative.sum())} of {plural(len(missions), 'mission')} shown had foreign partners; "
        f"the most common mode is {names[top].lower()} ({int(cooperative.max())})."
    )


def mode_destination_matrix(missions: pd.DataFrame, modes: pd.DataFrame, destinations: pd.DataFrame) -> go.Figure:
    """Missions per mode × destination, as a clickable dot matrix (one marker per cell)."""
    order = destinations.sort_values("display_order")
    mode_order = ["national", *modes.sort_values("rank")["mode_id"]]
    mode_names = {m: wrap(name, 16) for m, name in mode_labels(modes).items()}
    short_names = destination_short_labels(destinations)
    columns, label_lines = column_labels([escape(short_names[d]) for d in order["destination_id"]], 10)
    column_of = dict(zip(order["destination_id"], columns, strict=True))
    counts = missions.groupby(["cooperation_mode_id", "destination_id"]).size()
    xs, ys, sizes, texts, custom = [], [], [], [], []
    peak = max(int(counts.max()) if len(counts) else 1, 1)
    for mode in mode_order:
        for destination in order.itertuples():
            value = int(counts.get((mode, destination.destination_id), 0))
            xs.append(column_of[destination.destination_id])
            ys.append(mode_names[mode])
            sizes.append(0 if value == 0 else 20 + 20 * (value / peak) ** 0.5)
            texts.append(str(value) if value else "")
            custom.append([mode, destination.destination_id, value])
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=texts,
            textfont={"color": "#FFFFFF", "size": 14},
            marker={"size": sizes, "color": "#0072B2", "symbol": "square", "line": {"width": 0}},
            # A clicked cell is outlined in vermillion; the others keep their colour and numbers.
            selected={"marker": {"color": "#D55E00", "opacity": 1}, "textfont": {"color": "#FFFFFF"}},
            unselected={"marker": {"opacity": 1}, "textfont": {"color": "#FFFFFF"}},
            customdata=custom,
            hovertemplate="<b>%{y}</b> at <b>%{x}</b>: %{customdata[2]} mission(s)<br>Click to list them"
            "<extra></extra>",
        )
    )
    fig.update_yaxes(
        autorange="reversed", categoryorder="array", categoryarray=[mode_names[m] for m in mode_order], showgrid=True
    )
    fig.update_xaxes(side="top", tickangle=0, categoryorder="array", categoryarray=columns, showgrid=True)
    return finish(
        fig,
        title="Missions by cooperation mode and destination",
        source=SOURCE_DATA,
        height=560,
        show_legend=False,
        top_axis=label_lines,
    )


def mode_destination_summary(missions: pd.DataFrame, modes: pd.DataFrame, destinations: pd.DataFrame) -> str:
    cooperative = missions[missions["cooperation_mode_id"] != "national"]
    if cooperative.empty:
        return "No cooperative mission matches the current filters."
    counts = cooperative.groupby(["cooperation_mode_id", "destination_id"]).size()
    (mode, destination), value = counts.idxmax(), counts.max()
    return (
        f"The largest cell is {mode_labels(modes)[mode].lower()} at "
        f"{destination_labels(destinations)[destination]} ({plural(int(value), 'mission')})."
    )


def mode_breakdown(
    missions: pd.DataFrame,
    participants: pd.DataFrame,
    agencies: pd.DataFrame,
    modes: pd.DataFrame,
    by: str,
    top: int = 15,
) -> go.Figure:
    """Missions by cooperation mode, broken down by agency (any role), launch decade or status."""
    mode_names = mode_labels(modes)
    if by == "agency":
        joined = participants.drop_duplicates(["mission_id", "agency_id"]).merge(
            missions[["mission_id", "cooperation_mode_id"]], on="mission_id"
        )
        names = agency_labels(agencies)
        leaders = joined["agency_id"].value_counts().head(top).index
        joined = joined[joined["agency_id"].isin(leaders)]
        joined["group"] = joined["agency_id"].map(names)
        categories = [names[a] for a in leaders]
        axis_title, title = "Agency (missions taken part in, any role)", "Cooperation modes by agency"
    elif by == "era":
        joined = missions.assign(
            group=missions["launch_year"]
            .fillna(missions["window_start"])
            .map(lambda y: f"{int(y) // 10 * 10}s" if pd.notna(y) else "Unknown")
        )
        categories = sorted(joined["group"].unique())
        axis_title, title = "Launch decade (notional: window opening)", "Cooperation modes by era"
    elif by == "status":
        joined = missions.assign(group=missions["status"].map(status_label))
        shown = set(missions["status"])
        categories = [status_label(s) for s in MISSION_STATUSES if s in shown]
        axis_title, title = "Status", "Cooperation modes by mission status"
    else:
        raise ValueError(f"unknown breakdown {by!r}")
    counts = joined.groupby(["group", "cooperation_mode_id"]).size()
    # Agencies and statuses are names that collide under vertical bars at 820 px: they read as rows.
    horizontal = by != "era"
    fig = stacked_bars(
        [escape(str(c)) for c in categories],
        [
            (wrap(mode_names[m], 22), [int(counts.get((c, m), 0)) for c in categories], MODE_COLOURS[m])
            for m in ["national", *MODE_IDS]
        ],
        horizontal=horizontal,
        value_title="Missions",
        category_title=axis_title,
    )
    height = max(420, 150 + 30 * len(categories)) if horizontal else 460
    return finish(fig, title=title, source=SOURCE_DATA, height=height, legend_title="Mode")


def mode_breakdown_summary(missions: pd.DataFrame, by: str) -> str:
    if missions.empty:
        return "No mission matches the current filters."
    cooperative = missions["cooperation_mode_id"] != "national"
    if by == "era":
        years = missions["launch_year"].fillna(missions["window_start"])
        share = cooperative.groupby((years // 10 * 10).astype("Int64")).mean()
        return (
            f"The cooperative share rises from {share.iloc[0]:.0%} in the {share.index[0]}s "
            f"to {share.iloc[-1]:.0%} in the {share.index[-1]}s."
        )
    return f"{int(cooperative.sum())} of {plural(len(missions), 'mission')} shown had foreign partners."


def recommended_vs_practised_chart(table: pd.DataFrame, modes: pd.DataFrame, destinations: pd.DataFrame) -> go.Figure:
    """Table 7.1's recommended modes beside the modes missions actually used; gaps in vermillion."""
    short_names = destination_short_labels(destinations)
    columns, label_lines = column_labels(
        [escape(short_names[d]) for d in _table_destinations(destinations)["destination_id"]], 10
    )
    names = dict(zip(_table_destinations(destinations)["destination_id"], columns, strict=True))
    mode_names = {m: wrap(name, 16) for m, name in mode_labels(modes).items()}
    fig = go.Figure()
    for category, colour in CATEGORY_COLOURS.items():
        part = table[table["category"] == category]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                name=category.capitalize(),
                x=[names[d] for d in part["destination_id"]],
                y=[mode_names[m] for m in part["mode_id"]],
                mode="markers+text",
                marker={
                    # Recommended cells are squares, the others circles: the shape says what the
                    # colour says, and the text says practised (a count) or not ("gap").
                    "symbol": "square" if category.startswith("recommended") else "circle",
                    "size": 44,
                    "color": colour,
                    "line": {"width": 1, "color": "#BFC5CC" if category == "neither" else colour},
                },
                text=[
                    str(n) if n else ("gap" if category.startswith("recommended,") else "") for n in part["missions"]
                ],
                textfont={"color": "#1B1F24" if category in ("neither", "practised, not recommended") else "#FFFFFF"},
                customdata=part["missions"],
                hovertemplate=f"<b>%{{x}} · %{{y}}</b><br>{category.capitalize()}<br>%{{customdata}} mission(s) "
                "flown or committed<extra></extra>",
            )
        )
    ordered_modes = [mode_names[m] for m in modes.sort_values("rank")["mode_id"]]
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=ordered_modes)
    fig.update_xaxes(side="top", tickangle=0, categoryorder="array", categoryarray=columns)
    return finish(
        fig,
        title="Recommended vs practised: Table 7.1's modes beside the modes missions used",
        source=f"Recommendations reconstructed from {SOURCE_CH7} §7.5.2; missions flown or committed",
        height=560,
        legend_title="",
        top_axis=label_lines,
    )


def recommended_vs_practised_summary(table: pd.DataFrame, destinations: pd.DataFrame, modes: pd.DataFrame) -> str:
    gaps = table[table["category"] == "recommended, not yet practised"]
    names = destination_labels(destinations)
    mode_names = mode_labels(modes)
    if gaps.empty:
        return "Every recommended mode has been practised by at least one mission shown."
    listed = "; ".join(f"{mode_names[r.mode_id].lower()} at {names[r.destination_id]}" for r in gaps.itertuples())
    return f"{plural(len(gaps), 'recommended mode')} not practised by any mission shown: {listed}."
