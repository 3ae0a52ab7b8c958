"""Idlib Front Map: the page. Widgets and layout only; every answer comes from the `geo` package.

Run with `streamlit run app.py` (or `streamlit run app.py -- --events FILE --gazetteer FILE`).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import assets, liveview, mapview, snapshot
from geo.errors import BadDate, GeoError
from geo.escape import markdown_text
from geo.events import parse_date
from geo.factions import SIDES, side
from geo.gazetteer import Gazetteer
from geo.settings import ROOT, Settings
from geo.timeline import Timeline
from geo.view import nearest_place, next_stop, placed_state, window_start
from page.chart import area_spec
from page.data import Data, areas_file, choose_data, settings_from_argv, show_problems, territory_at
from page.report import report_panel
from page.tables import html_table

log = logging.getLogger("idlib_front_map")
MAP_HEIGHT = 620


@st.cache_resource
def install_leaflet() -> Path:
    """Put Leaflet's files where Streamlit serves static files (once per server)."""
    return assets.install_static(ROOT / "static")


def initial_day(timeline: Timeline) -> dt.date:
    """The date from `?date=` when valid and inside the data's range, else the latest date."""
    wanted = st.query_params.get("date")
    if wanted:
        try:
            day = parse_date(wanted)
            if not timeline.first_date <= day <= timeline.last_date:
                raise BadDate(f"{day} is outside the data ({timeline.first_date} to {timeline.last_date})")
            return day
        except BadDate as exc:
            st.warning(f"The date in the link was not used: {markdown_text(exc)}. Showing the latest date instead.")
    return timeline.last_date


def follow_map(first: dt.date, last: dt.date) -> None:
    """Map callback: take the date the reader scrubbed the map to with the keyboard, if it sent one."""
    value = st.session_state.get("map") or {}
    day = liveview.parse_sync(value.get(liveview.SYNC_KEY) if isinstance(value, dict) else None)
    if day is not None and first <= day <= last:
        st.session_state.day = day


def step(direction: int, stops: list[dt.date]) -> None:
    """Move the slider to the previous (-1) or next (+1) day on which something changed."""
    target = next_stop(stops, st.session_state.day, direction)
    if target is not None:
        st.session_state.day = target


PLAY_SPEEDS = {"slow": 2.0, "normal": 1.0, "fast": 0.5}  # seconds per step of playback


def playback(stops: list[dt.date]) -> None:
    """Play/pause through the change dates at the chosen speed (a fragment reruns on a timer)."""
    left, right = st.columns([1, 2], vertical_alignment="center")
    playing = left.toggle("▶ Play the changes", key="playing", help="Steps through the days on which something changed")
    speed = right.radio("Speed", list(PLAY_SPEEDS), index=1, key="speed", horizontal=True, label_visibility="collapsed")
    if not playing:
        return

    @st.fragment(run_every=PLAY_SPEEDS[speed])
    def tick() -> None:
        if st.session_state.pop("_full_run", False):  # called by the page itself: wait for the timer
            return
        target = next_stop(stops, st.session_state.day, +1)
        if target is None:
            st.session_state.playing = False
        else:
            st.session_state.day = target
        st.rerun(scope="app")

    st.session_state._full_run = True
    tick()


def date_controls(timeline: Timeline) -> dt.date:
    """Slider over the data's range with previous/next-change buttons; mirrors the date in the URL."""
    if timeline.first_date == timeline.last_date:  # a slider needs two distinct ends
        st.caption(f"Every event of the data is dated {timeline.first_date:%d %B %Y}.")
        return timeline.first_date
    if "day" not in st.session_state or not timeline.first_date <= st.session_state.day <= timeline.last_date:
        st.session_state.day = initial_day(timeline)
    stops = timeline.dates()
    back, slider, forward = st.columns([1, 12, 1], vertical_alignment="bottom")
    back.button("◀", help="Previous change", on_click=step, args=(-1, stops), width="stretch")
    forward.button("▶", help="Next change", on_click=step, args=(1, stops), width="stretch")
    day = slider.slider(
        "Date", min_value=timeline.first_date, max_value=timeline.last_date, key="day", format="D MMM YYYY"
    )
    st.query_params["date"] = day.isoformat()
    playback(stops)
    return day


def select_clicked_place(clicked: dict | None, view: pd.DataFrame) -> None:
    """When a marker was clicked since the last run, make its place the selected one."""
    if not clicked or clicked == st.session_state.get("_last_click"):
        return
    st.session_state._last_click = clicked
    place_id = nearest_place(view, clicked["lat"], clicked["lng"])
    if place_id is not None:
        st.session_state.place = place_id


