"""State -> folium objects: a base map that never changes with the date, and date-dependent layers.

The page passes the layers to streamlit-folium's `feature_group_to_add`, so a new date swaps the
layers in the browser and keeps the map (and the reader's zoom). Nothing here displays anything.
"""

from __future__ import annotations

import datetime as dt

import folium
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from . import assets
from .escape import html_link, html_text
from .factions import SIDES, colour, label
from .settings import Settings

__all__ = [
    "base_map",
    "places_layer",
    "mentioned_layer",
    "territory_layers",
    "territory_features",
    "standalone_map",
    "feature_collection",
    "bounds_of",
    "MARKER_RADIUS",
    "LABELLED_KINDS",
]

LABELLED_KINDS = ("city", "town")
"""Kinds of place whose name is always shown beside the marker (others show it on hover)."""
MARKER_RADIUS = {"city": 10, "town": 7, "village": 5, "hill": 5, "base": 5, "crossing": 5}
_DEFAULT_BOUNDS = ((34.9, 36.0), (36.3, 37.3))
_BACKGROUND_CSS = """<style>
.leaflet-container { background: #f2efe6; font: 13px/1.4 system-ui, sans-serif; }
.ifm-legend { background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 4px; font-size: 12px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); line-height: 1.6; }
.ifm-legend i { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 6px; vertical-align: -1px; border: 1px solid #333; }
.ifm-recent { border: 2px solid #111 !important; }
.leaflet-tooltip.ifm-label { background: transparent; border: 0; box-shadow: none; padding: 0 2px;
  font-size: 11px; font-weight: 600; color: #222; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.leaflet-tooltip.ifm-label:before { display: none; }
.ifm-far .leaflet-tooltip.ifm-town { display: none; }
</style>"""


