"""Reading events.csv: every unusable row is named by line and field; the usable rows are kept."""

import datetime as dt

import pytest

from geo.errors import BadDate, DataError
from geo.events import COLUMNS, load_events, parse_date

HEADER = ",".join(COLUMNS)
PLACES = {"alpha", "beta"}
TODAY = dt.date(2026, 1, 1)


def load(write_csv, *rows):
    return load_events(write_csv("events.csv", HEADER, *rows), places=PLACES, today=TODAY)


def test_a_clean_file_loads_every_row(write_csv):
    loaded = load(
        write_csv,
        "2019-04-29,alpha,opposition,https://a.example/1,,high",
        "2019-05-08,alpha,government,https://a.example/2,note,",
    )
    assert loaded.problems == ()
    assert list(loaded.events["controller"]) == ["opposition", "government"]


@pytest.mark.parametrize(
    "row, field, words",
    [
        ("2019-13-01,alpha,government,https://a.example/x,,", "date", "not a calendar date"),
        ("11/08/2019,alpha,government,https://a.example/x,,", "date", "YYYY-MM-DD"),
        ("2030-01-01,alpha,government,https://a.example/x,,", "date", "in the future"),
        ("2019-05-08,nowhere,government,https://a.example/x,,", "place_id", "not in the gazetteer"),
        ("2019-05-08,alpha,martians,https://a.example/x,,", "controller", "not a side"),
        ("2019-05-08,alpha,government,,,", "source_url", "every change needs a source"),
        ("2019-05-08,alpha,government,javascript:alert(1),,", "source_url", "not an http(s) URL"),
        ("2019-05-08,alpha,government,https://a.example/x,,sure", "confidence", "not one of"),
        ("2019-05-08,alpha,opposition,https://a.example/x,,", "controller", "changes nothing"),
        ("2019-04-29,alpha,government,https://a.example/x,,", "place_id", "a second change"),
    ],
)
def test_a_bad_row_is_reported_with_its_line_and_field_and_left_out(write_csv, row, field, words):
    loaded = load(write_csv, "2019-04-29,alpha,opposition,https://a.example/1,,", row)
    assert len(loaded.problems) == 1, loaded.problems
    problem = loaded.problems[0]
    assert (problem.path, problem.line, problem.field) == ("events.csv", 3, field)
    assert words in problem.message
    assert len(loaded.events) == 1  # the good row is still there


def test_rows_out_of_date_order_are_reported_but_used(write_csv):
    loaded = load(
        write_csv,
        "2019-05-08,beta,opposition,https://a.example/2,,",
        "2019-04-29,alpha,opposition,https://a.example/1,,",
    )
    assert [(p.line, p.field) for p in loaded.problems] == [(3, "date")]
    assert len(loaded.events) == 2


def test_every_problem_of_a_file_is_listed_not_just_the_first(write_csv):
    loaded = load(write_csv, "x,alpha,government,https://a.example,,", "2019-05-08,zzz,government,https://a.example,,")
    assert [p.line for p in loaded.problems] == [2, 3]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"date,place\n2019-05-08,alpha\n", "missing column"),
        (b"\x00\x01\x02binary", "binary"),
        (b"date,place_id,controller,source_url\n\xff\xfe2019,alpha\n", "not UTF-8"),
    ],
)
def test_an_unusable_file_raises_a_data_error_naming_it(tmp_path, content, words):
    path = tmp_path / "events.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=words) as info:
        load_events(path, places=PLACES)
    assert "events.csv" in str(info.value)


def test_a_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        load_events(tmp_path / "nope.csv")


@pytest.mark.parametrize("text", ["2019-02-30", "yesterday", "", "2019-8-1", "2019-08-01T00:00"])
def test_parse_date_rejects_what_is_not_a_calendar_day(text):
    with pytest.raises(BadDate):
        parse_date(text)
