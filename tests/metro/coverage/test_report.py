"""Rates by item and weighted by count; groups that partition the items; the JSON shape."""

from __future__ import annotations

import numpy as np
import pytest

from metro.quantity_kinds import kinds
from tests.metro.coverage.builders import MPA, cap, coverage, need


def test_weighted_and_item_rates_differ_when_counts_differ():
    needs = [
        need(code="big", count=100),
        need(code="s1", hi=100 * MPA, count=1),
        need(code="s2", hi=100 * MPA, count=1),
        need(code="s3", hi=100 * MPA, count=1),
    ]
    o = coverage(needs, [cap()]).overall
    assert (o.items, o.covered_items, o.weight, o.covered_weight) == (4, 1, 103, 100)
    assert o.rate == pytest.approx(0.25)
    assert o.weighted_rate == pytest.approx(100 / 103)
    assert o.meets(0.95) is True
    assert o.meets(0.98) is False


def test_an_item_with_no_instruments_behind_it_counts_for_the_item_rate_only():
    o = coverage([need(code="a", count=0), need(code="b", hi=100 * MPA, count=5)], [cap()]).overall
    assert o.rate == 0.5
    assert o.weighted_rate == 0.0


def test_no_weight_gives_no_weighted_rate():
    o = coverage([need(count=0)], [cap()]).overall
    assert o.rate == 1.0
    assert o.weighted_rate is None
    assert o.meets(0.95) is None


def _random_report(seed: int):
    rng = np.random.default_rng(seed)
    codes = ["pressure", "mass", "temperature", "dc_voltage", "length", "frequency"]
    regions = ["430100", "430200", "431100"]
    needs = [
        need(
            code=f"D{i}",
            kind=codes[int(rng.integers(len(codes)))],
            hi=float(rng.choice([1.0, 10.0, 100.0])),
            mpe_rel=float(rng.choice([1e-3, 1e-2])),
            region=regions[int(rng.integers(len(regions)))],
            count=int(rng.integers(0, 40)),
        )
        for i in range(400)
    ]
    caps = [
        cap(sid=j + 1, kind=codes[j % 5], hi=float(rng.choice([10.0, 100.0])), u_rel=1e-3)
        for j in range(12)
    ]
    return needs, coverage(needs, caps)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("by", ["discipline", "region", "quantity"])
def test_groups_add_up_to_the_total_and_match_a_direct_count(seed, by):
    needs, report = _random_report(seed)
    groups = report.by[by]
    o = report.overall
    assert 0 < o.covered_items < o.items, "the case should mix covered and uncovered items"
    assert sum(g.rates.items for g in groups) == o.items
    assert sum(g.rates.covered_items for g in groups) == o.covered_items
    assert sum(g.rates.weight for g in groups) == o.weight
    assert sum(g.rates.covered_weight for g in groups) == o.covered_weight
    covered = dict(zip(report.items.code, report.result.covered.tolist(), strict=True))

    def key(n):
        if by == "region":
            return n["region"]
        if by == "quantity":
            return n["kind"]
        return kinds()[n["kind"]].discipline

    for g in groups:
        mine = [n for n in needs if key(n) == g.key]
        assert g.rates.items == len(mine)
        assert g.rates.covered_items == sum(covered[n["code"]] for n in mine)
        assert g.rates.weight == sum(n["count"] for n in mine)
        assert g.rates.covered_weight == sum(n["count"] for n in mine if covered[n["code"]])
    assert [g.key for g in groups] == sorted(g.key for g in groups) or by == "quantity"


def test_discipline_groups_carry_the_catalogue_names():
    report = coverage([need(), need(code="T", kind="temperature", lo=300, hi=400)], [cap()])
    names = {g.key: (g.name_zh, g.name_en) for g in report.by["discipline"]}
    assert names == {"12": ("力学", "Mechanics"), "04": ("热学", "Thermal quantities")}


def test_json_contract():
    report = coverage([need(), need(code="far", hi=100 * MPA)], [cap()])
    out = report.as_dict("region")
    assert {
        "at",
        "target",
        "items",
        "covered_items",
        "rate",
        "weight",
        "covered_weight",
        "weighted_rate",
        "by",
        "gaps",
    } <= out.keys()
    assert out["target"] == 0.95
    assert out["group_by"] == "region"
    assert [g["key"] for g in out["by"]] == ["430100"]
    (gap,) = out["gaps"]
    assert gap["demand"] == "far"
    assert gap["reason"] == "range"
    assert gap["candidate"] == "S1"


def test_gaps_come_heaviest_first():
    needs = [need(code=c, hi=100 * MPA, count=n) for c, n in (("a", 1), ("b", 50), ("c", 7))]
    assert [g.demand for g in coverage(needs, [cap()]).gaps] == ["b", "c", "a"]
