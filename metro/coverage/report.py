"""The coverage report: rates by item and weighted by count, overall and by group, and the gaps.

``rate`` = covered items / items; ``weighted_rate`` = covered count / total count (the count of
instruments behind each item is its weight). Both are ``None`` when there is nothing to divide
(no items, or a total weight of 0). Groups: ``discipline`` (JJF 1022 first-level code of the
item's kind), ``region`` (the item's 6-digit code), ``quantity`` (the kind) and ``field`` (the
policy's priority field of the item, DESIGN.md "Policy priority fields"; an item without one —
every item derived from instruments — falls in the group ``none``, 未指定 / not specified, listed
after the six fields, so that the groups still partition the items); the groups of one dimension
partition the items, so their items and weights add up to the totals.

:func:`compute_coverage` is pure: demand items and candidates in, report out. The target is the
provincial policy's 0.95 (湘发〔2018〕9号).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal

import numpy as np

from metro.coverage.candidates import BoolArray, Candidates
from metro.coverage.demand import DemandItems, IntArray, factorize, kind_table
from metro.coverage.gaps import Gap, find_gaps
from metro.coverage.matching import MatchResult, Needs, match, needs_of, offers_of
from metro.model.regions import name_of, prefecture_of
from metro.model.supervision import PRIORITY_FIELDS, Term
from metro.quantity_kinds import disciplines, kinds

TARGET: Final = 0.95
GroupBy = Literal["discipline", "region", "county", "quantity", "field"]
DIMENSIONS: Final[tuple[GroupBy, ...]] = ("discipline", "region", "county", "quantity", "field")
#: The ``field`` group of the items that carry no priority field.
NO_FIELD: Final = Term("none", "未指定", "not specified")


@dataclass(frozen=True, slots=True)
class Rates:
    items: int
    covered_items: int
    weight: int
    covered_weight: int

    @property
    def rate(self) -> float | None:
        return self.covered_items / self.items if self.items else None

    @property
    def weighted_rate(self) -> float | None:
        return self.covered_weight / self.weight if self.weight else None

    def meets(self, target: float) -> bool | None:
        """Does the weighted rate reach ``target``? (None when there is no weight.)"""
        r = self.weighted_rate
        return None if r is None else r >= target

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "covered_items": self.covered_items,
            "rate": self.rate,
            "weight": self.weight,
            "covered_weight": self.covered_weight,
            "weighted_rate": self.weighted_rate,
        }


def rates_of(covered: BoolArray, count: IntArray) -> Rates:
    return Rates(
        items=len(covered),
        covered_items=int(covered.sum()),
        weight=int(count.sum()),
        covered_weight=int(count[covered].sum()),
    )


@dataclass(frozen=True, slots=True)
class GroupRates:
    key: str
    name_zh: str | None
    name_en: str | None
    rates: Rates

    def as_dict(self, target: float) -> dict[str, Any]:
        return {
            "key": self.key,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            **self.rates.as_dict(),
            "meets_target": self.rates.meets(target),
        }


@dataclass(frozen=True, eq=False)
class CoverageReport:
    at: date
    target: float
    demand_source: str
    overall: Rates
    by: dict[str, list[GroupRates]]
    gaps: list[Gap]
    # What the report was computed from (report files and the planner use them).
    items: DemandItems = field(repr=False)
    candidates: Candidates = field(repr=False)
    needs: Needs = field(repr=False)
    result: MatchResult = field(repr=False)

    def as_dict(self, by: GroupBy = "discipline") -> dict[str, Any]:
        """The ``metro coverage --json`` contract."""
        return {
            "at": self.at,
            "target": self.target,
            **self.overall.as_dict(),
            "meets_target": self.overall.meets(self.target),
            "demand": self.demand_source,
            "group_by": by,
            "by": [g.as_dict(self.target) for g in self.by[by]],
            "gaps": [g.as_dict() for g in self.gaps],
        }


def group_keys(items: DemandItems, by: GroupBy) -> list[str]:
    """Each item's group. Regions are prefecture cities (the first four digits of the code and
    ``00``, DESIGN.md "Settled readings"); ``county`` is the demand's own code, one level down."""
    if by == "region":
        return [prefecture_of(r) for r in items.region]
    if by == "county":
        return items.region
    if by == "quantity":
        return items.kind
    if by == "field":
        return [f or NO_FIELD.code for f in items.field]
    return kind_table("discipline")[items.kind_id].tolist()


def _names(by: GroupBy, key: str) -> tuple[str | None, str | None]:
    if by == "discipline":
        d = disciplines().get(key)
        return (d.name_zh, d.name_en) if d else (None, None)
    if by == "quantity":
        k = kinds().get(key)
        return (k.name_zh, k.name_en) if k else (None, None)
    if by in ("region", "county"):
        # Region names are kept in Chinese only (the administrative-division list).
        return (name_of(key), None)
    if by == "field":
        term = PRIORITY_FIELDS.get(key) or (NO_FIELD if key == NO_FIELD.code else None)
        return (term.name_zh, term.name_en) if term else (None, None)
    return (None, None)


def group_rates(items: DemandItems, covered: BoolArray, by: GroupBy) -> list[GroupRates]:
    """Rates per group of ``by``, in key order (quantity: discipline, then kind code; field: the
    policy's order, then ``none``)."""
    keys = group_keys(items, by)
    if not keys:
        return []
    uniq, inverse = factorize(keys)
    n = len(uniq)
    count = items.count
    n_items = np.bincount(inverse, minlength=n)
    n_cov = np.bincount(inverse, weights=covered, minlength=n)
    w = np.bincount(inverse, weights=count, minlength=n)
    w_cov = np.bincount(inverse, weights=np.where(covered, count, 0), minlength=n)
    out = [
        GroupRates(
            str(key),
            *_names(by, str(key)),
            Rates(int(n_items[g]), int(n_cov[g]), int(w[g]), int(w_cov[g])),
        )
        for g, key in enumerate(uniq)
    ]
    if by == "quantity":
        catalogue = kinds()
        out.sort(key=lambda g: (catalogue[g.key].discipline, g.key))
    if by == "field":
        order = {code: i for i, code in enumerate(PRIORITY_FIELDS)}
        out.sort(key=lambda g: (order.get(g.key, len(order)), g.key))
    return out


def compute_coverage(
    items: DemandItems,
    candidates: Candidates,
    *,
    at: date,
    target: float = TARGET,
    demand_source: str = "registered",
) -> CoverageReport:
    """Match every item against the candidates and summarize (pure; no database)."""
    needs = needs_of(items)
    result = match(needs, offers_of(candidates))
    covered = result.covered
    return CoverageReport(
        at=at,
        target=target,
        demand_source=demand_source,
        overall=rates_of(covered, items.count),
        by={d: group_rates(items, covered, d) for d in DIMENSIONS},
        gaps=find_gaps(items, candidates, needs, result),
        items=items,
        candidates=candidates,
        needs=needs,
        result=result,
    )
