"""Build ``data/world_countries.geojson``, the offline country-outline basemap for the pydeck map.

Why: the app must work fully offline, so the map cannot use tiles. A GeoJsonLayer of country
outlines drawn from a small committed file gives enough geography to orient the reader.

Source: Natural Earth "Admin 0 – Countries" at 1:110m (Natural Earth 4.1.0, public domain),
as redistributed in TopoJSON by the npm package ``world-atlas`` version 2.0.2 (ISC licence,
Mike Bostock), file ``countries-110m.json``. See ``data/world_countries.LICENSE.txt``.

What it does, with the standard library only:

* decodes the TopoJSON itself: the ``transform`` quantisation, delta-encoded arcs, and arc
  indices where a negative ``~i`` means "arc ``i`` reversed";
* splits rings at the antimeridian. world-atlas v2 is "stitched" for d3's spherical
  rendering, so Fiji, Russia and Antarctica have edges jumping from +180 to -180 that would
  streak across a flat Web-Mercator map. Crossing rings are cut at ±180; Antarctica, which
  goes round the south pole, is closed along ±180 and the pole (as Natural Earth does);
* orients rings as RFC 7946 asks (exteriors counter-clockwise, holes clockwise);
* keeps only ``name`` and the ISO 3166-1 numeric code as ``iso_n3`` (when the feature has one);
* rounds to 3 decimals (about 100 m) and writes compact JSON, so the file stays small.

Rerun (needs Node/npm once, to fetch the package)::

    mkdir -p /tmp/basemap && cd /tmp/basemap
    npm init -y >/dev/null && npm install world-atlas@2.0.2
    cd /work/main && .venv/bin/python scripts/build_basemap.py \
        /tmp/basemap/node_modules/world-atlas/countries-110m.json

With no argument the script reads ``/tmp/basemap/node_modules/world-atlas/countries-110m.json``.
It refuses another world-atlas version than ``WORLD_ATLAS_VERSION`` (read from the package's
``package.json``), so that this docstring and the LICENSE file stay true; bump all three together.
"""

from __future__ import annotations

import argparse
import json
import math
from itertools import pairwise
from pathlib import Path
from typing import Any

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # exterior first, then holes

WORLD_ATLAS_VERSION = "2.0.2"
DEFAULT_SOURCE = Path("/tmp/basemap/node_modules/world-atlas/countries-110m.json")
OUTPUT = Path(__file__).resolve().parent.parent / "data" / "world_countries.geojson"
DECIMALS = 3  # ~100 m: finer than the 1:110m source, and keeps the file well under 1 MB


