"""Dates as day ordinals with precomputed ISO strings and month arithmetic.

Generation works on ``date.toordinal()`` integers: adding days is integer addition, and the two
expensive operations (``isoformat`` and "same day N months later") are table lookups, which
keeps a million-instrument history cheap.
"""

from __future__ import annotations

import calendar as _cal
from datetime import date


def add_months(day: date, months: int) -> date:
    """Same day of month ``months`` later, clipped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


class Calendar:
    """ISO strings, years and month shifts for every day in ``[first, last]``."""

    def __init__(self, first: date, last: date) -> None:
        self.base = first.toordinal()
        self.top = last.toordinal()
        days = [date.fromordinal(o) for o in range(self.base, self.top + 1)]
        self._days = days
        self.iso = [d.isoformat() for d in days]
        self.year = [d.year for d in days]
        self._shift: dict[int, list[int]] = {}

    def ordinal(self, day: date) -> int:
        return day.toordinal()

    def day(self, ordinal: int) -> date:
        return date.fromordinal(ordinal)

    def text(self, ordinal: int) -> str:
        return self.iso[ordinal - self.base]

    def shift_table(self, months: int) -> list[int]:
        """``table[o - base]`` is the ordinal ``months`` after day ``o``."""
        table = self._shift.get(months)
        if table is None:
            table = [add_months(d, months).toordinal() for d in self._days]
            self._shift[months] = table
        return table

    def plus_months(self, ordinal: int, months: int) -> int:
        if self.base <= ordinal <= self.top:
            return self.shift_table(months)[ordinal - self.base]
        return add_months(date.fromordinal(ordinal), months).toordinal()

    def valid_until(self, ordinal: int, months: int) -> int:
        """Last day of validity of a certificate issued on ``ordinal`` for ``months``."""
        return self.plus_months(ordinal, months) - 1
