"""The what-if planner: coverage with proposed capabilities added, and the road to 95 %.

:func:`plan_additions` adds proposed capabilities (assumed active, examined and traceable, see
:mod:`metro.coverage.proposals`) to the candidates and reports the coverage before and after
and, for each proposal, the items it closes (uncovered before, met by it on all five checks).

:func:`suggest` finds K capabilities (kind, range, U) that raise the weighted rate most, greedy,
derived from the gaps. In each round, every uncovered item is a *seed*: the loosest capability
that would serve it has U(x) = MPE(x)/ratio at k = 2. Its range is the hull of the uncovered
items of the kind that this U serves (need met at both of their points) and whose largest |x|
is within a factor ``span`` (default 10) of the seed's — a standard spans about a decade or
two, not everything; such a capability closes every uncovered item of the kind inside the hull
whose need its U meets. The seed that closes the most weight wins (then more items, then the
narrower range). Its capability is written in the seed item's units (U rounded down to three
significant digits, the range rounded outward), read back through the unit parser and matched
against every item with the real matcher, so the items it closes and the rate reached are
exactly what ``plan --add`` of the suggestion reports (rounding can only close more). Those
items leave the pool and the next round begins. Only the ``MAX_SEEDS`` heaviest distinct
seeds per kind are tried in a round (distinct: MPE and largest |x|).

*Upgrades* (改造提升): beside new standards, each round also tries an upgrade of an existing
public capability. An uncovered item whose closest candidate (:mod:`metro.coverage.gaps`)
failed on ``range`` or ``uncertainty`` names the capability to upgrade, and the check names the
change — one change per upgrade, the minimal one:

- ``range``: the range widened to the hull of the capability and the items that failed on its
  range and that its U already serves, within ``span`` of the capability's largest |x|; U, k
  and their texts are kept (an item that would also need a smaller U is left to a new
  standard);
- ``uncertainty``: U(x) scaled down, range kept, by the factor the item asks for; every distinct
  factor among the capability's items is tried (the larger one closes more), and the new U is
  written at k = 2, rounded down to three significant digits.

Each upgraded capability is written in the capability's own units, read back and matched for
real against every item. Only a capability whose standard is active, examined
and traceable at t is upgraded (upgrading another one would promise what the standard cannot
give), and each capability gets at most one upgrade of each change in a road (each measured
against the capability as it is). The upgrade is written under the
existing standard's code, so ``plan --add`` of it adds the upgraded capability beside the old
one, which it contains: it closes exactly what was promised.

Each round takes the candidate — new or upgrade — that closes the most (weighted) weight, then
more items; a tie goes to the upgrade (改造提升 reuses a standard the province already keeps).

*Priority fields* (``priority_weight`` W, DESIGN.md "Policy priority fields"): when choosing,
the count of an item that carries a priority field is multiplied by W (default 1: no
preference; W > 1 favours the policy's fields, 0 < W < 1 disfavours them). Only the choice is
weighted: each suggestion reports its plain closed weight and its weighted one, and the rates
reached stay unweighted.

Proposed and suggested capabilities are assumed active, examined and traceable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from metro.coverage.candidates import PROPOSED, CapabilityRow, proposed_candidates
from metro.coverage.demand import DemandItems, FloatArray, IntArray
from metro.coverage.gaps import unit_of
from metro.coverage.matching import BLOCK, RANGE, RTOL, UNCERTAINTY, closes, offers_of
from metro.coverage.report import CoverageReport, Rates, compute_coverage, rates_of
from metro.model.adequacy import contains, fits
from metro.quantity_kinds import get_kind
from metro.units import UnitError, canonical, converter, format_quantity, relative

MAX_SEEDS: Final = 2000
SPAN: Final = 10.0
NEW: Final = "new"
UPGRADE: Final = "upgrade"
RANGE_CHANGE: Final = "range"  # an upgrade that widens the range, U kept
U_CHANGE: Final = "uncertainty"  # an upgrade that makes U smaller, range kept


@dataclass(frozen=True, slots=True)
class Closing:
    """One proposal or suggestion and the demand items it closes."""

    standard: str
    quantity: str
    range_min: str
    range_max: str
    u_abs: str
    u_rel: str
    k: str
    closes: list[str]
    closes_weight: int

    def capability_row(self) -> tuple[str, ...]:
        """The row in ``capabilities.csv`` column order."""
        return (self.standard, self.quantity, self.range_min, self.range_max, self.u_abs,
                self.u_rel, self.k)  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "quantity": self.quantity,
            "range_min": self.range_min,
            "range_max": self.range_max,
            "u_abs": self.u_abs,
            "u_rel": self.u_rel,
            "k": self.k,
            "closes_items": len(self.closes),
            "closes_weight": self.closes_weight,
            "closes": self.closes,
        }


@dataclass(frozen=True, eq=False)
class PlanReport:
    before: CoverageReport
    after: CoverageReport
    proposals: list[Closing]

    def as_dict(self) -> dict[str, Any]:
        b = self.before
        return {
            "at": b.at,
            "target": b.target,
            "demand": b.demand_source,
            "before": {**b.overall.as_dict(), "meets_target": b.overall.meets(b.target)},
            "after": {
                **self.after.overall.as_dict(),
                "meets_target": self.after.overall.meets(b.target),
            },
            "proposals": [p.as_dict() for p in self.proposals],
            "remaining_gaps": len(self.after.gaps),
        }


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A new capability (``kind`` new) or an upgraded one of the standard ``upgrades``."""

    rank: int
    capability: Closing
    reached: Rates
    #: the closed weight with priority-field items counted W times (= closes_weight at W = 1)
    closes_weighted: float = 0.0
    kind: str = NEW
    upgrades: str | None = None
    #: what an upgrade changes: ``range`` (wider, U kept) or ``uncertainty`` (smaller, range kept)
    change: str | None = None
    #: an upgrade's capability as it is: ``"0 MPa..10 MPa, U 0.1 % (k=2)"``
    was: str | None = None

    def as_dict(self, target: float) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "kind": self.kind,
            "upgrades": self.upgrades,
            "change": self.change,
            "was": self.was,
            **self.capability.as_dict(),
            "closes_weighted": self.closes_weighted,
            "reached": {**self.reached.as_dict(), "meets_target": self.reached.meets(target)},
        }


