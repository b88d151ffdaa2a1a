"""Gaps: every uncovered demand item, why, and its closest candidate in the item's own units.

The reason is the check that failed for the candidate that passed most checks (the reasons
and their order: :mod:`metro.model.gaps`): ``no_standard`` (no public standard of the kind),
``range``, ``uncertainty``, ``standard_expired`` (check 4: not active, or no examination
certificate valid at t) or ``untraceable`` (check 5: the engine's status is not ``valid``/
``due_soon``).

``detail`` says it with numbers, in the units the item was given in:

- ``range to 60 MPa, 100 MPa needed`` (``range from …`` for the low end, both ends when both);
- ``U 50 ppm at 100 MPa, ≤ 33.33 ppm needed``: the candidate's expanded uncertainty at k = 2
  at the point of the demand range where it falls shortest, against MPE/ratio there; relative
  (in the unit of the item's relative MPE) when the item's MPE is relative only, else absolute
  in the unit of its absolute MPE (or of its range);
- ``examination certificate [2022]… expired 2025-06-30`` (or ``standard is sealed, not active``);
- for ``untraceable``, the engine's status word and reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from metro.coverage.candidates import Candidates
from metro.coverage.demand import DemandItems, mpe_text, range_text
from metro.coverage.matching import RTOL, MatchResult, Needs
from metro.model.gaps import EXPIRED, NO_STANDARD, RANGE, UNCERTAINTY, reason_for
from metro.quantity_kinds import get_kind, kinds
from metro.units import UnitError, converter, parse_quantity, relative


@dataclass(frozen=True, slots=True)
class Gap:
    demand: str
    reason: str
    detail: str
    candidate: str | None  # the closest candidate's standard code
    kind: str
    discipline: str
    region: str
    count: int
    range: str
    mpe: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_gaps(
    items: DemandItems, candidates: Candidates, needs: Needs, result: MatchResult
) -> list[Gap]:
    """Every uncovered item as a ``Gap``, the heaviest first (count, then code)."""
    uncovered = np.flatnonzero(~result.covered)
    if len(uncovered) == 0:
        return []
    order = np.lexsort((np.array([items.code[i] for i in uncovered]), -items.count[uncovered]))
    catalogue = kinds()
    out: list[Gap] = []
    for i in uncovered[order].tolist():
        s = int(result.score[i])
        j = int(result.best[i])
        kind = items.kind[i]
        out.append(
            Gap(
                demand=items.code[i],
                reason=str(reason_for(s)),
                detail=_detail(items, candidates, needs, i, j, s),
                candidate=candidates.standard[j] if j >= 0 else None,
                kind=kind,
                discipline=catalogue[kind].discipline,
                region=items.region[i],
                count=int(items.count[i]),
                range=range_text(items, i),
                mpe=mpe_text(items, i),
                source=items.source[i],
            )
        )
    return out


def _detail(
    items: DemandItems, candidates: Candidates, needs: Needs, i: int, j: int, score: int
) -> str:
    kind = items.kind[i]
    if score == NO_STANDARD:
        return f"no public standard of kind {kind} ({get_kind(kind).name_en})"
    code = candidates.standard[j]
    if score == RANGE:
        return f"{code}: {_range_detail(items, candidates, needs, i, j)}"
    if score == UNCERTAINTY:
        return f"{code}: {_uncertainty_detail(items, candidates, needs, i, j)}"
    if score == EXPIRED:
        return f"{code}: {candidates.ready_reason[j]}"
    return f"{code}: {candidates.status[j]}: {candidates.status_reason[j]}"


# --- numbers in the item's units ------------------------------------------------------------


@lru_cache(maxsize=4096)
def unit_of(text: str) -> str | None:
    """The unit of a given quantity text (None when there is no text or it cannot be read)."""
    if not text:
        return None
    try:
        return parse_quantity(text)[1]
    except UnitError:
        return None


def _show(value: float, unit: str | None, kind: str, *, difference: bool, digits: int) -> str:
    """A canonical value of ``kind`` written in ``unit`` (the canonical unit when None)."""
    if unit is not None:
        try:
            scale, offset = converter(unit, kind, difference=difference)
        except UnitError:
            unit = None
        else:
            value = (value - offset) / scale
    if unit is None:
        unit = get_kind(kind).canonical_unit
    number = f"{value:.{digits}g}"
    return f"{number} {unit}" if unit else number


def _show_relative(fraction: float, unit: str | None, digits: int) -> str:
    unit = unit or "%"
    try:
        per_unit = relative(f"1 {unit}")
    except UnitError:
        unit, per_unit = "%", 0.01
    return f"{fraction / per_unit:.{digits}g} {unit}"


def _range_detail(items: DemandItems, candidates: Candidates, needs: Needs, i: int, j: int) -> str:
    kind = items.kind[i]
    lo_unit = unit_of(items.range_min_given[i])
    hi_unit = unit_of(items.range_max_given[i])
    c_lo, c_hi = float(candidates.range_min[j]), float(candidates.range_max[j])
    d_lo, d_hi, tol = float(needs.lo[i]), float(needs.hi[i]), float(needs.tol[i])
    have_lo = _show(c_lo, lo_unit, kind, difference=False, digits=6)
    have_hi = _show(c_hi, hi_unit, kind, difference=False, digits=6)
    need_lo = items.range_min_given[i] or _show(d_lo, None, kind, difference=False, digits=6)
    need_hi = items.range_max_given[i] or _show(d_hi, None, kind, difference=False, digits=6)
    low_short = c_lo > d_lo + tol
    high_short = c_hi < d_hi - tol
    if low_short and high_short:
        return f"range {have_lo} to {have_hi}, {need_lo} to {need_hi} needed"
    if low_short:
        return f"range from {have_lo}, {need_lo} needed"
    return f"range to {have_hi}, {need_hi} needed"


def _uncertainty_detail(
    items: DemandItems, candidates: Candidates, needs: Needs, i: int, j: int
) -> str:
    kind = items.kind[i]
    scale = 2.0 / float(candidates.k[j])
    a = float(candidates.u_abs[j]) * scale
    b = float(candidates.u_rel[j]) * scale
    points = []
    for t, req in ((float(needs.t_min[i]), float(needs.req_min[i])),
                   (float(needs.t_max[i]), float(needs.req_max[i]))):  # fmt: skip
        u = a + b * t
        q = 0.0 if u == 0.0 else (u / req if req else float("inf"))
        points.append((q, t, u, req))
    q, t, u, req = max(points, key=lambda p: p[0])
    # The point x of the demand range with |x| = t, in the item's range unit.
    lo, hi = float(items.range_min[i]), float(items.range_max[i])
    if abs(abs(hi) - t) <= RTOL * max(t, 1e-300):
        x, x_unit = hi, unit_of(items.range_max_given[i])
    elif abs(abs(lo) - t) <= RTOL * max(t, 1e-300):
        x, x_unit = lo, unit_of(items.range_min_given[i])
    else:
        x, x_unit = 0.0, unit_of(items.range_max_given[i])
    at = _show(x, x_unit, kind, difference=False, digits=6)
    relative_only = float(items.mpe_abs[i]) == 0.0 and float(items.mpe_rel[i]) > 0.0
    if relative_only and t > 0:
        unit = unit_of(items.mpe_rel_given[i])
        have = _show_relative(u / t, unit, 4)
        need = _show_relative(req / t, unit, 4)
    else:
        unit = unit_of(items.mpe_abs_given[i]) or x_unit
        have = _show(u, unit, kind, difference=True, digits=4)
        need = _show(req, unit, kind, difference=True, digits=4)
    return f"U {have} at {at}, ≤ {need} needed"