def find_place(gazetteer: Gazetteer, on_map: frozenset[str]) -> None:
    """Search box callback: select the place a name means and fly the map to it, or suggest names."""
    query = st.session_state.search
    if not query.strip():
        st.session_state._search_note = ""
        return
    match = gazetteer.match(query)
    if match is None:
        st.session_state._search_note = f"No place matches “{markdown_text(query[:60])}”."
        return
    place = match.place
    st.session_state._center = (place.lat, place.lon)
    st.session_state._zoom = 12
    notes = [f"Found **{markdown_text(place.name)}** ({markdown_text(place.governorate or 'Syria')})"]
    if match.how == "fuzzy":
        others = [markdown_text(m.place.name) for m in gazetteer.candidates(query)[1:4]]
        notes.append("closest spelling" + (f"; did you mean {', '.join(others)}?" if others else ""))
    if match.ambiguous:
        notes.append(f"the name is shared with {markdown_text(', '.join(match.alternatives))}")
    if place.id in on_map:
        st.session_state.place = place.id
    else:
        notes.append("it has no recorded control on this date")
    st.session_state._search_note = "; ".join(notes) + "."


def on_this_date(data: Data, day: dt.date, view: pd.DataFrame, names: pd.Series) -> None:
    """Places and km² per side on the date, what changed since the date shown before, km² over time."""
    timeline = data.timeline
    if st.session_state.get("_shown_day") != day:
        st.session_state._prev_day = st.session_state.get("_shown_day")
        st.session_state._shown_day = day
    prev = st.session_state.get("_prev_day")
    diff = timeline.diff(prev, day) if prev else None
    st.subheader(f"On {day:%d %B %Y}")
    counts = view["controller"].value_counts()
    before = timeline.summary(prev) if prev else None
    main_sides = [s for s in SIDES if s.code in ("government", "opposition")]
    for metric_col, held_by in zip(st.columns(len(main_sides)), main_sides, strict=True):
        now = int(counts.get(held_by.code, 0))
        delta = now - int(before.get(held_by.code, 0)) if before is not None else None
        metric_col.metric(held_by.short, f"{now} places", delta=delta or None, delta_color="off")
    area_chart(data, day, prev)
    if diff is not None and not diff.empty:
        moves = ", ".join(
            f"{markdown_text(names.get(pid, pid))} ({side(row.before).short if isinstance(row.before, str) else '–'} → "
            f"{side(row.after).short if isinstance(row.after, str) else '–'})"
            for pid, row in diff.head(12).iterrows()
        )
        more = f" and {len(diff) - 12} more" if len(diff) > 12 else ""
        st.caption(f"Since {prev:%d %b %Y} (the date shown before): {len(diff)} changed hands: {moves}{more}.")


def area_chart(data: Data, day: dt.date, prev: dt.date | None) -> None:
    """km² per side over time with the chosen date marked, and the change since the previous date."""
    now = territory_at(data, data.version, day).km2
    parts = [f"{side(code).short}: {now.get(code, 0):,.0f} km²" for code in ("government", "opposition")]
    if prev is not None:
        before = territory_at(data, data.version, prev).km2
        parts.append(
            "since the date shown before: "
            + ", ".join(
                f"{(now.get(c, 0) - before.get(c, 0)):+,.0f} km² {side(c).short.lower()}"
                for c in ("government", "opposition")
            )
        )
    st.caption("Area derived from town control (a Voronoi reading, not surveyed positions). " + "; ".join(parts) + ".")
    st.vega_lite_chart(area_spec(data, day), width="stretch")


def link_config(column: str) -> dict:
    return {column: st.column_config.LinkColumn(column, display_text=r"https?://(?:www\.)?([^/]+)")}


