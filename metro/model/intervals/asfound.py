"""As-found results: a certificate's in/out of tolerance, and the intervals between results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from metro.errors import InvalidInput
from metro.model.intervals.common import (
    IN_TOLERANCE,
    MONTH_DAYS,
    OUT_OF_TOLERANCE,
    UNKNOWN,
    FloatArray,
    IntArray,
)

# ------------------------------------------------------------------------------------------
# the as-found result of a certificate
# ------------------------------------------------------------------------------------------


def mpe(x: float | FloatArray, mpe_abs: float | FloatArray, mpe_rel: float | FloatArray) -> Any:
    """MPE(x) = mpe_abs + mpe_rel·|x| (canonical units)."""
    return mpe_abs + mpe_rel * np.abs(x)


def as_found(
    conclusion: str,
    points: Sequence[tuple[float, float]] = (),
    *,
    mpe_abs: float = 0.0,
    mpe_rel: float = 0.0,
) -> int:
    """IN_TOLERANCE, OUT_OF_TOLERANCE or UNKNOWN for one certificate.

    ``points`` are (nominal, measured) in canonical units; they decide only when the conclusion
    is ``none``.
    """
    if conclusion == "pass":
        return IN_TOLERANCE
    if conclusion == "fail":
        return OUT_OF_TOLERANCE
    if conclusion != "none":
        raise InvalidInput(f"conclusion {conclusion!r}: must be pass, fail or none")
    if not points:
        return UNKNOWN
    ok = all(abs(m - n) <= float(mpe(n, mpe_abs, mpe_rel)) for n, m in points)
    return IN_TOLERANCE if ok else OUT_OF_TOLERANCE


def as_found_bulk(
    conclusion: npt.NDArray[np.int8],
    point_cert: IntArray,
    nominal: FloatArray,
    measured: FloatArray,
    point_mpe_abs: FloatArray,
    point_mpe_rel: FloatArray,
) -> npt.NDArray[np.int8]:
    """:func:`as_found` for many certificates at once.

    ``conclusion`` holds codes into :data:`CONCLUSIONS`, one per certificate; each point names
    its certificate by position (``point_cert``) and carries its instrument's MPE.
    """
    n = len(conclusion)
    found = np.full(n, UNKNOWN, dtype=np.int8)
    found[conclusion == 0] = IN_TOLERANCE
    found[conclusion == 1] = OUT_OF_TOLERANCE
    if len(point_cert):
        bad = np.abs(measured - nominal) > mpe(nominal, point_mpe_abs, point_mpe_rel)
        has = np.bincount(point_cert, minlength=n) > 0
        out = np.bincount(point_cert, weights=bad.astype(np.float64), minlength=n) > 0
        judged = (conclusion == 2) & has
        found[judged] = np.where(out[judged], OUT_OF_TOLERANCE, IN_TOLERANCE)
    return found


# ------------------------------------------------------------------------------------------
# history: one result per certificate after the first
# ------------------------------------------------------------------------------------------


def months_between(earlier_day: int, later_day: int) -> float:
    """Days (ordinals) apart ÷ 30.4375."""
    return (later_day - earlier_day) / MONTH_DAYS


def history_bulk(owner_index: IntArray, day: IntArray) -> FloatArray:
    """Months since the same asset's previous certificate (NaN for its first).

    Rows must be sorted by (asset, day); ``owner_index`` names the asset of each row.
    """
    months = np.full(len(day), np.nan)
    if len(day) > 1:
        same = owner_index[1:] == owner_index[:-1]
        months[1:][same] = (day[1:][same] - day[:-1][same]) / MONTH_DAYS
    return months


