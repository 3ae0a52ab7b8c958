"""The timeline engine, on the bundled data (dates from the sources) and against a plain pandas answer."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from geo.timeline import Timeline

from .conftest import day


@pytest.mark.parametrize(
    "place_id, date, controller",
    [
        ("al-habit", "2019-08-10", "opposition"),  # the seed article: taken at dawn on Sunday 11 August
        ("al-habit", "2019-08-11", "government"),
        ("khan-shaykhun", "2019-08-20", "opposition"),
        ("khan-shaykhun", "2019-08-21", "government"),
        ("kafr-nabudah", "2019-05-07", "opposition"),
        ("kafr-nabudah", "2019-05-08", "government"),
        ("kafr-nabudah", "2019-05-23", "opposition"),  # lost on 22 May ...
        ("kafr-nabudah", "2019-05-26", "government"),  # ... retaken on 26 May
        ("qalaat-al-madiq", "2019-05-09", "government"),
        ("idlib", "2019-08-31", "opposition"),
        ("hama", "2019-04-29", "government"),
        ("maarat-al-numan", "2020-01-27", "opposition"),
        ("maarat-al-numan", "2020-01-28", "government"),
        ("saraqib", "2020-02-06", "government"),  # taken ...
        ("saraqib", "2020-02-27", "opposition"),  # ... retaken by the opposition ...
        ("saraqib", "2020-03-02", "government"),  # ... and lost again
        ("kafr-nabl", "2020-02-25", "government"),
        ("khan-shaykhun", "2024-11-29", "government"),
        ("khan-shaykhun", "2024-11-30", "opposition"),
        ("aleppo", "2024-11-29", "government"),
        ("aleppo", "2024-11-30", "opposition"),
        ("hama", "2024-12-04", "government"),
        ("hama", "2024-12-05", "opposition"),
    ],
)
def test_state_at_matches_the_sources(timeline, place_id, date, controller):
    assert timeline.state_at(day(date)).loc[place_id, "controller"] == controller


def test_state_gives_since_and_the_source_of_the_last_change(timeline):
    row = timeline.state_at(day("2019-08-15")).loc["al-habit"]
    assert row["since"] == np.datetime64("2019-08-11")
    assert row["source_url"].startswith("http")


def test_history_lists_every_change_of_a_place_in_order(timeline):
    history = timeline.history("kafr-nabudah")
    assert list(history["controller"])[:4] == ["opposition", "government", "opposition", "government"]
    assert history["date"].is_monotonic_increasing
    assert pd.isna(history["previous"].iloc[0]) and history["previous"].iloc[1] == "opposition"


def test_changes_between_is_inclusive_and_leaves_out_baselines(timeline):
    changes = timeline.changes_between(day("2019-04-29"), day("2019-08-11"))
    assert (changes["previous"].notna()).all()
    assert changes["date"].iloc[-1] == np.datetime64("2019-08-11")
    assert "al-habit" in set(changes["place_id"])
    assert timeline.changes_between(day("2019-08-12"), day("2019-08-12")).shape[0] <= 3


def test_dates_are_the_change_days_in_order(timeline):
    dates = timeline.dates()
    assert dates == sorted(set(dates))
    assert day("2019-08-11") in dates and dates[0] == day("2019-04-29")


def test_summary_counts_places_per_side(timeline):
    summary = timeline.summary(day("2019-08-31"))
    assert sum(summary.values) == len(timeline.state_at(day("2019-08-31")))
    assert summary.get("contested", 0) < summary["government"]
    assert summary["government"] > timeline.summary(day("2019-04-29"))["government"]


def test_a_place_appears_only_from_its_first_event():
    t = Timeline(pd.DataFrame({"date": ["2019-05-01"], "place_id": ["a"], "controller": ["government"]}))
    assert t.state_at(dt.date(2019, 4, 30)).empty
    assert list(t.state_at(dt.date(2019, 5, 1)).index) == ["a"]


def test_same_day_changes_follow_file_order():
    events = pd.DataFrame(
        {"date": ["2020-01-01", "2020-01-01"], "place_id": ["a", "a"], "controller": ["government", "opposition"]}
    )
    assert Timeline(events).state_at(dt.date(2020, 1, 1)).loc["a", "controller"] == "opposition"


def _plain_pandas_state(events: pd.DataFrame, when) -> pd.Series:
    upto = events[events["date"] <= pd.Timestamp(when)]
    return upto.sort_values("date", kind="stable").groupby("place_id")["controller"].last()


def test_state_at_agrees_with_plain_pandas_on_random_histories():
    rng = np.random.default_rng(42)
    n = 5000  # more than a few checkpoints' worth of events
    events = pd.DataFrame(
        {
            "date": pd.Timestamp("2019-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 400, n)), unit="D"),
            "place_id": [f"p{i}" for i in rng.integers(0, 300, n)],
            "controller": rng.choice(["government", "opposition", "contested"], n),
        }
    )
    timeline = Timeline(events)
    for offset in rng.integers(-5, 405, 25):
        when = (pd.Timestamp("2019-01-01") + pd.Timedelta(days=int(offset))).date()
        expected = _plain_pandas_state(events, when).sort_index()
        got = timeline.state_at(when)["controller"].astype(str).sort_index()
        assert got.to_dict() == expected.to_dict()


def test_diff_lists_the_net_changes_between_two_dates_in_either_order(timeline):
    forward = timeline.diff(day("2019-08-10"), day("2019-08-11"))
    assert forward.loc["al-habit"].tolist() == ["opposition", "government"]
    backward = timeline.diff(day("2019-08-11"), day("2019-08-10"))
    assert backward.loc["al-habit"].tolist() == ["government", "opposition"]
    assert timeline.diff(day("2019-08-11"), day("2019-08-11")).empty


def test_diff_leaves_out_places_that_changed_and_changed_back(timeline):
    # Kafr Nabudah: government 8 May, opposition 22 May, government 26 May
    assert "kafr-nabudah" not in timeline.diff(day("2019-05-08"), day("2019-05-26")).index
    assert "kafr-nabudah" in timeline.diff(day("2019-05-08"), day("2019-05-23")).index