@dataclass(frozen=True, eq=False)
class SuggestReport:
    before: CoverageReport
    suggestions: list[Suggestion]
    priority_weight: float = 1.0

    @property
    def after(self) -> Rates:
        return self.suggestions[-1].reached if self.suggestions else self.before.overall

    def as_dict(self) -> dict[str, Any]:
        b = self.before
        return {
            "at": b.at,
            "target": b.target,
            "demand": b.demand_source,
            "before": {**b.overall.as_dict(), "meets_target": b.overall.meets(b.target)},
            "after": {**self.after.as_dict(), "meets_target": self.after.meets(b.target)},
            "priority_weight": self.priority_weight,
            "suggestions": [s.as_dict(b.target) for s in self.suggestions],
        }

    def capability_rows(self) -> list[tuple[str, ...]]:
        return [s.capability.capability_row() for s in self.suggestions]


# --- what-if --------------------------------------------------------------------------------


def plan_additions(before: CoverageReport, proposals: Sequence[CapabilityRow]) -> PlanReport:
    """Coverage with ``proposals`` added, and the items each of them closes."""
    added = proposed_candidates(proposals)
    after = compute_coverage(
        before.items,
        before.candidates.concat(added),
        at=before.at,
        target=before.target,
        demand_source=before.demand_source,
    )
    uncovered = ~before.result.covered
    closings = []
    for p, ix in zip(proposals, closes(before.needs, offers_of(added)), strict=True):
        closed = ix[uncovered[ix]]
        closings.append(_closing(before, p, closed))
    return PlanReport(before=before, after=after, proposals=closings)


