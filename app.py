"""Idlib Front Map: the page. Widgets and layout only; every answer comes from the `geo` package.

Run with `streamlit run app.py` (or `streamlit run app.py -- --events FILE --gazetteer FILE`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import assets, ingest, liveview, mapview, snapshot
from geo.csvio import MAX_FILE_BYTES, MAX_ROWS
from geo.errors import BadDate, DataError, GeoError, Problem
from geo.escape import markdown_text
from geo.events import append_events, is_web_url, load_events, parse_date
from geo.factions import CODES, SIDES, side
from geo.gazetteer import Gazetteer
from geo.settings import ROOT, Settings
from geo.timeline import Timeline
from geo.view import nearest_place, next_stop, placed_state, window_start

log = logging.getLogger("idlib_front_map")
MAP_HEIGHT = 620
MAX_PROBLEMS_SHOWN = 30
STATIC_DATA = ROOT / "static" / "data"  # places files for the map, served at /app/static/data/


@dataclass(frozen=True)
class Data:
    """Everything loaded from the data files, shared by all sessions (never mutated)."""

    gazetteer: Gazetteer
    timeline: Timeline
    places: pd.DataFrame
    problems: tuple[Problem, ...]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    order: list[str]  # the places drawn on the page's map, in the order of the places file
    places_file: str  # its name under static/data/


def settings_from_argv(argv: list[str]) -> Settings:
    """Settings from the arguments after `--` on the streamlit command line."""
    parser = argparse.ArgumentParser(prog="streamlit run app.py --")
    parser.add_argument("--events", type=Path)
    parser.add_argument("--gazetteer", type=Path)
    parser.add_argument("--map-mode", choices=("live", "rebuild"))
    args, _ = parser.parse_known_args(argv)
    return Settings().replace(events=args.events, gazetteer=args.gazetteer, map_mode=args.map_mode)


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def build_data(gaz: Gazetteer, events: str | bytes, events_name: str | None = None) -> Data:
    """Check the events against the places and precompute what every rerun needs."""
    loaded = load_events(events, places={p.id for p in gaz.places}, name=events_name)
    timeline, places = Timeline(loaded.events), gaz.frame()
    with_events = set(timeline.places)
    shown = [p.id for p in gaz.places if p.in_theatre and p.id in with_events]
    bounds = mapview.bounds_of(places.loc[shown])
    order = [pid for pid in places.index if pid in with_events]
    places_file = liveview.write_payload(STATIC_DATA, liveview.places_payload(places.loc[order]))
    return Data(gaz, timeline, places, (*gaz.problems, *loaded.problems), bounds, order, places_file)


@st.cache_resource(show_spinner="Loading the data…")
def load_data(events: str, events_mtime: float, gazetteer: str, gazetteer_mtime: float) -> Data:
    """Load both data files; keyed by path and modification time so an edited file is reloaded."""
    return build_data(Gazetteer.load(gazetteer), events)


@st.cache_resource(show_spinner="Checking your files…", max_entries=32, ttl=3600)
def load_upload(
    events: bytes | None,
    events_name: str | None,
    places: bytes | None,
    places_name: str | None,
    bundled_events: str,
    bundled_gazetteer: str,
    bundled_mtime: float,
) -> Data:
    """Data from uploaded files (keyed by their content): uploaded events replace the bundled ones,
    uploaded places are added to the bundled gazetteer."""
    gaz = Gazetteer.load(bundled_gazetteer)
    if places is not None:
        gaz = gaz.extended(Gazetteer.load(places, name=places_name))
    return build_data(gaz, events if events is not None else bundled_events, events_name)


def choose_data(settings: Settings) -> Data:
    """The bundled (or command-line) data, or this session's uploaded files from the sidebar."""
    bundled = load_data(
        str(settings.events), _mtime(settings.events), str(settings.gazetteer), _mtime(settings.gazetteer)
    )
    with st.sidebar:
        st.header("Use your own data")
        st.caption(
            "Shown to you only, in this session. Same columns as `data/events.csv` and `data/gazetteer.csv` "
            f"(documented in data/README.md); at most {MAX_FILE_BYTES // 2**20} MB and {MAX_ROWS:,} rows per file. "
            "Rows that cannot be used are listed; the rest is shown."
        )
        events_file = st.file_uploader("Events CSV (replaces the bundled events)", type="csv", key="upload_events")
        places_file = st.file_uploader("Places CSV (added to the bundled places)", type="csv", key="upload_places")
    if events_file is None and places_file is None:
        return bundled
    try:
        data = load_upload(
            events_file.getvalue() if events_file else None,
            events_file.name if events_file else None,
            places_file.getvalue() if places_file else None,
            places_file.name if places_file else None,
            str(settings.events),
            str(settings.gazetteer),
            _mtime(settings.events) + _mtime(settings.gazetteer),
        )
    except DataError as exc:
        st.error(f"**Your file could not be used**, so the bundled data is shown. {markdown_text(exc)}")
        return bundled
    st.info("Showing your uploaded data (this session only). Remove the files in the sidebar to go back.")
    return data


