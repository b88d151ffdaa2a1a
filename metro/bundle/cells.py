"""Reading one cell of a bundle row: each parser returns the value or records a ``BundleIssue``.

Parsers return ``None`` (or the given default) after recording an issue, so a row goes on being
checked and every problem in it is reported, not just the first.
"""

from __future__ import annotations

from datetime import date

from metro.bundle.contract import FALSE_WORDS, TRUE_WORDS
from metro.bundle.issues import BundleIssue
from metro.errors import InvalidInput
from metro.model.fields import MAX_INT, finite_problem, integer_problem, text_problem
from metro.quantity_kinds import QuantityKind
from metro.units import canonical, relative


class Row:
    """One data row of a file, with the place to report its problems."""

    __slots__ = ("bad", "cells", "columns", "file", "issues", "line")

    def __init__(
        self,
        file: str,
        line: int,
        columns: dict[str, int],
        cells: list[str],
        issues: list[BundleIssue],
    ) -> None:
        self.file = file
        self.line = line
        self.columns = columns
        self.cells = cells
        self.issues = issues
        self.bad = False

    def get(self, column: str) -> str:
        return self.cells[self.columns[column]].strip()

    def fail(self, column: str, value: str, why: str) -> None:
        self.bad = True
        self.issues.append(BundleIssue(self.file, self.line, column, value, why, self.key()))

    def key(self) -> str:
        """The row's own code or number: its first contract column (code, number, standard…)."""
        return self.cells[next(iter(self.columns.values()))].strip() if self.columns else ""

    def texts(self, limits: dict[str, int]) -> None:
        """Free-text cells fit their database columns and hold no NUL (metro.model.fields)."""
        cells, columns = self.cells, self.columns
        for column, limit in limits.items():
            i = columns.get(column)
            if i is None:
                continue  # an optional column the file does not have
            v = cells[i]
            if len(v) > limit or "\x00" in v:
                why = text_problem(v.strip(), limit)
                if why:
                    self.fail(column, v, why)

    # --- typed cells -------------------------------------------------------------------------

    def required(self, column: str) -> str:
        v = self.get(column)
        if not v:
            self.fail(column, v, "required, but empty")
        return v

    def choice(self, column: str, allowed: tuple[str, ...]) -> str:
        v = self.get(column)
        if v not in allowed:
            self.fail(column, v, f"must be one of {', '.join(allowed)}")
        return v

    def iso_date(self, column: str, *, required: bool) -> str | None:
        """An ISO ``YYYY-MM-DD`` date, returned as that string (already in driver form)."""
        v = self.get(column)
        if not v:
            if required:
                self.fail(column, v, "required, but empty")
            return None
        if len(v) != 10 or v[4] != "-" or v[7] != "-":
            self.fail(column, v, "not a date of the form YYYY-MM-DD")
            return None
        try:
            date.fromisoformat(v)
        except ValueError as exc:
            self.fail(column, v, f"not a valid date ({exc})")
            return None
        return v

    def region(self, column: str) -> str:
        v = self.get(column)
        if len(v) != 6 or not v.isascii() or not v.isdigit():
            self.fail(column, v, "must be a 6-digit administrative division code")
        return v

    def boolean(self, column: str) -> bool | None:
        v = self.get(column)
        low = v.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        self.fail(column, v, "must be true or false")
        return None

    def integer(
        self, column: str, *, required: bool, minimum: int, maximum: int = MAX_INT
    ) -> int | None:
        v = self.get(column)
        if not v:
            if required:
                self.fail(column, v, "required, but empty")
            return None
        try:
            n = int(v)
        except ValueError:
            self.fail(column, v, "not a whole number")
            return None
        why = integer_problem(n, minimum, maximum)
        if why:
            self.fail(column, v, why)
            return None
        return n

    def positive(self, column: str, *, default: float | None) -> float | None:
        """A positive number such as a coverage factor k; empty gives ``default``."""
        v = self.get(column)
        if not v:
            if default is None:
                self.fail(column, v, "required, but empty")
            return default
        try:
            x = float(v)
        except ValueError:
            self.fail(column, v, "not a number")
            return None
        if not x > 0 or x == float("inf"):
            self.fail(column, v, "must be a positive finite number")
            return None
        return x

    def absolute(self, column: str, kind: QuantityKind | None, *, required: bool) -> float | None:
        """A value such as a range end, converted as an absolute quantity of ``kind``."""
        v = self.get(column)
        if not v:
            if required:
                self.fail(column, v, "required, but empty")
            return None
        if kind is None:
            return None
        try:
            x = canonical(v, kind)
        except InvalidInput as exc:
            self.fail(column, v, str(exc))
            return None
        if x - x != 0.0:  # not finite: 1e308 MPa is inf Pa
            self.fail(column, v, finite_problem(x) or "")
            return None
        return x

    def difference(self, column: str, kind: QuantityKind | None) -> float | None:
        """An uncertainty or MPE: a non-negative difference of ``kind``; empty gives None."""
        v = self.get(column)
        if not v or kind is None:
            return None
        try:
            x = canonical(v, kind, difference=True)
        except InvalidInput as exc:
            self.fail(column, v, str(exc))
            return None
        if x - x != 0.0:
            self.fail(column, v, finite_problem(x) or "")
            return None
        if x < 0:
            self.fail(column, v, "must not be negative")
            return None
        return x

    def fraction(self, column: str) -> float | None:
        """A relative value (``0.05 %``, ``20 ppm``, ``1 ‰``, ``0.0005``); empty gives None."""
        v = self.get(column)
        if not v:
            return None
        try:
            x = relative(v)
        except InvalidInput as exc:
            self.fail(column, v, str(exc))
            return None
        if x - x != 0.0:
            self.fail(column, v, finite_problem(x) or "")
            return None
        if x < 0:
            self.fail(column, v, "must not be negative")
            return None
        return x
