"""The cooperation world map (pydeck), drawn on a basemap that ships with the app.

No tiles and no token: ``map_provider=None`` and the country outlines come from
``data/world_countries.geojson`` (Natural Earth via the npm package world-atlas), so the
map works offline and nothing is requested from another host.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import pydeck as pdk

from components.theme import agency_colour

BASEMAP_FILL = [232, 236, 240]
BASEMAP_LINE = [255, 255, 255]
STATION_COLOUR = [213, 94, 0]


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    hex_colour = hex_colour.lstrip("#")
    return [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def cooperation_map(
    agencies: pd.DataFrame,
    edges: pd.DataFrame,
    infrastructures: pd.DataFrame,
    basemap: dict,
    missions_per_agency: pd.Series,
    *,
    show_stations: bool = True,
    min_shared: int = 1,
) -> pdk.Deck:
    """Agencies at their headquarters, arcs between partners weighted by shared missions,
    and the deep-space ground stations of Pillar 4."""
    located = agencies.set_index("agency_id")
    active = [a for a in missions_per_agency.index if a in located.index]
    points = located.loc[active, ["short_name", "full_name", "hq_city", "hq_lat", "hq_lon"]].reset_index()
    points["missions"] = points["agency_id"].map(missions_per_agency).astype(int)
    points["radius"] = 40_000 + 25_000 * np.sqrt(points["missions"])
    points["colour"] = points["agency_id"].map(lambda a: _rgb(agency_colour(a), 220))
    points["title"] = points["short_name"].map(lambda v: escape(str(v)))
    points["detail"] = (
        points["full_name"].map(lambda v: escape(str(v)))
        + " · "
        + points["hq_city"].map(lambda v: escape(str(v)))
        + " · "
        + points["missions"].astype(str)
        + " missions shown"
    )

    arcs = edges[(edges["shared"] >= min_shared) & edges["source"].isin(active) & edges["target"].isin(active)].copy()
    arcs = arcs.merge(located[["hq_lat", "hq_lon", "short_name"]], left_on="source", right_index=True).merge(
        located[["hq_lat", "hq_lon", "short_name"]], left_on="target", right_index=True, suffixes=("_s", "_t")
    )
    arcs["width"] = 1 + 2.2 * np.log1p(arcs["shared"])
    arcs["colour"] = arcs["source"].map(lambda a: _rgb(agency_colour(a), 150))
    arcs["colour_t"] = arcs["target"].map(lambda a: _rgb(agency_colour(a), 150))
    arcs["title"] = (
        arcs["short_name_s"].map(lambda v: escape(str(v))) + " – " + arcs["short_name_t"].map(lambda v: escape(str(v)))
    )
    arcs["detail"] = arcs["shared"].astype(str) + " shared missions"

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
            pickable=True,
            great_circle=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            data=points[["hq_lon", "hq_lat", "radius", "colour", "title", "detail"]],
            id="agencies",
            get_position=["hq_lon", "hq_lat"],
            get_radius="radius",
            get_fill_color="colour",
            get_line_color=[255, 255, 255],
            line_width_min_pixels=1,
            stroked=True,
            pickable=True,
            radius_min_pixels=3,
            radius_max_pixels=22,
        ),
    ]
    if show_stations:
        stations = infrastructures[(infrastructures["kind"] == "ground station") & infrastructures["lat"].notna()]
        stations = stations.assign(
            title=stations["name"].map(lambda v: escape(str(v))),
            detail=stations["network"].fillna("").map(lambda v: escape(str(v)))
            + " · largest dish "
            + stations["largest_antenna_m"].map(lambda v: f"{v:.0f} m" if pd.notna(v) else "?"),
        )
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=stations[["lon", "lat", "title", "detail"]],
                id="ground_stations",
                get_position=["lon", "lat"],
                get_radius=60_000,
                get_fill_color=[255, 255, 255],
                get_line_color=STATION_COLOUR,
                stroked=True,
                line_width_min_pixels=2.5,
                radius_min_pixels=4,
                radius_max_pixels=9,
                pickable=True,
            )
        )
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=25, longitude=20, zoom=0.9, min_zoom=0.5, max_zoom=6),
        # No map_style argument: an explicit None makes Streamlit fetch a Carto style from the web.
        map_provider=None,
        views=[pdk.View(type="MapView", controller=True)],
        tooltip={
            "html": "<b>{title}</b><br/>{detail}",
            "style": {"backgroundColor": "#1B1F24", "color": "#FFFFFF", "fontSize": "13px"},
        },
        parameters={"clearColor": [0.99, 0.99, 1.0, 1]},
    )


def map_summary(edges: pd.DataFrame, missions_per_agency: pd.Series, agencies: pd.DataFrame) -> str:
    if missions_per_agency.empty:
        return "No mission matches the current filters."
    countries = agencies[agencies["agency_id"].isin(missions_per_agency.index)]["country"]
    return (
        f"{len(missions_per_agency)} agencies from {countries[countries != 'INT'].nunique()} countries, "
        f"linked by {len(edges)} partnerships; arcs are thicker for more shared missions."
    )
