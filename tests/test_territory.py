"""Areas and the front line: they tile the region, stay out of Turkey, and follow the story."""

import json

import pandas as pd
import pytest
import shapely

from geo import snapshot
from geo.factions import SIDES
from geo.territory import area_km2, load_theatre, territory
from geo.view import placed_state

from .conftest import day


@pytest.fixture(scope="module")
def theatre():
    return load_theatre()


def at(timeline, gazetteer, date):
    return placed_state(timeline.state_at(day(date)), gazetteer.frame())


def synthetic(points):
    return pd.DataFrame(
        {"lat": [p[0] for p in points], "lon": [p[1] for p in points], "controller": [p[2] for p in points]},
        index=pd.Index([f"p{i}" for i in range(len(points))], name="place_id"),
    )


def test_the_region_is_syrian_land_only(theatre):
    assert theatre.contains(shapely.Point(36.5208, 36.2118))  # Harim, Syria
    assert not theatre.contains(shapely.Point(36.5675, 36.2679))  # Reyhanli, Turkey
    assert not theatre.contains(shapely.Point(36.3, 36.45))  # Hatay


@pytest.mark.parametrize("date", ["2019-04-29", "2019-08-31", "2020-03-06", "2024-12-08"])
def test_areas_tile_the_region_without_overlap(timeline, gazetteer, theatre, date):
    t = territory(at(timeline, gazetteer, date), theatre)
    total = sum(t.km2.values())
    assert total == pytest.approx(area_km2(theatre), rel=0.005)
    gov, opp = t.areas.get("government"), t.areas.get("opposition")
    if gov is not None and opp is not None:
        assert gov.intersection(opp).area < 1e-6


def test_the_front_line_lies_where_two_sides_meet(timeline, gazetteer, theatre):
    t = territory(at(timeline, gazetteer, "2019-08-31"), theatre)
    for point in shapely.get_coordinates(t.front_line)[::5]:
        p = shapely.Point(point)
        near = [code for code, area in t.areas.items() if area.distance(p) < 0.01]
        assert len(near) >= 2, (tuple(point), near)  # e.g. government | opposition, opposition | contested


def test_the_government_area_grows_through_2019_and_2020_and_khan_shaykhun_joins_it(timeline, gazetteer, theatre):
    km2 = [
        territory(at(timeline, gazetteer, d), theatre).km2["government"]
        for d in ("2019-04-29", "2019-08-20", "2019-08-31", "2020-03-06")
    ]
    assert km2 == sorted(km2) and km2[-1] > km2[0] + 3000
    khan = shapely.Point(36.65095, 35.44208)
    assert territory(at(timeline, gazetteer, "2019-08-20"), theatre).areas["opposition"].contains(khan)
    assert territory(at(timeline, gazetteer, "2019-08-21"), theatre).areas["government"].contains(khan)


def test_an_encircled_post_keeps_its_own_area_and_a_front_line_round_it(theatre):
    view = synthetic(
        [
            (35.0, 36.6, "government"),
            (35.6, 36.6, "government"),
            (35.3, 36.3, "government"),
            (35.3, 36.9, "government"),
            (35.3, 36.6, "opposition"),
        ]
    )
    t = territory(view, theatre)
    assert t.areas["opposition"].contains(shapely.Point(36.6, 35.3))
    assert t.front_line.length > 0 and t.km2["opposition"] > 0


def test_a_side_holding_nothing_has_no_area_and_there_is_no_front_line(theatre):
    t = territory(synthetic([(35.2, 36.6, "government"), (35.8, 36.7, "government")]), theatre)
    assert set(t.areas) == {"government"} and t.front_line.is_empty
    assert t.km2["government"] == pytest.approx(area_km2(theatre), rel=0.005)


def test_places_at_the_same_point_and_places_outside_the_region_are_handled(theatre):
    view = synthetic(
        [(35.2, 36.6, "government"), (35.2, 36.6, "opposition"), (35.8, 36.7, "opposition"), (33.5, 36.3, "government")]
    )  # the last is Damascus, outside the region
    t = territory(view, theatre)
    assert sum(t.km2.values()) == pytest.approx(area_km2(theatre), rel=0.005)


def test_the_geojson_export_holds_places_areas_and_the_line_in_lon_lat(timeline, gazetteer, theatre):
    view = at(timeline, gazetteer, "2019-08-31")
    data = json.loads(snapshot.to_geojson(view, day("2019-08-31"), territory(view, theatre)))
    kinds = [f["geometry"]["type"] for f in data["features"]]
    assert kinds.count("Point") == len(view) and "MultiLineString" in kinds
    areas = [f for f in data["features"] if "area_km2" in f["properties"]]
    assert {"government", "opposition"} <= {f["properties"]["controller"] for f in areas} <= {s.code for s in SIDES}
    lon, lat = next(f for f in data["features"] if f["geometry"]["type"] == "Point")["geometry"]["coordinates"]
    assert 35.5 < lon < 38 and 34.5 < lat < 37


def test_the_kml_export_parses_and_keeps_hostile_text_as_text(theatre):
    import xml.etree.ElementTree as ET

    from .test_mapview import hostile_view

    view = hostile_view("<script>alert(1)</script> & Co")
    kml = snapshot.to_kml(view, day("2019-08-11"), territory(view, theatre))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.fromstring(kml.encode())
    names = [e.text for e in root.iterfind(".//k:Placemark/k:name", ns)]
    assert "<script>alert(1)</script> & Co" in names  # parsed back as the text typed
    assert "<script>" not in kml
    assert root.find(".//k:Polygon", ns) is not None


def test_the_north_hama_pocket_closes_in_late_august_2019(timeline, gazetteer, theatre):
    morek = shapely.Point(36.6897, 35.37615)
    assert territory(at(timeline, gazetteer, "2019-08-22"), theatre).areas["opposition"].contains(morek)
    assert territory(at(timeline, gazetteer, "2019-08-23"), theatre).areas["government"].contains(morek)


def test_area_series_gives_km2_per_side_on_every_change_date(timeline, gazetteer, theatre):
    from geo.territory import area_series

    series = area_series(timeline, gazetteer.frame(), theatre, day("2019-08-01"), day("2019-09-01"))
    assert list(series.index) == [d for d in timeline.dates() if day("2019-08-01") <= d <= day("2019-09-01")]
    assert series["government"].is_monotonic_increasing  # the 2019 offensive only gained ground


def test_exported_polygons_follow_the_right_hand_rule(timeline, gazetteer, theatre):
    from shapely.geometry import shape

    t = territory(at(timeline, gazetteer, "2019-08-31"), theatre)
    for feature in t.geojson()["features"]:
        geom = shape(feature["geometry"])
        for poly in getattr(geom, "geoms", [geom]):
            if poly.geom_type == "Polygon":
                assert poly.exterior.is_ccw