@st.cache_resource
def install_leaflet() -> Path:
    """Put Leaflet's files where Streamlit serves static files (once per server)."""
    return assets.install_static(ROOT / "static")


def show_problems(problems: tuple[Problem, ...]) -> None:
    """One error box listing the rows that could not be used (the usable rows still show)."""
    if not problems:
        return
    lines = "\n".join(f"- {markdown_text(p)}" for p in problems[:MAX_PROBLEMS_SHOWN])
    more = f"\n- … and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""
    st.error(
        f"**{len(problems)} problem(s) in the data files.** Rows with errors are left out; the rest is shown. "
        f"Fix them and reload (`python -m geo validate` lists them too):\n{lines}{more}"
    )


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


def on_this_date(timeline: Timeline, day: dt.date, view: pd.DataFrame, names: dict[str, str]) -> None:
    """Places per side on the date, and what changed since the date shown before (any direction)."""
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
    if diff is not None and not diff.empty:
        moves = ", ".join(
            f"{markdown_text(names.get(pid, pid))} ({side(row.before).short if isinstance(row.before, str) else '–'} → "
            f"{side(row.after).short if isinstance(row.after, str) else '–'})"
            for pid, row in diff.head(12).iterrows()
        )
        more = f" and {len(diff) - 12} more" if len(diff) > 12 else ""
        st.caption(f"Since {prev:%d %b %Y} (the date shown before): {len(diff)} changed hands: {moves}{more}.")


REPORT_COLUMNS = ["accept", "place", "place_id", "new_controller", "date", "confidence", "evidence"]


def read_report(gazetteer: Gazetteer) -> None:
    """'Find changes' callback: read the pasted or uploaded article and keep its candidates for review."""
    st.session_state._report = None
    upload = st.session_state.get("report_file")
    try:
        text = ingest.read_text(upload.getvalue(), name=upload.name) if upload else st.session_state.report_text
        if not text.strip():
            raise DataError(Problem("article", None, None, "the text is empty: paste an article or upload a .txt file"))
        if len(text) > ingest.MAX_TEXT_CHARS:
            raise DataError(Problem("article", None, None, f"longer than {ingest.MAX_TEXT_CHARS:,} characters"))
    except DataError as exc:
        st.session_state._report_note = ("error", str(exc))
        return
    published = st.session_state.report_published
    found = ingest.extract(text, gazetteer, published)
    rows = [{"accept": True, **c.as_json()} for c in found]
    for row in rows:
        row["date"] = dt.date.fromisoformat(row["date"])
    st.session_state._report = {
        "rows": pd.DataFrame(rows, columns=REPORT_COLUMNS),
        "mentioned": ingest.mentioned_places(text, gazetteer),
    }
    note = f"{len(found)} candidate change(s) found." if found else "No change of control found in this text."
    st.session_state._report_note = ("info", note)


