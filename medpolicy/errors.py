"""Errors raised by medpolicy.

The library raises; only ``medpolicy.cli`` turns errors into exit codes and
one-line messages. Every error names where it happened (file, line, column,
YAML path), what was expected and what was found::

    MedpolicyError
    ├── InputError            bad input: a table, a case, a path (exit code 2)
    │   ├── LoadError         the file cannot be read or parsed as YAML/JSON
    │   ├── ValidationError   one or more problems in a table or case (all listed)
    │   └── ExpressionError   an expression that does not parse
    └── SolverError           clingo failed or ran out of time
        ├── TooComplexError   a table too large for an exact analysis in its limits
        └── TimeLimitError    a command ran past its time limit (``medpolicy.budget``)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: file, 1-based line and column, and the YAML path."""

    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""

    def shifted(self, columns: int) -> Location:
        """The same place, ``columns`` characters further along the line."""
        if self.column is None:
            return self
        return Location(self.file, self.line, self.column + columns, self.path)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where} {self.path}".rstrip() if self.path else where


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where, what, expected, found, hint."""

    location: Location
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            details.append(f"got {self.found}")
        if details:
            text += f" ({', '.join(details)})"
        if self.hint:
            text += f"; {self.hint}"
        return text


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a misspelled name, or None when nothing is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.7)
    return f"did you mean '{close[0]}'?" if close else None


class MedpolicyError(Exception):
    """Base class of every error medpolicy raises on purpose."""


class InputError(MedpolicyError):
    """Bad input: the CLI exits with code 2."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class LoadError(InputError):
    """A file that cannot be read, decoded or parsed."""


class ValidationError(InputError):
    """A table or case with one or more problems; all of them are listed."""


class ExpressionError(InputError):
    """An expression that does not parse; the location points at the column."""


class SolverError(MedpolicyError):
    """clingo failed, or a solve ran out of its time limit."""


class TooComplexError(SolverError):
    """A table whose exact analysis exceeds a size limit."""


class TimeLimitError(SolverError):
    """A command's work (Python or clingo) ran past its time limit."""


def single(location: Location, message: str, **kw: str | None) -> list[Problem]:
    """A one-problem list, for raising an InputError subclass at one place."""
    return [Problem(location, message, **kw)]
