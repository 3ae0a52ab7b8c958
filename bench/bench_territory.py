"""How long building the areas and the front line takes for one date, for N places.

Run: python bench/bench_territory.py [--places 1000] [--dates 30]
Synthetic places spread over the mapped region with a moving front (deterministic, seed 42).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.territory import load_theatre, territory, tessellate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--dates", type=int, default=30)
    args = parser.parse_args()
    rnd = random.Random(42)
    theatre = load_theatre()
    lat = [rnd.uniform(34.8, 36.7) for _ in range(args.places)]
    lon = [rnd.uniform(35.9, 37.6) for _ in range(args.places)]
    times, reused = [], []
    cells = None
    for step in range(args.dates):
        front = 35.2 + step * 0.02  # the government advances north, date by date
        view = pd.DataFrame(
            {"lat": lat, "lon": lon, "controller": ["government" if y < front else "opposition" for y in lat]},
            index=pd.Index([f"p{i}" for i in range(args.places)], name="place_id"),
        )
        start = time.perf_counter()
        result = territory(view, theatre)
        times.append((time.perf_counter() - start) * 1000)
        if cells is None:
            start = time.perf_counter()
            cells = tessellate(view, theatre)
            cells_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        territory(view, theatre, cells)
        reused.append((time.perf_counter() - start) * 1000)
    print(
        f"{args.places} places, {args.dates} dates: areas + front line + km² per date "
        f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms"
    )
    print(
        f"with the data set's cells built once ({cells_ms:.0f} ms): median {statistics.median(reused):.0f} ms, "
        f"max {max(reused):.0f} ms per date"
    )
    print(f"last date: {result.km2}, front line {len(result.front_line.geoms)} part(s)")


if __name__ == "__main__":
    main()
