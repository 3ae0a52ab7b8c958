"""`python -m geo ...` as a script author uses it: JSON/CSV on stdout, exit 1 with a clear message."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main

from .conftest import TEST_DATA

ROOT = Path(__file__).resolve().parent.parent


def run(*argv, stdin: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    if stdin is not None:
        old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        code = main(list(argv), out=out)
    finally:
        if stdin is not None:
            sys.stdin = old
    return code, out.getvalue()


def test_geocode_prints_one_json_object_per_name():
    code, out = run("geocode", "Al-Habeet", "Khan Sheikhoun")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["id"] for r in records] == ["al-habit", "khan-shaykhun"]
    assert set(records[0]) >= {"query", "id", "name", "lat", "lon"}


def test_geocode_reads_names_from_stdin_and_fails_on_unknown(capsys):
    code, out = run("geocode", stdin="Idlib\nAtlantis\n")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert records[0]["id"] == "idlib"
    assert records[1] == {"query": "Atlantis", "error": "not found", "candidates": []}


def test_state_csv_has_documented_columns_and_the_seed_change():
    code, out = run("state", "2019-08-11", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == ["place_id", "name", "lat", "lon", "controller", "since", "source_url"]
    habit = next(r for r in rows if r["place_id"] == "al-habit")
    assert habit["controller"] == "government" and habit["since"] == "2019-08-11"


def test_state_json_and_a_custom_events_file():
    code, out = run(
        "state",
        "2019-05-23",
        "--format",
        "json",
        "--events",
        str(TEST_DATA / "events.csv"),
        "--gazetteer",
        str(TEST_DATA / "gazetteer.csv"),
    )
    records = {r["place_id"]: r for r in map(json.loads, out.splitlines())}
    assert code == 0
    assert records["alpha"]["controller"] == "opposition" and records["alpha"]["since"] == "2019-05-22"


@pytest.mark.parametrize(
    "argv, words",
    [
        (["state", "2019-13-01"], "not a calendar date"),
        (["state", "2001-01-01"], "before the first event"),
        (["state", "2019-08-11", "--events", "/nonexistent/events.csv"], "cannot read"),
        (["export", "2019-08-11", "--format", "png", "-o", "/nonexistent/dir/x.png"], "cannot write"),
    ],
)
def test_bad_input_exits_1_with_a_message_not_a_traceback(capsys, argv, words):
    code, _ = run(*argv)
    err = capsys.readouterr().err
    assert code == 1
    assert words in err and "Traceback" not in err


def test_export_writes_each_format(tmp_path):
    for fmt, magic in (
        ("png", b"\x89PNG"),
        ("html", b"<!DOCTYPE html>"),
        ("csv", b"place_id,"),
        ("geojson", b'{"type": "FeatureCollection"'),
        ("kml", b"<?xml"),
    ):
        path = tmp_path / f"map.{fmt}"
        assert run("export", "2019-08-11", "--format", fmt, "-o", str(path))[0] == 0
        assert path.read_bytes().startswith(magic)


def test_validate_passes_on_the_bundled_data():
    assert run("validate")[0] == 0


def test_validate_lists_every_bad_row_with_file_line_and_field(write_csv, capsys):
    bad = write_csv(
        "events.csv",
        "date,place_id,controller,source_url,note,confidence",
        "2019-04-29,alpha,opposition,https://a.example/1,,",
        "2019-13-01,alpha,government,https://a.example/2,,",
        "2019-05-01,nowhere,government,,,",
    )
    code, out = run("validate", "--events", str(bad), "--gazetteer", str(TEST_DATA / "gazetteer.csv"))
    assert code == 1
    assert "events.csv:3: date: '2019-13-01' is not a calendar date" in out
    assert "events.csv:4: place_id: 'nowhere' is not in the gazetteer" in out
    assert "events.csv:4: source_url: is empty" in out


def test_python_dash_m_geo_runs_as_a_module():
    out = subprocess.run([sys.executable, "-m", "geo", "geocode", "Saraqeb"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)["id"] == "saraqib"
