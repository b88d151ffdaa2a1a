"""Until when a certificate is in date: the one home of the reading, scalar and array form.

DESIGN.md "Settled readings": *a calibration certificate (校准证书) often states no end date: the
owner sets the interval. A non-``fail`` certificate of an instrument without ``valid_until`` is
in date until the day before ``calibrated_on`` + the instrument's ``interval_months`` in force
when the certificate was recorded (kept with the certificate, so a later change of interval never
rewrites the past); without either, on no day. Certificates of standards state their end date.*

A certificate is in date on day t when t ≤ :func:`in_force_until` (None: on no day). The status
words, the due lists, the bulk pass over the instrument leaves and the chain explanation all read
this function (arrays: :func:`in_force_until_days`); the property test ties the two forms.

Decisions where DESIGN.md is silent:

* Adding months keeps the day of the month, clamped to the end of a shorter month
  (2025-01-31 + 1 month = 2025-02-28), then steps back one day: in date until 2025-02-27.
* A stated ``valid_until`` always wins over the interval; a ``fail`` is never extended by an
  interval (it speaks as ``failed`` anyway); an interval of 0 or less extends nothing.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
_EPOCH: Final = np.datetime64("1970-01-01", "D")


def add_months(day: date, months: int) -> date:
    """``day`` + ``months`` calendar months, the day of month clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def in_force_until(
    *,
    conclusion: str,
    valid_until: date | None,
    calibrated_on: date,
    interval_months: int | None,
    of_instrument: bool,
) -> date | None:
    """The last day the certificate is in date, or None (in date on no day)."""
    if valid_until is not None:
        return valid_until
    if conclusion == "fail" or not of_instrument or not interval_months or interval_months <= 0:
        return None
    return add_months(calibrated_on, interval_months) - timedelta(days=1)


def in_force_until_days(
    *,
    fail: IntArray,
    valid_until: IntArray,
    calibrated_on: IntArray,
    interval_months: IntArray,
    no_day: int,
) -> IntArray:
    """:func:`in_force_until` on day numbers (days since 1970-01-01) of instrument certificates.

    ``valid_until`` is ``no_day`` where the certificate states none; ``interval_months`` is 0
    where none was kept. The result is ``no_day`` where the certificate is in date on no day.
    """
    out = valid_until.copy()
    extend = (valid_until == no_day) & (fail != 1) & (interval_months > 0)
    if not extend.any():
        return out
    day = _EPOCH + calibrated_on[extend].astype("timedelta64[D]")
    month = day.astype("datetime64[M]")
    of_month = (day - month.astype("datetime64[D]")).astype(np.int64)  # 0-based day of month
    target = month + interval_months[extend].astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    end = target.astype("datetime64[D]") + np.minimum(of_month, length - 1).astype(
        "timedelta64[D]"
    )
    out[extend] = (end - _EPOCH).astype(np.int64) - 1
    return out


@dataclass(frozen=True, slots=True)
class CertificateRow:
    """A non-revoked certificate as the rules read it; ``references`` are standard ids in order.

    A read type: the write path validates a certificate (metro.model.certificate) before it is
    stored; here only the shape is checked (exactly one subject).

    ``interval_months`` is the subject instrument's interval in force when the certificate was
    recorded (None for standards, or when none was kept).
    """

    id: int
    number: str
    issuer: str
    subject_standard_id: int | None
    subject_instrument_id: int | None
    calibrated_on: date
    valid_until: date | None
    conclusion: str
    references: tuple[int, ...]
    interval_months: int | None = None
    # the last day in force, worked out once (the engine asks it on every lookup)
    _until: date | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.subject_standard_id is None) == (self.subject_instrument_id is None):
            raise ValueError(f"certificate {self.number}: exactly one subject is needed")
        until = in_force_until(
            conclusion=self.conclusion,
            valid_until=self.valid_until,
            calibrated_on=self.calibrated_on,
            interval_months=self.interval_months,
            of_instrument=self.subject_instrument_id is not None,
        )
        object.__setattr__(self, "_until", until)

    @property
    def in_force_until(self) -> date | None:
        """The last day this certificate is in date (the settled reading), or None."""
        return self._until

    def in_date(self, day: date) -> bool:
        """In date on ``day``: ``day ≤`` :attr:`in_force_until`."""
        until = self._until
        return until is not None and until >= day
