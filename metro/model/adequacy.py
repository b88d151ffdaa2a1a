"""Adequacy: is a reference capability good enough for what a subject needs — the one home.

DESIGN.md "Uncertainty and capability": *a certificate's references are adequate when each of
the subject's capabilities (an instrument has one: its kind and range) is met by some reference
capability of the same kind whose range contains it and whose uncertainty is small enough at
every point: for an instrument, U_ref(x) ≤ MPE(x) / 3 (U95 ≤ MPEV/3); for a standard,
U_ref(x) ≤ U_subject(x). Both ratios are configurable per quantity kind. Compare expanded
uncertainties at k = 2. Both sides are linear in |x|, so the range ends (and 0, when inside) are
the points to check.*

One definition, one tolerance, two spellings of the same arithmetic:

* A reference capability's U at k = 2 is ``U₂(t) = a₂ + b₂·t`` at ``t = |x|``, with
  ``(a₂, b₂) = (u_abs, u_rel)·(2/k)`` (:func:`k2`).
* A :class:`Need` is a limit ``L(t) = limit_abs + limit_rel·t`` on ``U₂`` over the subject's
  range: ``MPE/r_i`` for an instrument (:func:`instrument_need`), ``U₂_subject/r_s`` for a
  standard (:func:`standard_needs`).
* Both sides are linear in t, so the rule is checked at the two ends of ``|x|`` over the range
  (:func:`extent`: 0 when the range holds 0, else the nearer end; and the farther end).
* **One tolerance**, :data:`TOLERANCE` (relative 1e-9): the range may miss by
  ``TOLERANCE·max|x|`` at either end (:func:`range_bounds`) and U₂ may exceed the limit by
  ``TOLERANCE·L`` (:func:`allowance`), so the same physical value reached through different
  units (−40 °F and −40 °C; 50 ppm / 3) is not refused for a rounding error of the last bit.

:func:`meets` (one need, one capability: also "can this capability calibrate this instrument",
for providers) and :func:`meets_arrays` (element-wise, for the instrument leaves) are both built
from :func:`_meets`; coverage precomputes :func:`range_bounds` and :func:`allowance` per demand
item and compares with :func:`contains` and :func:`fits` in its blocks. The property tests in
``tests/metro/model/test_adequacy.py`` tie every user to this module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from metro.errors import InvalidInput
from metro.model.capability import CapabilityRow, InstrumentRow
from metro.quantity_kinds import get_kind

TOLERANCE: Final = 1e-9

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Num = Any  # a float or a numpy array of floats: the same arithmetic serves both forms


def k2(u_abs: Num, u_rel: Num, k: Num) -> tuple[Num, Num]:
    """``(a₂, b₂)``: an expanded uncertainty a + b·|x| at coverage factor k, rescaled to k = 2."""
    scale = 2.0 / k
    return u_abs * scale, u_rel * scale


def extent(lo: float, hi: float) -> tuple[float, float]:
    """``(t_min, t_max)``: the smallest and largest |x| over ``[lo, hi]`` (scalar form)."""
    alo, ahi = abs(lo), abs(hi)
    return (0.0 if lo <= 0.0 <= hi else min(alo, ahi)), max(alo, ahi)


def extent_arrays(lo: Floats, hi: Floats) -> tuple[Floats, Floats]:
    """:func:`extent` element-wise."""
    alo, ahi = np.abs(lo), np.abs(hi)
    t_min = np.where((lo <= 0.0) & (hi >= 0.0), 0.0, np.minimum(alo, ahi))
    return t_min, np.maximum(alo, ahi)


def range_bounds(lo: Num, hi: Num, t_max: Num, tolerance: float = TOLERANCE) -> tuple[Num, Num]:
    """``(start_by, end_by)``: a capability must start at or below the one, end at or above the
    other, to contain ``[lo, hi]`` (``t_max`` from :func:`extent`)."""
    slack = tolerance * t_max
    return lo + slack, hi - slack


def contains(cap_lo: Num, cap_hi: Num, start_by: Num, end_by: Num) -> Any:
    """The capability's range contains the subject's (bounds from :func:`range_bounds`)."""
    return (cap_lo <= start_by) & (cap_hi >= end_by)


def limit(limit_abs: Num, limit_rel: Num, t: Num) -> Num:
    """``L(t) = limit_abs + limit_rel·t``: the largest U₂ the subject allows at |x| = t."""
    return limit_abs + limit_rel * t


def allowance(limit_abs: Num, limit_rel: Num, t: Num, tolerance: float = TOLERANCE) -> Num:
    """``L(t)`` with the tolerance: what :func:`fits` compares U₂ against."""
    return limit(limit_abs, limit_rel, t) * (1.0 + tolerance)


def u_at(a2: Num, b2: Num, t: Num) -> Num:
    """``U₂(t) = a₂ + b₂·t``."""
    return a2 + b2 * t


def fits(a2: Num, b2: Num, t: Num, allowed: Num) -> Any:
    """``U₂(t) ≤ allowed`` (``allowed`` from :func:`allowance`)."""
    return u_at(a2, b2, t) <= allowed


def _meets(
    cap_lo: Num, cap_hi: Num, a2: Num, b2: Num,
    lo: Num, hi: Num, limit_abs: Num, limit_rel: Num,
    t_min: Num, t_max: Num, tolerance: float,
) -> Any:
    """The rule for capabilities already paired by kind: range contains, U₂ ≤ L at both t."""
    start_by, end_by = range_bounds(lo, hi, t_max, tolerance)
    ok = contains(cap_lo, cap_hi, start_by, end_by)
    ok = ok & fits(a2, b2, t_min, allowance(limit_abs, limit_rel, t_min, tolerance))
    return ok & fits(a2, b2, t_max, allowance(limit_abs, limit_rel, t_max, tolerance))


Subject = Literal["instrument", "standard"]


@dataclass(frozen=True, slots=True)
class Need:
    """What one subject capability needs of a reference: ``U₂(|x|) ≤ limit_abs + limit_rel·|x|``
    over ``[range_min, range_max]``; ``ratio`` is the kind's ratio (S(x) = L(x)·ratio is the
    subject's MPE, or its own U₂)."""

    subject: Subject
    kind: str
    range_min: float
    range_max: float
    limit_abs: float
    limit_rel: float
    ratio: float

    def __post_init__(self) -> None:
        values = (self.range_min, self.range_max, self.limit_abs, self.limit_rel, self.ratio)
        if not all(math.isfinite(v) for v in values):
            raise InvalidInput(f"need of {self.kind}: every number must be finite")
        if self.range_min > self.range_max:
            raise InvalidInput(f"need of {self.kind}: range_min {self.range_min!r} is above "
                               f"range_max {self.range_max!r}")
        if self.limit_abs < 0 or self.limit_rel < 0 or self.ratio <= 0:
            raise InvalidInput(f"need of {self.kind}: limits must be ≥ 0 and the ratio > 0")

    def limit(self, x: float) -> float:
        return limit(self.limit_abs, self.limit_rel, abs(x))

    def subject_value(self, x: float) -> float:
        """MPE(x) for an instrument, U₂(x) for a standard."""
        return self.limit(x) * self.ratio


