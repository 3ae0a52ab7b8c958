"""Exports of the view at a date: PNG (for articles), standalone HTML map, CSV; all made offline."""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import pandas as pd

from .factions import SIDES, colour
from .mapview import LABELLED_KINDS, at_date_title, standalone_map
from .settings import Settings
from .view import STATE_COLUMNS

__all__ = ["to_png", "to_html", "to_csv", "to_geojson", "to_kml", "file_name", "FORMATS"]

FORMATS = ("png", "html", "csv", "geojson", "kml")
ATTRIBUTION = (
    "Idlib Front Map: every change sourced (data/events.csv). Coordinates: GeoNames (CC BY 4.0) and cited sources."
)
_SIZES = {"city": 90, "town": 48, "village": 22, "hill": 22, "base": 22, "crossing": 22}


def file_name(day: dt.date, fmt: str) -> str:
    """Download name carrying the date, e.g. idlib-front-2019-08-25.png."""
    return f"idlib-front-{day.isoformat()}.{fmt}"


def to_csv(view: pd.DataFrame) -> str:
    """The state as CSV: place_id, name, lat, lon, controller, since, source_url."""
    out = view.reset_index()[list(STATE_COLUMNS)]
    return out.to_csv(index=False, lineterminator="\n")


def to_html(view: pd.DataFrame, day: dt.date, *, settings: Settings | None = None, territory=None) -> str:
    """A standalone HTML map of the view (Leaflet inlined: opens with no network)."""
    return standalone_map(view, title=at_date_title(day), settings=settings, territory=territory).get_root().render()


def to_geojson(view: pd.DataFrame, day: dt.date, territory=None) -> str:
    """RFC 7946 GeoJSON (lon, lat): the places with controller and since, the areas per side
    (controller, area_km2) and the front line; QGIS and geojson.io open it."""
    places = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(r.lon, 5), round(r.lat, 5)]},
            "properties": {
                "place_id": r.Index,
                "name": r.name,
                "controller": r.controller,
                "since": str(r.since),
                "source_url": r.source_url,
                "date": day.isoformat(),
            },
        }
        for r in view.itertuples()
    ]
    shapes = territory.geojson()["features"] if territory is not None else []
    return json.dumps({"type": "FeatureCollection", "features": [*shapes, *places]}, ensure_ascii=False)


def _recent_lines(changes: pd.DataFrame, names: dict[str, str], limit: int = 7) -> list[str]:
    rows = changes.sort_values("date", ascending=False, kind="stable").head(limit)
    lines = [
        f"{pd.Timestamp(r.date):%d %b}: {names.get(r.place_id, r.place_id)} to {r.controller}"
        for r in rows.itertuples()
    ]
    if len(changes) > limit:
        lines.append(f"... and {len(changes) - limit} more")
    return lines


def _kml_colour(hex_colour: str, alpha: str) -> str:
    """KML's aabbggrr from #rrggbb."""
    return f"{alpha}{hex_colour[5:7]}{hex_colour[3:5]}{hex_colour[1:3]}"


def _kml_ring(coords) -> str:
    return " ".join(f"{x:.5f},{y:.5f}" for x, y in coords)


def _kml_polygons(geom) -> str:
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon":
            continue
        inner = "".join(
            f"<innerBoundaryIs><LinearRing><coordinates>{_kml_ring(r.coords)}</coordinates></LinearRing></innerBoundaryIs>"
            for r in poly.interiors
        )
        parts.append(
            f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_kml_ring(poly.exterior.coords)}</coordinates>"
            f"</LinearRing></outerBoundaryIs>{inner}</Polygon>"
        )
    return f"<MultiGeometry>{''.join(parts)}</MultiGeometry>"


def to_kml(view: pd.DataFrame, day: dt.date, territory=None) -> str:
    """KML for Google Earth: places coloured by side, areas per side and the front line; text escaped."""
    from xml.sax.saxutils import escape

    styles = (
        "".join(
            f'<Style id="{s.code}"><IconStyle><color>{_kml_colour(s.colour, "ff")}</color></IconStyle>'
            f"<PolyStyle><color>{_kml_colour(s.colour, '40')}</color><outline>0</outline></PolyStyle></Style>"
            for s in SIDES
        )
        + '<Style id="front"><LineStyle><color>ff222222</color><width>2.5</width></LineStyle></Style>'
    )
    shapes = []
    if territory is not None:
        for code, geom in sorted(territory.areas.items()):
            shapes.append(
                f"<Placemark><name>{escape(code)} area ({territory.km2[code]:,.0f} km²)</name>"
                f"<styleUrl>#{code}</styleUrl>{_kml_polygons(geom)}</Placemark>"
            )
        lines = "".join(
            f"<LineString><coordinates>{_kml_ring(line.coords)}</coordinates></LineString>"
            for line in territory.front_line.geoms
        )
        if lines:
            shapes.append(
                f"<Placemark><name>front line</name><styleUrl>#front</styleUrl><MultiGeometry>{lines}"
                "</MultiGeometry></Placemark>"
            )
    places = [
        f"<Placemark><name>{escape(str(r.name))}</name><styleUrl>#{escape(r.controller)}</styleUrl>"
        f"<description>{escape(f'{r.controller} since {r.since}; source: {r.source_url}')}</description>"
        f"<Point><coordinates>{r.lon:.5f},{r.lat:.5f}</coordinates></Point></Placemark>"
        for r in view.itertuples()
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<name>{escape(at_date_title(day))}</name>{styles}{''.join(shapes)}{''.join(places)}</Document></kml>\n"
    )


