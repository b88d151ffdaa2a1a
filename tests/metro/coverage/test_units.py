"""Demand and capabilities in the units people write: °F differences, psi, ppm, %; gaps in them.

These go through the bundle loader and the database, so the canonical values are the ones
``metro load`` stores; statuses are given explicitly (every standard ``valid``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from metro.bundle.load import load_bundle
from metro.coverage import service
from metro.repositories import coverage as repo
from tests import factories as f

AT = date(2025, 9, 1)


def province(
    tmp_path, capabilities: list[dict[str, str]], demands: list[dict[str, str]], **standard
):
    return {
        "organizations.csv": [f.organization(code="HNIMT")],
        "standards.csv": [f.standard(code="S", owner="HNIMT", **standard)],
        "capabilities.csv": [f.capability(standard="S", **c) for c in capabilities],
        "demands.csv": [f.demand(code=f"D{i}", **d) for i, d in enumerate(demands, 1)],
    }


def run(db, tmp_path, capabilities, demands, **standard):
    bundle = f.write_bundle(tmp_path / "b", province(tmp_path, capabilities, demands, **standard))
    with db.engine.begin() as conn:
        load_bundle(conn, bundle, actor="test", now=datetime(2025, 9, 1, tzinfo=UTC))
    with db.engine.connect() as conn:
        valid = {i: ("valid", "certificate C") for i in repo.public_standard_ids(conn)}
        return service.coverage(conn, AT, statuses=valid)


TEMPERATURE = {
    "quantity": "temperature",
    "range_min": "-40 degC",
    "range_max": "150 degC",
    "mpe_abs": "0.9 degF",
    "mpe_rel": "",
}


@pytest.mark.parametrize(("u", "covered"), [("0.16 K", True), ("0.17 K", False)])
def test_an_mpe_in_degf_is_a_difference(db, tmp_path, u, covered):
    # 0.9 °F is 0.5 K, so U ≤ 0.1667 K. Read as an absolute temperature it would be 255.9 K and
    # any U would do.
    cap = {"quantity": "temperature", "range_min": "-50 degC", "range_max": "200 degC",
           "u_abs": u, "u_rel": ""}  # fmt: skip
    report = run(db, tmp_path, [cap], [TEMPERATURE])
    assert report.overall.covered_items == int(covered)
    if not covered:
        (gap,) = report.gaps
        assert gap.reason == "uncertainty"
        assert gap.detail == "S: U 0.306 degF at -40 degC, ≤ 0.3 degF needed"
        assert (gap.range, gap.mpe) == ("-40 degC..150 degC", "0.9 degF")


def test_a_temperature_range_converts_with_its_offset(db, tmp_path):
    demand = {**TEMPERATURE, "range_min": "-40 degF", "range_max": "300 degF", "mpe_abs": "2 degF"}
    cap = {"quantity": "temperature", "range_min": "-40 degC", "range_max": "140 degC",
           "u_abs": "0.1 K", "u_rel": ""}  # fmt: skip
    (gap,) = run(db, tmp_path, [cap], [demand]).gaps
    assert gap.reason == "range"
    assert gap.detail == "S: range to 284 degF, 300 degF needed"


def test_a_range_short_at_the_low_end(db, tmp_path):
    cap = {"quantity": "temperature", "range_min": "-20 degC", "range_max": "200 degC",
           "u_abs": "0.01 K", "u_rel": ""}  # fmt: skip
    (gap,) = run(db, tmp_path, [cap], [TEMPERATURE]).gaps
    assert gap.detail == "S: range from -20 degC, -40 degC needed"


@pytest.mark.parametrize(
    ("top", "detail"),
    [("6.8 MPa", "S: range to 986.257 psi, 1000 psi needed"), ("7 MPa", None)],
)
def test_psi_ranges(db, tmp_path, top, detail):
    demand = {"range_min": "0 psi", "range_max": "1000 psi", "mpe_rel": "0.25 %"}
    report = run(db, tmp_path, [{"range_max": top, "u_rel": "0.05 %"}], [demand])
    assert [g.detail for g in report.gaps] == ([detail] if detail else [])


@pytest.mark.parametrize(
    ("mpe", "u_rel", "detail"),
    [
        ("100 ppm", "50 ppm", "S: U 50 ppm at 10 V, ≤ 33.33 ppm needed"),
        ("100 ppm", "30 ppm", None),
        ("0.01 %", "0.005 %", "S: U 0.005 % at 10 V, ≤ 0.003333 % needed"),
        ("0.01 %", "0.003 %", None),
        ("0.1 ‰", "30 ppm", None),
    ],
)
def test_relative_mpe_in_ppm_and_percent(db, tmp_path, mpe, u_rel, detail):
    demand = {"quantity": "dc_voltage", "range_min": "0 V", "range_max": "10 V", "mpe_rel": mpe}
    cap = {"quantity": "dc_voltage", "range_min": "-10 V", "range_max": "1000 V",
           "u_abs": "", "u_rel": u_rel}  # fmt: skip
    report = run(db, tmp_path, [cap], [demand])
    assert [g.detail for g in report.gaps] == ([detail] if detail else [])


def test_uncertainty_given_at_another_coverage_factor(db, tmp_path):
    demand = {
        "quantity": "dc_voltage",
        "range_min": "0 V",
        "range_max": "10 V",
        "mpe_rel": "90 ppm",
    }
    k3 = {
        "quantity": "dc_voltage",
        "range_min": "0 V",
        "range_max": "10 V",
        "u_rel": "45 ppm",
        "k": "3",
    }
    assert run(db, tmp_path, [k3], [demand]).overall.covered_items == 1  # 30 ppm at k = 2


def test_an_expired_examination_is_named_with_its_date(db, tmp_path):
    report = run(
        db, tmp_path, [{"range_max": "60 MPa"}], [{}], exam_valid_until="2025-06-30"
    )  # fmt: skip
    (gap,) = report.gaps
    assert gap.reason == "standard_expired"
    assert gap.detail == "S: examination certificate [2022]湘量标证字第S号 expired 2025-06-30"
