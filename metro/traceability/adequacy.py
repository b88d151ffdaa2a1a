"""Adequacy: is a reference capability good enough for what a subject capability needs?

DESIGN.md "Uncertainty and capability". Every value is in the kind's canonical unit (°F, psi
and ppm were converted at load: a range as absolute values, U and MPE as differences).

* A reference capability's expanded uncertainty, rescaled to k = 2:
  ``U₂(x) = (u_abs + u_rel·|x|) · 2 / k``.
* What a subject capability needs of it, a limit ``L(x) = a + b·|x|`` on ``U₂``:

  - instrument: ``L(x) = MPE(x) / r_i`` with ``MPE(x) = mpe_abs + mpe_rel·|x|`` and ``r_i`` the
    kind's ``instrument_ratio`` (3: U95 ≤ MPEV/3);
  - standard: ``L(x) = U₂_subject(x) / r_s`` with ``r_s`` the kind's ``standard_ratio`` (1).

* A reference capability **meets** a need when it is of the same kind, its range contains the
  subject's range, and ``U₂(x) ≤ L(x)`` at the subject's range ends and at 0 when 0 lies
  strictly inside: both sides are linear in |x| on each side of 0, so these points suffice.
* The **ratio achieved** is ``min over those points of S(x) / U₂(x)``, with ``S = MPE`` for an
  instrument and ``S = U₂_subject`` for a standard; the need is met when it is ≥ the kind's ratio.

A certificate's references are adequate when *each* capability of its subject is met by *some*
capability of *any* of its references (:func:`assess` pools them): a gauge calibrated against
two piston gauges, one per half of its range, is adequate only if one of them covers the whole
range — ranges are never stitched together. A standard without capabilities needs nothing.

Decision: comparisons allow a relative slack of 1e-9, so that the same physical value reached
through different units (−40 °F and −40 °C are the same point; 50 ppm / 3) is not refused for a
rounding error of the last bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from metro.quantity_kinds import get_kind
from metro.repositories.traceability import CapabilityRow, InstrumentRow
from metro.traceability import wording

SLACK: Final = 1e-9


def _le(a: float, b: float) -> bool:
    return a <= b + SLACK * max(abs(a), abs(b))


def u_k2(capability: CapabilityRow, x: float) -> float:
    """The capability's expanded uncertainty at ``x``, rescaled to k = 2."""
    return (capability.u_abs + capability.u_rel * abs(x)) * 2.0 / capability.k


def check_points(lo: float, hi: float) -> tuple[float, ...]:
    """The range ends, and 0 when it lies strictly inside."""
    return (lo, hi, 0.0) if lo < 0.0 < hi else (lo, hi)


@dataclass(frozen=True, slots=True)
class Need:
    """What one subject capability needs of a reference: ``U₂(x) ≤ limit_abs + limit_rel·|x|``."""

    subject: Literal["instrument", "standard"]
    kind: str
    range_min: float
    range_max: float
    limit_abs: float
    limit_rel: float
    ratio: float

    def limit(self, x: float) -> float:
        return self.limit_abs + self.limit_rel * abs(x)

    def subject_value(self, x: float) -> float:
        """MPE(x) for an instrument, U₂(x) for a standard."""
        return self.limit(x) * self.ratio

    @property
    def unit(self) -> str:
        return get_kind(self.kind).canonical_unit

    def label(self) -> str:
        return f"{self.kind} {wording.span(self.range_min, self.range_max, self.unit)}"


def instrument_need(instrument: InstrumentRow) -> Need:
    ratio = get_kind(instrument.quantity).instrument_ratio
    return Need(
        "instrument",
        instrument.quantity,
        instrument.range_min,
        instrument.range_max,
        instrument.mpe_abs / ratio,
        instrument.mpe_rel / ratio,
        ratio,
    )


