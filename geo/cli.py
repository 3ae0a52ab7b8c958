"""`python -m geo geocode|state|export|validate|extract`: the app's answers for scripts and terminals."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import BadDate, DataError, GeoError
from .events import load_events, parse_date
from .gazetteer import Gazetteer
from .ingest import Candidate, extract, read_text
from .online import OnlineGeocoder
from .settings import Settings
from .snapshot import FORMATS, to_csv, to_geojson, to_html, to_kml, to_png
from .territory import load_theatre, territory
from .timeline import Timeline
from .view import STATE_COLUMNS, placed_state, window_start

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--events", type=Path, help="events CSV (default: data/events.csv)")
    data.add_argument("--gazetteer", type=Path, help="gazetteer CSV (default: data/gazetteer.csv)")

    parser = argparse.ArgumentParser(prog="python -m geo", description="Idlib Front Map from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("geocode", parents=[data], help="place names -> JSON lines with id, name, lat, lon")
    p.add_argument("names", nargs="*", help="names to look up (default: one per line on standard input)")
    p.add_argument(
        "--online", action="store_true", help="ask Nominatim for names not found offline (rate-limited, cached)"
    )

    p = sub.add_parser("state", parents=[data], help="who held each place on DATE")
    p.add_argument("date", help="YYYY-MM-DD")
    p.add_argument("--format", choices=("csv", "json"), default="csv")

    p = sub.add_parser("export", parents=[data], help="write the map of DATE as png, html, csv, geojson or kml")
    p.add_argument("date", help="YYYY-MM-DD")
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument("-o", "--output", type=Path, required=True, help="file to write ('-' for standard output)")

    sub.add_parser("validate", parents=[data], help="check the data files; exit 1 listing every problem")

    p = sub.add_parser("extract", parents=[data], help="news text -> candidate control changes (JSON lines)")
    p.add_argument("files", nargs="+", type=Path, help="article text files (UTF-8)")
    p.add_argument("--published", help="publication date YYYY-MM-DD (default: 'published' in FILE.meta.json)")
    p.add_argument("--format", choices=("json",), default="json")
    return parser


def _load(args) -> tuple[Gazetteer, Timeline]:
    settings = Settings().replace(events=args.events, gazetteer=args.gazetteer)
    gazetteer = Gazetteer.load(settings.gazetteer)
    if gazetteer.problems:
        raise DataError(list(gazetteer.problems))
    return gazetteer, Timeline.from_csv(settings.events, places=set(p.id for p in gazetteer.places))


def _view_at(args):
    day = parse_date(args.date)
    gazetteer, timeline = _load(args)
    if timeline.first_date is None or day < timeline.first_date:
        raise BadDate(f"{day} is before the first event of the data ({timeline.first_date})")
    recent_from = window_start(day, Settings().recent_days)
    return day, timeline, placed_state(timeline.state_at(day), gazetteer.frame(), recent_from=recent_from)


def _online() -> OnlineGeocoder:
    """The online fallback (tests replace this function with one returning a fake)."""
    return OnlineGeocoder(user_agent=Settings().user_agent)


def _geocode(args, out) -> int:
    gazetteer = Gazetteer.load(args.gazetteer) if args.gazetteer else Gazetteer.load()
    names = args.names or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    online = _online() if args.online or Settings().online_geocoder else None
    failed = 0
    for name in names:
        match = gazetteer.match(name)
        remote = online.lookup(name) if match is None and online is not None else None
        if remote is not None:
            record = {
                "query": name,
                "id": None,
                "name": remote.name,
                "lat": remote.lat,
                "lon": remote.lon,
                "source": "nominatim",
            }
        elif match is None:
            failed += 1
            record = {
                "query": name,
                "error": "not found",
                "candidates": [c.place.name for c in gazetteer.candidates(name)],
            }
        else:
            p = match.place
            record = {"query": name, "id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon, "score": match.score}
            if match.ambiguous:
                record["ambiguous"] = True
                record["candidates"] = list(match.alternatives)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1 if failed else 0


def _state(args, out) -> int:
    _, _, view = _view_at(args)
    if args.format == "csv":
        out.write(to_csv(view))
    else:
        for row in view.reset_index()[list(STATE_COLUMNS)].itertuples(index=False):
            record = row._asdict()
            record["since"] = str(record["since"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def _export(args, out) -> int:
    day, timeline, view = _view_at(args)
    areas = territory(view, load_theatre()) if args.format != "csv" else None
    if args.format == "png":
        recent = Settings().recent_days
        changes = timeline.changes_between(window_start(day, recent), day)
        data: bytes | str = to_png(view, day, changes=changes, recent_days=recent, territory=areas)
    elif args.format == "html":
        data = to_html(view, day, territory=areas)
    elif args.format == "geojson":
        data = to_geojson(view, day, areas)
    elif args.format == "kml":
        data = to_kml(view, day, areas)
    else:
        data = to_csv(view)
    if str(args.output) == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            out.write(data)
    else:
        try:
            if isinstance(data, bytes):
                args.output.write_bytes(data)
            else:
                args.output.write_text(data, encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot write {args.output}: {exc.strerror}") from None
        print(f"wrote {args.output} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def _validate(args, out) -> int:
    settings = Settings().replace(events=args.events, gazetteer=args.gazetteer)
    gazetteer = Gazetteer.load(settings.gazetteer)
    loaded = load_events(settings.events, places=set(p.id for p in gazetteer.places))
    problems = [*gazetteer.problems, *loaded.problems]
    for problem in problems:
        out.write(f"{problem}\n")
    summary = f"{len(gazetteer)} places, {len(loaded.events)} usable events, {len(problems)} problem(s)"
    print(summary, file=sys.stderr)
    return 1 if problems else 0


def _published(path: Path, given: str | None):
    if given:
        return parse_date(given)
    meta = path.with_suffix(".meta.json")
    try:
        return parse_date(json.loads(meta.read_text(encoding="utf-8"))["published"])
    except (OSError, ValueError, KeyError):
        raise BadDate(f"{path}: give --published YYYY-MM-DD (no usable {meta.name} beside the file)") from None


def _extract(args, out) -> int:
    gazetteer = Gazetteer.load(args.gazetteer) if args.gazetteer else Gazetteer.load()
    seen: dict[tuple, Candidate] = {}
    for path in args.files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DataError(f"cannot read {path}: {exc.strerror}") from None
        text = read_text(raw, name=str(path))
        for cand in extract(text, gazetteer, _published(path, args.published)):
            key = (cand.place_id, cand.new_controller, cand.date)
            if key not in seen or cand.confidence > seen[key].confidence:
                seen[key] = cand
    for cand in sorted(seen.values(), key=lambda c: (c.date, c.place)):
        out.write(json.dumps(cand.as_json(), ensure_ascii=False) + "\n")
    return 0


_COMMANDS = {"geocode": _geocode, "state": _state, "export": _export, "validate": _validate, "extract": _extract}


def main(argv: Sequence[str] | None = None, out=None) -> int:
    """Run one command; print project errors as 'error: ...' on stderr and return 1 (no traceback)."""
    args = _parser().parse_args(argv)
    out = out or sys.stdout
    try:
        return _COMMANDS[args.command](args, out)
    except GeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
        return 0
