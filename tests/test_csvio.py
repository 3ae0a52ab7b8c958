"""Writing data files: atomic, the previous version kept, nothing lost when a write dies half-way."""

import os

import pytest

import geo.csvio
from geo.csvio import read_rows, write_rows

HEADER = ["date", "place_id", "controller", "source_url"]
ORIGINAL = "date,place_id,controller,source_url\n2019-04-29,a,opposition,https://example.org/1\n"


class Exploding:
    """A value whose text cannot be produced: the write fails in the middle of the rows."""

    def __str__(self):
        raise RuntimeError("disk on fire")


@pytest.fixture
def events_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def test_a_write_replaces_the_file_and_keeps_the_previous_version(events_file):
    rows = [{"date": "2019-05-08", "place_id": "a", "controller": "government", "source_url": "https://x.org/2"}]
    write_rows(events_file, HEADER, rows)
    assert [r for _, r in read_rows(events_file, HEADER)] == rows
    assert (events_file.parent / "events.csv.bak").read_text(encoding="utf-8") == ORIGINAL


def test_a_write_that_dies_half_way_leaves_the_original_intact(events_file):
    rows = [{"date": "2019-05-08", "place_id": "a", "controller": "government", "source_url": "https://x.org/2"}] * 500
    rows.append({"date": Exploding(), "place_id": "a", "controller": "government", "source_url": "u"})
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_rows(events_file, HEADER, rows)
    assert events_file.read_text(encoding="utf-8") == ORIGINAL
    assert sorted(os.listdir(events_file.parent)) == ["events.csv"]  # no temporary file left behind


def test_a_crash_at_the_rename_leaves_the_original_intact(events_file, monkeypatch):
    def crash(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(geo.csvio.os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        write_rows(events_file, HEADER, [{"date": "x", "place_id": "a", "controller": "c", "source_url": "u"}])
    assert events_file.read_text(encoding="utf-8") == ORIGINAL
    assert not [n for n in os.listdir(events_file.parent) if n.endswith(".tmp")]
