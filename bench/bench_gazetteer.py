"""Gazetteer look-up speed, and how often simple misspellings still find the right place.

Run: python bench/bench_gazetteer.py
Names come from the bundled gazetteer itself: every preferred and alternate Latin/Arabic name
('key' look-ups), and deterministic misspellings of the first three Latin names of each place (one
letter dropped or doubled) that no longer share the place's key ('fuzzy' look-ups). This is a
speed and self-consistency check, not the labelled accuracy test of news spellings the gazetteer
issue asks for.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.gazetteer import Gazetteer  # noqa: E402
from geo.names import skeleton  # noqa: E402
from geo.view import distance_km  # noqa: E402


def misspell(name: str, rnd: random.Random) -> str:
    i = rnd.randrange(1, max(2, len(name) - 1))
    return name[:i] + name[i + 1 :] if rnd.random() < 0.5 else name[:i] + name[i] + name[i:]


def labelled_rows(path: Path) -> list[dict]:
    """The labelled spellings (spelling, place_id, source_url), or none when the file is absent."""
    import csv

    return list(csv.DictReader(path.open(encoding="utf-8"))) if path.exists() else []


def score(gazetteer: Gazetteer, rows: list[dict]) -> tuple[int, int, list[str]]:
    """Labelled spellings resolved within 3 km of the place they mean (right), further (wrong), and a
    line per miss."""
    right = wrong = 0
    misses = []
    for row in rows:
        want = gazetteer.get(row["place_id"])
        got = gazetteer.geocode(row["spelling"])
        if got is None:
            misses.append(f"  not found: {row['spelling']!r} ({row['place_id']})")
            continue
        km = distance_km(want.lat, want.lon, got.lat, got.lon)
        if km <= 3:
            right += 1
        else:
            wrong += 1
            misses.append(f"  WRONG: {row['spelling']!r} -> {got.name} ({km:.0f} km from {want.name})")
    return right, wrong, misses


def accuracy(gazetteer: Gazetteer, path: Path) -> None:
    """Share of labelled real spellings resolved within 3 km of the place they mean, and share wrong."""
    rows = labelled_rows(path)
    right, wrong, misses = score(gazetteer, rows)
    n = len(rows)
    print(
        f"labelled spellings ({path.name}): {n} from {len({r['place_id'] for r in rows})} places; "
        f"right {right / n:.1%}, wrong {wrong / n:.1%}, not found {(n - right - wrong) / n:.1%}"
    )
    print("\n".join(misses))


def sweep(gazetteer: Gazetteer, fuzzy: list, labelled: Path) -> None:
    """Right / wrong / not found per fuzzy threshold: the numbers FUZZY_THRESHOLD is chosen from.

    Only misspellings that share no key with any place are counted (those are decided by the
    threshold alone); the labelled news spellings are counted whole.
    """
    import geo.gazetteer as gz

    pure = [(t, p) for t, p in fuzzy if not gazetteer.candidates(t, fuzzy=False)]
    rows = labelled_rows(labelled)
    saved = gz.FUZZY_THRESHOLD
    print(f"fuzzy threshold sweep ({len(pure)} misspellings matching no key; {len(rows)} labelled spellings):")
    try:
        for threshold in (75, 78, 80, 82, 84, 86, 88, 90):
            gz.FUZZY_THRESHOLD = float(threshold)
            got = [gazetteer.geocode(t) for t, _ in pure]
            right = sum(1 for g, (_, p) in zip(got, pure, strict=True) if g is not None and g.id == p.id)
            wrong = sum(1 for g, (_, p) in zip(got, pure, strict=True) if g is not None and g.id != p.id)
            l_right, l_wrong, _ = score(gazetteer, rows)
            print(
                f"  {threshold}: misspellings right {right}, wrong {wrong}, not found {len(pure) - right - wrong}; "
                f"labelled right {l_right}, wrong {l_wrong}"
            )
    finally:
        gz.FUZZY_THRESHOLD = saved


def rate(gazetteer: Gazetteer, names: list[str]) -> float:
    start = time.perf_counter()
    for name in names:
        gazetteer.geocode(name)
    return len(names) / (time.perf_counter() - start)


def main() -> None:
    start = time.perf_counter()
    gazetteer = Gazetteer.load()
    load_s = time.perf_counter() - start
    keyed = [n for p in gazetteer.places for n in p.names]
    rnd = random.Random(42)
    typos = [(misspell(p.name, rnd), p) for p in gazetteer.places]
    rnd = random.Random(7)
    typos += [(misspell(n, rnd), p) for p in gazetteer.places for n in p.names[:3] if n.isascii()]
    # keep only misspellings that no longer share a key with the place they mean
    fuzzy = [(t, p) for t, p in typos if skeleton(t) not in {skeleton(n) for n in p.names}]
    right = sum(1 for t, p in fuzzy if (m := gazetteer.geocode(t)) is not None and m.id == p.id)
    wrong = sum(1 for t, p in fuzzy if (m := gazetteer.geocode(t)) is not None and m.id != p.id)
    print(f"gazetteer: {len(gazetteer)} places, {len(keyed)} names; loaded in {load_s * 1000:.0f} ms")
    print(f"key look-ups:   {rate(gazetteer, keyed * 5):,.0f} per second")
    print(f"fuzzy look-ups: {rate(gazetteer, [t for t, _ in fuzzy] * 5):,.0f} per second")
    print(
        f"misspellings needing fuzzy matching: {len(fuzzy)}; right {right}, wrong {wrong}, "
        f"not found {len(fuzzy) - right - wrong}"
    )
    labelled = Path(__file__).resolve().parent / "data" / "spellings_labelled.csv"
    if labelled.exists():
        accuracy(gazetteer, labelled)
    sweep(gazetteer, fuzzy, labelled)


if __name__ == "__main__":
    main()
