"""Shared fixtures: the bundled data, and small data files written for one test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.events import load_events
from geo.gazetteer import Gazetteer
from geo.settings import DATA_DIR
from geo.timeline import Timeline

TEST_DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(DATA_DIR / "gazetteer.csv")


@pytest.fixture(scope="session")
def timeline(gazetteer) -> Timeline:
    loaded = load_events(DATA_DIR / "events.csv", places={p.id for p in gazetteer.places})
    assert not loaded.problems, loaded.problems
    return Timeline(loaded.events)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def write_csv(tmp_path):
    """Write a CSV file from a header and rows of text; returns its path."""

    def write(name: str, header: str, *rows: str) -> Path:
        path = tmp_path / name
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        return path

    return write


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can screenshot failed browser tests."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
