"""What every output draws: the state at a date joined with the places' names and coordinates."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

__all__ = ["placed_state", "nearest_place", "distance_km", "window_start", "next_stop", "STATE_COLUMNS"]

STATE_COLUMNS = ("place_id", "name", "lat", "lon", "controller", "since", "source_url")


def placed_state(state: pd.DataFrame, places: pd.DataFrame, *, recent_from: dt.date | None = None) -> pd.DataFrame:
    """Places that have a controller in `state`, with name, lat, lon, kind and population.

    `recent` is True for places whose controller changed on or after `recent_from` (a baseline,
    i.e. a first event, does not count as a change). Rows are ordered by name.
    """
    view = places.join(state, how="inner")
    view["since"] = pd.to_datetime(view["since"]).dt.date
    view["controller"] = view["controller"].astype(str)
    if recent_from is not None:
        view["recent"] = view["since"] >= recent_from
    else:
        view["recent"] = False
    return view.sort_values("name", kind="stable")


def distance_km(lat1, lon1, lat2, lon2):
    """Approximate distance in km (equirectangular: within 0.1 % at the scale of a province).

    Works on numbers and on pandas Series alike."""
    dlat = (lat2 - lat1) * 111.2
    dlon = (lon2 - lon1) * 111.2 * math.cos(math.radians(lat1))
    return (dlat**2 + dlon**2) ** 0.5


def nearest_place(view: pd.DataFrame, lat: float, lon: float, *, max_km: float = 3.0) -> str | None:
    """Id of the place nearest to a clicked point, if one lies within `max_km` (else None)."""
    if view.empty:
        return None
    dist = distance_km(lat, lon, view["lat"], view["lon"])
    best = dist.idxmin()
    return str(best) if dist[best] <= max_km else None


def window_start(day: dt.date, days: int) -> dt.date:
    """First day of the `days`-day window that ends on `day` (the 'recent changes' window)."""
    return day - dt.timedelta(days=days - 1)


def next_stop(stops: list[dt.date], day: dt.date, direction: int) -> dt.date | None:
    """The first stop after `day` (direction +1) or the last one before it (-1); None past the end."""
    if direction > 0:
        return next((d for d in stops if d > day), None)
    return next((d for d in reversed(stops) if d < day), None)
