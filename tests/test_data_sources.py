"""Provenance of the bundled places: each position taken from Wikipedia's map module is one of its
markers as read (data/sources/map_markers.csv), under the place's name."""

import csv
from pathlib import Path

from geo.names import fold

DATA = Path(__file__).resolve().parent.parent / "data"
MODULE = "Syrian_Civil_War_detailed_map"


def rows(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_map_marker_place_is_a_marker_as_read_with_its_name():
    markers = {}
    for m in rows(DATA / "sources" / "map_markers.csv"):
        key = (round(float(m["lat"]), 4), round(float(m["lon"]), 4))
        markers.setdefault(key, []).append(fold(f"{m['label']} {m['wikilink']}"))
    from_module = [r for r in rows(DATA / "curated_places.csv") if MODULE in r["source"]]
    assert len(from_module) > 1000
    unmatched = []
    for r in from_module:
        texts = markers.get((round(float(r["lat"]), 4), round(float(r["lon"]), 4)), [])
        if not any(fold(r["name"]) in text for text in texts):
            unmatched.append(r["id"])
    assert unmatched == []
