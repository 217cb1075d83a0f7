"""The cooperation world map (pydeck), drawn on a basemap that ships with the app.

No tiles and no token: ``map_provider=None`` and the country outlines come from
``data/world_countries.geojson`` (Natural Earth via the npm package world-atlas), so the
map works offline and nothing is requested from another host.

Sizes are in screen pixels, not metres, so they hold at every zoom and a legend can state
them: arc width follows the missions two agencies shared, a disc's radius the missions an
agency took part in, and an orange ring marks a deep-space ground station. ``map_legend``
gives the page those reference sizes to draw beside the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from components.charts.base import MUTED_COLOUR, SOURCE_DATA, TEXT_COLOUR, finish, place_labels, plural, wrap
from components.theme import agency_colour
from components.vocabulary import agency_labels

BASEMAP_FILL = [232, 236, 240]
BASEMAP_LINE = [255, 255, 255]
STATION_COLOUR_HEX = "#E69F00"  # Okabe–Ito orange: the caption calls it orange
STATION_COLOUR_NAME = "orange"
STATION_COLOUR = [230, 159, 0]
STATION_RADIUS_PX = 6
LABEL_SIZE_PX = 14
INITIAL_VIEW = {"latitude": 25.0, "longitude": 20.0, "zoom": 0.9}
MAP_WIDTH_PX = 800  # the narrowest map a page draws (820 px, less padding): labels are spaced for it
MAP_HEIGHT_PX = 560
MAP_SOUTH = -56  # the export twin's southern edge: Cape Horn is in, Antarctica is not
LABEL_ANCHORS = {  # Plotly's position names, as place_labels returns them, in deck.gl's terms
    "middle right": ("start", "center", 1, 0),
    "middle left": ("end", "center", -1, 0),
    "top center": ("middle", "bottom", 0, -1),
    "bottom center": ("middle", "top", 0, 1),
}


def arc_width_px(shared: pd.Series | float) -> pd.Series | float:
    """Width of a partnership arc for ``shared`` missions (logarithmic: NASA–ESA would swamp the rest)."""
    return 1 + 2.2 * np.log1p(shared)


def node_radius_px(missions: pd.Series | float) -> pd.Series | float:
    """Radius of an agency's disc for the missions it took part in (area grows with missions)."""
    return 3 + 1.1 * np.sqrt(missions)


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    hex_colour = hex_colour.lstrip("#")
    return [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _screen_px(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator pixels at the initial view, relative to its centre (deck.gl's 512 px world)."""
    world = 512 * 2 ** INITIAL_VIEW["zoom"]

    def project(lo: float, la: float) -> tuple[float, float]:
        la = max(min(la, 85.0), -85.0)
        x = (lo + 180) / 360 * world
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * world
        return x, y

    x, y = project(lon, lat)
    cx, cy = project(INITIAL_VIEW["longitude"], INITIAL_VIEW["latitude"])
    return x - cx, y - cy


def _agency_labels(points: pd.DataFrame, labelled: int) -> pd.DataFrame:
    """Names for the ``labelled`` agencies with most missions, beside their disc where they
    meet no other name or disc at the initial view; agencies sharing a city give way to the busier."""
    ranked = points.sort_values("missions", ascending=False, kind="stable").reset_index(drop=True)
    pixels = [(*_screen_px(r.hq_lon, r.hq_lat), float(r.radius)) for r in ranked.itertuples()]
    priority = [i if i < labelled else len(ranked) + i for i in range(len(ranked))]
    positions = place_labels(
        pixels,
        list(ranked["label"]),
        priority,
        (-MAP_WIDTH_PX / 2, MAP_WIDTH_PX / 2, -MAP_HEIGHT_PX / 2, MAP_HEIGHT_PX / 2),
        ("middle right", "middle left", "top center", "bottom center"),
    )
    rows = []
    for i, (row, position) in enumerate(zip(ranked.itertuples(), positions, strict=True)):
        if position is None or i >= labelled:
            continue
        anchor, baseline, dx, dy = LABEL_ANCHORS[position]
        gap = row.radius + 4
        rows.append(
            {
                "hq_lon": row.hq_lon,
                "hq_lat": row.hq_lat,
                "name": row.title,
                "anchor": anchor,
                "baseline": baseline,
                "offset": [dx * gap, dy * gap],
                "position": position,
            }
        )
    return pd.DataFrame(rows, columns=["hq_lon", "hq_lat", "name", "anchor", "baseline", "offset", "position"])


@dataclass(frozen=True)
class MapMarks:
    """What the map draws, computed once for the pydeck map and for its Plotly export twin."""

    points: pd.DataFrame  # agencies: hq_lon, hq_lat, radius (px), colour, label, title, detail
    arcs: pd.DataFrame  # partnerships: both ends, width (px), colours, title, detail
    stations: pd.DataFrame  # deep-space ground stations: lon, lat, title, detail
    names: pd.DataFrame  # the agencies named on the map, where their label fits


def map_marks(
    agencies: pd.DataFrame,
    edges: pd.DataFrame,
    infrastructures: pd.DataFrame,
    missions_per_agency: pd.Series,
    *,
    show_stations: bool = True,
    min_shared: int = 1,
    labelled: int = 12,
) -> MapMarks:
    """Agencies at their headquarters, arcs between partners weighted by shared missions,
    and the deep-space ground stations of Pillar 4; the ``labelled`` busiest agencies are named."""
    located = agencies.set_index("agency_id")
    active = [a for a in missions_per_agency.index if a in located.index]
    points = located.loc[active, ["short_name", "full_name", "hq_city", "hq_lat", "hq_lon"]].reset_index()
    points["missions"] = points["agency_id"].map(missions_per_agency).astype(int)
    points["radius"] = node_radius_px(points["missions"])
    points["colour"] = points["agency_id"].map(lambda a: _rgb(agency_colour(a), 220))
    names = agency_labels(agencies)
    points["label"] = points["agency_id"].map(names).astype(str)
    points["title"] = points["label"].map(escape)
    points["detail"] = (
        points["full_name"].map(lambda v: escape(str(v)))
        + " · "
        + points["hq_city"].map(lambda v: escape(str(v)))
        + " · "
        + points["missions"].astype(str)
        + " missions shown"
    )

    arcs = edges[(edges["shared"] >= min_shared) & edges["source"].isin(active) & edges["target"].isin(active)].copy()
    arcs = arcs.merge(located[["hq_lat", "hq_lon"]], left_on="source", right_index=True).merge(
        located[["hq_lat", "hq_lon"]], left_on="target", right_index=True, suffixes=("_s", "_t")
    )
    arcs["width"] = arc_width_px(arcs["shared"])
    arcs["colour"] = arcs["source"].map(lambda a: _rgb(agency_colour(a), 150))
    arcs["colour_t"] = arcs["target"].map(lambda a: _rgb(agency_colour(a), 150))
    arcs["title"] = (
        arcs["source"].map(lambda a: escape(names[a])) + " – " + arcs["target"].map(lambda a: escape(names[a]))
    )
    arcs["detail"] = arcs["shared"].astype(str) + " shared missions"

    stations = infrastructures.iloc[0:0].assign(title="", detail="")
    if show_stations:
        stations = infrastructures[(infrastructures["kind"] == "ground station") & infrastructures["lat"].notna()]
        stations = stations.assign(
            title=stations["name"].map(lambda v: escape(str(v))),
            detail=stations["network"].fillna("").map(lambda v: escape(str(v)))
            + " · largest dish "
            + stations["largest_antenna_m"].map(lambda v: f"{v:.0f} m" if pd.notna(v) else "?"),
        )
    return MapMarks(points, arcs, stations, _agency_labels(points, labelled))


def cooperation_map(
    agencies: pd.DataFrame,
    edges: pd.DataFrame,
    infrastructures: pd.DataFrame,
    basemap: dict,
    missions_per_agency: pd.Series,
    *,
    show_stations: bool = True,
    min_shared: int = 1,
    labelled: int = 12,
) -> pdk.Deck:
    """The map in pydeck: pixel-sized marks on the offline basemap, with tooltips."""
    marks = map_marks(
        agencies,
        edges,
        infrastructures,
        missions_per_agency,
        show_stations=show_stations,
        min_shared=min_shared,
        labelled=labelled,
    )
    points, arcs, stations, names = marks.points, marks.arcs, marks.stations, marks.names
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            data=basemap,
            id="basemap",
            filled=True,
            stroked=True,
            get_fill_color=BASEMAP_FILL,
            get_line_color=BASEMAP_LINE,
            line_width_min_pixels=0.5,
            pickable=False,
        ),
        pdk.Layer(
            "ArcLayer",
            data=arcs[
                ["hq_lon_s", "hq_lat_s", "hq_lon_t", "hq_lat_t", "width", "colour", "colour_t", "title", "detail"]
            ],
            id="partnerships",
            get_source_position=["hq_lon_s", "hq_lat_s"],
            get_target_position=["hq_lon_t", "hq_lat_t"],
            get_source_color="colour",
            get_target_color="colour_t",
            get_width="width",
            width_units=pdk.types.String("pixels"),
            pickable=True,
            great_circle=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            data=points[["hq_lon", "hq_lat", "radius", "colour", "title", "detail"]],
            id="agencies",
            get_position=["hq_lon", "hq_lat"],
            get_radius="radius",
            radius_units=pdk.types.String("pixels"),
            get_fill_color="colour",
            get_line_color=[255, 255, 255],
            line_width_min_pixels=1,
            stroked=True,
            pickable=True,
        ),
    ]
    if not stations.empty:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=stations[["lon", "lat", "title", "detail"]],
                id="ground_stations",
                get_position=["lon", "lat"],
                get_radius=STATION_RADIUS_PX,
                radius_units=pdk.types.String("pixels"),
                get_fill_color=[255, 255, 255],
                get_line_color=STATION_COLOUR,
                stroked=True,
                line_width_min_pixels=2.5,
                pickable=True,
            )
        )
    layers.append(
        pdk.Layer(
            "TextLayer",
            data=names,
            id="agency_names",
            get_position=["hq_lon", "hq_lat"],
            get_text="name",
            get_size=LABEL_SIZE_PX,
            size_units=pdk.types.String("pixels"),
            get_color=_rgb(TEXT_COLOUR),
            get_text_anchor="anchor",
            get_alignment_baseline="baseline",
            get_pixel_offset="offset",
            font_family=pdk.types.String("'Source Sans 3', 'Source Sans Pro', Helvetica, Arial, sans-serif"),
            font_weight=600,
            character_set=pdk.types.String("auto"),
            background=True,
            get_background_color=[255, 255, 255, 210],
            background_padding=[3, 1],
            # Names stay in front of the arcs, which rise above the ground.
            parameters={"depthCompare": pdk.types.String("always"), "depthWriteEnabled": False},
            pickable=False,
        )
    )
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**INITIAL_VIEW, min_zoom=0.5, max_zoom=6),
        # No map_style argument: an explicit None makes Streamlit fetch a Carto style from the web.
        map_provider=None,
        views=[pdk.View(type="MapView", controller=True)],
        tooltip={
            "html": "<b>{title}</b><br/>{detail}",
            "style": {"backgroundColor": "#1B1F24", "color": "#FFFFFF", "fontSize": "14px"},
        },
        parameters={"clearColor": [0.99, 0.99, 1.0, 1]},
    )