def _closing(report: CoverageReport, p: CapabilityRow, closed: IntArray) -> Closing:
    items = report.items
    ordered = sorted(closed.tolist(), key=lambda i: (-int(items.count[i]), items.code[i]))
    return Closing(
        standard=p.standard,
        quantity=p.quantity,
        range_min=p.range_min_given,
        range_max=p.range_max_given,
        u_abs=p.u_abs_given,
        u_rel=p.u_rel_given,
        k=format_quantity(p.k, ""),
        closes=[items.code[i] for i in ordered],
        closes_weight=int(items.count[closed].sum()),
    )


# --- the road to 95 % -----------------------------------------------------------------------


def priority_weights(items: DemandItems, priority_weight: float) -> FloatArray:
    """Each item's count, times ``priority_weight`` when it carries a priority field."""
    has_field = np.array([bool(f) for f in items.field], dtype=np.bool_)
    count = items.count.astype(np.float64)
    return np.where(has_field, count * priority_weight, count)


def suggest(
    report: CoverageReport,
    k: int,
    *,
    span: float = SPAN,
    priority_weight: float = 1.0,
    upgrades: bool = True,
) -> SuggestReport:
    """Up to ``k`` capabilities, new or upgraded, that raise the weighted rate most, greedily
    (see module doc)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not (math.isfinite(priority_weight) and priority_weight > 0):
        raise ValueError(f"priority weight {priority_weight!r}: must be a number above 0")
    items, needs = report.items, report.needs
    weights = priority_weights(items, priority_weight)
    covered = report.result.covered.copy()
    pool = np.flatnonzero(~covered)
    used: set[tuple[int, str]] = set()  # (capability, change) already proposed in this road
    out: list[Suggestion] = []
    for rank in range(1, k + 1):
        if len(pool) == 0:
            break
        new = _best_seed(report, pool, span, weights)
        up = _best_upgrade(report, pool, span, weights, used) if upgrades else None
        if up is not None and (new is None or up[0] >= new[0][:2]):
            _, j, change, row = up
            used.add((j, change))
            kind, upgraded, was = UPGRADE, report.candidates.standard[j], _was(report, j)
        elif new is not None:
            row = _capability(report, new[1], new[2], f"SUGGESTED-{rank}")
            kind, upgraded, was, change = NEW, None, None, None
        else:
            break
        ix = closes(needs, offers_of(proposed_candidates([row])))[0]
        closed = ix[~covered[ix]]
        if len(closed) == 0:  # cannot happen: the seed is always served; guard all the same
            break
        covered[closed] = True
        pool = np.flatnonzero(~covered)
        out.append(
            Suggestion(
                rank,
                _closing(report, row, closed),
                rates_of(covered, items.count),
                closes_weighted=float(weights[closed].sum()),
                kind=kind,
                upgrades=upgraded,
                change=change,
                was=was,
            )
        )
    return SuggestReport(before=report, suggestions=out, priority_weight=priority_weight)


Key = tuple[float, int, float]


def _best_seed(
    report: CoverageReport, pool: IntArray, span: float, weights: FloatArray
) -> tuple[Key, int, IntArray] | None:
    """The seed whose capability closes the most weight, and the items that span its range."""
    needs, items = report.needs, report.items
    kind_id = needs.kind_id[pool]
    best: tuple[Key, int, IntArray] | None = None
    for kid in np.unique(kind_id).tolist():
        ix = pool[kind_id == kid]
        count = weights[ix]
        ratio = get_kind(items.kind[int(ix[0])]).instrument_ratio
        seeds = _seeds(report, ix)
        a = items.mpe_abs[seeds] / ratio
        b = items.mpe_rel[seeds] / ratio
        t_seed = needs.t_max[seeds]
        lo, hi = needs.lo[ix], needs.hi[ix]
        lo_tol, hi_tol = needs.lo_tol[ix], needs.hi_tol[ix]
        t_min, t_max = needs.t_min[ix], needs.t_max[ix]
        allow_min, allow_max = needs.allow_min[ix], needs.allow_max[ix]
        step = max(1, BLOCK // len(ix))
        for s0 in range(0, len(seeds), step):
            sl = slice(s0, s0 + step)
            aa, bb, ts = a[sl, None], b[sl, None], t_seed[sl, None]
            # the seed's U meets an item: the model's rule (metro.model.adequacy)
            adequate = fits(aa, bb, t_min, allow_min) & fits(aa, bb, t_max, allow_max)
            # What U_s serves within the seed's window sets the range: the hull of those items;
            # the capability then closes every item of the pool inside the hull that U_s meets.
            served = adequate & (t_max <= ts * span * (1.0 + RTOL))
            served &= t_max * span >= ts * (1.0 - RTOL)
            hull_lo = np.where(served, lo, np.inf).min(axis=1)[:, None]
            hull_hi = np.where(served, hi, -np.inf).max(axis=1)[:, None]
            closed = adequate & contains(hull_lo, hull_hi, lo_tol, hi_tol)
            weight = closed.astype(np.float64) @ count
            n_closed = closed.sum(axis=1)
            width = (hull_hi - hull_lo)[:, 0]
            for r in np.flatnonzero(weight == weight.max()).tolist():
                key = (float(weight[r]), int(n_closed[r]), -float(width[r]))
                if best is None or key > best[0]:
                    best = (key, int(seeds[s0 + r]), ix[served[r]])
    return best


def _best_upgrade(
    report: CoverageReport,
    pool: IntArray,
    span: float,
    weights: FloatArray,
    used: set[tuple[int, str]],
) -> tuple[tuple[float, int], int, str, CapabilityRow] | None:
    """The upgrade of one existing capability that closes the most weight: ``(key, capability
    index, change, upgraded row)`` (see module doc), or None when no gap names a capability
    that can be upgraded."""
    needs, cands, result = report.needs, report.candidates, report.result
    score, best_of = result.score[pool], result.best[pool]
    gap = pool[((score == RANGE) | (score == UNCERTAINTY)) & (best_of >= 0)]
    if len(gap) == 0:
        return None
    offers = offers_of(cands)
    upgradable = cands.ready & cands.traceable
    found: tuple[tuple[float, int, float], int, str, float, float, float] | None = None
    for j in np.unique(result.best[gap]).tolist():
        if not upgradable[j]:
            continue
        a, b = float(offers.a[j]), float(offers.b[j])
        c_lo, c_hi = float(offers.lo[j]), float(offers.hi[j])
        ix = pool[needs.kind_id[pool] == offers.kind_id[j]]
        for change, check in ((RANGE_CHANGE, RANGE), (U_CHANGE, UNCERTAINTY)):
            if (j, change) in used:
                continue
            g = gap[(result.best[gap] == j) & (result.score[gap] == check)]
            q = _too_large(needs, g, a, b)
            if change == RANGE_CHANGE:
                # a wider range with the same U: the items U already serves, within the span
                reach = max(abs(c_lo), abs(c_hi)) * span * (1.0 + RTOL)
                g = g[(q <= 1.0 + RTOL) & (needs.t_max[g] <= reach)]
                if len(g) == 0:
                    continue
                scales = np.ones(1)
                lo = min(c_lo, float(needs.lo[g].min()))
                hi = max(c_hi, float(needs.hi[g].max()))
            else:
                # a smaller U over the same range: every distinct factor an item asks for
                q = q[np.isfinite(q) & (q > 1.0)]
                if len(q) == 0:
                    continue
                scales = np.unique(q)[:MAX_SEEDS]
                lo, hi = c_lo, c_hi
            covers = contains(lo, hi, needs.lo_tol[ix], needs.hi_tol[ix])
            step = max(1, BLOCK // len(ix))
            for s0 in range(0, len(scales), step):
                qs = scales[s0 : s0 + step, None]
                aa, bb = a / qs, b / qs
                closed = covers & fits(aa, bb, needs.t_min[ix], needs.allow_min[ix])
                closed &= fits(aa, bb, needs.t_max[ix], needs.allow_max[ix])
                weight = closed.astype(np.float64) @ weights[ix]
                n_closed = closed.sum(axis=1)
                for r in np.flatnonzero(weight == weight.max()).tolist():
                    # then the smaller change: no U reduction first, then the smaller one
                    key = (float(weight[r]), int(n_closed[r]), -float(qs[r, 0]))
                    if found is None or key > found[0]:
                        found = (key, j, change, float(qs[r, 0]), lo, hi)
    if found is None:
        return None
    key, j, change, scale, lo, hi = found
    return (key[0], key[1]), j, change, _upgraded(report, j, scale, lo, hi)


def _too_large(needs: Any, g: IntArray, a: float, b: float) -> FloatArray:
    """How many times U(x) = a + b·|x| (k = 2) exceeds MPE/ratio at each item's harder point
    (≤ 1: it fits; inf: the item allows no uncertainty there)."""
    out = np.zeros(len(g))
    for t, req in ((needs.t_min[g], needs.req_min[g]), (needs.t_max[g], needs.req_max[g])):
        u = a + b * t
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.maximum(out, np.where(u > 0, u / req, 0.0))
    return np.asarray(out, dtype=np.float64)


def _was(report: CoverageReport, j: int) -> str:
    c = report.candidates
    lo = c.range_min_given[j] or format_quantity(float(c.range_min[j]), _unit(c.kind[j]))
    hi = c.range_max_given[j] or format_quantity(float(c.range_max[j]), _unit(c.kind[j]))
    u = " + ".join(t for t in (c.u_abs_given[j], c.u_rel_given[j]) if t) or _u_canonical(c, j)
    return f"{lo}..{hi}, U {u} (k={format_quantity(float(c.k[j]), '')})"


def _unit(kind: str) -> str:
    return get_kind(kind).canonical_unit


def _u_canonical(c: Any, j: int) -> str:
    parts = []
    if c.u_abs[j] > 0 or c.u_rel[j] == 0:
        parts.append(format_quantity(float(c.u_abs[j]), _unit(c.kind[j])))
    if c.u_rel[j] > 0:
        parts.append(format_quantity(float(c.u_rel[j]), ""))
    return " + ".join(parts)


def _upgraded(report: CoverageReport, j: int, scale: float, lo: float, hi: float) -> CapabilityRow:
    """Capability ``j`` with its range widened to [lo, hi] and U divided by ``scale``, written
    in its own units (unchanged ends and an unchanged U keep their texts) and read back."""
    c = report.candidates
    kind = c.kind[j]
    if lo < float(c.range_min[j]):
        lo_text = _absolute_text(lo, unit_of(c.range_min_given[j]), kind, up=False)
    else:
        lo_text = c.range_min_given[j] or format_quantity(float(c.range_min[j]), _unit(kind))
    if hi > float(c.range_max[j]):
        hi_text = _absolute_text(hi, unit_of(c.range_max_given[j]), kind, up=True)
    else:
        hi_text = c.range_max_given[j] or format_quantity(float(c.range_max[j]), _unit(kind))
    if scale <= 1.0:
        k = float(c.k[j])
        u_abs_text, u_rel_text = c.u_abs_given[j], c.u_rel_given[j]
        if not (u_abs_text or u_rel_text):
            u_abs_text = format_quantity(float(c.u_abs[j]), _unit(kind)) if c.u_abs[j] else ""
            u_rel_text = format_quantity(float(c.u_rel[j]), "") if c.u_rel[j] else ""
    else:  # a smaller U, written at k = 2
        k = 2.0
        a, b = float(c.u_abs_k2[j]) / scale, float(c.u_rel_k2[j]) / scale
        abs_unit = unit_of(c.u_abs_given[j]) or unit_of(c.range_max_given[j])
        u_abs_text = _difference_text(a, abs_unit, kind) if a > 0 or b == 0 else ""
        u_rel_text = _relative_text(b, unit_of(c.u_rel_given[j])) if b > 0 else ""
    return CapabilityRow(
        id=None,
        standard_id=-1,
        standard=c.standard[j],
        level=PROPOSED,
        status="active",
        exam_cert=None,
        exam_valid_from=None,
        exam_valid_until=None,
        quantity=kind,
        range_min=canonical(lo_text, kind),
        range_max=canonical(hi_text, kind),
        u_abs=canonical(u_abs_text, kind, difference=True) if u_abs_text else 0.0,
        u_rel=relative(u_rel_text) if u_rel_text else 0.0,
        k=k,
        range_min_given=lo_text,
        range_max_given=hi_text,
        u_abs_given=u_abs_text,
        u_rel_given=u_rel_text,
    )


def _seeds(report: CoverageReport, ix: IntArray) -> IntArray:
    """Distinct seeds among ``ix`` (by MPE and largest |x|), the heaviest ``MAX_SEEDS``."""
    items, needs = report.items, report.needs
    order = ix[np.lexsort((ix, -items.count[ix]))]
    keys = np.stack([items.mpe_abs[order], items.mpe_rel[order], needs.t_max[order]], axis=1)
    _, first = np.unique(keys, axis=0, return_index=True)
    return np.asarray(order[np.sort(first)][:MAX_SEEDS], dtype=np.int64)


def _capability(report: CoverageReport, seed: int, served: IntArray, code: str) -> CapabilityRow:
    """The suggested capability, written in the seed item's units and read back."""
    items, needs = report.items, report.needs
    kind = items.kind[seed]
    ratio = get_kind(kind).instrument_ratio
    lo_text = _absolute_text(float(needs.lo[served].min()), unit_of(items.range_min_given[seed]),
                             kind, up=False)  # fmt: skip
    hi_text = _absolute_text(float(needs.hi[served].max()), unit_of(items.range_max_given[seed]),
                             kind, up=True)  # fmt: skip
    a = float(items.mpe_abs[seed]) / ratio
    b = float(items.mpe_rel[seed]) / ratio
    abs_unit = unit_of(items.mpe_abs_given[seed]) or unit_of(items.range_max_given[seed])
    u_abs_text = _difference_text(a, abs_unit, kind) if a > 0 or b == 0 else ""
    u_rel_text = _relative_text(b, unit_of(items.mpe_rel_given[seed])) if b > 0 else ""
    return CapabilityRow(
        id=None,
        standard_id=-1,
        standard=code,
        level=PROPOSED,
        status="active",
        exam_cert=None,
        exam_valid_from=None,
        exam_valid_until=None,
        quantity=kind,
        range_min=canonical(lo_text, kind),
        range_max=canonical(hi_text, kind),
        u_abs=canonical(u_abs_text, kind, difference=True) if u_abs_text else 0.0,
        u_rel=relative(u_rel_text) if u_rel_text else 0.0,
        k=2.0,
        range_min_given=lo_text,
        range_max_given=hi_text,
        u_abs_given=u_abs_text,
        u_rel_given=u_rel_text,
    )