class _Legend(MacroElement):
    """A Leaflet control listing the sides with their colours (text escaped on the Python side)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomleft"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "ifm-legend");
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Legend"
        self.html = html


class _Places(MacroElement):
    """One GeoJSON layer of circle markers, style, tooltip and popup carried per feature.

    One layer instead of one folium object per place: measured ~15x faster to build and ~3x less
    HTML at 10,000 places (see the README's design notes).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.ifmDate = {{ this.date|tojson }};  // the date the map shows: for tests and benchmarks
        var {{ this.get_name() }} = L.geoJson({{ this.data|tojson }}, {
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, feature.properties.style);
            },
            onEachFeature: function (feature, layer) {
                var p = feature.properties;
                if (p.label) {
                    layer.bindTooltip(p.label, {permanent: true, direction: "right", className: "ifm-label"});
                } else {
                    layer.bindTooltip(p.tooltip);
                }
                layer.bindPopup(p.popup, {maxWidth: 340});
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, date: str | None = None):
        super().__init__()
        self._name = "Places"
        self.data = data
        self.date = date


def bounds_of(view: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """South-west and north-east corners around the places, with a small margin."""
    if view.empty:
        return _DEFAULT_BOUNDS
    pad = 0.05
    return (
        (float(view["lat"].min()) - pad, float(view["lon"].min()) - pad),
        (float(view["lat"].max()) + pad, float(view["lon"].max()) + pad),
    )


def legend_html(recent_days: int) -> str:
    """The legend's HTML: one line per side with its colour."""
    rows = "".join(f'<div><i style="background:{s.colour}"></i>{html_text(s.label)}</div>' for s in SIDES)
    recent = f'<div><i class="ifm-recent" style="background:#fff"></i>changed in the last {recent_days} days</div>'
    return f"<b>Control</b>{rows}{recent}"


def base_map(
    bounds=_DEFAULT_BOUNDS, *, settings: Settings | None = None, asset_url: str | None = "/app/static/leaflet"
) -> folium.Map:
    """The map without date-dependent content: background tiles, legend, fitted to `bounds`.

    Leaflet is loaded from `asset_url` (the app's static files) instead of a CDN, so the map draws
    with no network; `asset_url=None` leaves the scripts out (the caller inlines them).
    """
    settings = settings or Settings()
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, zoom_snap=0.25)
    m.default_js = [("leaflet", f"{asset_url}/leaflet.js")] if asset_url else []
    m.default_css = [("leaflet_css", f"{asset_url}/leaflet.css")] if asset_url else []
    folium.TileLayer(settings.tile_url, attr=settings.tile_attribution, name="OpenStreetMap", max_zoom=18).add_to(m)
    m.get_root().header.add_child(Element(_BACKGROUND_CSS), name="ifm_css")
    m.add_child(_Legend(legend_html(settings.recent_days)))
    m.add_child(_AreasPane())
    m.fit_bounds([list(bounds[0]), list(bounds[1])])
    return m


def _tooltip(row) -> str:
    return f"<b>{html_text(row.name)}</b><br>{html_text(label(row.controller))}<br>since {html_text(row.since)}"


def _popup(row) -> str:
    return (
        f"<b>{html_text(row.name)}</b><br>"
        f"Held by: {html_text(label(row.controller))}<br>"
        f"Since: {html_text(row.since)}<br>"
        f"Source: {html_link(row.source_url) if row.source_url else 'none recorded'}"
    )


def feature_collection(view: pd.DataFrame) -> dict:
    """GeoJSON (lon, lat order) of the places with controller, since, styling and escaped texts."""
    features = []
    for row in view.itertuples():
        features.append(
            {
                "type": "Feature",
                "id": row.Index,
                "geometry": {"type": "Point", "coordinates": [round(row.lon, 5), round(row.lat, 5)]},
                "properties": {
                    "place_id": row.Index,
                    "controller": row.controller,
                    "since": str(row.since),
                    "style": {
                        "radius": MARKER_RADIUS.get(row.kind, 5),
                        "color": "#111" if row.recent else "#333",
                        "weight": 3 if row.recent else 1,
                        "fillColor": colour(row.controller),
                        "fillOpacity": 0.9,
                    },
                    "tooltip": _tooltip(row),
                    "label": html_text(row.name) if row.kind in LABELLED_KINDS else "",
                    "popup": _popup(row),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def places_layer(view: pd.DataFrame, day: dt.date | None = None) -> folium.FeatureGroup:
    """The date-dependent layer: one coloured marker per place (and the date, as `window.ifmDate`)."""
    group = folium.FeatureGroup(name="Places", control=False)
    group.add_child(_Places(feature_collection(view), day.isoformat() if day else None))
    return group


def mentioned_layer(places: list) -> folium.FeatureGroup:
    """Blue rings around the places a news report names (the 'Add a report' panel)."""
    group = folium.FeatureGroup(name="Named in the report", control=False)
    for place in places:
        folium.CircleMarker(
            [place.lat, place.lon],
            radius=13,
            color="#1f5fbf",
            weight=3,
            fill=False,
            tooltip=folium.Tooltip(html_text(f"Named in the report: {place.name}")),
        ).add_to(group)
    return group


class _Shapes(MacroElement):
    """Polygons or lines from GeoJSON, styled per feature, drawn in the areas pane (under the markers)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data|tojson }}, {
            pane: "ifmAreas", interactive: false,
            style: function (feature) { return feature.properties.style; }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict):
        super().__init__()
        self._name = "Shapes"
        self.data = data


class _AreasPane(MacroElement):
    """A map pane under the markers' one, for the shaded areas and the front line."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.createPane("ifmAreas").style.zIndex = 350;
        {% endmacro %}
        """
    )


def _lighter(geom):
    """The geometry simplified by ~200 m and rounded to 4 decimals (~10 m): what the screen shows,
    for a third of the bytes per date."""
    return shapely.set_precision(geom.simplify(0.002), 1e-4)


AREA_STYLE = {"weight": 0, "fillOpacity": 0.22}
LINE_STYLE = {"color": "#222", "weight": 2.5, "dashArray": "6 4", "fill": False}
AREAS_LAYER, LINE_LAYER = "Areas (derived from town control)", "Front line"


def territory_features(territory) -> tuple[dict, dict]:
    """The areas (one feature per side, with its `side` code and style) and the front line, as GeoJSON."""
    areas = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(geom),
                "properties": {
                    "side": code,
                    "style": {"color": colour(code), "fillColor": colour(code), **AREA_STYLE},
                },
            }
            for code, geom in sorted(territory.areas.items())
        ],
    }
    line = {"type": "FeatureCollection", "features": []}
    if not territory.front_line.is_empty:
        line["features"].append(
            {
                "type": "Feature",
                "geometry": mapping(_lighter(territory.front_line)),
                "properties": {"style": LINE_STYLE},
            }
        )
    return areas, line


def territory_layers(territory) -> list[folium.FeatureGroup]:
    """Shaded areas per side and the front line, as two layers the reader can switch off."""
    areas, line = territory_features(territory)
    area_group = folium.FeatureGroup(name=AREAS_LAYER)
    area_group.add_child(_Shapes(areas))
    line_group = folium.FeatureGroup(name=LINE_LAYER)
    if line["features"]:
        line_group.add_child(_Shapes(line))
    return [area_group, line_group]


def standalone_map(view: pd.DataFrame, *, title: str, settings: Settings | None = None, territory=None) -> folium.Map:
    """A complete map for the HTML export: Leaflet inlined so the file opens with no network."""
    m = base_map(bounds_of(view), settings=settings, asset_url=None)
    m.get_root().header.add_child(
        Element(
            f"<title>{html_text(title)}</title><style>{assets.inline_css()}</style><script>{assets.inline_js()}</script>"
        ),
        name="ifm_leaflet",
        index=0,
    )
    heading = (
        '<div style="position:fixed;top:10px;left:60px;z-index:1000;background:rgba(255,255,255,.92);'
        f'padding:6px 10px;border-radius:4px;font:15px system-ui,sans-serif"><b>{html_text(title)}</b></div>'
    )
    m.get_root().html.add_child(Element(heading))
    if territory is not None:
        for layer in territory_layers(territory):
            m.add_child(layer)
        folium.LayerControl(collapsed=False).add_to(m)
    m.add_child(places_layer(view))
    return m


def at_date_title(day: dt.date) -> str:
    """The title used on exports for a date."""
    return f"Idlib front: control of towns on {day:%d %B %Y}"
