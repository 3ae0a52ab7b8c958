"""Real-browser tests: `streamlit run app.py` driven by headless Chromium through Playwright."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from geo.factions import colour

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-results"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(*app_args: str):
    """A `streamlit run app.py [-- app_args]` on a free local port, always stopped afterwards."""
    with serve_process(*app_args) as (url, _):
        yield url


@contextlib.contextmanager
def serve_process(*app_args: str):
    """`serve`, yielding the URL and the server's process."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    if app_args:
        command += ["--", *app_args]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {proc.stdout.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server():
    with serve() as url:
        yield url


@pytest.fixture(scope="module")
def hostile_server():
    data = ROOT / "tests" / "data"
    with serve("--events", str(data / "hostile_events.csv"), "--gazetteer", str(data / "hostile_gazetteer.csv")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def map_frame(page):
    """The map's iframe, looked up afresh (old handles go stale when Streamlit re-renders)."""
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=30_000)
    return page.frame_locator('iframe[title="streamlit_folium.st_folium"]')


def place_colours(page) -> dict[str, str]:
    """Fill colour of every place marker, read from Leaflet's layers (markers are drawn on a canvas)."""
    frame = page.frame(url=lambda u: "st_folium" in u or "component" in u)
    return frame.evaluate(
        """() => Object.fromEntries(Object.values(window.map._layers)
              .filter(l => l.feature && l.feature.properties && l.feature.properties.place_id)
              .map(l => [l.feature.id, l.options.fillColor]))"""
    )


def wait_for_colour(page, place_id: str, expected: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = place_colours(page).get(place_id)
        except Exception:  # noqa: BLE001 - the frame may be mid-update; try again
            seen = None
        if seen == expected:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{place_id} has colour {seen}, expected {expected}")


def wait_idle(page) -> None:
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=30_000)


def test_markers_render_offline_and_change_colour_when_the_slider_moves(server, page):
    page.goto(f"{server}/?date=2019-08-10")
    map_frame(page).locator("canvas").first.wait_for(timeout=30_000)
    wait_for_colour(page, "al-habit", colour("opposition"))
    assert len(place_colours(page)) >= 20

    frame = page.frame(url=lambda u: "st_folium" in u or "component" in u)
    frame.evaluate("() => { window.__kept = true; window.map.setZoom(11); }")
    slider = page.locator('[data-testid="stSlider"] input')
    slider.focus()
    page.keyboard.press("ArrowRight")
    wait_for_colour(page, "al-habit", colour("government"))
    page.wait_for_url("**date=2019-08-11**")  # the page follows the map when the keys rest
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSlider\"] input').getAttribute('aria-valuetext')"
        " === '11 Aug 2019'",
        timeout=10_000,
    )
    frame = page.frame(url=lambda u: "st_folium" in u or "component" in u)
    assert frame.evaluate("() => window.__kept === true"), "the map frame was reloaded"
    assert frame.evaluate("() => window.map.getZoom()") == 11, "the reader's zoom was lost"


def test_the_map_follows_the_slider_without_waiting_for_the_server(page):
    """With the server frozen (SIGSTOP) the map still draws each date the slider moves to, from the
    histories in the places file; the server's answers, once it runs again, agree with it."""
    import signal

    with serve_process() as (url, proc):
        page.goto(f"{url}/?date=2019-08-09")
        map_frame(page).locator("canvas").first.wait_for(timeout=30_000)
        wait_for_colour(page, "al-habit", colour("opposition"))
        wait_idle(page)
        frame = page.frame(url=lambda u: "st_folium" in u or "component" in u)
        slider = page.locator('[data-testid="stSlider"] input')
        slider.focus()
        proc.send_signal(signal.SIGSTOP)
        try:
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")  # 11 Aug 2019: the army takes al-Habit
            frame.wait_for_function("() => window.ifmDate === '2019-08-11'", timeout=5_000)
            assert place_colours(page)["al-habit"] == colour("government")
            client = place_colours(page)
        finally:
            proc.send_signal(signal.SIGCONT)
        page.wait_for_url("**date=2019-08-11**")
        wait_idle(page)
        assert frame.evaluate("() => window.ifmDate") == "2019-08-11"  # no answer took the map back to the 10th
        assert place_colours(page) == client  # the server's state of the 11th is the one drawn before


def test_a_run_of_quick_arrow_keys_moves_the_map_at_once_and_the_page_once(server, page):
    page.goto(f"{server}/?date=2019-08-06")
    map_frame(page).locator("canvas").first.wait_for(timeout=30_000)
    wait_for_colour(page, "al-habit", colour("opposition"))
    wait_idle(page)
    frame = page.frame(url=lambda u: "st_folium" in u or "component" in u)
    frame.evaluate(
        "() => { const f = window.ifmServer; window.__answers = 0;"
        " window.ifmServer = s => { window.__answers += 1; f(s); }; }"
    )
    slider = page.locator('[data-testid="stSlider"] input')
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert frame.evaluate("() => window.ifmDate") == "2019-08-11"  # drawn before any answer
    assert place_colours(page)["al-habit"] == colour("government")
    page.wait_for_url("**date=2019-08-11**")
    page.get_by_text("On 11 August 2019").wait_for(timeout=10_000)
    wait_idle(page)
    assert frame.evaluate("() => window.__answers") == 1, "the page ran once per key instead of once per run"


