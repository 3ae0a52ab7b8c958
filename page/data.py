"""Where the page's data comes from: the bundled or command-line files, or this session's uploads."""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from geo import liveview, mapview
from geo import territory as territory_mod
from geo.csvio import MAX_FILE_BYTES, MAX_ROWS
from geo.errors import DataError, Problem
from geo.escape import markdown_text
from geo.events import load_events
from geo.gazetteer import Gazetteer
from geo.settings import ROOT, Settings
from geo.timeline import Timeline
from geo.view import placed_state

__all__ = [
    "Data",
    "settings_from_argv",
    "choose_data",
    "show_problems",
    "territory_at",
    "areas_file",
    "area_series",
    "STATIC_DATA",
]

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
    version: str  # changes whenever the events or the places do: the key of per-date caches


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


def build_data(gaz: Gazetteer, events: str | bytes, events_name: str | None = None, recent_days: int = 14) -> Data:
    """Check the events against the places and precompute what every rerun needs."""
    loaded = load_events(events, places={p.id for p in gaz.places}, name=events_name)
    timeline, places = Timeline(loaded.events), gaz.frame()
    with_events = set(timeline.places)
    shown = [p.id for p in gaz.places if p.in_theatre and p.id in with_events]
    bounds = mapview.bounds_of(places.loc[shown])
    order = [pid for pid in places.index if pid in with_events]
    payload = liveview.places_payload(places.loc[order], timeline.events, recent_days)
    places_file = liveview.write_payload(STATIC_DATA, payload)
    digest = hashlib.sha256(pd.util.hash_pandas_object(loaded.events.astype(str), index=False).to_numpy().tobytes())
    version = f"{places_file}:{digest.hexdigest()[:16]}"
    return Data(gaz, timeline, places, (*gaz.problems, *loaded.problems), bounds, order, places_file, version)


@st.cache_resource(show_spinner="Loading the data…")
def load_data(events: str, events_mtime: float, gazetteer: str, gazetteer_mtime: float, recent_days: int) -> Data:
    """Load both data files; keyed by path and modification time so an edited file is reloaded."""
    return build_data(Gazetteer.load(gazetteer), events, recent_days=recent_days)


@st.cache_resource(show_spinner="Checking your files…", max_entries=32, ttl=3600)
def load_upload(
    events: bytes | None,
    events_name: str | None,
    places: bytes | None,
    places_name: str | None,
    bundled_events: str,
    bundled_gazetteer: str,
    bundled_mtime: float,
    recent_days: int,
) -> Data:
    """Data from uploaded files (keyed by their content): uploaded events replace the bundled ones,
    uploaded places are added to the bundled gazetteer."""
    gaz = Gazetteer.load(bundled_gazetteer)
    if places is not None:
        gaz = gaz.extended(Gazetteer.load(places, name=places_name))
    return build_data(gaz, events if events is not None else bundled_events, events_name, recent_days)


def choose_data(settings: Settings) -> Data:
    """The bundled (or command-line) data, or this session's uploaded files from the sidebar."""
    bundled = load_data(
        str(settings.events),
        _mtime(settings.events),
        str(settings.gazetteer),
        _mtime(settings.gazetteer),
        settings.recent_days,
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
            settings.recent_days,
        )
    except DataError as exc:
        st.error(f"**Your file could not be used**, so the bundled data is shown. {markdown_text(exc)}")
        return bundled
    st.info("Showing your uploaded data (this session only). Remove the files in the sidebar to go back.")
    return data


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


@st.cache_resource
def theatre():
    """Syria inside the mapped region (data/theatre.geojson), for areas and the front line."""
    return territory_mod.load_theatre()


@st.cache_resource(max_entries=16)
def tessellation(_data: Data, version: str) -> territory_mod.Tessellation:
    """The Voronoi cells of the data set's places (they do not depend on the date)."""
    timeline = _data.timeline
    return territory_mod.tessellate(placed_state(timeline.state_at(timeline.last_date), _data.places), theatre())


@st.cache_resource(max_entries=2048)
def territory_at(_data: Data, version: str, day) -> territory_mod.Territory:
    """Areas and front line of one date, computed once per data version and date (scrubbing back
    and forth does not recompute)."""
    view = placed_state(_data.timeline.state_at(day), _data.places)
    return territory_mod.territory(view, theatre(), tessellation(_data, version))


@st.cache_resource(max_entries=16)
def areas_file(_data: Data, version: str) -> str:
    """Name of the static file with the areas and front line of every change date (for the live map)."""
    days = _data.timeline.dates()
    payload = liveview.areas_payload([(day, territory_at(_data, version, day)) for day in days])
    return liveview.write_payload(STATIC_DATA, payload, kind="areas")


@st.cache_resource(max_entries=16)
def area_series(_data: Data, version: str) -> pd.DataFrame:
    """km² per side on every change date, for the chart."""
    timeline = _data.timeline
    return territory_mod.area_series(
        timeline, _data.places, theatre(), timeline.first_date, timeline.last_date, tessellation(_data, version)
    )