def _round(value: float, digits: int, *, up: bool) -> float:
    """``value`` to ``digits`` significant digits, rounded up or down (noise ignored)."""
    if value == 0.0 or not math.isfinite(value):
        return value
    value = float(f"{value:.10g}")
    q = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    n = value / q
    n = math.ceil(n - 1e-9) if up else math.floor(n + 1e-9)
    return float(f"{n * q:.{digits + 1}g}")


def _scale(unit: str | None, kind: str, *, difference: bool) -> tuple[str, float, float]:
    if unit is not None:
        try:
            scale, offset = converter(unit, kind, difference=difference)
            return unit, scale, offset
        except UnitError:
            pass
    return get_kind(kind).canonical_unit, 1.0, 0.0


def _absolute_text(value: float, unit: str | None, kind: str, *, up: bool) -> str:
    unit, scale, offset = _scale(unit, kind, difference=False)
    shown = (value - offset) / scale
    return format_quantity(_round(shown, 6, up=up if scale > 0 else not up), unit)


def _difference_text(value: float, unit: str | None, kind: str) -> str:
    unit, scale, _ = _scale(unit, kind, difference=True)
    return format_quantity(_round(value / abs(scale), 3, up=False), unit)


def _relative_text(fraction: float, unit: str | None) -> str:
    unit = unit or "%"
    try:
        per_unit = relative(f"1 {unit}")
    except UnitError:
        unit, per_unit = "%", 0.01
    if unit == "":
        unit, per_unit = "%", 0.01
    return format_quantity(_round(fraction / per_unit, 3, up=False), unit)
