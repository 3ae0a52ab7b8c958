"""Place names as news writes them -> places with coordinates, offline, from data/gazetteer.csv."""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from .csvio import read_rows
from .errors import DataError, Problem
from .names import clean, fold, skeleton
from .settings import Settings

__all__ = ["Place", "Match", "Gazetteer", "COLUMNS", "KINDS", "THEATRE"]

COLUMNS = ("id", "name", "alt_names", "lat", "lon", "governorate", "district", "population", "kind", "source")
REQUIRED = ("id", "name", "lat", "lon", "kind", "source")
KINDS = ("city", "town", "village", "hill", "base", "crossing")
# The region the app maps (south-west to north-east corner): the Idlib governorate and the parts of
# Hama, Aleppo and Latakia around it. Places outside it are allowed but lose ties to places inside.
THEATRE = ((34.6, 35.6), (36.9, 37.8))
# Where the 2019-2020 and 2024 fronts ran (between Khan Shaykhun and Saraqib): of two villages that
# share a name, the one nearer this point wins (Jubbayn of north Hama, not Jubbayn east of Aleppo).
FRONT_CENTRE = (35.6, 36.7)
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_FIELD = {"id": 100, "name": 200, "alt_names": 4000, "governorate": 100, "district": 100, "source": 2000}
"""Longest value accepted per field (characters)."""
# A name sharing the lookup key is still rejected when its light fold is this far from the query
# (rapidfuzz ratio below 70): the skeleton drops vowels, so 'Haim' shares a key with 'Hama' and
# 'Al Aarib' with "Rabi'ah". Measured with bench/bench_gazetteer.py on 151 single-letter
# misspellings: without this check 122 right and 18 wrong; with it 127 right and 12 wrong.
EXACT_MIN_RATIO = 70.0
# Fuzzy matches below this rapidfuzz ratio (0-100) of the folded names are not offered. Chosen from
# bench/bench_gazetteer.py's sweep on 1,674 places (766 one-letter misspellings that no key match
# decides, and 337 labelled news spellings): at 80 692 right / 59 wrong, at 82 673 / 46, at 84
# 634 / 40; the labelled spellings give 333 right / 1 wrong at 80 and 82, 332 / 1 at 84. 82 is the
# knee: 13 fewer wrong answers for 19 fewer right ones, where 84 trades 39 right ones for 6.
FUZZY_THRESHOLD = 82.0


class _BadField(ValueError):
    """A Place field that fails validation; `field` names it for the row's error message."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class Place:
    """A place of the gazetteer; validated when built."""

    id: str
    name: str
    lat: float
    lon: float
    kind: str = "village"
    governorate: str = ""
    district: str = ""
    population: int | None = None
    alt_names: tuple[str, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        if not _ID_RE.match(self.id):
            raise _BadField("id", f"{self.id!r} must be lower-case words joined by hyphens, e.g. khan-shaykhun")
        if not self.name:
            raise _BadField("name", "is empty")
        if not -90 <= self.lat <= 90:
            raise _BadField("lat", f"{self.lat} is not a latitude")
        if not -180 <= self.lon <= 180:
            raise _BadField("lon", f"{self.lon} is not a longitude")
        if self.kind not in KINDS:
            raise _BadField("kind", f"{self.kind!r} is not one of {', '.join(KINDS)}")

    @property
    def names(self) -> tuple[str, ...]:
        """The preferred name followed by every alternate name."""
        return (self.name, *self.alt_names)

    @property
    def in_theatre(self) -> bool:
        """True when the place lies inside the mapped region."""
        (south, west), (north, east) = THEATRE
        return south <= self.lat <= north and west <= self.lon <= east

    @property
    def tie_rank(self) -> tuple[int, int, bool, float]:
        """Order between namesakes: cities and towns before villages, the more populous first, a
        place GeoNames lists (cities500: 500 people or more) before one from another source (a map
        marker may be a hamlet), then the one nearer the front's centre."""
        size = {"city": 0, "town": 1}.get(self.kind, 2)
        front = (self.lat - FRONT_CENTRE[0]) ** 2 + (self.lon - FRONT_CENTRE[1]) ** 2
        return size, -(self.population or 0), not self.source.startswith("geonames:"), front

    @classmethod
    def from_row(cls, row: dict[str, str], *, path: str = "gazetteer.csv", line: int | None = None) -> Place:
        """Build a place from a CSV row; raise DataError naming the file, line and field at fault."""

        def bad(fld: str, message: str) -> DataError:
            return DataError(Problem(path, line, fld, message))

        for fld in REQUIRED:
            if not row.get(fld):
                raise bad(fld, "is empty")
        for fld, limit in MAX_FIELD.items():
            if len(row.get(fld, "")) > limit:
                raise bad(fld, f"is {len(row[fld]):,} characters long; the limit is {limit:,}")
        coords = {}
        for fld in ("lat", "lon"):
            try:
                coords[fld] = float(row[fld])
            except ValueError:
                raise bad(fld, f"{row[fld]!r} is not a number") from None
            if not math.isfinite(coords[fld]):
                raise bad(fld, f"{row[fld]!r} is not a finite number")
        population = None
        if row.get("population"):
            try:
                population = int(float(row["population"]))
            except ValueError:
                raise bad("population", f"{row['population']!r} is not a number") from None
        alt = tuple(a.strip() for a in row.get("alt_names", "").split("|") if a.strip())
        try:
            return cls(
                id=row["id"],
                name=row["name"],
                lat=coords["lat"],
                lon=coords["lon"],
                kind=row["kind"],
                governorate=row.get("governorate", ""),
                district=row.get("district", ""),
                population=population,
                alt_names=alt,
                source=row["source"],
            )
        except _BadField as exc:
            raise bad(exc.field, str(exc)) from None


