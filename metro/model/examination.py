"""Is a standard's examination certificate (计量标准考核证书) valid on a day: the one home.

DESIGN.md: a reference's examination certificate, *where it has one*, must have been valid on
the calibration day (public standards must have one); coverage check 4 asks for one valid at
t. Traceability (scalar and bulk), coverage candidates and the synthetic generator all call
:func:`window` / :func:`exam_state` here.

Decisions (what a metrologist expects; DESIGN.md is silent on the missing-date cases):

* An examination certificate is always time-limited (JJF 1033: four years), so it is valid on
  day d exactly when it has a number **and both dates** and ``valid_from ≤ d ≤ valid_until``
  (both days included). A certificate number without one of its dates cannot be shown valid
  on any day: it counts as **not valid** (``undated``), never as open-ended. A public standard
  without the certificate and its dates is refused at load, so this only meets data written
  before that rule, or a non-public standard that names a certificate without dates.
* A public standard (``public_highest``, ``public_secondary``) without an examination
  certificate is not valid on any day (``missing``).
* A non-public standard without an examination certificate has nothing to check: valid on
  every day (``not_needed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

from metro.model.levels import PUBLIC_LEVELS

#: A day: a date, or a day number (the bulk arrays and the synthetic generator count days).
Day = TypeVar("Day", date, int)


class ExamState(StrEnum):
    NOT_NEEDED = "not_needed"  # non-public, no certificate: nothing to check
    VALID = "valid"
    MISSING = "missing"  # public standard without a certificate
    UNDATED = "undated"  # a certificate number without one of its dates
    NOT_YET = "not_yet"  # the day is before valid_from
    EXPIRED = "expired"  # the day is after valid_until

    @property
    def ok(self) -> bool:
        return self in (ExamState.NOT_NEEDED, ExamState.VALID)


@dataclass(frozen=True, slots=True)
class Window(Generic[Day]):
    """The days on which the examination certificate is valid: ``first ≤ d ≤ last``.

    ``first``/``last`` None with ``always`` True: every day (nothing to check); with ``always``
    False: no day.
    """

    always: bool
    first: Day | None = None
    last: Day | None = None

    def contains(self, day: Day) -> bool:
        if self.first is None or self.last is None:
            return self.always
        return self.first <= day <= self.last


def window(
    level: str, exam_cert: str | None, valid_from: Day | None, valid_until: Day | None
) -> Window[Day]:
    """The days the standard's examination certificate covers (the rule, once)."""
    if not exam_cert:
        return Window(always=level not in PUBLIC_LEVELS)
    if valid_from is None or valid_until is None:
        return Window(always=False)
    return Window(always=False, first=valid_from, last=valid_until)


def exam_state(
    level: str,
    exam_cert: str | None,
    valid_from: Day | None,
    valid_until: Day | None,
    day: Day,
) -> ExamState:
    """Why (or that) the examination certificate is valid on ``day``; :attr:`ExamState.ok`."""
    w = window(level, exam_cert, valid_from, valid_until)
    if w.contains(day):
        return ExamState.VALID if exam_cert else ExamState.NOT_NEEDED
    if not exam_cert:
        return ExamState.MISSING
    if valid_from is None or valid_until is None:
        return ExamState.UNDATED
    return ExamState.NOT_YET if day < valid_from else ExamState.EXPIRED


def exam_valid(
    level: str,
    exam_cert: str | None,
    valid_from: Day | None,
    valid_until: Day | None,
    day: Day,
) -> bool:
    return window(level, exam_cert, valid_from, valid_until).contains(day)


@dataclass(frozen=True, slots=True)
class StandardRow:
    """A standard as the rules read it: level, examination certificate, administrative status."""

    id: int
    code: str
    owner_id: int
    owner: str
    level: str
    exam_cert: str | None
    exam_valid_from: date | None
    exam_valid_until: date | None
    status: str

    def exam_window(self) -> Window[date]:
        return window(self.level, self.exam_cert, self.exam_valid_from, self.exam_valid_until)

    def exam_state(self, day: date) -> ExamState:
        return exam_state(self.level, self.exam_cert, self.exam_valid_from,
                          self.exam_valid_until, day)
