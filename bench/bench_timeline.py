"""How fast is `Timeline.state_at`, against the plain pandas way, on a synthetic history?

Run: python bench/bench_timeline.py [--changes 100000] [--places 10000] [--queries 300]
Prints median and 95th-percentile times of both, the speed-up, and the memory the precomputation takes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.timeline import Timeline  # noqa: E402


def synthetic(changes: int, places: int, seed: int = 42) -> pd.DataFrame:
    """A deterministic history: every place gets a baseline, then random changes over 2,000 days."""
    rng = np.random.default_rng(seed)
    base = pd.DataFrame(
        {
            "date": np.datetime64("2019-04-29"),
            "place_id": [f"p{i:05d}" for i in range(places)],
            "controller": rng.choice(["government", "opposition"], places),
        }
    )
    n = changes - places
    rest = pd.DataFrame(
        {
            "date": np.datetime64("2019-04-30") + np.sort(rng.integers(0, 2000, n)).astype("timedelta64[D]"),
            "place_id": [f"p{i:05d}" for i in rng.integers(0, places, n)],
            "controller": rng.choice(["government", "opposition", "contested"], n),
        }
    )
    events = pd.concat([base, rest], ignore_index=True)
    events["source_url"] = [f"https://example.org/report/{i}" for i in range(len(events))]
    return events


def plain_pandas(events: pd.DataFrame, day) -> pd.DataFrame:
    """The obvious way: filter by date, sort, group by place, take the last."""
    upto = events[events["date"] <= day]
    return upto.sort_values("date", kind="stable").groupby("place_id").last()[["controller", "source_url"]]


def timed(fn, days) -> list[float]:
    out = []
    for day in days:
        start = time.perf_counter()
        fn(day)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    events = synthetic(args.changes, args.places)
    start = time.perf_counter()
    timeline = Timeline(events)
    build_s = time.perf_counter() - start
    rnd = random.Random(42)
    days = [np.datetime64("2019-04-29") + rnd.randrange(0, 2001) for _ in range(args.queries)]
    days_py = [d.astype("datetime64[D]").item() for d in days]

    fast = timed(timeline.state_at, days_py)
    slow = timed(lambda d: plain_pandas(events, pd.Timestamp(d)), days_py[: max(30, args.queries // 10)])
    precomputed = timeline._checkpoints.nbytes + timeline._place_idx.nbytes + timeline._dates.nbytes
    frame = timeline._frame.memory_usage(deep=True).sum()

    def p95(xs):
        return statistics.quantiles(xs, n=20, method="inclusive")[-1]

    print(f"history: {len(events):,} changes over {args.places:,} places; Timeline built in {build_s:.2f} s")
    print(f"Timeline.state_at : median {statistics.median(fast):.3f} ms, p95 {p95(fast):.3f} ms ({len(fast)} queries)")
    print(f"plain pandas      : median {statistics.median(slow):.3f} ms, p95 {p95(slow):.3f} ms ({len(slow)} queries)")
    print(f"speed-up (median) : {statistics.median(slow) / statistics.median(fast):.1f}x")
    print(f"memory: checkpoints and index arrays {precomputed / 1e6:.1f} MB; event table {frame / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
