"""Property-based tests: no input makes the parsers raise anything but the project's own errors."""

import contextlib
import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.csvio import read_rows
from geo.errors import BadDate, DataError
from geo.events import load_events, parse_date
from geo.gazetteer import Gazetteer
from geo.ingest import extract, read_text
from geo.names import clean, fold, skeleton

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.text())
def test_folding_any_text_returns_a_string(text):
    assert isinstance(fold(text), str) and isinstance(skeleton(text), str)
    assert len(clean(text)) <= 200


@FAST
@given(st.text(max_size=500))
def test_geocoding_any_text_answers_a_place_or_none(gazetteer, text):
    place = gazetteer.geocode(text)
    assert place is None or place.id in gazetteer
    assert len(gazetteer.candidates(text)) <= 5


@FAST
@given(st.one_of(st.text(max_size=30), st.dates().map(str), st.integers().map(str)))
def test_parse_date_gives_a_date_or_bad_date(text):
    with contextlib.suppress(BadDate):
        assert isinstance(parse_date(text), dt.date)


@FAST
@given(st.binary(max_size=2000))
def test_reading_any_bytes_as_events_gives_rows_or_a_data_error(data):
    try:
        loaded = load_events(data, places={"a"}, name="upload.csv")
    except DataError as exc:
        assert all(p.path == "upload.csv" for p in exc.problems)
    else:
        assert all(p.path == "upload.csv" and p.line is not None for p in loaded.problems)


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@FAST
@given(st.lists(st.tuples(CELL, CELL, CELL, CELL, CELL, CELL), min_size=1, max_size=20))
def test_every_row_of_any_events_table_is_used_or_named_in_a_problem(rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["date", "place_id", "controller", "source_url", "note", "confidence"])
    writer.writerows(rows)
    try:
        loaded = load_events(buf.getvalue().encode(), places={"a", "b"}, name="e.csv", today=dt.date(2026, 1, 1))
    except DataError as exc:  # e.g. a NUL character: refused as binary, with the file named
        assert all(p.path == "e.csv" for p in exc.problems)
        return
    data_lines = {line for line, _ in read_rows(buf.getvalue().encode(), ["date"], name="e.csv")}
    accounted = set(loaded.events["line"]) | {p.line for p in loaded.problems}
    assert data_lines <= accounted


@FAST
@given(st.binary(max_size=2000))
def test_reading_any_bytes_as_a_gazetteer_gives_places_or_a_data_error(data):
    try:
        gaz = Gazetteer.load(data, name="places.csv")
    except DataError:
        return
    for place in gaz.places:
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180


@pytest.mark.parametrize("source", [b"", b"\n\n", b"date\n"])
def test_near_empty_files_are_a_clear_error(source):
    with pytest.raises(DataError, match="missing column"):
        list(read_rows(source, ["date", "place_id"], name="x.csv"))


@FAST
@given(st.text(max_size=3000), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_ingesting_any_text_gives_candidates_with_evidence_from_the_text(gazetteer, text, published):
    for cand in extract(text, gazetteer, published):
        assert cand.place_id in gazetteer and cand.new_controller in ("government", "opposition", "contested")
        assert cand.evidence and 0 <= cand.confidence <= 1


@FAST
@given(st.binary(max_size=3000))
def test_reading_any_bytes_as_an_article_gives_text_or_a_data_error(data):
    try:
        assert isinstance(read_text(data, name="a.txt"), str)
    except DataError as exc:
        assert exc.problems[0].path == "a.txt"
