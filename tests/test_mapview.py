"""The map's HTML: local Leaflet only, escaped text, a base map that stays the same across dates."""

import json

import pandas as pd
import pytest
from streamlit_folium import _get_map_string, generate_js_hash

from geo import mapview
from geo.factions import colour
from geo.view import placed_state

from .conftest import day

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    '"><svg onload=alert(1)>',
    "`${alert(1)}`",
    "\\u003cscript\\u003e",
]


def hostile_view(name: str, url: str = "https://example.org/a") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [name],
            "lat": [35.4],
            "lon": [36.6],
            "kind": ["town"],
            "controller": ["government"],
            "since": [day("2019-08-11")],
            "source_url": [url],
            "recent": [True],
        },
        index=pd.Index(["x"], name="place_id"),
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_names_from_data_reach_the_map_escaped(name):
    props = mapview.feature_collection(hostile_view(name))["features"][0]["properties"]
    for text in (props["tooltip"], props["popup"], props["label"]):
        assert "<img" not in text and "<script" not in text and "<svg" not in text
        assert "`" not in text and "${" not in text


def test_only_web_urls_become_links():
    popup = mapview.feature_collection(hostile_view("A", "javascript:alert(1)"))["features"][0]["properties"]["popup"]
    assert "<a " not in popup and "javascript:alert(1)" in popup
    popup = mapview.feature_collection(hostile_view("A", "https://example.org/x"))["features"][0]["properties"]["popup"]
    assert '<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">example.org</a>' in popup


def test_markers_are_coloured_by_controller_and_recent_changes_outlined():
    style = mapview.feature_collection(hostile_view("A"))["features"][0]["properties"]["style"]
    assert style["fillColor"] == colour("government") and style["weight"] == 3


def test_geojson_is_lon_lat():
    geometry = mapview.feature_collection(hostile_view("A"))["features"][0]["geometry"]
    assert geometry == {"type": "Point", "coordinates": [36.6, 35.4]}


def test_base_map_loads_leaflet_from_the_app_not_a_cdn():
    m = mapview.base_map(asset_url="/app/static/leaflet")
    html = m.get_root().render()
    assert '<script src="/app/static/leaflet/leaflet.js">' in html
    assert "cdn" not in " ".join(url for _, url in m.default_js + m.default_css)
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()


def test_base_map_is_identical_for_every_date(timeline, gazetteer):
    """streamlit-folium remounts the map when the base map's script changes; dates must not change it."""
    hashes = set()
    for date in ("2019-05-08", "2019-08-11", "2019-08-25"):
        view = placed_state(timeline.state_at(day(date)), gazetteer.frame())
        base = mapview.base_map(mapview.bounds_of(gazetteer.frame()))
        mapview.places_layer(view)  # built beside the base map, as the page does
        base.render()
        hashes.add(generate_js_hash(_get_map_string(base), "map"))
    assert len(hashes) == 1


def test_places_layer_carries_every_place_of_the_view(timeline, gazetteer):
    view = placed_state(timeline.state_at(day("2019-08-11")), gazetteer.frame())
    data = mapview.feature_collection(view)
    assert len(data["features"]) == len(view)
    habit = next(f for f in data["features"] if f["id"] == "al-habit")
    assert habit["properties"]["controller"] == "government"
    json.dumps(data)  # must be serialisable for the browser
