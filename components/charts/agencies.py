"""Figures about agencies: who took part where, in which roles, with whom, and what they can do alone."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.analysis import (
    ALONE,
    AUTONOMY_CAPABILITIES,
    AUTONOMY_LABELS,
    NOT_YET,
    WITH_PARTNERS,
    participation,
)
from components.charts.base import SOURCE_DATA, column_labels, empty_figure, finish, place_labels, plural, stacked_bars
from components.metrics import led_by, took_part
from components.schema import MODE_IDS, PARTICIPANT_ROLES
from components.theme import MODE_COLOURS, OKABE_ITO, agency_colour, destination_colour
from components.vocabulary import agency_labels, destination_short_labels, mode_short_labels

ROLE_LABELS = {
    "lead": "Lead",
    "element": "Element or platform",
    "instrument": "Instrument",
    "infrastructure": "Ground or infrastructure support",
    "launch": "Launch",
    "exchange": "Sample or data exchange",
}
ROLE_COLOURS = dict(
    zip(
        PARTICIPANT_ROLES,
        (OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[5], OKABE_ITO[3], OKABE_ITO[4]),
        strict=True,
    )
)
AUTONOMY_COLOURS = {ALONE: "#0072B2", WITH_PARTNERS: "#9ECAE1", NOT_YET: "#F2F5F8"}
# Not by colour alone: a full square, a square crossed (+ partners), an empty box (drawn in grey:
# an open symbol takes its outline from the marker's colour).
AUTONOMY_SYMBOLS = {ALONE: "square", WITH_PARTNERS: "square-cross", NOT_YET: "square-open"}
AUTONOMY_MARKER_COLOURS = {**AUTONOMY_COLOURS, NOT_YET: "#9AA1A9"}
AUTONOMY_OUTLINES = {
    ALONE: {"width": 1, "color": "#0072B2"},
    WITH_PARTNERS: {"width": 2, "color": "#08519C"},
    NOT_YET: {"width": 2, "color": "#9AA1A9"},
}


def _names(agencies: pd.DataFrame) -> dict[str, str]:
    return agency_labels(agencies)


def top_agencies(missions: pd.DataFrame, participants: pd.DataFrame, top: int) -> list[str]:
    """Agencies with the most missions (any role) among those shown."""
    shown = participants[participants["mission_id"].isin(set(missions["mission_id"]))]
    return list(shown.drop_duplicates(["agency_id", "mission_id"])["agency_id"].value_counts().head(top).index)


def participation_heatmap(
    missions: pd.DataFrame,
    participants: pd.DataFrame,
    agencies: pd.DataFrame,
    destinations: pd.DataFrame,
    top: int = 20,
) -> go.Figure:
    """Agency × destination: missions led and joined, with the role breakdown on hover."""
    names = _names(agencies)
    frame = participation(missions, participants)
    leaders = top_agencies(missions, participants, top)
    order = destinations.sort_values("display_order")
    led = frame.groupby(["agency_id", "destination_id"])["led"].agg(["sum", "count"])
    roles = (
        frame.assign(role=frame["roles"].str.split("|"))
        .explode("role")
        .groupby(["agency_id", "destination_id", "role"])
        .size()
    )
    led_by_cell = {key: (int(row["sum"]), int(row["count"])) for key, row in led.to_dict("index").items()}
    role_counts = {key: int(n) for key, n in roles.items()}
    z, text, hover = [], [], []
    for agency in leaders:
        z_row, text_row, hover_row = [], [], []
        for destination in order["destination_id"]:
            n_led, taking_part = led_by_cell.get((agency, destination), (0, 0))
            joined = taking_part - n_led
            z_row.append(n_led + joined)
            text_row.append(f"{n_led}/{joined}" if n_led + joined else "")
            breakdown = "<br>".join(
                f"{ROLE_LABELS[r]}: {role_counts[(agency, destination, r)]}"
                for r in PARTICIPANT_ROLES
                if (agency, destination, r) in role_counts
            )
            hover_row.append(f"Led {n_led}, joined {joined}" + (f"<br>{breakdown}" if breakdown else ""))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    short_names = destination_short_labels(destinations)
    columns, label_lines = column_labels([escape(short_names[d]) for d in order["destination_id"]], 10)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=[escape(str(names.get(a, a))) for a in leaders],
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="<b>%{y} · %{x}</b><br>%{customdata}<extra></extra>",
            colorscale=[[0, "#F2F5F8"], [0.001, "#DEEBF7"], [1, "#08519C"]],
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0)
    return finish(
        fig,
        title="Where each agency took part: missions led / joined, by destination",
        source=SOURCE_DATA,
        height=max(360, 190 + 30 * len(leaders)),
        show_legend=False,
        top_axis=label_lines,
    )


def participation_summary(missions: pd.DataFrame, participants: pd.DataFrame, agencies: pd.DataFrame) -> str:
    if missions.empty:
        return "No mission matches the current filters."
    per_agency = took_part(participants[participants["mission_id"].isin(set(missions["mission_id"]))])
    names = _names(agencies)
    top = per_agency.index[0]
    led = int(led_by(missions).get(top, 0))
    return (
        f"{names.get(top, top)} took part in the most missions shown ({per_agency.iloc[0]}, leading {led}); "
        f"{plural(len(per_agency), 'agency', 'agencies')} appear in all."
    )


def roles_by_agency(
    missions: pd.DataFrame, participants: pd.DataFrame, agencies: pd.DataFrame, top: int = 20
) -> go.Figure:
    """How each agency took part: lead, element, instrument, infrastructure, launch, exchange."""
    names = _names(agencies)
    leaders = top_agencies(missions, participants, top)
    shown = participants[participants["mission_id"].isin(set(missions["mission_id"]))]
    counts = shown.groupby(["agency_id", "role"]).size()
    fig = stacked_bars(
        [escape(str(names.get(a, a))) for a in leaders],
        [(ROLE_LABELS[r], [int(counts.get((a, r), 0)) for a in leaders], ROLE_COLOURS[r]) for r in PARTICIPANT_ROLES],
        horizontal=True,
        value_title="Participations",
    )
    return finish(
        fig, title="Roles per agency", source=SOURCE_DATA, height=max(340, 140 + 24 * len(leaders)), legend_title="Role"
    )


def roles_summary(missions: pd.DataFrame, participants: pd.DataFrame) -> str:
    shown = participants[participants["mission_id"].isin(set(missions["mission_id"]))]
    if shown.empty:
        return "No mission matches the current filters."
    roles = shown["role"].value_counts()
    non_lead = roles.drop("lead", errors="ignore")
    if non_lead.empty:
        return "Every participation shown is a lead role."
    return (
        f"Besides leading ({int(roles.get('lead', 0))}), the commonest role is "
        f"{ROLE_LABELS[non_lead.index[0]].lower()} ({int(non_lead.iloc[0])} of {int(non_lead.sum())})."
    )


NETWORK_HEIGHT = 660
NETWORK_PLOT_PX = 500  # the plot's height once the title block and margins are taken
NETWORK_RANGE = 1.2  # layout units from the centre to the top and bottom of the plot
NETWORK_ASPECT = 1.5  # the layout is this much wider than tall


def _spring_layout(nodes: list[str], edges: pd.DataFrame, iterations: int = 500, seed: int = 7) -> dict[str, tuple]:
    """Fruchterman–Reingold layout in NumPy; deterministic for a given input.

    Attraction grows with the log of shared missions, so NASA's dozens of partners do not
    collapse into one knot; the result is scaled to fill [-1, 1] on both axes."""
    count = len(nodes)
    index = {n: i for i, n in enumerate(nodes)}
    angle = np.linspace(0, 2 * np.pi, count, endpoint=False)
    rng = np.random.default_rng(seed)
    position = np.column_stack([np.cos(angle), np.sin(angle)]) + rng.normal(0, 0.01, (count, 2))
    weight = np.zeros((count, count))
    for edge in edges.itertuples():
        i, j = index[edge.source], index[edge.target]
        weight[i, j] = weight[j, i] = np.log1p(edge.shared)
    k = 3.2 / np.sqrt(max(count, 1))
    temperature = 0.25
    for _ in range(iterations):
        delta = position[:, None, :] - position[None, :, :]
        distance = np.linalg.norm(delta, axis=-1) + 1e-9
        repulse = (k * k / distance**2)[..., None] * delta
        attract = -(distance * weight / k)[..., None] * delta
        step = (repulse + attract).sum(axis=1)
        length = np.linalg.norm(step, axis=1, keepdims=True) + 1e-9
        position += step / length * np.minimum(length, temperature)
        temperature *= 0.99
    position -= np.median(position, axis=0)
    # Pull the periphery in and push the busy centre out (radius ** 0.6), so the agencies with
    # many partners get room for their names; then fill a 3:2 box, the shape of a slide.
    radius = np.linalg.norm(position, axis=1, keepdims=True).clip(min=1e-9)
    position = position / radius * (radius / radius.max()) ** 0.6
    position -= (position.max(axis=0) + position.min(axis=0)) / 2
    position /= np.abs(position).max(axis=0).clip(min=1e-9)
    position *= np.array([NETWORK_ASPECT, 1.0])
    return {n: (float(position[i, 0]), float(position[i, 1])) for n, i in index.items()}


def _separate(layout: dict[str, tuple], radii: dict[str, float], scale: float, gap: float = 6) -> dict[str, tuple]:
    """Move overlapping markers apart (in pixels at ``scale``) until each keeps ``gap`` px of air."""
    names = list(layout)
    position = np.array([layout[n] for n in names]) * scale
    size = np.array([radii[n] for n in names])
    for _ in range(60):
        delta = position[:, None, :] - position[None, :, :]
        distance = np.linalg.norm(delta, axis=-1) + np.eye(len(names))
        needed = size[:, None] + size[None, :] + gap
        push = np.clip(needed - distance, 0, None) * (1 - np.eye(len(names)))
        if not push.any():
            break
        position += (push[..., None] * delta / distance[..., None] / 2).sum(axis=1)
    return {n: (float(position[i, 0] / scale), float(position[i, 1] / scale)) for i, n in enumerate(names)}


def co_participation_network(
    edges: pd.DataFrame,
    missions: pd.DataFrame,
    participants: pd.DataFrame,
    agencies: pd.DataFrame,
    top: int = 28,
    min_shared: int = 2,
    labelled: int = 12,
) -> go.Figure:
    """Agencies as nodes, edges weighted by shared missions; the busiest pairs drawn thickest.

    Only the ``labelled`` agencies with the most missions are named on the chart (where
    their name finds room); every node names itself on hover."""
    names = _names(agencies)
    candidates = top_agencies(missions, participants, top)
    kept = edges[edges["source"].isin(candidates) & edges["target"].isin(candidates) & (edges["shared"] >= min_shared)]
    # Isolated agencies would only push the connected ones into a corner.
    connected = set(kept["source"]) | set(kept["target"])
    nodes = [n for n in candidates if n in connected]
    if not nodes:
        return empty_figure(
            "No two agencies shown share enough missions to draw a link.",
            title="Who works with whom",
            source=SOURCE_DATA,
        )
    layout = _spring_layout(nodes, kept)
    fig = go.Figure()
    peak = max(int(kept["shared"].max()) if len(kept) else 1, 1)
    for edge in kept.itertuples():
        (x0, y0), (x1, y1) = layout[edge.source], layout[edge.target]
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line={"width": 0.6 + 7 * edge.shared / peak, "color": "rgba(90,98,112,0.35)"},
            )
        )
    missions_per = (
        participants[participants["mission_id"].isin(set(missions["mission_id"]))]
        .drop_duplicates(["agency_id", "mission_id"])["agency_id"]
        .value_counts()
    )
    degree = pd.concat([kept["source"], kept["target"]]).value_counts()
    sizes = [12 + 4 * np.sqrt(missions_per.get(n, 1)) for n in nodes]
    # Place labels on the pixel grid of the plot: with a locked aspect ratio the height sets the scale.
    scale = NETWORK_PLOT_PX / (2 * NETWORK_RANGE)
    layout = _separate(layout, {n: size / 2 for n, size in zip(nodes, sizes, strict=True)}, scale)
    pixels = [(layout[n][0] * scale, -layout[n][1] * scale, size / 2) for n, size in zip(nodes, sizes, strict=True)]
    x_edge, y_edge = (NETWORK_ASPECT + NETWORK_RANGE - 1) * scale, NETWORK_RANGE * scale
    rank = {n: i for i, n in enumerate(sorted(nodes, key=lambda n: -missions_per.get(n, 0)))}
    display = [escape(str(names.get(n, n))) for n in nodes]
    positions = place_labels(
        pixels,
        [str(names.get(n, n)) for n in nodes],
        [rank[n] if rank[n] < labelled else len(nodes) + rank[n] for n in nodes],
        (-x_edge, x_edge, -y_edge, y_edge),
    )
    shown = [p is not None and rank[n] < labelled for n, p in zip(nodes, positions, strict=True)]
    fig.add_trace(
        go.Scatter(
            x=[layout[n][0] for n in nodes],
            y=[layout[n][1] for n in nodes],
            mode="markers+text",
            text=[d if on else "" for d, on in zip(display, shown, strict=True)],
            textposition=[p if on else "top center" for p, on in zip(positions, shown, strict=True)],
            textfont={"size": 14, "color": "#1B1F24"},
            marker={
                "size": sizes,
                "color": [agency_colour(n) for n in nodes],
                "line": {"width": 1, "color": "#FFFFFF"},
            },
            customdata=[
                [d, int(missions_per.get(n, 0)), int(degree.get(n, 0))] for d, n in zip(display, nodes, strict=True)
            ],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} missions · %{customdata[2]} partners drawn"
            "<extra></extra>",
            showlegend=False,
        )
    )
    x_range = NETWORK_ASPECT + NETWORK_RANGE - 1
    fig.update_xaxes(visible=False, range=[-x_range, x_range])
    fig.update_yaxes(visible=False, range=[-NETWORK_RANGE, NETWORK_RANGE], scaleanchor="x")
    return finish(
        fig,
        title=f"Who works with whom: agencies linked by shared missions (≥ {min_shared})",
        source=f"{SOURCE_DATA}; the {labelled} agencies with the most missions are named, the others on hover",
        height=NETWORK_HEIGHT,
        show_legend=False,
    )


def network_summary(edges: pd.DataFrame, agencies: pd.DataFrame) -> str:
    if edges.empty:
        return "No two agencies share a mission among those shown."
    names = _names(agencies)
    first = edges.iloc[0]
    return (
        f"The strongest partnership is {names.get(first['source'])}–{names.get(first['target'])} "
        f"with {first['shared']} shared missions; {plural(len(edges), 'pair')} of agencies shared at least one."
    )


def agency_flow(
    missions: pd.DataFrame, agencies: pd.DataFrame, modes: pd.DataFrame, destinations: pd.DataFrame, top: int = 12
) -> go.Figure:
    """Sankey: lead agency → cooperation mode → destination, for the missions shown."""
    names = _names(agencies)
    real = missions.dropna(subset=["lead_agency_id"])
    leaders = list(real["lead_agency_id"].value_counts().head(top).index)
    real = real.assign(lead=real["lead_agency_id"].where(real["lead_agency_id"].isin(leaders), "other"))
    mode_names = mode_short_labels(modes)
    dest_names = destination_short_labels(destinations)
    lead_nodes = [*leaders, "other"] if (real["lead"] == "other").any() else leaders
    mode_nodes = [m for m in ["national", *MODE_IDS] if m in set(real["cooperation_mode_id"])]
    dest_nodes = [
        d for d in destinations.sort_values("display_order")["destination_id"] if d in set(real["destination_id"])
    ]
    labels = (
        [escape(str(names.get(a, "Other agencies"))) for a in lead_nodes]
        + [mode_names[m] for m in mode_nodes]
        + [escape(str(dest_names[d])) for d in dest_nodes]
    )
    colours = (
        [agency_colour(a) if a != "other" else "#BFC5CC" for a in lead_nodes]
        + [MODE_COLOURS[m] for m in mode_nodes]
        + [destination_colour(d) for d in dest_nodes]
    )
    offset_mode, offset_dest = len(lead_nodes), len(lead_nodes) + len(mode_nodes)
    first = real.groupby(["lead", "cooperation_mode_id"]).size()
    second = real.groupby(["cooperation_mode_id", "destination_id"]).size()
    sources, targets, values = [], [], []
    for (lead, mode), n in first.items():
        sources.append(lead_nodes.index(lead))
        targets.append(offset_mode + mode_nodes.index(mode))
        values.append(int(n))
    for (mode, destination), n in second.items():
        sources.append(offset_mode + mode_nodes.index(mode))
        targets.append(offset_dest + dest_nodes.index(destination))
        values.append(int(n))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": labels, "color": colours, "pad": 14, "thickness": 16, "line": {"width": 0}},
            link={"source": sources, "target": targets, "value": values, "color": "rgba(140,140,140,0.25)"},
        )
    )
    return finish(
        fig,
        title="From lead agency to cooperation mode to destination",
        source=SOURCE_DATA,
        height=560,
        show_legend=False,
    )


def agency_flow_summary(missions: pd.DataFrame, agencies: pd.DataFrame) -> str:
    real = missions.dropna(subset=["lead_agency_id"])
    if real.empty:
        return "No mission with a lead agency matches the current filters."
    names = _names(agencies)
    leads = real["lead_agency_id"].value_counts()
    national = real.groupby("lead_agency_id")["cooperation_mode_id"].apply(lambda m: (m == "national").mean())
    top = leads.index[0]
    return (
        f"{names.get(top, top)} leads the most missions shown ({leads.iloc[0]}), "
        f"{national[top]:.0%} of them without foreign partners."
    )


def partners_bar(partners: pd.Series, agencies: pd.DataFrame, agency_name: str, top: int = 15) -> go.Figure:
    """An agency's partners ranked by shared missions."""
    names = _names(agencies)
    shown = partners.head(top)
    fig = go.Figure(
        go.Bar(
            y=[escape(str(names.get(a, a))) for a in shown.index],
            x=list(shown.values),
            orientation="h",
            marker_color=[agency_colour(a) for a in shown.index],
            text=list(shown.values),
            textposition="outside",
            hovertemplate="<b>%{y}</b>: %{x} shared missions<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Shared missions")
    return finish(
        fig,
        title=f"{escape(agency_name)}'s partners, ranked by shared missions",
        source=SOURCE_DATA,
        height=max(300, 120 + 26 * len(shown)),
        show_legend=False,
    )


def _shown_by(matrix: pd.DataFrame, limit: int = 4) -> dict[tuple[str, str], str]:
    """Hover lines naming what showed each capability: the agency's own spacecraft or the element it
    provided on another agency's mission (Huygens for ESA, Philae for DLR, CNES and ASI)."""
    if "elements" not in matrix.columns:
        return {}
    lines = {}
    for row in matrix.dropna(subset=["elements"]).itertuples():
        items = [escape(item) for item in str(row.elements).split("; ") if item]
        more = f"<br>… and {len(items) - limit} more" if len(items) > limit else ""
        lines[(row.agency_id, row.capability)] = "<br>Shown by: " + "<br>".join(items[:limit]) + more
    return lines


def autonomy_chart(
    matrix: pd.DataFrame,
    agencies: pd.DataFrame,
    single: dict[str, str],
    *,
    scope: str,
    include: list[str] | None = None,
) -> go.Figure:
    """Capabilities × agencies: alone, only with partners, or not yet; lone holders flagged."""
    names = _names(agencies)
    pivot = matrix.pivot_table(index="agency_id", columns="capability", values="status", aggfunc="first")
    if include:  # show every member of a group, even those with nothing demonstrated yet
        pivot = pivot.reindex(index=sorted(set(pivot.index) | set(include)))
    pivot = pivot.reindex(columns=list(AUTONOMY_CAPABILITIES)).fillna(NOT_YET)
    shown_by = _shown_by(matrix)
    score = pivot.apply(lambda row: sum({ALONE: 2, WITH_PARTNERS: 1}.get(v, 0) for v in row), axis=1)
    order = list(score.sort_values(ascending=False, kind="stable").index)
    columns, label_lines = column_labels(
        [AUTONOMY_LABELS[c] + (" ⚠" if c in single else "") for c in AUTONOMY_CAPABILITIES], 12
    )
    column_of = dict(zip(AUTONOMY_CAPABILITIES, columns, strict=True))
    fig = go.Figure()
    for status in AUTONOMY_COLOURS:
        xs, ys, hover = [], [], []
        for agency in order:
            for capability, label in zip(AUTONOMY_CAPABILITIES, columns, strict=True):
                if pivot.at[agency, capability] == status:
                    xs.append(label)
                    ys.append(escape(str(names.get(agency, agency))))
                    lone = " — the only holder" if single.get(capability) == agency else ""
                    hover.append(
                        f"{AUTONOMY_LABELS[capability]}: {status}{lone}" + shown_by.get((agency, capability), "")
                    )
        if xs:
            fig.add_trace(
                go.Scatter(
                    name={ALONE: "Demonstrated alone", WITH_PARTNERS: "Only with partners", NOT_YET: "Not yet"}[status],
                    x=xs,
                    y=ys,
                    mode="markers",
                    customdata=hover,
                    marker={
                        "symbol": AUTONOMY_SYMBOLS[status],
                        "size": 26,
                        "color": AUTONOMY_MARKER_COLOURS[status],
                        "line": AUTONOMY_OUTLINES[status],
                    },
                    hovertemplate="<b>%{y}</b><br>%{customdata}<extra></extra>",
                )
            )
    lone_pairs = [(column_of[c], escape(str(names.get(a, a)))) for c, a in single.items() if a in order]
    if lone_pairs:
        fig.add_trace(
            go.Scatter(
                name="Single point of failure",
                x=[p[0] for p in lone_pairs],
                y=[p[1] for p in lone_pairs],
                mode="markers",
                hoverinfo="skip",
                marker={"symbol": "square-open", "size": 34, "color": "#D55E00", "line": {"width": 3}},
            )
        )
    fig.update_yaxes(
        autorange="reversed", categoryorder="array", categoryarray=[escape(str(names.get(a, a))) for a in order]
    )
    fig.update_xaxes(side="top", tickangle=0, categoryorder="array", categoryarray=columns)
    return finish(
        fig,
        title=f"Autonomy for cooperation: who can do what alone — {escape(scope)}",
        source=f"{SOURCE_DATA}; ⚠ = capability held by one agency only (Autonomy for cooperation §I, §VI)",
        height=max(360, 230 + 34 * len(order)),
        top_axis=label_lines,
    )


def autonomy_summary(matrix: pd.DataFrame, agencies: pd.DataFrame, single: dict[str, str], scope: str) -> str:
    names = _names(agencies)
    if matrix.empty:
        return f"No capability demonstrated yet ({scope})."
    if not single:
        return f"Every capability shown is held by at least two agencies ({scope})."
    listed = "; ".join(f"{AUTONOMY_LABELS[c].lower()} by {names.get(a, a)}" for c, a in single.items())
    return f"Single points of failure ({scope}): {listed}."
