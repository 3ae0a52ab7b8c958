"""News text -> candidate control changes: who took which place, on which day, and the sentence that says so.

Rule-based on purpose: every candidate carries the sentence it came from, and a reviewer accepts it.
A sentence yields a candidate when it names a place of the gazetteer as the object of a capture
phrase ("seized the town of X", "X fell to Y", "Y withdrew from X", "the capture of X") and no
phrase of failure or hypothesis ("tried to storm", "repelled", "could", "towards") governs it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from .errors import DataError, Problem
from .factions import SIDES
from .gazetteer import Gazetteer, Place

__all__ = [
    "Candidate",
    "Mention",
    "extract",
    "mentioned_places",
    "sentences",
    "mentions",
    "resolve_date",
    "MAX_TEXT_CHARS",
    "read_text",
]

MAX_TEXT_CHARS = 200_000
"""Longest article accepted (characters, about 30,000 words): wire stories are a few thousand."""

# A mention must match a gazetteer name this closely (score of Gazetteer.match, 0-100): exact keys
# with near-identical vowels only, so that "Home" or "Hamas" never read as Hama.
_MENTION_SCORE = 98.0
_MAX_NGRAM = 5
_WORD_RE = re.compile(r"[\w\u0600-\u06ff][\w\u0600-\u06ff'’‘`-]*", re.UNICODE)
_SENTENCE_RE = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z\u0600-\u06ff])|\n+")
_ABBREVIATIONS = (
    "Mr.",
    "Mrs.",
    "Dr.",
    "Gen.",
    "Brig.",
    "Col.",
    "Maj.",
    "Lt.",
    "St.",
    "U.S.",
    "U.N.",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
_REGION_AFTER = re.compile(
    r"^\s*(?:'s|’s)?\s*(?:province|governorate|countryside|region|countryside's|pocket|enclave|"
    r"plain|front|axis|highway|airport|city's|southern|northern|eastern|western)\b",
    re.I,
)

# Capture phrases. `{P}` marks where the place stands; the actor is looked for around the phrase.
_GAIN = (
    "seized",
    "captured",
    "took control of",
    "took full control of",
    "taken control of",
    "gained control of",
    "regained control of",
    "regained",
    "retook",
    "recaptured",
    "retaken",
    "took",
    "taken",
    "entered",
    "overran",
    "stormed and took",
    "liberated",
    "captures",
    "seizes",
    "retakes",
    "recaptures",
    "enter",
    "control of",
    "took over",
    "swept into",
    "pushed into",
    "advanced into",
)
_NOUN_GAIN = ("capture of", "recapture of", "fall of", "seizure of", "takeover of", "liberation of")
_FELL = (
    "'s capture by",
    "’s capture by",
    "'s recapture by",
    "'s fall to",
    "'s seizure by",
    "fell to",
    "was captured by",
    "was seized by",
    "was taken by",
    "was retaken by",
    "was recaptured by",
    "came under the control of",
    "under the control of",
    "fell into the hands of",
    "is now held by",
)
_LOSS = (
    "withdrew from",
    "pulled out of",
    "retreated from",
    "lost",
    "lost control of",
    "abandoned",
    "were driven out of",
    "were expelled from",
    "withdrawal from",
    "pullout from",
    "evacuated",
)
_BLOCKERS = re.compile(
    r"\b(?:tried|try|trying|attempt(?:ed|s|ing)?|fail(?:ed|s)?|repel(?:led|s)?|repuls(?:ed|es)|thwart(?:ed|s)?|"
    r"foil(?:ed|s)?|could|would|might|may|if|plans? to|planning to|aim(?:s|ed)? to|seek(?:s|ing)? to|"
    r"threaten(?:s|ed)? to|"
    r"poised to|prepar(?:e|es|ing) to|vow(?:s|ed)? to|stepping stone|towards?|approach(?:ed|es|ing)?|"
    r"outskirts of|edge of|near(?:by)?|around|besieg(?:e|ed|ing)|encircl(?:e|ed|ing)|deni(?:ed|es)|no longer|not)\b",
    re.I,
)
_ARTICLE_PREFIXES = ("al-", "el-", "ad-", "as-", "ash-", "an-", "ar-", "at-", "az-")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}


@dataclass(frozen=True)
class Mention:
    """A place named in a sentence: where (character offsets), as what text, and whether as a region."""

    place: Place
    start: int
    end: int
    text: str
    region: bool


@dataclass(frozen=True)
class Candidate:
    """A control change read from news text, for a person to accept or reject."""

    place: str
    place_id: str
    lat: float
    lon: float
    new_controller: str
    date: dt.date
    confidence: float
    evidence: str

    def as_json(self) -> dict:
        """The documented JSON fields, with the date as YYYY-MM-DD."""
        record = asdict(self)
        record["date"] = self.date.isoformat()
        return record


def read_text(raw: bytes, *, name: str = "<upload>") -> str:
    """An article's text from bytes: UTF-8 only, within MAX_TEXT_CHARS; DataError naming the file otherwise."""
    if b"\x00" in raw[:4096]:
        raise DataError(Problem(name, None, None, "this is a binary file, not text"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(Problem(name, line, None, "not UTF-8 text; save the article as UTF-8")) from None
    if len(text) > MAX_TEXT_CHARS:
        raise DataError(Problem(name, None, None, f"{len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"))
    if not text.strip():
        raise DataError(Problem(name, None, None, "the text is empty"))
    return text


def sentences(text: str) -> list[str]:
    """The text split into sentences (abbreviations such as 'Gen.' do not end one)."""
    protected = text
    for abbr in _ABBREVIATIONS:
        protected = protected.replace(abbr, abbr.replace(".", "\u2024"))
    parts = _SENTENCE_RE.split(protected)
    return [" ".join(p.replace("\u2024", ".").split()) for p in parts if p and p.strip()]


def _continues_name(word: str) -> bool:
    """True when a word right after a candidate name makes it part of a longer proper name."""
    lowered = word.lower()
    if lowered.startswith(_ARTICLE_PREFIXES):
        return True
    return word[0].isupper() and lowered not in _WEEKDAYS and lowered not in _MONTHS


def mentions(sentence: str, gazetteer: Gazetteer) -> list[Mention]:
    """Places of the theatre named in a sentence, longest names first, without overlaps."""
    words = list(_WORD_RE.finditer(sentence))
    found: list[Mention] = []
    taken: set[int] = set()
    for size in range(_MAX_NGRAM, 0, -1):
        for i in range(len(words) - size + 1):
            span = range(i, i + size)
            if taken.intersection(span):
                continue
            first = words[i].group(0)
            if not (first[0].isupper() or first[0] > "\u0600" or first.lower().startswith(_ARTICLE_PREFIXES)):
                continue
            if i + size < len(words) and _continues_name(words[i + size].group(0)):
                continue  # "Jabal" of "Jabal al-Zawiya" is not the town Jablah: only whole names count
            start, end = words[i].start(), words[i + size - 1].end()
            text = re.sub(r"(?:'s|’s)$", "", sentence[start:end])
            match = gazetteer.match(text, fuzzy=False)
            if match is None or match.score < _MENTION_SCORE or not match.place.in_theatre:
                continue
            region = bool(_REGION_AFTER.match(sentence[start + len(text) :]))
            found.append(Mention(match.place, start, start + len(text), text, region))
            taken.update(span)
    return sorted(found, key=lambda m: m.start)


_ALIASES = sorted(((alias, s.code) for s in SIDES for alias in s.aliases), key=lambda a: -len(a[0]))
_ALIAS_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a, _ in _ALIASES) + r")(?![\w-])")
_ALIAS_SIDE = dict(_ALIASES)