def test_areas_follow_the_date_and_a_layer_switched_off_stays_off(server, page):
    page.goto(f"{server}/?date=2019-08-10")
    map_frame(page).locator("canvas").first.wait_for(timeout=30_000)
    frame = page.frame(url=lambda u: "st_folium" in u or "component" in u)
    frame.wait_for_function("() => window.ifmAreasDay && window.ifmAreasDay <= '2019-08-10'", timeout=20_000)
    assert frame.evaluate("() => window.ifmLayers.areas.getLayers().length") == 1
    control = map_frame(page).locator(".leaflet-control-layers")
    control.hover()
    control.get_by_text("Front line").click()
    assert frame.evaluate("() => !window.map.hasLayer(window.ifmLayers.line)")
    slider = page.locator('[data-testid="stSlider"] input')
    slider.focus()
    page.keyboard.press("ArrowRight")  # 11 Aug 2019: al-Habit changes hands, so do the areas
    frame.wait_for_function("() => window.ifmAreasDay === '2019-08-11'", timeout=20_000)
    page.wait_for_url("**date=2019-08-11**")
    wait_idle(page)
    assert frame.evaluate("() => !window.map.hasLayer(window.ifmLayers.line)"), "the front line came back"
    assert frame.evaluate("() => window.map.hasLayer(window.ifmLayers.areas)")


def test_png_snapshot_downloads_with_the_date_in_its_name(server, page):
    page.goto(f"{server}/?date=2019-08-11")
    map_frame(page).locator("canvas").first.wait_for(timeout=30_000)
    wait_idle(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download snapshot (PNG)").click()
    download = info.value
    assert download.suggested_filename == "idlib-front-2019-08-11.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000


def test_clicking_a_marker_shows_that_places_history(server, page):
    page.goto(f"{server}/?date=2019-08-31")
    map_frame(page).locator("canvas").first.wait_for(timeout=30_000)
    wait_idle(page)
    frame = page.frame(url=lambda u: "st_folium" in u or "component" in u)
    frame.evaluate(
        """() => { const l = Object.values(window.map._layers).find(l => l.feature && l.feature.id === 'khan-shaykhun');
                   window.map.setView(l.getLatLng(), 12, {animate: false}); }"""
    )
    page.wait_for_timeout(300)
    x, y = frame.evaluate(
        """() => { const l = Object.values(window.map._layers).find(l => l.feature && l.feature.id === 'khan-shaykhun');
                   const p = window.map.latLngToContainerPoint(l.getLatLng()); return [p.x, p.y]; }"""
    )
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_text("Khan Shaykhun ·").wait_for(timeout=20_000)


def test_hostile_text_in_data_shows_literally_and_runs_nothing(hostile_server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{hostile_server}/?date=2019-05-01")
    map_frame(page).locator("canvas").first.wait_for(timeout=30_000)
    wait_idle(page)
    frame = page.frame(url=lambda u: "st_folium" in u or "component" in u)
    popups = frame.evaluate(
        """() => Object.values(window.map._layers)
             .filter(l => l.feature && l.feature.properties && l.feature.properties.place_id).map(l => {
               l.openPopup(); const text = l.getPopup().getElement().innerText;
               const content = l.getPopup().getElement().querySelector('.leaflet-popup-content');
               const links = [...content.querySelectorAll('a')].map(a => a.href);
               l.closePopup(); return [l.feature.id, text, links]; })"""
    )
    texts = {pid: text for pid, text, _ in popups}
    assert "<img src=x onerror=alert('img')>" in texts["img"]
    assert "<script>alert('script')</script>" in texts["script"]
    assert "\"><svg onload=alert('svg')>" in texts["quote"]
    hrefs = [href for _, _, links in popups for href in links]
    assert hrefs and all(href.startswith("https://example.org/") for href in hrefs), hrefs
    labels = frame.evaluate("() => [...document.querySelectorAll('.ifm-label')].map(e => e.innerText)")
    assert "<img src=x onerror=alert('img')>" in labels
    # the row with a javascript: source is refused, and the refusal shows the text as typed
    page.get_by_text("javascript:alert('link')", exact=False).first.wait_for(timeout=10_000)
    page.get_by_text("is not an http(s) URL", exact=False).first.wait_for(timeout=10_000)
    page.mouse.move(400, 500)
    page.wait_for_timeout(500)
    assert dialogs == []
    assert frame.evaluate("() => document.querySelectorAll('script:not([src])').length") > 0  # sanity: page ran


def test_playback_steps_through_the_change_dates_and_the_url_follows(server, page, timeline):
    page.goto(f"{server}/?date=2019-08-10")
    map_frame(page).locator("canvas").first.wait_for(timeout=30_000)
    wait_idle(page)
    page.get_by_text("fast", exact=True).click()
    wait_idle(page)
    page.get_by_text("Play the changes").click()
    stops = [d for d in timeline.dates() if d > dt.date(2019, 8, 10)][:2]
    for stop in stops:
        page.wait_for_function(
            "d => document.querySelector('[data-testid=\"stSlider\"] input').getAttribute('aria-valuetext') === d",
            arg=f"{stop.day} {stop:%b %Y}",
            timeout=20_000,
        )
    wait_for_colour(page, "al-habit", colour("government"))
    page.get_by_text("Play the changes").click()  # pause
    wait_idle(page)
    shown = page.locator('[data-testid="stSlider"] input').get_attribute("aria-valuetext")
    in_url = dt.date.fromisoformat(page.url.split("date=")[1][:10])
    assert shown == f"{in_url.day} {in_url:%b %Y}" and in_url >= stops[-1]
