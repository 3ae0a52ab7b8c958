"""Many readers at once: N browser sessions scrub the timeline against one `streamlit run`.

Run: python bench/bench_load.py [--sessions 20] [--steps 20] [--start 2019-08-01]
Starts the app on a free local port (stopped at the end), opens N Playwright contexts in headless
Chromium, and has each press the slider's right-arrow key STEPS times, all sessions at once.

`--wait map` (default): a step is timed from the key press to the map showing the new date
(`window.ifmDate`), and the next key is pressed then, as a reader scrubbing through the map does;
at the end, the time until the side panel also shows the last date ("settled") is reported.
`--wait page`: each step waits for the side panel ("On <date>") too, as a reader who reads the
panel at every date does, and that is the step time.
Prints the median and 95th percentile, the slowest step and every error. Loopback only; bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_browser import CHROMIUM, FLAGS, serve  # noqa: E402

STEP_TIMEOUT_S = 30
LOAD_TIMEOUT_S = 120


async def map_date(page) -> str | None:
    for frame in page.frames:
        if "st_folium" in frame.url:
            try:
                return await frame.evaluate("() => window.ifmDate || null")
            except Exception:  # noqa: BLE001 - the frame may be replaced mid-read; ask again
                return None
    return None


async def wait_for_date(page, expected: str, timeout: float = STEP_TIMEOUT_S) -> None:
    """Wait until the map frame shows `expected`, polled inside the browser on each animation frame
    (polling from here would cost this machine's two cores as much as a few readers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = next((f for f in page.frames if "st_folium" in f.url), None)
        if frame is None:
            await asyncio.sleep(0.05)
            continue
        try:
            await frame.wait_for_function(
                "d => window.ifmDate === d", arg=expected, polling="raf", timeout=(deadline - time.monotonic()) * 1000
            )
            return
        except PlaywrightError:  # the frame was replaced while loading, or time ran out: look again
            continue
    raise TimeoutError(f"map did not show {expected} within {timeout:.0f} s (shows {await map_date(page)})")


async def wait_for_panel(page, day: dt.date, timeout: float = STEP_TIMEOUT_S) -> None:
    """Wait until the side panel's heading names `day` (the server's answer for it has been drawn)."""
    await page.wait_for_function(
        "t => [...document.querySelectorAll('h3')].some(h => h.textContent.includes(t))",
        arg=f"On {day:%d %B %Y}",
        polling="raf",
        timeout=timeout * 1000,
    )


async def session(
    browser, url: str, start: dt.date, steps: int, wait: str, times: list, settled: list, errors: list, ready, go
) -> None:
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(f"{url}/?date={start.isoformat()}")
        await wait_for_date(page, start.isoformat(), LOAD_TIMEOUT_S)
        # a reader starts scrubbing once the page has loaded: side panel and areas drawn too
        await wait_for_panel(page, start, LOAD_TIMEOUT_S)
        frame = next(f for f in page.frames if "st_folium" in f.url)
        await frame.wait_for_function("() => window.ifmAreasDay !== undefined", timeout=LOAD_TIMEOUT_S * 1000)
        slider = page.locator('[data-testid="stSlider"] input')
        ready.release()
        await go.wait()
        day = start
        for _ in range(steps):
            day += dt.timedelta(days=1)
            await slider.focus()
            t0 = time.perf_counter()
            await page.keyboard.press("ArrowRight")
            try:
                await wait_for_date(page, day.isoformat())
                if wait == "page":
                    await wait_for_panel(page, day)
                times.append((time.perf_counter() - t0) * 1000)
            except (TimeoutError, PlaywrightError) as exc:
                debug = await page.evaluate(
                    "() => [window.__ifmKeys, document.querySelector('[data-testid=\"stSlider\"] input').value,"
                    " document.querySelectorAll('iframe').length]"
                )
                errors.append(f"{exc} [keys, slider, iframes: {debug}]")
                return
        if wait == "map":
            await wait_for_panel(page, day)
            settled.append((time.perf_counter() - t0) * 1000)
    except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure and goes on
        errors.append(f"{type(exc).__name__}: {exc}")
        ready.release()
    finally:
        await context.close()


def _summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: none measured"
    p95 = statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    return (
        f"{label}: median {statistics.median(values):.0f} ms, p95 {p95:.0f} ms, max {max(values):.0f} ms "
        f"({len(values)} measured)"
    )


async def run(sessions: int, steps: int, start: dt.date, wait: str) -> None:
    with serve() as url:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            times: list[float] = []
            settled: list[float] = []
            errors: list[str] = []
            ready, go = asyncio.Semaphore(0), asyncio.Event()
            tasks = []
            for _ in range(sessions):  # open the pages one by one (each until its map shows) ...
                tasks.append(
                    asyncio.create_task(session(browser, url, start, steps, wait, times, settled, errors, ready, go))
                )
                await ready.acquire()
            t0 = time.perf_counter()
            go.set()  # ... then every session scrubs at the same time
            await asyncio.gather(*tasks)
            wall = time.perf_counter() - t0
            await browser.close()
    print(f"{sessions} sessions x {steps} steps against one streamlit process, all at once ({wall:.1f} s wall)")
    what = "key press to map and side panel showing the date" if wait == "page" else "key press to map showing the date"
    print(_summary(f"step time ({what})", times))
    if wait == "map":
        print(_summary("last key press to the side panel showing the last date (settled)", settled))
    print(f"errors: {len(errors)}")
    for error in errors[:10]:
        print(f"  {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2019, 8, 1))
    parser.add_argument("--wait", choices=("map", "page"), default="map", help="what a step waits for (see above)")
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.steps, args.start, args.wait))


if __name__ == "__main__":
    main()
