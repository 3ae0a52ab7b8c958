"""Ordered control changes and fast answers from them: who held what on a date, and since when."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd

from .errors import DataError

__all__ = ["Timeline"]

_OPTIONAL = ("source_url", "note", "confidence")
_CHECKPOINT_EVERY = 1024
"""Events between two stored snapshots of the state: state_at copies one snapshot and replays at
most this many events, so a query costs O(places + 1024) whatever the length of the history."""


def _days(values) -> np.ndarray:
    """Calendar days as numpy datetime64[D] from dates, datetimes or 'YYYY-MM-DD' strings."""
    return pd.to_datetime(pd.Series(values), format="mixed").to_numpy().astype("datetime64[D]")


def _day(value) -> np.datetime64:
    if isinstance(value, str):
        return np.datetime64(dt.date.fromisoformat(value), "D")
    if isinstance(value, dt.datetime):
        value = value.date()
    return np.datetime64(value, "D")


class Timeline:
    """Control changes of places over time: `Timeline(events)` with columns date, place_id, controller.

    Optional columns source_url, note and confidence are carried into answers. A change dated D is in
    force from D on. Rows are ordered by date, file order breaking ties.
    """

    def __init__(self, events: pd.DataFrame):
        missing = [c for c in ("date", "place_id", "controller") if c not in events.columns]
        if missing:
            raise DataError(f"events lack column(s) {', '.join(missing)}")
        frame = events.reset_index(drop=True).copy()
        for col in _OPTIONAL:
            if col not in frame.columns:
                frame[col] = ""
        frame["date"] = _days(frame["date"]) if len(frame) else np.array([], dtype="datetime64[D]")
        frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
        frame["place_id"] = frame["place_id"].astype(str)
        frame["controller"] = frame["controller"].astype(str)
        group = frame.groupby("place_id", sort=False)["controller"]
        frame["previous"] = group.shift(1)
        # `since`: the first day of the current run of the same controller (a repeated controller,
        # which validation reports, does not reset it).
        run_start = frame["previous"].ne(frame["controller"])
        frame["since"] = frame["date"].where(run_start)
        frame["since"] = frame.groupby("place_id", sort=False)["since"].ffill()
        self._frame = frame
        self._dates = frame["date"].to_numpy().astype("datetime64[D]")
        self._places, self._place_idx = np.unique(frame["place_id"].to_numpy(), return_inverse=True)
        self._place_idx = self._place_idx.astype(np.int64)
        self._controllers = pd.Categorical(frame["controller"])
        self._since = frame["since"].to_numpy().astype("datetime64[D]")
        # Categoricals and a prebuilt index: building the answer from object arrays of strings made
        # pandas re-infer 10,000 strings per call (0.56 ms vs 0.14 ms per state_at, measured).
        self._source = pd.Categorical(frame["source_url"].fillna("").astype(str))
        self._index = pd.Index(self._places, name="place_id")
        self._checkpoints = self._build_checkpoints()

    @classmethod
    def from_csv(cls, path: str | os.PathLike, *, places=None) -> Timeline:
        """Load and check an events CSV; raise DataError listing every unusable row."""
        from .events import load_events

        loaded = load_events(path, places=places)
        if loaded.problems:
            raise DataError(list(loaded.problems))
        return cls(loaded.events)

    def _build_checkpoints(self) -> np.ndarray:
        """Snapshots of 'index of the latest event per place' before events 0, K, 2K, ..."""
        n, k = len(self._frame), _CHECKPOINT_EVERY
        snaps = np.full((n // k + 1, len(self._places)), -1, dtype=np.int64)
        current = np.full(len(self._places), -1, dtype=np.int64)
        for c in range(1, n // k + 1):
            seg = np.arange((c - 1) * k, c * k)
            # maximum.at, not fancy assignment: numpy does not promise which repeated index wins.
            np.maximum.at(current, self._place_idx[seg], seg)
            snaps[c] = current
        return snaps

    def _latest(self, day) -> np.ndarray:
        """Index of the latest event per place on or before `day` (-1 where none)."""
        end = int(np.searchsorted(self._dates, _day(day), side="right"))
        c = end // _CHECKPOINT_EVERY
        latest = self._checkpoints[c].copy()
        seg = np.arange(c * _CHECKPOINT_EVERY, end)
        if len(seg):
            np.maximum.at(latest, self._place_idx[seg], seg)
        return latest

    @property
    def events(self) -> pd.DataFrame:
        """All events, in date order, with `previous` (controller before) and `since` columns added."""
        return self._frame.copy()

    @property
    def places(self) -> tuple[str, ...]:
        """Ids of every place that has at least one event."""
        return tuple(self._places)

    def __len__(self) -> int:
        return len(self._frame)

    @property
    def first_date(self) -> dt.date | None:
        """Date of the earliest event."""
        return self._dates[0].astype(dt.date) if len(self) else None

    @property
    def last_date(self) -> dt.date | None:
        """Date of the latest event."""
        return self._dates[-1].astype(dt.date) if len(self) else None

    def state_at(self, day) -> pd.DataFrame:
        """Controller of every place on `day`: DataFrame indexed by place_id with controller, since, source_url.

        Places whose first event is later than `day` are absent.
        """
        latest = self._latest(day)
        known = latest >= 0
        idx = latest[known]
        return pd.DataFrame(
            {
                "controller": self._controllers[idx],
                "since": self._since[idx],
                "source_url": self._source[idx],
            },
            index=self._index[known],
            copy=False,
        )

    def history(self, place_id: str) -> pd.DataFrame:
        """Every event of one place, oldest first, with the controller before each (empty if none)."""
        rows = self._frame[self._frame["place_id"] == place_id]
        return rows[["date", "previous", "controller", "source_url", "note", "confidence"]].reset_index(drop=True)

    def changes_between(self, start, end, *, include_initial: bool = False) -> pd.DataFrame:
        """Changes dated from `start` to `end` inclusive, oldest first.

        A place's first event (its baseline) is not a change and is left out unless `include_initial`.
        """
        lo = np.searchsorted(self._dates, _day(start), side="left")
        hi = np.searchsorted(self._dates, _day(end), side="right")
        rows = self._frame.iloc[lo:hi]
        if not include_initial:
            rows = rows[rows["previous"].notna()]
        cols = ["date", "place_id", "previous", "controller", "source_url", "note", "confidence"]
        return rows[cols].reset_index(drop=True)

    def dates(self) -> list[dt.date]:
        """Every day on which something changed, in order: the stops of the slider's step buttons."""
        return [d.astype(dt.date) for d in np.unique(self._dates)]

    def diff(self, before, after) -> pd.DataFrame:
        """Places whose controller differs between two dates (either order): columns before, after.

        This is the net change a reader sees when jumping between the two dates; a place that
        changed hands and back in between is not listed. A side is NaN where a place had no state yet.
        """
        a = self.state_at(before)["controller"].astype(str)
        b = self.state_at(after)["controller"].astype(str)
        both = pd.concat({"before": a, "after": b}, axis=1)
        return both[both["before"].ne(both["after"])].sort_index()

    def summary(self, day) -> pd.Series:
        """Number of places held by each side on `day`."""
        return self.state_at(day)["controller"].value_counts().sort_index()
