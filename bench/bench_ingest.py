"""Precision and recall of the news ingest on a labelled set, and its speed.

Run: python bench/bench_ingest.py [--show-errors]
The labelled set (bench/data/ingest_labelled.json) is short paragraphs we wrote ourselves in the style
of wire copy about real changes (dates as in data/events.csv), each pattern with its negatives.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.gazetteer import Gazetteer  # noqa: E402
from geo.ingest import extract  # noqa: E402

LABELLED = ROOT / "bench" / "data" / "ingest_labelled.json"


def score(items: list[dict], gazetteer: Gazetteer, show: bool) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for item in items:
        published = dt.date.fromisoformat(item["published"])
        got = {(c.place_id, c.new_controller, c.date.isoformat()) for c in extract(item["text"], gazetteer, published)}
        want = {(e["place_id"], e["new_controller"], e["date"]) for e in item["expected"]}
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        if show and got != want:
            print(f"  [{item['pattern']}] {item['text'][:90]}")
            print(f"    extra {sorted(got - want)} missing {sorted(want - got)}")
    return tp, fp, fn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    gazetteer = Gazetteer.load()
    items = json.loads(LABELLED.read_text(encoding="utf-8"))
    tp, fp, fn = score(items, gazetteer, args.show_errors)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    positives = sum(1 for i in items if i["expected"])
    print(f"labelled set: {len(items)} paragraphs ({positives} with changes, {len(items) - positives} without)")
    print(f"precision {precision:.3f}  recall {recall:.3f}  (true {tp}, false {fp}, missed {fn})")

    seed = (ROOT / "seeds" / "000_fa140e02a259b78e.txt").read_text(encoding="utf-8")
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        extract(seed, gazetteer, dt.date(2019, 8, 11))
    per = (time.perf_counter() - start) / runs
    print(f"speed: {1 / per:.1f} articles/s on the seed article ({len(seed):,} characters, {per * 1000:.0f} ms each)")


if __name__ == "__main__":
    main()