@dataclass(frozen=True)
class Match:
    """A candidate answer to a name query: the place, a score 0-100 and how it was found."""

    query: str
    place: Place
    score: float
    how: str  # "id", "exact" (same key) or "fuzzy"
    ambiguous: bool = False
    alternatives: tuple[str, ...] = field(default=(), compare=False)


class Gazetteer:
    """Offline name -> place look-ups over a fixed set of places."""

    def __init__(self, places: Iterable[Place], *, problems: Iterable[Problem] = ()):
        self.places: tuple[Place, ...] = tuple(places)
        self.problems: tuple[Problem, ...] = tuple(problems)
        self._by_id = {p.id: p for p in self.places}
        self._by_key: dict[str, list[Place]] = defaultdict(list)
        self._folded: list[str] = []
        self._folded_place: list[Place] = []
        self._folds: dict[str, list[str]] = {p.id: [fold(n) for n in p.names] for p in self.places}
        for place in self.places:
            for name in place.names:
                key = skeleton(name)
                if key and place not in self._by_key[key]:
                    self._by_key[key].append(place)
                self._folded.append(fold(name))
                self._folded_place.append(place)

    @classmethod
    def load(cls, path: str | os.PathLike | bytes | None = None, *, name: str | None = None) -> Gazetteer:
        """Read a gazetteer CSV (default: the bundled data/gazetteer.csv).

        Unusable rows are skipped and listed in `.problems` with file, line and field; a file that
        cannot be read at all raises DataError.
        """
        source = Settings().gazetteer if path is None else path
        label = name or (os.path.basename(source) if not isinstance(source, bytes) else "<upload>")
        places, problems, seen = [], [], {}
        for line, row in read_rows(source, REQUIRED, name=label):
            try:
                place = Place.from_row(row, path=label, line=line)
            except DataError as exc:
                problems.extend(exc.problems)
                continue
            if place.id in seen:
                problems.append(Problem(label, line, "id", f"{place.id!r} repeats line {seen[place.id]}"))
                continue
            seen[place.id] = line
            places.append(place)
        return cls(places, problems=problems)

    def __len__(self) -> int:
        return len(self.places)

    def extended(self, extra: Gazetteer) -> Gazetteer:
        """This gazetteer with `extra`'s places added; a place with the same id replaces ours."""
        ids = {p.id for p in extra.places}
        kept = [p for p in self.places if p.id not in ids]
        return Gazetteer([*kept, *extra.places], problems=[*self.problems, *extra.problems])

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._by_id

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        return self._by_id.get(place_id)

    def frame(self) -> pd.DataFrame:
        """The places as a DataFrame indexed by id (name, lat, lon, kind, governorate, population)."""
        return pd.DataFrame(
            {
                "name": [p.name for p in self.places],
                "lat": [p.lat for p in self.places],
                "lon": [p.lon for p in self.places],
                "kind": [p.kind for p in self.places],
                "governorate": [p.governorate for p in self.places],
                "population": pd.array([p.population for p in self.places], dtype="Int64"),
            },
            index=pd.Index([p.id for p in self.places], name="place_id"),
        )

    def candidates(self, name: str, limit: int = 5, *, fuzzy: bool = True) -> list[Match]:
        """Ranked candidate places for a name, best first, each with a score from 0 to 100.

        With `fuzzy=False` only names sharing the lookup key are considered (fast: no string scan).
        """
        query = clean(name)
        if not query or limit < 1:
            return []
        if query in self._by_id:
            return [Match(query, self._by_id[query], 100.0, "id")]
        folded = fold(query)
        if not folded:
            return []
        exact = self._by_key.get(skeleton(query), [])
        ranked: dict[str, Match] = {}
        exact = [p for p in exact if max(fuzz.ratio(folded, f) for f in self._folds[p.id]) >= EXACT_MIN_RATIO]
        for place in exact:
            score = max(fuzz.ratio(folded, f) for f in self._folds[place.id])
            # Same skeleton: at least 90, ordered by how close the vowels are; theatre places win ties.
            ranked[place.id] = Match(query, place, 90.0 + score / 10.0 - (0 if place.in_theatre else 0.5), "exact")
        fuzzy_hits = (
            process.extract(folded, self._folded, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=FUZZY_THRESHOLD)
            if fuzzy
            else []
        )
        for _, score, index in fuzzy_hits:
            place = self._folded_place[index]
            if place.id not in ranked or ranked[place.id].score < score * 0.89:
                ranked.setdefault(place.id, Match(query, place, round(score * 0.89, 1), "fuzzy"))
        matches = sorted(
            ranked.values(), key=lambda m: (-m.score, not m.place.in_theatre, *m.place.tie_rank, m.place.name)
        )[:limit]
        if len(exact) > 1 and matches:
            others = tuple(f"{p.name} ({p.governorate or 'Syria'})" for p in exact if p is not matches[0].place)
            matches[0] = Match(query, matches[0].place, matches[0].score, matches[0].how, True, others)
        return matches

    def match(self, name: str, *, fuzzy: bool = True) -> Match | None:
        """The best candidate for a name, or None when nothing is close enough.

        Fuzzy matching runs only when no name shares the lookup key: a fuzzy score (at most 89)
        never beats a key match (at least 90), so the answer is the same, ~4x sooner.
        """
        found = self.candidates(name, limit=5, fuzzy=False) or (self.candidates(name, limit=5) if fuzzy else [])
        return found[0] if found else None

    def geocode(self, name: str) -> Place | None:
        """The place a name most likely means, or None."""
        found = self.match(name)
        return found.place if found else None