def changes_table(changes: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """Changes as the panel shows them: date, place, from → to, source link (newest first)."""
    rows = changes.iloc[::-1]
    return pd.DataFrame(
        {
            "Date": [pd.Timestamp(d).date() for d in rows["date"]],
            "Place": [names.get(p, p) for p in rows["place_id"]],
            "Change": [
                f"{side(a).short} → {side(b).short}" for a, b in zip(rows["previous"], rows["controller"], strict=True)
            ],
            "Source": rows["source_url"].tolist(),
        }
    )


def place_panel(data: Data, view: pd.DataFrame) -> None:
    """Select box of places and the selected place's full history."""
    options = view.index.tolist()
    if st.session_state.get("place") not in options:
        st.session_state.place = None
    place_id = st.selectbox(
        "Place history",
        options,
        key="place",
        index=None,
        placeholder="Choose a place, or click it on the map",
        format_func=lambda pid: view.at[pid, "name"],
    )
    if place_id is None:
        return
    history = data.timeline.history(place_id)
    place = data.gazetteer.get(place_id)
    st.markdown(
        f"**{markdown_text(place.name)}** · {markdown_text(place.governorate or 'Syria')} · "
        f"{place.lat:.4f}, {place.lon:.4f}"
    )
    table = pd.DataFrame(
        {
            "Date": [pd.Timestamp(d).date() for d in history["date"]],
            "Controller": [side(c).short for c in history["controller"]],
            "Note": history["note"].tolist(),
            "Source": history["source_url"].tolist(),
        }
    )
    st.dataframe(table, hide_index=True, column_config=link_config("Source"), width="stretch")


DOWNLOADS = (
    ("png", "Download snapshot (PNG)", "image/png"),
    ("html", "Download map (HTML, offline)", "text/html"),
    ("geojson", "Download GeoJSON", "application/geo+json"),
    ("kml", "Download KML", "application/vnd.google-earth.kml+xml"),
    ("csv", "Download table (CSV)", "text/csv"),
)


def downloads(data: Data, view: pd.DataFrame, day: dt.date, changes: pd.DataFrame, settings: Settings) -> None:
    """Snapshot downloads; each file is made only when its button is clicked (deferred data)."""
    areas = territory_at(data, data.version, day)
    makers = {
        "png": partial(snapshot.to_png, view, day, changes=changes, recent_days=settings.recent_days, territory=areas),
        "html": partial(snapshot.to_html, view, day, settings=settings, territory=areas),
        "geojson": partial(snapshot.to_geojson, view, day, areas),
        "kml": partial(snapshot.to_kml, view, day, areas),
        "csv": partial(snapshot.to_csv, view),
    }
    for column, (fmt, text, mime) in zip(st.columns(len(DOWNLOADS)), DOWNLOADS, strict=True):
        column.download_button(
            text, makers[fmt], file_name=snapshot.file_name(day, fmt), mime=mime, on_click="ignore", width="stretch"
        )


def main() -> None:
    settings = settings_from_argv(sys.argv[1:])
    st.title("Idlib Front Map")
    st.caption(
        "Who held each town of north-west Syria on any day since April 2019: every change comes with its source. "
        "Move the slider to scrub through the history."
    )
    install_leaflet()
    data = choose_data(settings)
    show_problems(data.problems)
    if len(data.timeline) == 0:
        st.info("No usable events in the data: nothing to show yet.")
        return

    day = date_controls(data.timeline)
    recent_from = window_start(day, settings.recent_days)
    view = placed_state(data.timeline.state_at(day), data.places, recent_from=recent_from)
    names = data.places["name"]  # read a few names per rerun; no copy of the whole column
    changes = data.timeline.changes_between(recent_from, day)

    map_col, side_col = st.columns([5, 3])
    with side_col:
        st.text_input(
            "Find a place",
            key="search",
            placeholder="Any spelling: Khan Sheikhoun, Maaret al-Noman, خان شيخون",
            on_change=find_place,
            args=(data.gazetteer, frozenset(view.index)),
        )
        if st.session_state.get("_search_note"):
            st.caption(st.session_state._search_note)
    with map_col:
        returned = draw_map(data, settings, view, day)
        select_clicked_place((returned or {}).get("last_object_clicked"), view)
        downloads(data, view, day, changes, settings)
    with side_col:
        on_this_date(data, day, view, names)
        st.markdown(f"**Changes in the {settings.recent_days} days to {day:%d %b %Y}**")
        if changes.empty:
            st.caption("No change of control in these days.")
        else:
            st.html(html_table(changes_table(changes, names)))
        place_panel(data, view)
    report_panel(data, settings, day)


def draw_map(data: Data, settings: Settings, view: pd.DataFrame, day: dt.date) -> dict | None:
    """The map: a base map that stays mounted, updated in place with the date's state.

    `--map-mode rebuild` draws everything into one new map per rerun instead (the plain
    streamlit-folium way, kept as the benchmark's baseline).
    """
    assets_url = f"{_base_url()}/app/static"
    base = mapview.base_map(data.bounds, settings=settings, asset_url=f"{assets_url}/leaflet")
    common = {"height": MAP_HEIGHT, "use_container_width": True}
    if settings.map_mode == "rebuild":
        shapes = mapview.territory_layers(territory_at(data, data.version, day))
        for layer in [*shapes, mapview.places_layer(view, day)]:
            base.add_child(layer)
        return st_folium(base, **common)
    base.add_child(
        liveview.LivePlaces(
            f"{assets_url}/data/{data.places_file}", f"{assets_url}/data/{areas_file(data, data.version)}"
        )
    )
    layers = [liveview.state_layer(view, data.order, day)]
    report = st.session_state.get("_report")
    if report is not None and report["mentioned"]:
        layers.append(mapview.mentioned_layer(report["mentioned"]))
    return st_folium(
        base,
        key="map",
        feature_group_to_add=layers,
        returned_objects=["last_object_clicked"],
        on_change=partial(follow_map, data.timeline.first_date, data.timeline.last_date),
        center=st.session_state.get("_center"),
        zoom=st.session_state.get("_zoom"),
        **common,
    )


def _base_url() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


st.set_page_config(page_title="Idlib Front Map", page_icon="🗺️", layout="wide", initial_sidebar_state="collapsed")
try:
    main()
except GeoError as exc:
    st.error(f"**The data could not be loaded.** {markdown_text(exc)}")
except Exception:  # the page's last line of defence: log the traceback, show a short message instead
    log.exception("unexpected error while drawing the page")
    st.error(
        "Something went wrong while drawing this page. The details were written to the server's log; "
        "reload the page, and if it happens again, report it with the date you chose."
    )
