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

__all__ = ["Territory", "load_theatre", "territory", "area_km2", "area_series", "THEATRE_FILE"]

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


def territory(view: pd.DataFrame, theatre: Polygon | MultiPolygon) -> Territory:
    """Areas and front line for a state (`view`: lat, lon, controller per place)."""
    inside = view[
        [theatre.contains(shapely.Point(lon, lat)) for lat, lon in zip(view["lat"], view["lon"], strict=True)]
    ]
    # two places at the same point: the first (by id) draws the cell; Voronoi needs distinct sites
    inside = inside.sort_index().drop_duplicates(subset=["lat", "lon"])
    if inside.empty:
        return Territory({}, MultiLineString(), {})
    points = shapely.points(inside["lon"].to_numpy(), inside["lat"].to_numpy())
    if len(points) == 1:
        cells = [theatre]
    else:
        diagram = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=theatre.envelope, ordered=True)
        cells = list(diagram.geoms)
    clipped = shapely.intersection(np.array(cells, dtype=object), theatre)
    areas: dict[str, Polygon | MultiPolygon] = {}
    for code in sorted(set(inside["controller"])):
        mask = (inside["controller"] == code).to_numpy()
        areas[code] = shapely.make_valid(shapely.union_all(clipped[mask]))
    return Territory(areas, _front_line(areas), {code: area_km2(geom) for code, geom in areas.items()})


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


def area_series(timeline, places: pd.DataFrame, theatre, start: dt.date, end: dt.date) -> pd.DataFrame:
    """km² held by each side on every change date from `start` to `end` (rows: dates, columns: sides)."""
    from .view import placed_state

    dates = [d for d in timeline.dates() if start <= d <= end]
    rows = {d: territory(placed_state(timeline.state_at(d), places), theatre).km2 for d in dates}
    return pd.DataFrame.from_dict(rows, orient="index").fillna(0.0).sort_index()
