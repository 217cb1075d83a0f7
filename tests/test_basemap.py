"""The committed offline basemap (``data/world_countries.geojson``) is valid, small and drawable.

It is generated once by ``scripts/build_basemap.py`` and then committed, so these checks guard
against a hand edit or a bad regeneration reaching the map: the pydeck GeoJsonLayer draws
whatever it is given, and a stray coordinate or an edge jumping across the antimeridian shows up
as a streak across the world rather than as an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

BASEMAP = Path(__file__).resolve().parent.parent / "data" / "world_countries.geojson"
LICENCE = BASEMAP.with_suffix(".LICENSE.txt")
MAX_BYTES = 1_500_000

Ring = list[list[float]]


@pytest.fixture(scope="module")
def basemap() -> dict[str, Any]:
    return json.loads(BASEMAP.read_text(encoding="utf-8"))


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon", geometry["type"]
    return geometry["coordinates"]


def _rings(basemap: dict[str, Any]) -> Iterator[tuple[str, int, Ring]]:
    """(country name, position in its polygon — 0 is the exterior, ring) for every ring."""
    for feature in basemap["features"]:
        for polygon in _polygons(feature["geometry"]):
            for position, ring in enumerate(polygon):
                yield feature["properties"]["name"], position, ring


def test_file_is_small() -> None:
    assert BASEMAP.stat().st_size < MAX_BYTES


def test_licence_travels_with_the_data() -> None:
    text = LICENCE.read_text(encoding="utf-8")
    assert "Natural Earth" in text and "public domain" in text
    assert "world-atlas" in text and "Permission to use, copy, modify, and/or distribute" in text


def test_is_a_feature_collection_of_countries(basemap: dict[str, Any]) -> None:
    assert basemap["type"] == "FeatureCollection"
    assert len(basemap["features"]) >= 170
    for feature in basemap["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert set(feature["properties"]) <= {"name", "iso_n3"}
        assert isinstance(feature["properties"]["name"], str) and feature["properties"]["name"]


@pytest.mark.parametrize("name", ["France", "China", "United States of America", "Australia", "Antarctica"])
def test_expected_countries_are_present(basemap: dict[str, Any], name: str) -> None:
    names = {feature["properties"]["name"] for feature in basemap["features"]}
    assert name in names


def test_names_and_codes_are_unique(basemap: dict[str, Any]) -> None:
    names = [feature["properties"]["name"] for feature in basemap["features"]]
    codes = [feature["properties"]["iso_n3"] for feature in basemap["features"] if "iso_n3" in feature["properties"]]
    assert len(names) == len(set(names))
    assert len(codes) == len(set(codes))
    assert all(len(code) == 3 and code.isdigit() for code in codes)


def test_coordinates_are_in_range(basemap: dict[str, Any]) -> None:
    for name, _, ring in _rings(basemap):
        for point in ring:
            assert len(point) == 2, name
            lon, lat = point
            assert -180 <= lon <= 180 and -90 <= lat <= 90, (name, point)


def test_rings_are_closed(basemap: dict[str, Any]) -> None:
    for name, _, ring in _rings(basemap):
        assert len(ring) >= 4, name
        assert ring[0] == ring[-1], name


def test_no_edge_jumps_across_the_antimeridian(basemap: dict[str, Any]) -> None:
    """On a flat map such an edge is drawn the long way round, as a streak across the world.

    The one legitimate long edge is Antarctica's closing edge along the south pole.
    """
    for name, _, ring in _rings(basemap):
        for (lon0, lat0), (lon1, lat1) in pairwise(ring):
            along_pole = lat0 == lat1 and abs(lat0) == 90
            assert along_pole or abs(lon1 - lon0) <= 180, (name, (lon0, lat0), (lon1, lat1))


def test_rings_follow_rfc_7946_winding(basemap: dict[str, Any]) -> None:
    """Exteriors counter-clockwise, holes clockwise (shoelace sign with north up)."""
    for name, position, ring in _rings(basemap):
        area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))
        assert (area > 0) == (position == 0), (name, position)


def test_coordinates_are_rounded(basemap: dict[str, Any]) -> None:
    """Three decimals keep the file small; more would mean the build script was bypassed."""
    for name, _, ring in _rings(basemap):
        for value in (v for point in ring for v in point):
            assert round(value, 3) == value, (name, value)