def _outlines(basemap: dict) -> list[tuple[list[float], list[float]]]:
    """The outer ring of every country polygon on the map, as (longitudes, latitudes), clockwise
    as d3-geo (under Plotly's geo) wants: one path each, since a filled path with gaps fills
    the whole map. Holes are lakes and enclaves, too small to show; Antarctica lies south of it."""
    outlines = []
    for feature in basemap.get("features", []):
        geometry = feature.get("geometry") or {}
        kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
        for polygon in [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []:
            ring = polygon[0] if polygon else []
            if len(ring) >= 4 and max(p[1] for p in ring) > MAP_SOUTH:
                lons, lats = [float(p[0]) for p in ring], [float(p[1]) for p in ring]
                twice_area = sum(
                    x0 * y1 - x1 * y0 for x0, y0, x1, y1 in zip(lons, lats, lons[1:], lats[1:], strict=False)
                )
                if twice_area > 0:  # anticlockwise (GeoJSON's order): d3 would fill the rest of the sphere
                    lons, lats = lons[::-1], lats[::-1]
                outlines.append((lons, lats))
    return outlines


def _css(rgba: list[int]) -> str:
    return f"rgba({rgba[0]},{rgba[1]},{rgba[2]},{rgba[3] / 255 if len(rgba) > 3 else 1:.2f})"


def cooperation_map_figure(
    agencies: pd.DataFrame,
    edges: pd.DataFrame,
    infrastructures: pd.DataFrame,
    basemap: dict,
    missions_per_agency: pd.Series,
    *,
    title: str = "Who works with whom, and where the deep-space antennas are",
) -> go.Figure:
    """The map's export twin: the same marks as ``cooperation_map`` on the same offline
    basemap, drawn as a Plotly geo figure (kaleido cannot draw a pydeck map). No base layer
    of Plotly's own is drawn, so nothing is fetched: the countries are the basemap's outlines."""
    marks = map_marks(agencies, edges, infrastructures, missions_per_agency)
    fig = go.Figure()
    for lons, lats in _outlines(basemap):
        fig.add_trace(
            go.Scattergeo(
                lon=lons,
                lat=lats,
                mode="lines",
                fill="toself",
                fillcolor=_css(BASEMAP_FILL),
                line={"color": _css(BASEMAP_LINE), "width": 0.5},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    for arc in marks.arcs.sort_values("width").itertuples():
        fig.add_trace(
            go.Scattergeo(
                lon=[arc.hq_lon_s, arc.hq_lon_t],
                lat=[arc.hq_lat_s, arc.hq_lat_t],
                mode="lines",
                line={"color": _css(arc.colour), "width": float(arc.width)},
                hovertext=f"{arc.title}<br>{arc.detail}",
                hoverinfo="text",
                showlegend=False,
            )
        )
    points = marks.points.sort_values("missions", ascending=False)
    fig.add_trace(
        go.Scattergeo(
            lon=points["hq_lon"],
            lat=points["hq_lat"],
            mode="markers",
            marker={
                "size": 2 * points["radius"],
                "color": [_css(c) for c in points["colour"]],
                "line": {"color": "#FFFFFF", "width": 1},
            },
            hovertext=points["title"] + "<br>" + points["detail"],
            hoverinfo="text",
            name="Agency (disc: missions it took part in)",
        )
    )
    if not marks.stations.empty:
        fig.add_trace(
            go.Scattergeo(
                lon=marks.stations["lon"],
                lat=marks.stations["lat"],
                mode="markers",
                marker={
                    "size": 2 * STATION_RADIUS_PX,
                    "color": "#FFFFFF",
                    "line": {"color": STATION_COLOUR_HEX, "width": 2.5},
                },
                hovertext=marks.stations["title"] + "<br>" + marks.stations["detail"],
                hoverinfo="text",
                name="Deep-space ground station",
            )
        )
    if not marks.names.empty:
        fig.add_trace(
            go.Scattergeo(
                lon=marks.names["hq_lon"],
                lat=marks.names["hq_lat"],
                mode="text",
                text=marks.names["name"],
                textposition=list(marks.names["position"]),
                textfont={"size": LABEL_SIZE_PX, "color": TEXT_COLOUR},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.add_trace(  # a legend entry for the arcs (a geo line is not drawn in the legend otherwise)
        go.Scattergeo(
            lon=[None],
            lat=[None],
            mode="lines",
            line={"color": MUTED_COLOUR, "width": 3},
            name="Shared missions (arc width)",
        )
    )
    fig.update_geos(
        projection_type="mercator",
        lataxis_range=[MAP_SOUTH, 75],
        lonaxis_range=[-180, 180],
        showland=False,
        showocean=False,
        showlakes=False,
        showrivers=False,
        showcountries=False,
        showcoastlines=False,
        showframe=False,
        bgcolor="#FCFCFF",
    )
    fig.update_layout(dragmode=False)
    legend = map_legend(edges, missions_per_agency)
    fig.add_annotation(
        text=wrap(escape(legend.caption()), 140),
        x=0,
        y=0,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"color": MUTED_COLOUR},
    )
    fig = finish(
        fig, title=title, source=f"{SOURCE_DATA}; Natural Earth outlines", height=MAP_HEIGHT_PX + 120, legend="bottom"
    )
    return fig.update_layout(margin={"b": 90}, legend={"y": -0.16})


@dataclass(frozen=True)
class LegendEntry:
    label: str
    size_px: float  # an arc's width, or a disc's radius


@dataclass(frozen=True)
class MapLegend:
    """What the map's marks mean, with reference sizes taken from the data shown."""

    arcs: tuple[LegendEntry, ...]
    nodes: tuple[LegendEntry, ...]
    station_colour: str = STATION_COLOUR_HEX
    station_label: str = "Orange ring: a deep-space ground station"

    def caption(self) -> str:
        """The legend as one sentence, for a caption under the map."""
        arcs = ", ".join(entry.label for entry in self.arcs)
        nodes = ", ".join(entry.label for entry in self.nodes)
        parts = []
        if arcs:
            parts.append(f"Arc width is the number of missions two agencies shared ({arcs})")
        if nodes:
            parts.append(f"a disc's size is the missions its agency took part in ({nodes})")
        parts.append(f"an {STATION_COLOUR_NAME} ring marks a deep-space ground station")
        return "; ".join(parts) + "."

    def svg(self) -> str:
        """A small self-contained SVG of the legend (no fonts or images to fetch)."""
        row, width, items = 28, 250, []
        y = 20
        items.append(f'<text x="0" y="{y}" font-weight="600">Shared missions</text>')
        for entry in self.arcs:
            y += row
            items.append(
                f'<line x1="4" y1="{y - 5}" x2="60" y2="{y - 5}" stroke="#5A6270" '
                f'stroke-width="{entry.size_px:.1f}" stroke-linecap="round"/>'
                f'<text x="72" y="{y}">{escape(entry.label)}</text>'
            )
        y += row + 6
        items.append(f'<text x="0" y="{y}" font-weight="600">Missions per agency</text>')
        for entry in self.nodes:
            y += row
            items.append(
                f'<circle cx="32" cy="{y - 5}" r="{entry.size_px:.1f}" fill="#0072B2" fill-opacity="0.85" '
                f'stroke="#FFFFFF"/><text x="72" y="{y}">{escape(entry.label)}</text>'
            )
        y += row + 6
        items.append(
            f'<circle cx="32" cy="{y - 5}" r="{STATION_RADIUS_PX}" fill="#FFFFFF" stroke="{self.station_colour}" '
            f'stroke-width="2.5"/><text x="72" y="{y}">{escape(self.station_label)}</text>'
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 160}" height="{y + 10}" role="img" '
            f'aria-label="{escape(self.caption())}" font-family="Helvetica, Arial, sans-serif" font-size="14" '
            f'fill="{TEXT_COLOUR}">' + "".join(items) + "</svg>"
        )


def _reference_values(values: pd.Series) -> list[int]:
    """Up to three round values spanning ``values``: its minimum, a middle and its maximum."""
    values = values.dropna().astype(int)
    if values.empty:
        return []
    low, high = int(values.min()), int(values.max())
    middle = round(math.sqrt(max(low, 1) * high))
    if middle > 10:
        middle = round(middle, -1 if middle < 100 else -2)
    return sorted({low, middle, high})


def map_legend(edges: pd.DataFrame, missions_per_agency: pd.Series, *, min_shared: int = 1) -> MapLegend:
    """Reference sizes for the map drawn from the same ``edges`` and ``missions_per_agency``:
    three arc widths with their shared missions, three disc sizes with their missions, and
    the ground-station ring. Pass what ``cooperation_map`` was given."""
    drawn = edges[edges["shared"] >= min_shared]
    drawn = drawn[drawn["source"].isin(missions_per_agency.index) & drawn["target"].isin(missions_per_agency.index)]
    arcs = tuple(
        LegendEntry(plural(n, "shared mission"), float(arc_width_px(n))) for n in _reference_values(drawn["shared"])
    )
    nodes = tuple(
        LegendEntry(plural(n, "mission"), float(node_radius_px(n))) for n in _reference_values(missions_per_agency)
    )
    return MapLegend(arcs=arcs, nodes=nodes)


def map_summary(edges: pd.DataFrame, missions_per_agency: pd.Series, agencies: pd.DataFrame) -> str:
    if missions_per_agency.empty:
        return "No mission matches the current filters."
    countries = agencies[agencies["agency_id"].isin(missions_per_agency.index)]["country"]
    return (
        f"{len(missions_per_agency)} agencies from {countries[countries != 'INT'].nunique()} countries, "
        f"linked by {len(edges)} partnerships; arcs are thicker for more shared missions."
    )
