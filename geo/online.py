"""Optional online fallback for names the offline gazetteer lacks: Nominatim through geopy.

Off by default (setting `online_geocoder`, CLI `geocode --online`). Nominatim's usage policy allows
one request per second and asks for caching, so requests go through geopy's RateLimiter and every
answer (found or not) is kept in a JSON file on disk; a network failure is an OnlineError with a
message, never a crash. Tests pass a fake geocoder: nothing here needs the network to be tested.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .csvio import write_atomic
from .errors import GeoError
from .names import clean, fold

__all__ = ["OnlineError", "OnlineResult", "OnlineGeocoder", "DEFAULT_CACHE"]

DEFAULT_CACHE = Path.home() / ".cache" / "idlib-front-map" / "nominatim.json"


class OnlineError(GeoError, ConnectionError):
    """The online geocoder could not be asked (no network, timeout, refused)."""


@dataclass(frozen=True)
class OnlineResult:
    """What Nominatim answered for a name: its display name and coordinates."""

    query: str
    name: str
    lat: float
    lon: float


class OnlineGeocoder:
    """Nominatim look-ups restricted to Syria, rate-limited and cached on disk."""

    def __init__(
        self,
        *,
        user_agent: str,
        cache_path: Path = DEFAULT_CACHE,
        geocoder=None,
        min_delay_seconds: float = 1.0,
        timeout: float = 10.0,
    ):
        from geopy.extra.rate_limiter import RateLimiter

        if geocoder is None:
            from geopy.geocoders import Nominatim

            geocoder = Nominatim(user_agent=user_agent, timeout=timeout)
        self._geocode = RateLimiter(
            geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=0, swallow_exceptions=False
        )
        self._cache_path = Path(cache_path)
        try:
            self._cache: dict = json.loads(self._cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._cache = {}

    def lookup(self, name: str) -> OnlineResult | None:
        """The place Nominatim finds for a name in Syria, or None; raises OnlineError when it cannot ask."""
        from geopy.exc import GeopyError

        query = clean(name)
        key = fold(query)
        if not key:
            return None
        if key not in self._cache:
            try:
                location = self._geocode(query, country_codes="sy", exactly_one=True)
            except GeopyError as exc:
                raise OnlineError(f"the online geocoder could not be reached ({type(exc).__name__}: {exc})") from None
            self._cache[key] = (
                None
                if location is None
                else {"name": location.address, "lat": location.latitude, "lon": location.longitude}
            )
            self._save()
        hit = self._cache[key]
        return None if hit is None else OnlineResult(query, hit["name"], float(hit["lat"]), float(hit["lon"]))

    def _save(self) -> None:
        """Write the cache atomically, so a crash never leaves half a file."""
        write_atomic(self._cache_path, json.dumps(self._cache, ensure_ascii=False).encode("utf-8"))
