"""The gazetteer build's merge rule: which curated row a GeoNames place is."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_gazetteer.py"
spec = importlib.util.spec_from_file_location("build_gazetteer", SCRIPT)
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)


def curated(pid, name, lat, lon, alts=""):
    return {"id": pid, "name": name, "alt_names": alts, "lat": str(lat), "lon": str(lon)}


def test_a_geonames_place_merges_with_the_curated_row_of_the_same_name_nearby():
    place = {"names": ["Kafr Nubudah", "Kafr Nabuda"], "lat": 35.43, "lon": 36.49}
    rows = [curated("kafr-nabudah", "Kafr Nabudah", 35.432, 36.493)]
    assert build.same_curated(place, rows)["id"] == "kafr-nabudah"


def test_a_name_without_consonants_does_not_merge_a_village_that_has_no_alternate_names():
    ayyubiyah = {"names": ["Ayyubiyah", "Ayu", "Ayou"], "lat": 35.033, "lon": 36.736}
    besirin = curated("besirin", "Besirin", 35.020, 36.744)  # 1.6 km away, another village
    assert build.same_curated(ayyubiyah, [besirin]) is None


def test_the_same_name_far_away_is_another_place():
    place = {"names": ["Jubbayn"], "lat": 35.92, "lon": 37.58}
    assert build.same_curated(place, [curated("jubbayn-hama", "Jubbayn", 35.337, 36.513)]) is None
