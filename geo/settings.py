"""Every setting of the app in one declarative table, with defaults and help text."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings", "ROOT", "DATA_DIR"]

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


def _setting(default, help_text: str):
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class Settings:
    """Run-time settings; override any with keyword arguments (`Settings(events=...)`) or CLI flags."""

    events: Path = _setting(DATA_DIR / "events.csv", "CSV of sourced control changes (data/README.md).")
    gazetteer: Path = _setting(DATA_DIR / "gazetteer.csv", "CSV of places with coordinates.")
    tile_url: str = _setting(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Background tiles, loaded by the reader's browser when online; the map works without them.",
    )
    tile_attribution: str = _setting(
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        "Attribution shown for the tile layer.",
    )
    map_mode: str = _setting(
        "live",
        "'live': the map stays mounted and each date updates its markers in place; 'rebuild': a new map per "
        "date (the plain streamlit-folium way, slower; the benchmark's baseline).",
    )
    online_geocoder: bool = _setting(
        False, "Ask Nominatim (geopy, one request a second, cached on disk) for names the gazetteer lacks."
    )
    user_agent: str = _setting("idlib-front-map/0.1 (self-hosted)", "User agent the online geocoder sends.")
    recent_days: int = _setting(14, "Length of the 'recent changes' window, in days, ending at the chosen date.")

    def replace(self, **changes) -> Settings:
        """A copy with some settings changed; values of None are ignored (unset CLI flags)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def describe(cls) -> list[tuple[str, object, str]]:
        """(name, default, help) of every setting, for documentation and `--help`."""
        return [(f.name, f.default, f.metadata["help"]) for f in dataclasses.fields(cls)]