def _draw_territory(ax, territory) -> None:
    """Shaded areas per side and the dashed front line, under the markers."""
    for code, geom in territory.areas.items():
        for poly in getattr(geom, "geoms", [geom]):
            if poly.geom_type != "Polygon":
                continue
            x, y = poly.exterior.xy
            ax.fill(x, y, color=colour(code), alpha=0.2, linewidth=0, zorder=1)
    for line in territory.front_line.geoms:
        x, y = line.xy
        ax.plot(x, y, color="#222", linewidth=1.6, linestyle=(0, (5, 3)), zorder=1.5)


def to_png(
    view: pd.DataFrame,
    day: dt.date,
    *,
    changes: pd.DataFrame | None = None,
    recent_days: int = 14,
    dpi: int = 150,
    territory=None,
) -> bytes:
    """A PNG map of the view for an article: title, date, legend, labels of main towns, attribution."""
    # imported here, not at the top: matplotlib adds ~0.3 s to the page's first start and only
    # the PNG download needs it
    import matplotlib

    matplotlib.use("Agg")  # no display: exports are rendered on servers and in tests
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fig, ax = plt.subplots(figsize=(10, 8.4), dpi=dpi)
    try:
        fig.subplots_adjust(left=0.07, right=0.97, top=0.9, bottom=0.1)
        ax.set_facecolor("#f2efe6")
        if not view.empty:
            mid_lat = float(view["lat"].mean())
            ax.set_aspect(1 / math.cos(math.radians(mid_lat)), adjustable="datalim")
            pad = 0.08
            ax.set_ylim(view["lat"].min() - pad, view["lat"].max() + pad)
            ax.set_xbound(view["lon"].min() - pad, view["lon"].max() + pad)
        ax.grid(color="white", linewidth=0.8)
        ax.tick_params(labelsize=8, colors="#555")
        if territory is not None:
            _draw_territory(ax, territory)
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.1f}°E")
        ax.yaxis.set_major_formatter(lambda y, _: f"{y:.1f}°N")
        for spine in ax.spines.values():
            spine.set_color("#bbb")

        sizes = view["kind"].map(_SIZES).fillna(22)
        recent = view["recent"].astype(bool) if "recent" in view else pd.Series(False, index=view.index)
        ax.scatter(
            view["lon"],
            view["lat"],
            s=sizes,
            c=[colour(c) for c in view["controller"]],
            edgecolors=["#000" if r else "#333" for r in recent],
            linewidths=[2.0 if r else 0.6 for r in recent],
            zorder=3,
        )
        for row in view[(view["kind"].isin(LABELLED_KINDS)) | recent].itertuples():
            ax.annotate(
                row.name,
                (row.lon, row.lat),
                xytext=(5, 4),
                textcoords="offset points",
                fontsize=8.5,
                fontweight="bold" if row.recent else "normal",
                color="#222",
                zorder=2,
                bbox={"boxstyle": "round,pad=0.1", "fc": (1, 1, 1, 0.55), "ec": "none"},
            )

        counts = view["controller"].value_counts()
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=8,
                markerfacecolor=s.colour,
                markeredgecolor="#333",
                label=f"{s.label}: {counts.get(s.code, 0)} places",
            )
            for s in SIDES
            if counts.get(s.code, 0)
        ]
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=8,
                markerfacecolor="white",
                markeredgecolor="#000",
                markeredgewidth=2,
                label=f"changed in the last {recent_days} days",
            )
        )
        if territory is not None and not territory.front_line.is_empty:
            handles.append(Line2D([], [], color="#222", linestyle=(0, (5, 3)), label="front line (from town control)"))
        ax.legend(handles=handles, loc="lower left", fontsize=8.5, framealpha=0.92)

        if changes is not None and not changes.empty:
            names = view["name"].to_dict()
            text = f"Changes in the {recent_days} days to {day:%d %b %Y}\n" + "\n".join(_recent_lines(changes, names))
            ax.text(
                0.99,
                0.99,
                text,
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=8,
                zorder=5,
                bbox={"boxstyle": "round,pad=0.4", "fc": (1, 1, 1, 0.9), "ec": "#bbb"},
            )

        fig.suptitle(at_date_title(day), x=0.07, ha="left", fontsize=15, fontweight="bold")
        fig.text(0.07, 0.915, f"Who held each town of north-west Syria on {day:%d %B %Y}", fontsize=10, color="#444")
        fig.text(0.07, 0.03, f"{ATTRIBUTION} Map generated {dt.date.today():%d %b %Y}.", fontsize=7.5, color="#555")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()
    finally:
        plt.close(fig)
