"""``supervision_watch`` on the hand-worked province: one notice per non-compliant instrument
and cause (Chinese and English), a summary to the bureau by prefecture, idempotent runs."""

from __future__ import annotations

from datetime import date

import pytest

from metro.notifications.outbox import notices
from metro.watch.registry import WATCHES
from metro.watch.supervision import supervision_watch
from tests import factories as f
from tests.metro.services import supervision_province as sp


@pytest.fixture
def province(db, tmp_path):
    sp.load(db.engine, tmp_path)
    return db


def watch(db, at=sp.AT):
    with db.engine.begin() as conn:
        return supervision_watch(conn, at=at, now=sp.NOW)


def test_owners_are_told_once_per_instrument_and_cause(province):
    report = watch(province)
    assert {x["asset"]: x["flag"] for x in report.flagged} == sp.EXPECTED_FLAGS
    # one per flagged instrument, and one summary for the one bureau
    assert report.notifications == len(sp.EXPECTED_FLAGS) + 1
    with province.engine.connect() as conn:
        ent2 = notices(conn, owner="ENT2")
    assert {(n["asset"], n["event"]) for n in ent2} == {
        (a, "supervision_" + flag) for a, flag in sp.EXPECTED_FLAGS.items()
        if a in ("M04", "M05", "M06", "M08", "M11")
    }
    m06 = next(n for n in ent2 if n["asset"] == "M06")
    assert "检定机构未获授权" in m06["message_zh"] and "L06" in m06["message_zh"]
    assert "unauthorized" in m06["message_en"] and "LAB2" in m06["message_en"]
    assert watch(province).notifications == 0  # same causes: nothing new


def test_the_bureau_gets_the_rates_by_prefecture(province):
    watch(province)
    with province.engine.connect() as conn:
        (summary,) = notices(conn, owner="HNAMR")
    assert summary["event"] == "supervision_summary"
    assert "25.0 %" in summary["message_zh"]  # 3 of 12
    assert "430100 长沙市" in summary["message_zh"] and "430200 株洲市" in summary["message_zh"]
    assert "检定机构未获授权 3" in summary["message_zh"]
    assert "unauthorized 3" in summary["message_en"]


def test_a_new_cause_is_told_again(province, tmp_path):
    watch(province)
    # M06 is verified again, by a statutory institute, but fails this time
    bundle = {"certificates.csv": [f.certificate(
        number="V06-2", issuer="CSIM", subject="M06", references="CS-P1",
        calibrated_on="2025-11-01", valid_until="", conclusion="fail")]}
    sp.load(province.engine, tmp_path / "again", bundle)
    report = watch(province, at=date(2025, 12, 1))
    flags = {x["asset"]: x["flag"] for x in report.flagged}
    assert flags["M06"] == "failed"
    # the owner's new cause, and a new summary (the pass rate moved)
    assert report.notifications == 2


def test_registered_for_the_scheduler():
    assert WATCHES["supervision_watch"][0] is supervision_watch
