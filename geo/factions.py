"""The sides of the conflict: codes every part of the app shares, their labels, colours and news phrases."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Side", "SIDES", "CODES", "side", "colour", "label"]


@dataclass(frozen=True)
class Side:
    """A side as the data names it (`code`) and as readers see it (label, colour, phrases in news text)."""

    code: str
    label: str
    colour: str
    aliases: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        """The label without its explanation in brackets, for tables: 'Government'."""
        return self.label.split(" (")[0]


# Red for the government and green for the opposition follow the convention of the encyclopaedia's
# Syrian civil-war maps that readers know; the two hues also differ in lightness so that they stay
# apart for red-green colour-blind readers (and the tooltip always names the side in words).
SIDES: tuple[Side, ...] = (
    Side(
        "government",
        "Government (SAA and allies)",
        "#d7301f",
        (
            "regime forces",
            "government forces",
            "government troops",
            "pro-government forces",
            "pro-regime forces",
            "syrian army",
            "syrian arab army",
            "the army",
            "army units",
            "syrian troops",
            "syrian forces",
            "regime troops",
            "the regime",
            "saa",
            "loyalist forces",
            "tiger forces",
        ),
    ),
    Side(
        "opposition",
        "Opposition (HTS, NFL and allied rebels)",
        "#1a9641",
        (
            "rebels",
            "rebel fighters",
            "opposition fighters",
            "opposition forces",
            "opposition factions",
            "allied factions",
            "turkish-backed rebels",
            "rebel factions",
            "jihadists",
            "hayat tahrir al-sham",
            "hts",
            "national front for liberation",
            "nfl",
            "national liberation front",
            "insurgents",
            "militants",
        ),
    ),
    Side("contested", "Contested", "#f0a500", ("contested", "disputed")),
)

CODES: tuple[str, ...] = tuple(s.code for s in SIDES)
_BY_CODE = {s.code: s for s in SIDES}
_UNKNOWN = Side("unknown", "Unknown", "#808080")


def side(code: str) -> Side:
    """The side with this code; an unknown code gives a grey 'Unknown' side rather than an error."""
    return _BY_CODE.get(code, _UNKNOWN)


def colour(code: str) -> str:
    """The map colour of a side code."""
    return side(code).colour


def label(code: str) -> str:
    """The reader-facing name of a side code."""
    return side(code).label