def standard_needs(capabilities: Iterable[CapabilityRow]) -> tuple[Need, ...]:
    out = []
    for c in capabilities:
        ratio = get_kind(c.quantity).standard_ratio
        scale = 2.0 / c.k / ratio
        out.append(
            Need("standard", c.quantity, c.range_min, c.range_max, c.u_abs * scale,
                 c.u_rel * scale, ratio)
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class PointCheck:
    x: float
    u: float  # the reference's U₂(x)
    limit: float  # L(x)
    ok: bool


@dataclass(frozen=True, slots=True)
class Match:
    """One reference capability held against one need (same kind, range contains)."""

    need: Need
    standard_id: int
    capability: CapabilityRow
    points: tuple[PointCheck, ...]
    ratio: float  # achieved: min S(x) / U₂(x)
    ok: bool

    def worst(self) -> PointCheck:
        """The point where U₂ comes closest to (or furthest over) its limit."""

        def excess(p: PointCheck) -> float:
            if p.limit > 0:
                return p.u / p.limit
            return np.inf if p.u > 0 else 0.0

        return max(self.points, key=excess)


def match(need: Need, standard_id: int, capability: CapabilityRow) -> Match | None:
    """None when the kind differs or the range does not contain the subject's range."""
    if capability.quantity != need.kind:
        return None
    inside = _le(capability.range_min, need.range_min) and _le(need.range_max, capability.range_max)
    if not inside:
        return None
    points = []
    ratio = np.inf
    for x in check_points(need.range_min, need.range_max):
        u, limit = u_k2(capability, x), need.limit(x)
        points.append(PointCheck(x, u, limit, _le(u, limit)))
        s = need.subject_value(x)
        ratio = min(ratio, s / u if u > 0 else np.inf)
    return Match(need, standard_id, capability, tuple(points), float(ratio),
                 all(p.ok for p in points))


@dataclass(frozen=True, slots=True)
class Verdict:
    """A need against every capability of a certificate's references."""

    need: Need
    best: Match | None  # the met match with the best ratio, else the closest
    same_kind: tuple[tuple[int, CapabilityRow], ...]

    @property
    def ok(self) -> bool:
        return self.best is not None and self.best.ok


def assess(need: Need, candidates: Iterable[tuple[int, CapabilityRow]]) -> Verdict:
    same = tuple((sid, c) for sid, c in candidates if c.quantity == need.kind)
    matches = [m for sid, c in same if (m := match(need, sid, c)) is not None]
    best = max(matches, key=lambda m: (m.ok, m.ratio), default=None)
    return Verdict(need, best, same)


def describe(verdict: Verdict, code_of: Callable[[int], str]) -> str:
    """Why a need is not met, with numbers: "U 20 ppm where ≤ 16.7 ppm was needed"."""
    need, unit = verdict.need, verdict.need.unit
    if not verdict.same_kind:
        return f"no reference has a capability of kind {need.kind} (needed for {need.label()})"
    if verdict.best is None:
        have = "; ".join(
            f"{code_of(sid)} {wording.span(c.range_min, c.range_max, unit)}"
            for sid, c in verdict.same_kind
        )
        return f"no reference capability covers {need.label()} (have {have})"
    m = verdict.best
    p = m.worst()
    got, wanted = wording.value(p.u, unit), wording.value(p.limit, unit)
    absolute = m.capability.u_abs != 0 or need.limit_abs != 0
    relative = m.capability.u_rel != 0 or need.limit_rel != 0
    if p.x != 0 and relative:
        rel_got, rel_wanted = wording.relative(p.u / abs(p.x)), wording.relative(p.limit / abs(p.x))
        if absolute:
            got, wanted = f"{got} ({rel_got})", f"{wanted} ({rel_wanted})"
        else:
            got, wanted = rel_got, rel_wanted
    return (
        f"{code_of(m.standard_id)} U {got} where ≤ {wanted} was needed at "
        f"{wording.value(p.x, unit)} for {need.label()} (ratio {wording.number(m.ratio)}, "
        f"needs {wording.number(need.ratio)})"
    )


# --------------------------------------------------------------------------------------------
# The same rule on arrays (instrument leaves)

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def _le_arrays(a: Floats, b: Floats) -> Bools:
    return a <= b + SLACK * np.maximum(np.abs(a), np.abs(b))


def meets_arrays(
    *,
    lo: Floats,
    hi: Floats,
    limit_abs: Floats,
    limit_rel: Floats,
    cap_lo: Floats,
    cap_hi: Floats,
    cap_u_abs: Floats,
    cap_u_rel: Floats,
    cap_k: Floats,
) -> Bools:
    """Element-wise :func:`match` (...).ok for rows already paired by kind."""
    ok = _le_arrays(cap_lo, lo) & _le_arrays(hi, cap_hi)
    for x in (lo, hi):
        ax = np.abs(x)
        ok &= _le_arrays((cap_u_abs + cap_u_rel * ax) * 2.0 / cap_k, limit_abs + limit_rel * ax)
    inside = (lo < 0.0) & (hi > 0.0)
    ok &= ~inside | _le_arrays(cap_u_abs * 2.0 / cap_k, limit_abs)
    return ok
