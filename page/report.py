"""The 'Add a report' panel: a news article in, reviewed candidate changes into the events file."""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
import streamlit as st

from geo import ingest
from geo.errors import DataError, Problem
from geo.escape import markdown_text
from geo.events import append_events, is_web_url
from geo.factions import CODES
from geo.gazetteer import Gazetteer
from geo.settings import Settings

from .data import Data

__all__ = ["report_panel"]

log = logging.getLogger("idlib_front_map")


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