def _find_actor(text: str, *, nearest_end: bool = True) -> str | None:
    """The side named in the text: the phrase nearest its end (before a verb) or its start (after one)."""
    hits = list(_ALIAS_RE.finditer(text.lower()))
    if not hits:
        return None
    return _ALIAS_SIDE[(hits[-1] if nearest_end else hits[0]).group(1)]


def _other(code: str) -> str | None:
    return {"government": "opposition", "opposition": "government"}.get(code)


def resolve_date(sentence: str, published: dt.date) -> tuple[dt.date, bool]:
    """The day a sentence refers to, from the publication date and relative words; (date, explicit?)."""
    lowered = sentence.lower()
    m = re.search(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r")\b|\b(" + "|".join(_MONTHS) + r") (\d{1,2})\b", lowered)
    if m:
        day = int(m.group(1) or m.group(4))
        month = _MONTHS[m.group(2) or m.group(3)]
        year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
        try:
            return dt.date(year, month, day), True
        except ValueError:
            pass
    if re.search(r"\byesterday\b", lowered):
        return published - dt.timedelta(days=1), True
    for index, name in enumerate(_WEEKDAYS):
        if re.search(rf"\b{name}\b", lowered):
            back = (published.weekday() - index) % 7
            return published - dt.timedelta(days=back), True
    if re.search(r"\b(?:today|at dawn|this morning|overnight|tonight|on this day)\b", lowered):
        return published, True
    return published, False


