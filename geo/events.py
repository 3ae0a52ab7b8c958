"""The events file: sourced control changes, read and checked row by row (schema in data/README.md)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from .csvio import csv_bytes, read_rows, write_rows
from .errors import BadDate, DataError, Problem
from .factions import CODES

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "CONFIDENCE",
    "Loaded",
    "load_events",
    "check_events",
    "parse_date",
    "is_web_url",
    "append_events",
]

COLUMNS = ("date", "place_id", "controller", "source_url", "note", "confidence")
REQUIRED = ("date", "place_id", "controller", "source_url")
CONFIDENCE = ("high", "medium", "low")
MAX_FIELD = {"place_id": 100, "source_url": 2000, "note": 1000}
"""Longest value accepted per field (characters); longer ones are reported, not truncated silently."""

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def parse_date(text: object) -> dt.date:
    """A calendar day from 'YYYY-MM-DD' (or a date/datetime); raise BadDate with the value otherwise."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = str(text).strip()
    if not _DATE_RE.match(value):
        raise BadDate(f"{value[:40]!r} is not a date in YYYY-MM-DD form")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadDate(f"{value!r} is not a calendar date") from None


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL: the only kind of source that may become a link."""
    return bool(_URL_RE.match(url or ""))


@dataclass(frozen=True)
class Loaded:
    """The usable events of a file, and every problem found in it (rows with errors are left out)."""

    events: pd.DataFrame
    problems: tuple[Problem, ...]


def _check_row(row: dict[str, str], line: int, path: str, places: Collection[str] | None, today: dt.date):
    """Return (record, problems) for one row; record is None when the row cannot be used."""
    problems = [
        Problem(path, line, fld, f"is {len(row.get(fld, '')):,} characters long; the limit is {limit:,}")
        for fld, limit in MAX_FIELD.items()
        if len(row.get(fld, "")) > limit
    ]
    for fld in REQUIRED:
        if not row.get(fld):
            problems.append(
                Problem(path, line, fld, "is empty" + (" (every change needs a source)" if fld == "source_url" else ""))
            )
    day = None
    if row.get("date"):
        try:
            day = parse_date(row["date"])
        except BadDate as exc:
            problems.append(Problem(path, line, "date", str(exc)))
        else:
            if day > today:
                problems.append(Problem(path, line, "date", f"{day} is in the future"))
    if row.get("place_id") and places is not None and row["place_id"] not in places:
        problems.append(Problem(path, line, "place_id", f"{row['place_id'][:100]!r} is not in the gazetteer"))
    if row.get("controller") and row["controller"] not in CODES:
        problems.append(
            Problem(
                path, line, "controller", f"{row['controller'][:40]!r} is not a side; use one of {', '.join(CODES)}"
            )
        )
    if row.get("source_url") and not is_web_url(row["source_url"]):
        problems.append(Problem(path, line, "source_url", f"{row['source_url'][:80]!r} is not an http(s) URL"))
    if row.get("confidence") and row["confidence"] not in CONFIDENCE:
        problems.append(
            Problem(path, line, "confidence", f"{row['confidence'][:40]!r} is not one of {', '.join(CONFIDENCE)}")
        )
    if problems:
        return None, problems
    record = {k: row.get(k, "") for k in COLUMNS}
    record["date"] = day
    record["line"] = line
    return record, []


def check_events(records: list[dict], path: str) -> tuple[list[dict], list[Problem]]:
    """Cross-row checks: rows out of date order (kept), duplicates and changes that change nothing (dropped)."""
    problems: list[Problem] = []
    latest: dt.date | None = None
    for rec in records:
        if latest is not None and rec["date"] < latest:
            problems.append(
                Problem(
                    path,
                    rec["line"],
                    "date",
                    f"{rec['date']} comes after a row dated {latest}: keep the file in date order",
                )
            )
        latest = rec["date"] if latest is None else max(latest, rec["date"])
    kept: list[dict] = []
    seen: dict[tuple, int] = {}
    current: dict[str, dict] = {}
    for rec in sorted(records, key=lambda r: (r["date"], r["line"])):
        key = (rec["date"], rec["place_id"])
        if key in seen:
            problems.append(
                Problem(
                    path,
                    rec["line"],
                    "place_id",
                    f"a second change for {rec['place_id']} on {rec['date']} (first on line {seen[key]})",
                )
            )
            continue
        prev = current.get(rec["place_id"])
        if prev is not None and prev["controller"] == rec["controller"]:
            problems.append(
                Problem(
                    path,
                    rec["line"],
                    "controller",
                    f"{rec['place_id']} is already held by {rec['controller']} since line {prev['line']}: "
                    "this row changes nothing",
                )
            )
            continue
        seen[key] = rec["line"]
        current[rec["place_id"]] = rec
        kept.append(rec)
    return kept, problems


def load_events(
    source: str | os.PathLike | bytes,
    *,
    places: Collection[str] | None = None,
    today: dt.date | None = None,
    name: str | None = None,
) -> Loaded:
    """Read an events CSV; keep the usable rows and list every problem with file, line and field.

    `places` is the set of known place ids (None skips that check). A file that cannot be read at
    all raises DataError.
    """
    label = name or (os.path.basename(source) if not isinstance(source, bytes) else "<upload>")
    today = today or dt.date.today()
    records, problems = [], []
    for line, row in read_rows(source, REQUIRED, name=label):
        record, row_problems = _check_row(row, line, label, places, today)
        problems.extend(row_problems)
        if record is not None:
            records.append(record)
    kept, cross = check_events(records, label)
    problems.extend(cross)
    frame = pd.DataFrame(kept, columns=[*COLUMNS, "line"])
    problems.sort(key=lambda p: (p.line or 0, p.field or ""))
    return Loaded(frame, tuple(problems))


def append_events(
    path: str | os.PathLike, new_rows: list[dict], *, places: Collection[str], today: dt.date | None = None
) -> int:
    """Add changes to an events file: checked first, written atomically (previous version kept as .bak).

    Rows equal to an existing change (same date, place and controller) are skipped, so accepting the
    same article twice adds nothing. If the file with the new rows would have any problem the file
    had not, nothing is written and DataError lists those problems. Returns the number of rows added.
    Writers are serialised with a lock file, so two reviewers accepting at once lose nothing.
    """
    import fcntl

    target = os.fspath(path)
    label = os.path.basename(target)
    with open(target + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = [row for _, row in read_rows(target, REQUIRED, name=label)]
        seen = {(r["date"], r["place_id"], r["controller"]) for r in existing}
        added = []
        for row in new_rows:
            clean = {k: str(row.get(k, "") or "").strip() for k in COLUMNS}
            key = (clean["date"], clean["place_id"], clean["controller"])
            if key not in seen:
                seen.add(key)
                added.append(clean)
        if not added:
            return 0
        merged = sorted([*existing, *added], key=lambda r: r["date"])  # stable: file order within a day
        before = {str(p) for p in load_events(target, places=places, today=today).problems}
        after = load_events(csv_bytes(COLUMNS, merged), places=places, today=today, name=label)
        new_problems = [p for p in after.problems if str(p) not in before]
        if new_problems:
            raise DataError(new_problems)
        write_rows(target, COLUMNS, merged)
        return len(added)
