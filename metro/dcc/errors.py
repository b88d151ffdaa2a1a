"""The DCC package's domain errors: one line each, naming the field, the value and why.

``DccInvalid`` carries every problem of a file (line and schema rule); the CLI prints them one
per line and the API maps them to problem+json ``errors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from metro.errors import InvalidInput


class DsiUnitError(InvalidInput):
    """A unit that has no D-SI form (export) or a D-SI unit string that is not valid (import)."""


class DccExportError(InvalidInput):
    """A certificate that cannot be written as a valid DCC; the message names what and why."""


@dataclass(frozen=True, slots=True)
class DccIssue:
    """One problem of a DCC file: where (line, element path) and which rule it breaks."""

    line: int | None
    path: str
    message: str

    def as_dict(self) -> dict[str, object]:
        loc: list[str] = [f"line {self.line}"] if self.line else []
        if self.path:
            loc.append(self.path)
        return {"loc": loc or ["dcc"], "msg": self.message}

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DccInvalid(InvalidInput):
    """A DCC that is not well-formed XML, not a DCC of a known version, or not schema-valid."""

    def __init__(self, summary: str, issues: Sequence[DccIssue]) -> None:
        lines = [summary, *(f"  {i}" for i in issues)]
        super().__init__("\n".join(lines))
        self.summary = summary
        self.issues = tuple(issues)


class DccUnmatched(InvalidInput):
    """A valid DCC whose issuer, subject or references metro cannot identify."""

    def __init__(self, number: str, problems: Sequence[str], *, report: Any = None) -> None:
        super().__init__(
            f"DCC {number!r} cannot be recorded: {len(problems)} problem(s)\n"
            + "\n".join(f"  {p}" for p in problems)
        )
        self.number = number
        self.problems = tuple(problems)
        self.issues = tuple(DccIssue(None, "", p) for p in problems)
        # What was understood (metro.services.dcc.ImportReport), for the entry point to show.
        self.report = report