def _blocked(prefix: str) -> bool:
    """True when words just before the capture phrase make it a failure or a hypothesis."""
    return bool(_BLOCKERS.search(prefix[-60:]))


def _statement(sentence: str, mention: Mention) -> tuple[str, float] | None:
    """(side that gained, strength) when the sentence says the mentioned place changed hands."""
    before = sentence[: mention.start]
    after = sentence[mention.end :]
    before_l, after_l = before.lower(), after.lower()
    # "<actor> seized (the town of) X" / "the capture of X (by <actor>)"
    for phrase in sorted(_GAIN + _NOUN_GAIN, key=len, reverse=True):
        m = re.search(
            rf"\b{re.escape(phrase)}\b(?:\s+(?:the|a)\s+(?:strategic\s+|key\s+|nearby\s+|rebel-held\s+|"
            rf"jihadist-held\s+|government-held\s+)?(?:town|village|city|hill|hilltop|base|area)s?\s+of)?"
            rf"(?:\s+(?:the\s+)?(?:town|village|city)s?\s+of)?\s*[\"“]?\s*$",
            before_l,
        )
        if not m:
            continue
        prefix = before_l[: m.start()]
        if _blocked(prefix):
            return None
        noun = phrase in _NOUN_GAIN
        # a verb's subject stands before it; a noun's agent may follow ("the capture of X by Y")
        actor = _find_actor(prefix) or (_find_actor(after_l[:120], nearest_end=False) if noun else None)
        if actor is None:
            return None
        return actor, 0.8 if not noun else 0.7
    # "X fell to <actor>"
    for phrase in sorted(_FELL, key=len, reverse=True):
        m = re.match(rf"^[\s,\"”]*(?:(?:has|had|have|was|were)\s+)?{re.escape(phrase)}\b", after_l)
        if m:
            if _blocked(before_l):
                return None
            actor = _find_actor(after_l[m.end() : m.end() + 80], nearest_end=False)
            return (actor, 0.8) if actor else None
    # "<actor> withdrew from X" -> the other side gained
    for phrase in sorted(_LOSS, key=len, reverse=True):
        m = re.search(rf"\b{re.escape(phrase)}\b(?:\s+(?:the\s+)?(?:town|village|city)\s+of)?\s*$", before_l)
        if m:
            prefix = before_l[: m.start()]
            if _blocked(prefix):
                return None
            loser = _find_actor(prefix)
            gainer = _other(loser) if loser else None
            return (gainer, 0.7) if gainer else None
    return None


_LIST_GLUE = re.compile(r"^\s*(?:,|and|, and|as well as|&)\s*$")


def _from_sentence(sentence: str, gazetteer: Gazetteer, published: dt.date) -> Iterable[Candidate]:
    previous: tuple[Mention, tuple[str, float] | None] | None = None
    for mention in mentions(sentence, gazetteer):
        found = None if mention.region else _statement(sentence, mention)
        # "captured Kafr Zita and al-Lataminah": a place listed right after one that changed hands
        listed = previous is not None and _LIST_GLUE.match(sentence[previous[0].end : mention.start])
        if found is None and listed and previous[1] is not None and not mention.region:
            found = previous[1]
        previous = (mention, found)
        if found is None:
            continue
        side, strength = found
        day, explicit = resolve_date(sentence, published)
        confidence = round(min(1.0, strength + (0.15 if explicit else 0.0)), 2)
        p = mention.place
        yield Candidate(p.name, p.id, p.lat, p.lon, side, day, confidence, sentence)


def mentioned_places(text: str, gazetteer: Gazetteer) -> list[Place]:
    """Every place of the theatre the text names (towns only, not 'Idlib province'), in order of first mention."""
    seen: dict[str, Place] = {}
    for sentence in sentences(text):
        for mention in mentions(sentence, gazetteer):
            if not mention.region:
                seen.setdefault(mention.place.id, mention.place)
    return list(seen.values())


def extract(text: str, gazetteer: Gazetteer, published: dt.date) -> list[Candidate]:
    """Candidate control changes in an article, one per (place, side, date), best evidence kept."""
    best: dict[tuple, Candidate] = {}
    for sentence in sentences(text):
        for cand in _from_sentence(sentence, gazetteer, published):
            key = (cand.place_id, cand.new_controller, cand.date)
            if key not in best or cand.confidence > best[key].confidence:
                best[key] = cand
    return sorted(best.values(), key=lambda c: (c.date, c.place))
