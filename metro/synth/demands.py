"""Demand items (量传溯源需求) designed to a known coverage at the reference date.

Covered items come from instrument variants that some public standard meets at the reference
date (all five DESIGN checks, with a margin against rounding), spread over counties with
log-normal instrument counts. Uncovered items come from the settings' ``demand_gap`` entries,
each verified to fail for exactly its stated reason (``no_standard``, ``range``,
``uncertainty``, ``standard_expired``, ``untraceable``). Their number is set by the target item
rate and their counts are scaled so the count-weighted rate hits its target too.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from metro.errors import InvalidInput
from metro.model.levels import PUBLIC_LEVELS
from metro.quantity_kinds import get_kind
from metro.synth.instruments import Variant, template_weights
from metro.synth.model import Standard
from metro.synth.organizations import CountyPicker
from metro.synth.scales import Converter, quantity, relative, split
from metro.synth.settings import GAP_REASONS, Settings
from metro.synth.standards import Registry
from metro.synth.trace import Tracer

DemandRow = tuple[str, str, str, str, str, str, str, int]


@dataclass(frozen=True, slots=True)
class Spec:
    kind: str
    lo: float
    hi: float
    mpe_a: float
    mpe_b: float
    strings: tuple[str, str, str, str]  # range_min, range_max, mpe_abs, mpe_rel
    weight: float


@dataclass(frozen=True, slots=True)
class DemandPlan:
    rows: list[DemandRow]
    items: int
    covered_items: int
    weight: int
    covered_weight: int
    reasons: dict[str, int]

    @property
    def rate(self) -> float:
        return self.covered_items / self.items

    @property
    def weighted_rate(self) -> float:
        return self.covered_weight / self.weight


def demand_target(settings: Settings, instruments: int) -> int:
    s = settings.scale
    return round(s["demand_base"] + instruments * s["demand_per_instrument"])


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    total = max(total, 2 * len(weights))
    out = {k: 2 for k in weights}
    rest = total - 2 * len(weights)
    wsum = sum(weights.values())
    shares = {k: rest * w / wsum for k, w in weights.items()}
    for k in weights:
        out[k] += int(shares[k])
    left = total - sum(out.values())
    for k in sorted(weights, key=lambda k: (-(shares[k] - int(shares[k])), k))[:left]:
        out[k] += 1
    return out


def _count(rng: random.Random) -> int:
    return max(1, int(math.exp(rng.gauss(3.2, 1.0))))


def design_demands(
    settings: Settings,
    registry: Registry,
    tracer: Tracer,
    variants: Sequence[Variant],
    seed: int,
    instruments: int,
) -> DemandPlan:
    rng = random.Random(f"{seed}/demands")
    ref = settings.reference_date.toordinal()
    public: dict[str, list[Standard]] = {}
    for s in registry.standards:
        if s.level in PUBLIC_LEVELS:
            for k in s.kinds:
                public.setdefault(k, []).append(s)

    def reason(kind: str, lo: float, hi: float, a: float, b: float) -> str | None:
        return tracer.coverage_reason(public.get(kind, []), kind, lo, hi, a, b, ref)

    popularity = template_weights(settings)
    per_template: dict[int, int] = {}
    for v in variants:
        per_template[v.template] = per_template.get(v.template, 0) + 1
    covered: list[Spec] = []
    seen: set[tuple[str, str, str, str, str]] = set()
    for v in variants:
        key = (v.kind, v.lo_s, v.hi_s, v.mpe_a_s, v.mpe_b_s)
        if key in seen:
            continue
        seen.add(key)
        try:
            outcome = reason(v.kind, v.lo, v.hi, v.mpe_a, v.mpe_b)
        except ValueError:
            continue
        if outcome is None:
            weight = popularity[v.template] / per_template[v.template]
            covered.append(Spec(v.kind, v.lo, v.hi, v.mpe_a, v.mpe_b, key[1:], weight))
    if not covered:
        raise RuntimeError("no instrument template is covered by a public standard")

    gaps: dict[str, list[Spec]] = {r: [] for r in GAP_REASONS}
    for g in settings.demand_gaps:
        conv = Converter(get_kind(g.quantity).canonical_unit)
        a = conv.difference(*split(g.mpe_abs)) if g.mpe_abs else 0.0
        b = relative(g.mpe_rel) if g.mpe_rel else 0.0
        lo, hi = conv.value(g.lo, g.unit), conv.value(g.hi, g.unit)
        got = reason(g.quantity, lo, hi, a, b)
        if got != g.reason:
            raise InvalidInput(
                f"demand_gap {g.quantity} [{g.lo}, {g.hi}] {g.unit}: designed as {g.reason!r} "
                f"but the generated standards give {got or 'covered'!r}"
            )
        strings = (quantity(g.lo, g.unit), quantity(g.hi, g.unit), g.mpe_abs or "", g.mpe_rel or "")
        gaps[g.reason].append(Spec(g.quantity, lo, hi, a, b, strings, 1.0))

    items = demand_target(settings, instruments)
    n_uncovered = max(round(items * (1.0 - settings.item_rate)), 2 * len(GAP_REASONS))
    per_reason = _allocate(n_uncovered, dict(settings.reason_weights))
    n_uncovered = sum(per_reason.values())
    n_covered = items - n_uncovered

    picker = CountyPicker(settings)
    cum: list[float] = []
    acc = 0.0
    for spec in covered:
        acc += spec.weight
        cum.append(acc)
    rows: list[tuple[str, str, str, str, str, str, int]] = []
    used: set[tuple[int, str]] = set()
    covered_weight = 0
    attempts = 0
    while len(rows) < n_covered:
        attempts += 1
        i = min(bisect_right(cum, rng.random() * acc), len(covered) - 1)
        county = picker.pick(rng)[0]
        if (i, county) in used and attempts < n_covered * 50:
            continue
        used.add((i, county))
        spec = covered[i]
        count = _count(rng)
        covered_weight += count
        rows.append((spec.kind, *spec.strings, county, count))

    uncovered_weight_needed = (
        covered_weight * (1.0 - settings.weighted_rate) / settings.weighted_rate
    )
    pending: list[tuple[Spec, str, float]] = []
    for r in GAP_REASONS:
        specs = gaps[r]
        for j in range(per_reason[r]):
            pending.append(
                (specs[j % len(specs)], picker.pick(rng)[0], math.exp(rng.gauss(0, 0.6)))
            )
    scale = uncovered_weight_needed / sum(w for _, _, w in pending)
    uncovered_weight = 0
    for spec, county, w in pending:
        count = max(1, round(w * scale))
        uncovered_weight += count
        rows.append((spec.kind, *spec.strings, county, count))

    rng.shuffle(rows)
    out: list[DemandRow] = [(f"DM{i + 1:06d}", *row) for i, row in enumerate(rows)]
    return DemandPlan(
        rows=out,
        items=len(out),
        covered_items=n_covered,
        weight=covered_weight + uncovered_weight,
        covered_weight=covered_weight,
        reasons=per_reason,
    )
