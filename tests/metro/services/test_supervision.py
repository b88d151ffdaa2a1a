"""The supervision report on the hand-worked province (tests/metro/services/supervision_province):
flags, the compliance and pass rates, the groups, the period and the actor's scope."""

from __future__ import annotations

from datetime import date

import pytest

from metro.errors import InvalidInput
from metro.model.actor import SYSTEM_SCHEDULER, Actor
from metro.services import supervision
from tests.metro.services import supervision_province as sp


@pytest.fixture
def province(db, tmp_path):
    sp.load(db.engine, tmp_path)
    return db


def run(db, **kwargs):
    kwargs.setdefault("actor", SYSTEM_SCHEDULER)
    kwargs.setdefault("at", sp.AT)
    with db.engine.connect() as conn:
        return supervision.report(conn, **kwargs).as_json()


def test_every_flag_on_its_instrument(province):
    got = run(province)
    assert {f["asset"]: f["flag"] for f in got["flags"]} == sp.EXPECTED_FLAGS
    assert {f["asset"]: f["owner"] for f in got["flags"]}["M06"] == "ENT2"
    assert [(f["owner"], f["asset"]) for f in got["flags"]] == sorted(
        (f["owner"], f["asset"]) for f in got["flags"])
    reasons = {f["asset"]: f["reason"] for f in got["flags"]}
    assert "L06" in reasons["M06"] and "LAB2" in reasons["M06"]
    assert "C05" in reasons["M05"] and "calibration" in reasons["M05"]
    assert "CS-X" in reasons["M09"] and "HS-2" in reasons["M10"]


def test_the_rates_as_worked_by_hand(province):
    got = run(province)
    assert (got["mandatory"], got["compliant"], got["rate"]) == (12, 3, 3 / 12)
    assert (got["verifications"], got["passed"], got["pass_rate"]) == (9, 8, 8 / 9)
    assert got["since"] == "2025-01-01" and got["at"] == "2025-12-01"
    assert got["flag_counts"] == {"never_verified": 1, "failed": 1, "overdue": 1,
                                  "calibration_only": 1, "unauthorized": 3, "untraceable": 1,
                                  "suspect": 1}


def test_by_prefecture_is_the_default(province):
    got = run(province)
    assert got["group_by"] == "region"
    rows = {g["key"]: (g["mandatory"], g["compliant"], g["verifications"], g["passed"])
            for g in got["by"]}
    assert rows == {"430100": (6, 2, 5, 4), "430200": (6, 1, 4, 4)}
    zhuzhou = next(g for g in got["by"] if g["key"] == "430200")
    assert zhuzhou["flags"]["unauthorized"] == 3 and zhuzhou["rate"] == 1 / 6


def test_by_usage_and_by_quantity(province):
    usage = {g["key"]: (g["mandatory"], g["compliant"]) for g in run(province, by="usage")["by"]}
    assert usage == {"trade": (4, 2), "safety": (4, 0), "medical": (2, 0),
                     "environment": (1, 0), "unspecified": (1, 1)}
    names = {g["key"]: g["name_zh"] for g in run(province, by="usage")["by"]}
    assert names["trade"] == "贸易结算"
    quantity = run(province, by="quantity")["by"]
    assert [(g["key"], g["name_en"], g["mandatory"], g["compliant"]) for g in quantity] == [
        ("pressure", "Pressure", 12, 3)]


def test_the_pass_rate_period(province):
    got = run(province, since=date(2025, 4, 1))
    # M01 (05-01), M06, M07, M08, M09, M10, M11 in the period; M03 and M12 before it
    assert (got["verifications"], got["passed"]) == (7, 7)
    assert run(province, since=date(2025, 12, 2), at=date(2025, 12, 2))["pass_rate"] is None


def test_the_authorization_window_is_read_on_the_calibration_day(province):
    # on 2025-06-30 M07 is compliant (LAB1's last day); M08 is not yet verified
    flags = {f["asset"]: f["flag"] for f in run(province, at=date(2025, 6, 30))["flags"]}
    assert "M07" not in flags and flags["M08"] == "never_verified"


def test_an_enterprise_sees_its_own_instruments(province):
    got = run(province, actor=Actor("user:ent2", role="enterprise", organization="ENT2"))
    assert (got["mandatory"], got["compliant"]) == (6, 1)
    assert (got["verifications"], got["passed"]) == (4, 4)
    assert {f["owner"] for f in got["flags"]} == {"ENT2"}


def test_an_empty_province(db):
    got = run(db)
    assert (got["mandatory"], got["rate"], got["pass_rate"], got["flags"]) == (0, None, None, [])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"by": "discipline"}, "by 'discipline': must be one of region, quantity, usage"),
        ({"since": date(2025, 12, 2)}, "since '2025-12-02': after at 2025-12-01"),
    ],
)
def test_bad_arguments(province, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        run(province, **kwargs)
