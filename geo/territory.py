"""Areas per side and the front line, derived from who held which town.

Each place gets the part of the mapped region closer to it than to any other place (a Voronoi
cell, clipped to Syria inside the region: data/theatre.geojson); the cells of one side, merged,
are that side's area, and the boundary between areas of different sides is the front line. This is
a reading of town control, not a survey of positions: the README says so where it is shown.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import MultiLineString, MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

from .errors import DataError
from .settings import DATA_DIR

__all__ = [
    "Territory",
    "Tessellation",
    "load_theatre",
    "tessellate",
    "territory",
    "km2_by_side",
    "area_km2",
    "area_series",
    "THEATRE_FILE",
]

THEATRE_FILE = DATA_DIR / "theatre.geojson"
_GEOD = Geod(ellps="WGS84")
_SMOOTH = 0.004
"""Front-line simplification tolerance in degrees (~400 m): removes the stair-steps of single
Voronoi edges without moving the line by more than a village's size."""


@dataclass(frozen=True)
class Territory:
    """Areas per side (multi)polygons, the front line, and km² per side, for one state."""

    areas: dict[str, Polygon | MultiPolygon]
    front_line: MultiLineString
    km2: dict[str, float]

    def geojson(self) -> dict:
        """Areas (property controller, area_km2) and the front line as RFC 7946 features: lon, lat,
        exterior rings counter-clockwise."""
        features = [
            {
                "type": "Feature",
                "geometry": mapping(_rfc7946(geom)),
                "properties": {"controller": code, "area_km2": self.km2[code]},
            }
            for code, geom in sorted(self.areas.items())
        ]
        if not self.front_line.is_empty:
            features.append(
                {"type": "Feature", "geometry": mapping(self.front_line), "properties": {"kind": "front line"}}
            )
        return {"type": "FeatureCollection", "features": features}


def _rfc7946(geom):
    """Polygons with counter-clockwise exterior and clockwise interior rings (RFC 7946, 3.1.6)."""
    polygons = [orient(p, sign=1.0) for p in getattr(geom, "geoms", [geom]) if p.geom_type == "Polygon"]
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def load_theatre(path: Path = THEATRE_FILE) -> Polygon | MultiPolygon:
    """The mapped region's land inside Syria, from the committed GeoJSON."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return shape(data["features"][0]["geometry"])
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise DataError(f"{path}: cannot read the region outline ({exc})") from None


def area_km2(geom) -> float:
    """Area on the WGS84 ellipsoid, in km² (geodesic: no projection distortion)."""
    if geom.is_empty:
        return 0.0
    area, _ = _GEOD.geometry_area_perimeter(
        shapely.geometry.polygon.orient(geom) if geom.geom_type == "Polygon" else geom
    )
    return round(abs(area) / 1e6, 1)


@dataclass(frozen=True)
class Tessellation:
    """The Voronoi cells of a set of places, clipped to the region, with their km² (date-independent).

    Built once per data set: a date then only merges cells per side and sums their km².
    """

    ids: tuple[str, ...]  # the places that own a cell: inside the region, one per point
    cells: np.ndarray  # clipped cell geometries, aligned with ids
    km2: np.ndarray  # geodesic km² of each cell
    sites: frozenset[str]  # every place id it was built for (those outside or duplicated included)


def tessellate(places: pd.DataFrame, theatre: Polygon | MultiPolygon) -> Tessellation:
    """Cells for places (lat, lon) inside the region; the first id wins where two share a point."""
    inside = places[
        [theatre.contains(shapely.Point(lon, lat)) for lat, lon in zip(places["lat"], places["lon"], strict=True)]
    ]
    inside = inside.sort_index().drop_duplicates(subset=["lat", "lon"])  # Voronoi needs distinct sites
    if inside.empty:
        cells = np.array([], dtype=object)
    elif len(inside) == 1:
        cells = np.array([theatre], dtype=object)
    else:
        points = shapely.points(inside["lon"].to_numpy(), inside["lat"].to_numpy())
        diagram = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=theatre.envelope, ordered=True)
        cells = shapely.intersection(np.array(list(diagram.geoms), dtype=object), theatre)
    km2 = np.array([area_km2(c) for c in cells], dtype=float)
    return Tessellation(tuple(inside.index), cells, km2, frozenset(places.index))


def territory(
    view: pd.DataFrame, theatre: Polygon | MultiPolygon, tessellation: Tessellation | None = None
) -> Territory:
    """Areas and front line for a state (`view`: lat, lon, controller per place).

    Pass the data set's `tessellation` to reuse its cells; it is used when it was built for exactly
    the places of `view` (otherwise the cells are computed for this view).
    """
    tess = _cells_for(view, theatre, tessellation)
    controllers = _controllers(view, tess)
    areas = {
        code: shapely.make_valid(shapely.union_all(tess.cells[controllers == code]))
        for code in sorted(set(controllers))
    }
    return Territory(areas, _front_line(areas), km2_by_side(view, tess))


def _cells_for(view: pd.DataFrame, theatre, tessellation: Tessellation | None) -> Tessellation:
    """`tessellation` when it was built for exactly the places of `view`, else new cells for them."""
    if tessellation is not None and tessellation.sites == frozenset(view.index):
        return tessellation
    return tessellate(view, theatre)


def _controllers(view: pd.DataFrame, tessellation: Tessellation) -> np.ndarray:
    """The side holding each cell's place, aligned with the cells."""
    return view["controller"].astype(str).reindex(list(tessellation.ids)).to_numpy()


def km2_by_side(view: pd.DataFrame, tessellation: Tessellation) -> dict[str, float]:
    """km² per side from the cells alone (no geometry work: microseconds), for charts over time."""
    controllers = _controllers(view, tessellation)
    return {code: round(float(tessellation.km2[controllers == code].sum()), 1) for code in sorted(set(controllers))}


def _front_line(areas: dict) -> MultiLineString:
    """Where areas of different sides touch, merged and lightly smoothed."""
    codes = sorted(areas)
    pieces = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            shared = areas[a].boundary.intersection(areas[b].boundary)
            pieces.extend(
                g for g in getattr(shared, "geoms", [shared]) if g.geom_type in ("LineString", "MultiLineString")
            )
    if not pieces:
        return MultiLineString()
    merged = shapely.line_merge(shapely.union_all(pieces)).simplify(_SMOOTH)
    lines = [g for g in getattr(merged, "geoms", [merged]) if g.geom_type == "LineString" and not g.is_empty]
    return MultiLineString(lines)


def area_series(
    timeline, places: pd.DataFrame, theatre, start: dt.date, end: dt.date, tessellation: Tessellation | None = None
) -> pd.DataFrame:
    """km² held by each side on every change date from `start` to `end` (rows: dates, columns: sides)."""
    from .view import placed_state

    rows = {}
    for d in (d for d in timeline.dates() if start <= d <= end):
        view = placed_state(timeline.state_at(d), places)
        tessellation = _cells_for(view, theatre, tessellation)
        rows[d] = km2_by_side(view, tessellation)
    return pd.DataFrame.from_dict(rows, orient="index").fillna(0.0).sort_index()
