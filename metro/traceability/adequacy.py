"""Adequacy explained: which reference capability covers a need, at which points, and why not.

The rule itself lives in :mod:`metro.model.adequacy` (one definition, one tolerance, scalar and
array form); this module holds what the traceability engine adds for people: the best
capability among a certificate's references for each need (:func:`assess`), the check points
with the reference's U (k = 2) and the limit there, the ratio achieved, and the wording of a
refusal (:func:`describe`). ``Match.ok`` is the model's :func:`~metro.model.adequacy.meets`.

A certificate's references are adequate when *each* capability of its subject is met by *some*
capability of *any* of its references (:func:`assess` pools them): a gauge calibrated against
two piston gauges, one per half of its range, is adequate only if one of them covers the whole
range — ranges are never stitched together. A standard without capabilities needs nothing.

* The **check points** shown are the subject's range ends, and 0 when it lies strictly inside.
* The **ratio achieved** is ``min over those points of S(x) / U₂(x)``, with ``S = MPE`` for an
  instrument and ``S = U₂_subject`` for a standard; the need is met when it is ≥ the kind's ratio.
"""


from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from metro.model.adequacy import (
    TOLERANCE,
    Need,
    allowance,
    extent,
    fits,
    instrument_need,
    k2,
    meets,
    range_bounds,
    standard_needs,
    u_at,
)
from metro.model.adequacy import contains as _contains
from metro.model.adequacy import meets_arrays as _meets_arrays
from metro.model.capability import CapabilityRow
from metro.quantity_kinds import get_kind
from metro.traceability import wording

__all__ = [
    "TOLERANCE",
    "Match",
    "Need",
    "PointCheck",
    "Verdict",
    "assess",
    "check_points",
    "contains_point",
    "describe",
    "instrument_need",
    "label",
    "match",
    "meets_arrays",
    "standard_needs",
    "u_k2",
    "unit_of",
]


def u_k2(capability: CapabilityRow, x: float) -> float:
    """The capability's expanded uncertainty at ``x``, rescaled to k = 2."""
    a2, b2 = k2(capability.u_abs, capability.u_rel, capability.k)
    return float(u_at(a2, b2, abs(x)))


def contains_point(capability: CapabilityRow, x: float) -> bool:
    """The capability's range holds ``x`` (with the model's tolerance)."""
    start_by, end_by = range_bounds(x, x, abs(x))
    return bool(_contains(capability.range_min, capability.range_max, start_by, end_by))


def check_points(lo: float, hi: float) -> tuple[float, ...]:
    """The range ends, and 0 when it lies strictly inside."""
    return (lo, hi, 0.0) if lo < 0.0 < hi else (lo, hi)


def unit_of(need: Need) -> str:
    return get_kind(need.kind).canonical_unit


def label(need: Need) -> str:
    return f"{need.kind} {wording.span(need.range_min, need.range_max, unit_of(need))}"


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
    _, t_max = extent(need.range_min, need.range_max)
    start_by, end_by = range_bounds(need.range_min, need.range_max, t_max)
    if not _contains(capability.range_min, capability.range_max, start_by, end_by):
        return None
    a2, b2 = k2(capability.u_abs, capability.u_rel, capability.k)
    points = []
    ratio = np.inf
    for x in check_points(need.range_min, need.range_max):
        t = abs(x)
        u, lim = u_at(a2, b2, t), need.limit(x)
        allowed = allowance(need.limit_abs, need.limit_rel, t)
        points.append(PointCheck(x, u, lim, bool(fits(a2, b2, t, allowed))))
        s = need.subject_value(x)
        ratio = min(ratio, s / u if u > 0 else np.inf)
    return Match(need, standard_id, capability, tuple(points), float(ratio),
                 meets(need, capability))


@dataclass(frozen=True, slots=True)
class Verdict:
    """A need against every capability of a certificate's references."""

    need: Need
    best: Match | None  # the met match with the best ratio, else the closest
    same_kind: tuple[tuple[int, CapabilityRow], ...]
    references: tuple[int, ...] = ()  # every reference held against the need, in order

    @property
    def ok(self) -> bool:
        return self.best is not None and self.best.ok

    @property
    def at_fault(self) -> int | None:
        """The reference to name when the need is not met: the closest one, else the first
        reference of the certificate (none of them has a capability of the kind)."""
        if self.best is not None:
            return self.best.standard_id
        if self.same_kind:
            return self.same_kind[0][0]
        return self.references[0] if self.references else None


def assess(
    need: Need, candidates: Iterable[tuple[int, CapabilityRow]],
    references: Iterable[int] = (),
) -> Verdict:
    same = tuple((sid, c) for sid, c in candidates if c.quantity == need.kind)
    matches = [m for sid, c in same if (m := match(need, sid, c)) is not None]
    best = max(matches, key=lambda m: (m.ok, m.ratio), default=None)
    return Verdict(need, best, same, tuple(references))


def describe(verdict: Verdict, code_of: Callable[[int], str]) -> str:
    """Why a need is not met, with numbers: "U 20 ppm where ≤ 16.7 ppm was needed"."""
    need, unit = verdict.need, unit_of(verdict.need)
    if not verdict.same_kind:
        refs = ", ".join(code_of(r) for r in dict.fromkeys(verdict.references))
        held = f"; references {refs}" if refs else ""
        return (f"no reference has a capability of kind {need.kind} "
                f"(needed for {label(need)}{held})")
    if verdict.best is None:
        have = "; ".join(
            f"{code_of(sid)} {wording.span(c.range_min, c.range_max, unit)}"
            for sid, c in verdict.same_kind
        )
        return f"no reference capability covers {label(need)} (have {have})"
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
        f"{wording.value(p.x, unit)} for {label(need)} (ratio {wording.number(m.ratio)}, "
        f"needs {wording.number(need.ratio)})"
    )


Floats = npt.NDArray[np.float64]


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
) -> npt.NDArray[np.bool_]:
    """Element-wise :func:`match` (...).ok for rows already paired by kind (the model's
    :func:`~metro.model.adequacy.meets_arrays`, from capabilities as stored)."""
    a2, b2 = k2(cap_u_abs, cap_u_rel, cap_k)
    return _meets_arrays(lo=lo, hi=hi, limit_abs=limit_abs, limit_rel=limit_rel,
                         cap_lo=cap_lo, cap_hi=cap_hi, cap_a2=a2, cap_b2=b2)