def accept_report(data: Data, settings: Settings) -> None:
    """'Accept' callback: validate the kept rows and add them to the events file (atomic, backed up)."""
    report = st.session_state.get("_report")
    url = st.session_state.get("report_url", "").strip()
    edited = st.session_state.get("_report_edited")
    if report is None or edited is None:
        return
    if not is_web_url(url):
        st.session_state._report_note = (
            "error",
            "Give the article's http(s) URL: it becomes the source of each change.",
        )
        return
    rows = [
        {
            "date": pd.Timestamp(r["date"]).date().isoformat(),
            "place_id": r["place_id"],
            "controller": r["new_controller"],
            "source_url": url,
            "note": f"from the report: {r['evidence'][:300]}",
            "confidence": "medium",
        }
        for r in edited.to_dict("records")
        if r["accept"]
    ]
    if not rows:
        st.session_state._report_note = ("info", "No row is marked to accept.")
        return
    try:
        added = append_events(settings.events, rows, places={p.id for p in data.gazetteer.places})
    except DataError as exc:
        st.session_state._report_note = ("error", f"Nothing was written. {exc}")
        return
    except OSError as exc:  # disk full, read-only data folder...: the old file is intact (atomic write)
        log.exception("writing %s failed", settings.events)
        st.session_state._report_note = (
            "error",
            f"Nothing was written: {exc.strerror or exc}. The data file is unchanged.",
        )
        return
    st.session_state._report = None
    st.session_state._report_note = (
        "success",
        f"Added {added} change(s) to {settings.events.name}"
        + (" (the rest were already there)." if added < len(rows) else "."),
    )


def report_panel(data: Data, settings: Settings, day: dt.date) -> None:
    """'Add a report': paste or upload an article, review the candidate changes, accept them into the data."""
    with st.expander("Add a report: read a news article into candidate changes"):
        st.caption(
            f"Paste the text (or upload a UTF-8 .txt file, up to {ingest.MAX_TEXT_CHARS:,} characters), give its "
            f"publication date and URL, then review what was found. Accepted rows go into `{settings.events.name}` "
            "after the same checks as `python -m geo validate`; the previous file is kept as a backup."
        )
        st.text_area("Article text", key="report_text", height=150, max_chars=ingest.MAX_TEXT_CHARS)
        st.file_uploader("…or upload it", type=["txt"], key="report_file")
        left, right = st.columns(2)
        left.date_input("Published on", key="report_published", value=day, format="YYYY-MM-DD")
        right.text_input("Article URL (the source of accepted changes)", key="report_url")
        st.button("Find changes", on_click=read_report, args=(data.gazetteer,))
        kind, note = st.session_state.get("_report_note", (None, None))
        if note:
            getattr(st, kind)(markdown_text(note))
        report = st.session_state.get("_report")
        if report is not None and not report["rows"].empty:
            st.session_state._report_edited = st.data_editor(
                report["rows"],
                key="report_editor",
                hide_index=True,
                width="stretch",
                disabled=["place", "place_id", "confidence", "evidence"],
                column_config={
                    "accept": st.column_config.CheckboxColumn("Accept"),
                    "new_controller": st.column_config.SelectboxColumn("New controller", options=list(CODES)),
                    "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                },
            )
            st.button("Accept the ticked changes", type="primary", on_click=accept_report, args=(data, settings))


def link_config(column: str) -> dict:
    return {column: st.column_config.LinkColumn(column, display_text=r"https?://(?:www\.)?([^/]+)")}


def changes_table(changes: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
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
    ("html", "Download map (HTML, works offline)", "text/html"),
    ("csv", "Download table (CSV)", "text/csv"),
)


def downloads(view: pd.DataFrame, day: dt.date, changes: pd.DataFrame, settings: Settings) -> None:
    """Snapshot downloads; each file is made only when its button is clicked (deferred data)."""
    makers = {
        "png": partial(snapshot.to_png, view, day, changes=changes, recent_days=settings.recent_days),
        "html": partial(snapshot.to_html, view, day, settings=settings),
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
    names = data.places["name"].to_dict()
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
        downloads(view, day, changes, settings)
    with side_col:
        on_this_date(data.timeline, day, view, names)
        st.markdown(f"**Changes in the {settings.recent_days} days to {day:%d %b %Y}**")
        if changes.empty:
            st.caption("No change of control in these days.")
        else:
            st.dataframe(
                changes_table(changes, names),
                hide_index=True,
                column_config=link_config("Source"),
                width="stretch",
            )
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
        base.add_child(mapview.places_layer(view, day))
        return st_folium(base, **common)
    base.add_child(liveview.LivePlaces(f"{assets_url}/data/{data.places_file}"))
    layers = [liveview.state_layer(view, data.order, day)]
    report = st.session_state.get("_report")
    if report is not None and report["mentioned"]:
        layers.append(mapview.mentioned_layer(report["mentioned"]))
    return st_folium(
        base,
        key="map",
        feature_group_to_add=layers,
        returned_objects=["last_object_clicked"],
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