def instrument_need(instrument: InstrumentRow) -> Need:
    """An instrument's need: U₂ ≤ MPE / the kind's ``instrument_ratio`` (3)."""
    ratio = get_kind(instrument.quantity).instrument_ratio
    return Need("instrument", instrument.quantity, instrument.range_min, instrument.range_max,
                instrument.mpe_abs / ratio, instrument.mpe_rel / ratio, ratio)


def standard_needs(capabilities: Iterable[CapabilityRow]) -> tuple[Need, ...]:
    """A standard's needs, one per capability: U₂_ref ≤ U₂_subject / ``standard_ratio`` (1)."""
    out = []
    for c in capabilities:
        ratio = get_kind(c.quantity).standard_ratio
        a2, b2 = k2(c.u_abs, c.u_rel, c.k)
        out.append(Need("standard", c.quantity, c.range_min, c.range_max, a2 / ratio,
                        b2 / ratio, ratio))
    return tuple(out)


def meets(need: Need, capability: CapabilityRow, tolerance: float = TOLERANCE) -> bool:
    """Does ``capability`` meet ``need``: same kind, range contains, U₂ small enough."""
    if capability.quantity != need.kind:
        return False
    a2, b2 = k2(capability.u_abs, capability.u_rel, capability.k)
    t_min, t_max = extent(need.range_min, need.range_max)
    return bool(_meets(capability.range_min, capability.range_max, a2, b2, need.range_min,
                       need.range_max, need.limit_abs, need.limit_rel, t_min, t_max, tolerance))


def adequate_for_instrument(instrument: InstrumentRow, capability: CapabilityRow) -> bool:
    """Can ``capability`` calibrate ``instrument`` (kind, range, U₂ ≤ MPE/ratio): one call."""
    return meets(instrument_need(instrument), capability)


def meets_arrays(
    *,
    lo: Floats,
    hi: Floats,
    limit_abs: Floats,
    limit_rel: Floats,
    cap_lo: Floats,
    cap_hi: Floats,
    cap_a2: Floats,
    cap_b2: Floats,
    tolerance: float = TOLERANCE,
) -> Bools:
    """Element-wise :func:`meets` for rows already paired by kind."""
    t_min, t_max = extent_arrays(lo, hi)
    return np.asarray(_meets(cap_lo, cap_hi, cap_a2, cap_b2, lo, hi, limit_abs, limit_rel,
                             t_min, t_max, tolerance), dtype=np.bool_)
