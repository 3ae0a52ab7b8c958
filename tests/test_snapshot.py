"""Exports: a PNG fit for an article, an HTML map that opens offline, a CSV of the state."""

import io
import re

import pytest
from matplotlib import image as mpimg

from geo import snapshot
from geo.view import STATE_COLUMNS, placed_state, window_start

from .conftest import day
from .test_mapview import hostile_view


@pytest.fixture(scope="module")
def view_0811(timeline, gazetteer):
    d = day("2019-08-11")
    return placed_state(timeline.state_at(d), gazetteer.frame(), recent_from=window_start(d, 14))


def test_png_is_a_png_of_article_size(timeline, view_0811):
    changes = timeline.changes_between(window_start(day("2019-08-11"), 14), day("2019-08-11"))
    data = snapshot.to_png(view_0811, day("2019-08-11"), changes=changes)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = mpimg.imread(io.BytesIO(data)).shape
    assert width >= 1200 and height >= 1000


def test_png_shows_both_sides_colours(view_0811):
    pixels = mpimg.imread(io.BytesIO(snapshot.to_png(view_0811, day("2019-08-11"))))[:, :, :3]

    def has(hex_colour):
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        return (abs(pixels - rgb).max(axis=2) < 0.02).sum() > 50

    assert has("#d7301f") and has("#1a9641")


def test_html_export_needs_no_network_and_holds_every_place(view_0811):
    html = snapshot.to_html(view_0811, day("2019-08-11"))
    assert not re.search(r"<script[^>]+src=", html), "scripts must be inlined"
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert "L.geoJson" in html and "Leaflet" in html  # Leaflet's own code is inside
    assert html.count('"type": "Feature"') == len(view_0811)
    assert "11 August 2019" in html


def test_html_export_escapes_hostile_names():
    html = snapshot.to_html(hostile_view("<img src=x onerror=alert(1)>"), day("2019-08-11"))
    assert "<img src=x" not in html


def test_csv_has_the_documented_columns(view_0811):
    lines = snapshot.to_csv(view_0811).splitlines()
    assert lines[0] == ",".join(STATE_COLUMNS)
    assert len(lines) == len(view_0811) + 1
    assert any(line.startswith("al-habit,") and ",government,2019-08-11," in line for line in lines)


def test_file_names_carry_the_date():
    assert snapshot.file_name(day("2019-08-25"), "png") == "idlib-front-2019-08-25.png"
