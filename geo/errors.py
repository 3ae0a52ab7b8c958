"""The project's errors: every failure a user can cause is one of these, never a bare traceback."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GeoError", "DataError", "Problem", "BadDate"]


class GeoError(Exception):
    """Base of every error this project raises on purpose; the page and the CLI show its text."""


@dataclass(frozen=True)
class Problem:
    """One unusable or suspicious row: where it is and what is wrong, in words a data editor can act on."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class DataError(GeoError, ValueError):
    """A data file cannot be used at all, or a value is malformed; carries the problems found."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(path="<input>", line=None, field=None, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BadDate(GeoError, ValueError):
    """A date argument that is not a calendar day in YYYY-MM-DD form, or lies outside the data."""
