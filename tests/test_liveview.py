"""The live map: places sent once (escaped), each date as small arrays aligned with them."""

import json

import pandas as pd
import shapely.geometry

from geo import liveview, mapview
from geo.view import placed_state, window_start

from .conftest import day


def test_state_arrays_line_up_with_the_places_file(timeline, gazetteer):
    places = gazetteer.frame().loc[list(timeline.places)]
    order = places.index.tolist()
    d = day("2019-08-11")
    view = placed_state(timeline.state_at(d), gazetteer.frame(), recent_from=window_start(d, 14))
    state = liveview.state_arrays(view, order, d)
    codes = ["government", "opposition", "contested"]
    habit = order.index("al-habit")
    assert codes[state["c"][habit]] == "government" and state["r"][habit] == 1
    assert pd.Timestamp("1970-01-01") + pd.Timedelta(days=state["s"][habit]) == pd.Timestamp("2019-08-11")
    assert state["urls"][state["u"][habit]][0].startswith("https://")
    assert len(state["c"]) == len(order) == len(json.loads(liveview.places_payload(places))["ids"])


def test_places_without_a_state_yet_are_marked_absent(gazetteer):
    view = pd.DataFrame(
        {
            "name": ["A"],
            "lat": [35.0],
            "lon": [36.0],
            "kind": ["town"],
            "controller": ["opposition"],
            "since": [day("2019-04-29")],
            "source_url": ["javascript:alert(1)"],
            "recent": [False],
        },
        index=pd.Index(["a"], name="place_id"),
    )
    state = liveview.state_arrays(view, ["a", "b"], day("2019-05-01"))
    assert state["c"] == [1, -1]
    assert state["u"] == [-1, -1] and state["urls"] == []  # a non-web source never becomes a link


def test_places_payload_escapes_names_and_is_stored_under_its_content_hash(tmp_path):
    places = pd.DataFrame(
        {"name": ["<img src=x onerror=alert(1)>"], "lat": [35.1], "lon": [36.2], "kind": ["city"]},
        index=pd.Index(["x"], name="place_id"),
    )
    payload = liveview.places_payload(places)
    assert b"<img" not in payload and b"&lt;img" in payload
    name = liveview.write_payload(tmp_path, payload)
    assert name == liveview.write_payload(tmp_path, payload)  # same content, same file
    assert (tmp_path / name).read_bytes() == payload


def test_the_live_base_map_does_not_change_with_the_date(timeline, gazetteer):
    from streamlit_folium import _get_map_string, generate_js_hash

    scripts = set()
    for date in ("2019-05-08", "2020-02-06", "2024-12-05"):
        base = mapview.base_map(mapview.bounds_of(gazetteer.frame()))
        base.add_child(liveview.LivePlaces("/app/static/data/places-x.json"))
        view = placed_state(timeline.state_at(day(date)), gazetteer.frame())
        liveview.state_layer(view, list(timeline.places), day(date))
        base.render()
        scripts.add(generate_js_hash(_get_map_string(base), "map"))
    assert len(scripts) == 1


def state_from_history(payload: dict, n: int) -> dict[str, list]:
    """What the map's script draws for day `n` from the places file alone (its loop, in Python):
    side, since, source URL and the 'recent' ring per place."""
    out: dict[str, list] = {"c": [], "s": [], "url": [], "r": []}
    for h in payload["hist"]:
        k = max((j for j in range(0, len(h), 4) if h[j] <= n), default=-1)
        out["c"].append(h[k + 1] if k >= 0 else -1)
        out["s"].append(h[k + 3] if k >= 0 else 0)
        out["url"].append(payload["urls"][h[k + 2]][0] if k >= 0 and h[k + 2] >= 0 else None)
        out["r"].append(1 if k >= 0 and h[k + 3] > n - payload["recentDays"] else 0)
    return out


def test_the_histories_in_the_places_file_give_the_servers_state_on_every_change_date(timeline, gazetteer):
    order = list(timeline.places)
    places = gazetteer.frame().loc[order]
    payload = json.loads(liveview.places_payload(places, timeline.events, recent_days=14))
    epoch = pd.Timestamp("1970-01-01").date()
    for d in [day("2019-04-28"), *timeline.dates(), day("2019-08-20"), day("2026-01-01")]:
        view = placed_state(timeline.state_at(d), gazetteer.frame(), recent_from=window_start(d, 14))
        server = liveview.state_arrays(view, order, d)
        client = state_from_history(payload, (d - epoch).days)
        assert client["c"] == server["c"], d
        assert client["r"] == server["r"], d
        placed = [i for i, c in enumerate(server["c"]) if c >= 0]
        assert [client["s"][i] for i in placed] == [server["s"][i] for i in placed], d
        server_urls = [server["urls"][u][0] if u >= 0 else None for u in server["u"]]
        assert [client["url"][i] for i in placed] == [server_urls[i] for i in placed], d


def test_the_areas_file_holds_the_areas_and_line_of_each_change_date_in_date_order(timeline, gazetteer):
    from geo.territory import load_theatre, territory

    theatre = load_theatre()

    def at(d):
        return territory(placed_state(timeline.state_at(d), gazetteer.frame()), theatre)

    dates = [day("2020-03-06"), day("2019-04-29")]
    data = json.loads(liveview.areas_payload([(d, at(d)) for d in dates]))
    epoch = pd.Timestamp("1970-01-01").date()
    assert data["days"] == sorted((d - epoch).days for d in dates)
    sides = [{f["properties"]["side"] for f in fc["features"]} for fc in data["areas"]]
    assert all({"government", "opposition"} <= s for s in sides)
    assert all(fc["features"][0]["geometry"]["type"] in ("LineString", "MultiLineString") for fc in data["lines"])
    government = [next(f for f in fc["features"] if f["properties"]["side"] == "government") for fc in data["areas"]]
    assert government[0]["geometry"] != government[1]["geometry"]  # the 2019-2020 offensive moved the line


def test_the_areas_file_keeps_positions_to_about_a_metre_and_no_finer(timeline, gazetteer):
    from geo.territory import load_theatre, territory

    d = day("2020-03-06")
    exact = territory(placed_state(timeline.state_at(d), gazetteer.frame()), load_theatre())
    data = json.loads(liveview.areas_payload([(d, exact)]))
    ring = next(f for f in data["areas"][0]["features"] if f["properties"]["side"] == "government")["geometry"]
    first = ring["coordinates"][0][0] if ring["type"] == "Polygon" else ring["coordinates"][0][0][0]
    assert all(len(repr(c).split(".")[1]) <= 5 for c in first)
    shape, area = shapely.geometry.shape(ring), exact.areas["government"]
    assert shape.symmetric_difference(area).area < 1e-5 * area.area  # the same area, to a few metres
