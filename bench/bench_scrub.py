"""Scrubbing in a real browser: the live map against the plain rebuild-per-date map, same run.

Run: python bench/bench_scrub.py [--steps 30] [--places 2000]
For the bundled data and for a synthetic data set of N places, and for each map mode ('live': the
page's default; 'rebuild': a new folium map per date, the plain streamlit-folium way), it starts
`streamlit run` (loopback, stopped at the end), opens headless Chromium and prints:
  first view  - from opening the page to the markers drawn (first reader after start / a later one);
  step        - from a slider key press to the map showing the new date (median, p95);
  zoom kept   - whether the zoom the reader set survived every step;
  remounts    - steps after which the map's frame was a new one (blank flash, view reset);
  bytes/step  - WebSocket bytes the browser received per step.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_browser import CHROMIUM, FLAGS, serve  # noqa: E402

START = dt.date(2019, 8, 1)


def synthetic(folder: Path, places: int, seed: int = 42) -> tuple[Path, Path]:
    """A deterministic data set shaped like a front: N places in the region, the government holding
    those south of a line that moves north every day (and 3% of places holding out as islands)."""
    rnd = random.Random(seed)
    gaz, events = folder / "gazetteer.csv", folder / "events.csv"
    points = [(rnd.uniform(35.1, 36.4), rnd.uniform(36.2, 37.3)) for _ in range(places)]
    islands = set(rnd.sample(range(places), places * 3 // 100))

    def front(d: int) -> float:
        return 35.3 + 0.006 * d

    with gaz.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "alt_names", "lat", "lon", "governorate", "district", "population", "kind", "source"])
        for i, (lat, lon) in enumerate(points):
            kind = "town" if i % 20 == 0 else "village"
            w.writerow(
                [
                    f"p{i:05d}",
                    f"Place {i}",
                    "",
                    f"{lat:.5f}",
                    f"{lon:.5f}",
                    "Idlib",
                    "",
                    "",
                    kind,
                    "https://example.org/synthetic",
                ]
            )
    with events.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "place_id", "controller", "source_url", "note", "confidence"])
        for i, (lat, _) in enumerate(points):
            side = "government" if lat < front(0) and i not in islands else "opposition"
            w.writerow([START.isoformat(), f"p{i:05d}", side, f"https://example.org/b{i}", "", ""])
        for d in range(1, 90):
            day = START + dt.timedelta(days=d)
            for i, (lat, _) in enumerate(points):
                if front(d - 1) <= lat < front(d) and i not in islands:
                    w.writerow([day.isoformat(), f"p{i:05d}", "government", f"https://example.org/c{d}-{i}", "", ""])
    return events, gaz


def map_frame(page):
    return next((f for f in page.frames if "st_folium" in f.url), None)


def shown_date(page):
    frame = map_frame(page)
    if frame is None:
        return None
    try:
        return frame.evaluate(
            "() => [window.ifmDate || null, window.map ? window.map.getZoom() : null, window.ifmProbe === true]"
        )
    except Exception:  # noqa: BLE001 - the frame may be replaced mid-read (the rebuild mode remounts it)
        return None


def wait_for(page, date: str, timeout: float = 60) -> list | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = shown_date(page)
        if got and got[0] == date:
            return got
        page.wait_for_timeout(5)
    raise TimeoutError(f"the map did not show {date} in {timeout:.0f} s")


def first_view(browser, url: str) -> float:
    """Seconds from opening the page to the markers of its date drawn."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(f"{url}/?date={START.isoformat()}")
    wait_for(page, START.isoformat())
    seconds = time.perf_counter() - t0
    context.close()
    return seconds


def scrub(browser, url: str, steps: int) -> dict:
    """Step the slider with the keyboard; time each step, count bytes, check zoom and frame survive."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    received = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.__setitem__(0, received[0] + len(p))))
    page.goto(f"{url}/?date={START.isoformat()}")
    wait_for(page, START.isoformat())
    page.wait_for_timeout(1500)
    map_frame(page).evaluate("() => { window.ifmProbe = true; window.map.setZoom(window.map.getZoom() + 1); }")
    page.wait_for_timeout(800)  # the zoom animation
    zoom = map_frame(page).evaluate("() => window.map.getZoom()")
    slider = page.locator('[data-testid="stSlider"] input')
    times, sizes, kept, remounts = [], [], True, 0
    day = START
    for _ in range(steps):
        day += dt.timedelta(days=1)
        slider.focus()
        before = received[0]
        t = time.perf_counter()
        page.keyboard.press("ArrowRight")
        _, now_zoom, same_frame = wait_for(page, day.isoformat())
        times.append((time.perf_counter() - t) * 1000)
        page.wait_for_timeout(300)  # let the rest of the rerun arrive before counting its bytes
        sizes.append(received[0] - before)
        kept = kept and now_zoom == zoom
        remounts += not same_frame
    context.close()
    return {"times": times, "bytes": sizes, "zoom_kept": kept, "remounts": remounts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--places", type=int, default=2000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        events, gaz = synthetic(Path(tmp), args.places)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        datasets = [("bundled", []), (f"synthetic {args.places}", ["--events", str(events), "--gazetteer", str(gaz)])]
        for name, data_args in datasets:
            for mode in ("live", "rebuild"):
                with serve(*data_args, "--map-mode", mode) as url:
                    cold = first_view(browser, url)  # the first reader after start: data loaded then
                    warm = first_view(browser, url)  # any later reader: data cached
                    result = scrub(browser, url, args.steps)
                times = result["times"]
                rows.append(
                    {
                        "data": name,
                        "mode": mode,
                        "cold": cold,
                        "warm": warm,
                        "median": statistics.median(times),
                        "p95": statistics.quantiles(times, n=20, method="inclusive")[-1],
                        "zoom": "yes" if result["zoom_kept"] else "no",
                        "remounts": result["remounts"],
                        "bytes": statistics.median(result["bytes"]),
                    }
                )
        browser.close()
    print(
        f"{'data':<16}{'mode':<9}{'first view cold/warm':>21}{'step median':>13}{'step p95':>10}"
        f"{'zoom kept':>10}{'remounts':>10}{'bytes/step':>12}"
    )
    for r in rows:
        print(
            f"{r['data']:<16}{r['mode']:<9}{r['cold']:>14.2f}s/{r['warm']:.2f}s{r['median']:>11.0f}ms"
            f"{r['p95']:>8.0f}ms{r['zoom']:>10}{r['remounts']:>7}/{args.steps:<2}{r['bytes']:>12,.0f}"
        )
    by = {(r["data"], r["mode"]): r["median"] for r in rows}
    for name, _ in datasets:
        print(f"{name}: live is {by[(name, 'rebuild')] / by[(name, 'live')]:.1f}x faster per step than rebuild")


if __name__ == "__main__":
    main()