# ------------------------------------------------------------------ TopoJSON decoding


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Absolute lon/lat positions of every arc (undoing the delta encoding and quantisation)."""
    transform = topology.get("transform")
    (sx, sy), (tx, ty) = (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: Ring = []
        for position in arc:
            # Quantised topologies store deltas from the previous position; plain ones absolutes.
            x, y = (x + position[0], y + position[1]) if transform else (position[0], position[1])
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def stitch_ring(indices: list[int], arcs: list[Ring]) -> Ring:
    """Join the arcs of one ring; ``~i`` (a negative index) is arc ``i`` walked backwards."""
    ring: Ring = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point, so skip the duplicate.
        ring.extend(points[1:] if ring else points)
    return ring


def geometry_polygons(geometry: dict[str, Any], arcs: list[Ring]) -> list[Polygon]:
    """The polygons of a Polygon or MultiPolygon TopoJSON geometry."""
    kind = geometry["type"]
    if kind == "Polygon":
        arc_polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        arc_polygons = geometry["arcs"]
    else:
        raise ValueError(f"unsupported geometry type {kind!r}")
    return [[stitch_ring(ring, arcs) for ring in polygon] for polygon in arc_polygons]


# ------------------------------------------------------------------ antimeridian


def _crosses(a: Point, b: Point) -> bool:
    """An edge is taken to cross the antimeridian when it spans more than half the globe."""
    return abs(b[0] - a[0]) > 180


def _unwrap(ring: Ring) -> Ring:
    """Shift longitudes by ±360 along the ring so that no edge jumps across the antimeridian."""
    out: Ring = [ring[0]]
    offset = 0.0
    for previous, point in pairwise(ring):
        if _crosses(previous, point):
            offset += 360 if point[0] < previous[0] else -360
        out.append((point[0] + offset, point[1]))
    return out


def _clip(ring: Ring, keep_west: bool) -> Ring:
    """Sutherland–Hodgman clip of a closed ring against the meridian x = 180."""

    def inside(p: Point) -> bool:
        return p[0] <= 180 if keep_west else p[0] >= 180

    out: Ring = []
    for a, b in pairwise(ring):
        if inside(a) != inside(b):
            t = (180 - a[0]) / (b[0] - a[0])
            out.append((180.0, a[1] + t * (b[1] - a[1])))
        if inside(b):
            out.append(b)
    return [*out, out[0]] if out else []


def _close_around_pole(ring: Ring) -> Ring:
    """Bound a ring that circles a pole by ±180 and the pole itself, as Natural Earth does."""
    points = ring[:-1]
    k = next(i for i in range(len(points)) if _crosses(points[i], points[(i + 1) % len(points)]))
    chain = _unwrap(points[k + 1 :] + points[: k + 1])  # once round the pole, no jump inside
    start, end = chain[0], chain[-1]
    start_seen_from_end = start[0] + 360 * round((end[0] - start[0]) / 360)
    # The meridian ≡ 180 (mod 360) that the closing edge end -> start crosses, and where.
    meridian = 180 + 360 * math.floor((max(end[0], start_seen_from_end) - 180) / 360)
    span = start_seen_from_end - end[0]
    crossing_lat = end[1] + ((meridian - end[0]) / span if span else 0.0) * (start[1] - end[1])
    # Walking east the chain ends at +180; walking west it ends at -180.
    edge = 180.0 if end[0] > start[0] else -180.0
    chain = [(x + edge - meridian, y) for x, y in chain]
    if any(abs(x) > 180 + 1e-9 for x, _ in chain):
        raise ValueError("a polar ring wanders back across the antimeridian; not handled")
    pole = -90.0 if sum(y for _, y in chain) < 0 else 90.0
    return [(-edge, crossing_lat), *chain, (edge, crossing_lat), (edge, pole), (-edge, pole), (-edge, crossing_lat)]


def split_antimeridian(polygon: Polygon) -> list[Polygon]:
    """Cut a polygon whose exterior crosses ±180 into pieces that each stay within [-180, 180]."""
    exterior, holes = polygon[0], polygon[1:]
    crossings = sum(_crosses(a, b) for a, b in pairwise(exterior))
    if crossings == 0:
        return [polygon]
    if holes:  # none at 1:110m; fail loudly rather than guess which piece a hole belongs to
        raise ValueError("a polygon with holes crosses the antimeridian; not handled")
    if crossings % 2 == 1:  # goes round a pole: Antarctica
        return [[_close_around_pole(exterior)]]
    unwrapped = _unwrap(exterior)
    if min(x for x, _ in unwrapped) < -180:  # make the ring overshoot +180 rather than -180
        unwrapped = [(x + 360, y) for x, y in unwrapped]
    west = _clip(unwrapped, keep_west=True)
    east = [(x - 360, y) for x, y in _clip(unwrapped, keep_west=False)]
    return [[piece] for piece in (west, east) if len(piece) >= 4]


# ------------------------------------------------------------------ output


def signed_area(ring: Ring) -> float:
    """Shoelace area in degrees²; positive means counter-clockwise with north up."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(ring)) / 2


def tidy_ring(ring: Ring, exterior: bool) -> list[list[float]] | None:
    """Round, drop repeated points, close, and orient (RFC 7946); None if the ring collapses."""
    points: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS) + 0.0, round(y, DECIMALS) + 0.0]  # + 0.0 turns -0.0 into 0.0
        if not points or point != points[-1]:
            points.append(point)
    if points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4:
        return None
    if (signed_area([(x, y) for x, y in points]) > 0) != exterior:
        points.reverse()
    return points


def to_feature(geometry: dict[str, Any], arcs: list[Ring]) -> dict[str, Any]:
    """A GeoJSON Feature with only the properties the app uses."""
    polygons: list[list[list[list[float]]]] = []
    for polygon in geometry_polygons(geometry, arcs):
        for piece in split_antimeridian(polygon):
            rings = [tidy_ring(ring, exterior=i == 0) for i, ring in enumerate(piece)]
            if rings[0] is not None:
                polygons.append([ring for ring in rings if ring is not None])
    properties: dict[str, Any] = {"name": geometry["properties"]["name"]}
    if "id" in geometry:
        properties["iso_n3"] = str(geometry["id"])
    if len(polygons) == 1:
        shape: dict[str, Any] = {"type": "Polygon", "coordinates": polygons[0]}
    else:
        shape = {"type": "MultiPolygon", "coordinates": polygons}
    return {"type": "Feature", "properties": properties, "geometry": shape}


def check_package_version(source: Path) -> None:
    """Refuse another world-atlas release than the one this docstring and the LICENSE file cite."""
    manifest = source.parent / "package.json"
    if not manifest.exists():  # a bare copy of the file: nothing to check against
        return
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != WORLD_ATLAS_VERSION:
        raise SystemExit(
            f"world-atlas {version} found, {WORLD_ATLAS_VERSION} expected: update WORLD_ATLAS_VERSION, "
            "the module docstring and data/world_countries.LICENSE.txt, then rerun"
        )


def build(source: Path) -> dict[str, Any]:
    """The FeatureCollection of countries in a world-atlas ``countries-*.json`` topology."""
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    return {"type": "FeatureCollection", "features": [to_feature(g, arcs) for g in geometries]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="countries-110m.json")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args()
    check_package_version(args.source)
    collection = build(args.source)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(collection['features'])} features, {len(text.encode()) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
