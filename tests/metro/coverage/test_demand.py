"""Demand items from the demands table, from registered instruments, or both."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from metro.bundle.load import load_bundle
from metro.coverage import service
from metro.coverage.demand import DemandItems, DemandSource
from metro.repositories import coverage as repo
from tests import factories as f

AT = date(2025, 9, 1)


def province():
    return {
        "organizations.csv": [
            f.organization(code="HNIMT"),
            f.organization(code="E1", kind="enterprise", region="430102"),
            f.organization(code="E2", kind="enterprise", region="430102"),
            f.organization(code="E3", kind="enterprise", region="430200"),
        ],
        "standards.csv": [f.standard(code="S", owner="HNIMT")],
        "capabilities.csv": [f.capability(standard="S", range_max="60 MPa", u_rel="0.05 %")],
        "instruments.csv": [
            # one group in 430102: the same numbers in other spellings, at two owners
            f.instrument(code="G1", owner="E1"),
            f.instrument(code="G2", owner="E1", range_min="0 kPa", range_max="10000 kPa"),
            f.instrument(code="G3", owner="E2", mpe_rel="16 ‰"),
            # another MPE in the same region: another group (0.1 % needs U ≤ 0.033 %: a gap)
            f.instrument(code="G4", owner="E2", mpe_rel="0.1 %"),
            # the first group's numbers in another region
            f.instrument(code="G5", owner="E3"),
            # a temperature instrument: no standard of the kind
            f.instrument(
                code="T1",
                owner="E3",
                quantity="temperature",
                range_min="-40 degC",
                range_max="150 degC",
                mpe_abs="0.5 degC",
                mpe_rel="",
            ),
        ],
        "demands.csv": [f.demand(code="D-001", count="120")],
    }


@pytest.fixture
def conn(db, tmp_path):
    bundle = f.write_bundle(tmp_path / "b", province())
    with db.engine.begin() as c:
        load_bundle(c, bundle, actor="test", now=datetime(2025, 9, 1, tzinfo=UTC))
    with db.engine.connect() as c:
        yield c


def by_key(items: DemandItems):
    return {
        (items.kind[i], items.region[i], float(items.range_max[i]), float(items.mpe_rel[i])): int(
            items.count[i]
        )
        for i in range(len(items))
    }


def test_instruments_group_by_kind_region_range_and_mpe(conn):
    items = service.load_demand(conn, DemandSource.instruments)
    assert by_key(items) == {
        ("pressure", "430102", 10e6, 0.016): 3,
        ("pressure", "430102", 10e6, 0.001): 1,
        ("pressure", "430200", 10e6, 0.016): 1,
        ("temperature", "430200", 423.15, 0.0): 1,
    }
    assert set(items.source) == {"instruments"}
    assert len(set(items.code)) == len(items)
    assert all(code.startswith("inst:") for code in items.code)


def test_derived_items_are_matched_like_registered_ones(conn):
    statuses = {i: ("valid", "C") for i in repo.public_standard_ids(conn)}
    report = service.coverage(conn, AT, demand="instruments", statuses=statuses)
    o = report.overall
    assert (o.items, o.covered_items, o.weight, o.covered_weight) == (4, 2, 6, 4)
    assert sorted(g.reason for g in report.gaps) == ["no_standard", "uncertainty"]
    gap = next(g for g in report.gaps if g.reason == "uncertainty")
    assert gap.source == "instruments"
    assert gap.detail == "S: U 0.05 % at 10 MPa, ≤ 0.03333 % needed"
    assert gap.demand == "inst:430102:pressure:0 MPa..10 MPa:0.1 %"


def test_both_sources_side_by_side(conn):
    statuses = {i: ("valid", "C") for i in repo.public_standard_ids(conn)}
    registered = service.coverage(conn, AT, demand="registered", statuses=statuses).overall
    derived = service.coverage(conn, AT, demand="instruments", statuses=statuses).overall
    both = service.coverage(conn, AT, demand="both", statuses=statuses)
    assert both.overall.items == registered.items + derived.items
    assert both.overall.weight == registered.weight + derived.weight
    assert both.overall.covered_weight == registered.covered_weight + derived.covered_weight
    assert both.demand_source == "both"


def test_an_unknown_source_is_refused(conn):
    with pytest.raises(ValueError):
        service.load_demand(conn, "everything")
