"""Each watch on the small province: what it flags, whom it tells, and that it is idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from metro.bundle.load import load_bundle
from metro.db.models import Notification
from metro.notifications.outbox import notices
from metro.watch.coverage import coverage_watch
from metro.watch.due import due_scan
from metro.watch.exams import add_months, exam_expiry
from metro.watch.impact import impact_watch
from tests import factories as f

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def province_with(tmp_path, **extra):
    p = f.small_province()
    p["organizations.csv"].append(
        f.organization(code="HNAMR", name="湖南省市场监督管理局", kind="bureau")
    )
    for name, rows in extra.items():
        p[name].extend(rows)
    return f.write_bundle(tmp_path / "b", p)


@pytest.fixture
def loaded(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(conn, province_with(tmp_path), actor="t", now=NOW)
    return db


def count_notifications(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Notification)).scalar_one()


def test_due_scan_flags_due_soon_and_overdue_once(loaded):
    with loaded.engine.begin() as conn:
        report = due_scan(conn, at=date(2026, 4, 15), now=NOW)
    got = {(x["asset"], x["status"], x["owner"]) for x in report.flagged}
    assert got == {
        ("CS-P1", "overdue", "CSIM"),
        ("ENT1-S", "overdue", "ENT1"),
        ("G-001", "due_soon", "ENT1"),
    }
    assert report.notifications == 3
    with loaded.engine.begin() as conn:
        again = due_scan(conn, at=date(2026, 4, 15), now=NOW)
        later = due_scan(conn, at=date(2026, 4, 16), now=NOW)
    assert len(again.flagged) == 3 and again.notifications == 0
    assert later.notifications == 0  # same certificates: no new notification the next day
    with loaded.engine.connect() as conn:
        mine = notices(conn, owner="ENT1")
    assert {(n["asset"], n["event"]) for n in mine} == {
        ("ENT1-S", "overdue"),
        ("G-001", "due_soon"),
    }
    assert all(n["message_zh"] and n["message_en"] for n in mine)


def test_a_new_certificate_cycle_is_announced_again(db, tmp_path):
    renewal = [
        f.certificate(
            number="CS2026-100",
            issuer="CSIM",
            subject="G-001",
            references="CS-P1",
            calibrated_on="2026-02-01",
            valid_until="2026-05-10",
        )
    ]
    with db.engine.begin() as conn:
        load_bundle(
            conn, province_with(tmp_path, **{"certificates.csv": renewal}), actor="t", now=NOW
        )
        first = due_scan(conn, at=date(2026, 1, 20), now=NOW)
        second = due_scan(conn, at=date(2026, 4, 20), now=NOW)
    assert ("G-001", "due_soon") not in {(x["asset"], x["status"]) for x in first.flagged}
    assert ("G-001", "due_soon") in {(x["asset"], x["status"]) for x in second.flagged}


def test_exam_expiry_six_months_ahead_and_expired(db, tmp_path):
    extra = {
        "standards.csv": [
            f.standard(code="HN-P2", owner="HNIMT", exam_valid_until="2027-05-20"),  # inside 6 m
            f.standard(code="HN-P3", owner="HNIMT", exam_valid_until="2026-10-31"),  # ended
            f.standard(code="HN-P4", owner="HNIMT", exam_valid_until="2027-06-30"),  # outside
            f.standard(
                code="HN-P5", owner="HNIMT", exam_valid_until="2026-12-01", status="sealed"
            ),  # sealed: not watched
        ],
    }
    with db.engine.begin() as conn:
        load_bundle(conn, province_with(tmp_path, **extra), actor="t", now=NOW)
        report = exam_expiry(conn, at=date(2026, 11, 26), now=NOW)
        again = exam_expiry(conn, at=date(2026, 11, 27), now=NOW)
    assert {(x["asset"], x["event"]) for x in report.flagged} == {
        ("HN-P2", "exam_expiring"),
        ("HN-P3", "exam_expired"),
    }
    assert report.details["horizon"] == "2027-05-26"
    assert again.notifications == 0


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 11, 26), 6, date(2027, 5, 26)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, end):
    assert add_months(start, months) == end


def test_coverage_watch_flags_below_target_and_a_fall_by_discipline(loaded):
    with loaded.engine.begin() as conn:
        first = coverage_watch(conn, at=date(2026, 1, 15), now=NOW)
        second = coverage_watch(conn, at=date(2027, 3, 15), now=NOW)
    # D-001 (pressure) is covered by HN-P1 in 2026; D-002 (temperature) has no public standard.
    assert first.details["weighted_rate"] == pytest.approx(120 / 155)
    assert [x["event"] for x in first.flagged] == ["coverage_below_target"]
    assert second.details["weighted_rate"] == 0.0
    assert second.details["previous"] == pytest.approx(120 / 155)
    events = {x["event"]: x for x in second.flagged}
    assert set(events) == {"coverage_below_target", "coverage_fell"}
    assert [d["discipline"] for d in events["coverage_fell"]["disciplines_fell"]] == ["12"]
    with loaded.engine.connect() as conn:
        bureau = notices(conn, owner="HNAMR")
    assert sorted(n["event"] for n in bureau) == [
        "coverage_below_target",
        "coverage_below_target",
        "coverage_fell",
    ]


def test_impact_watch_notifies_owners_of_suspect_assets_once(db, tmp_path):
    failed = [
        f.certificate(
            number="HN2026-009",
            issuer="HNIMT",
            subject="CS-P1",
            references="HN-P1",
            calibrated_on="2026-01-20",
            valid_until="",
            conclusion="fail",
        )
    ]
    with db.engine.begin() as conn:
        load_bundle(
            conn, province_with(tmp_path, **{"certificates.csv": failed}), actor="t", now=NOW
        )
        report = impact_watch(conn, at=date(2026, 1, 21), now=NOW)
        again = impact_watch(conn, at=date(2026, 1, 22), now=NOW)
        forced = impact_watch(conn, at=date(2026, 1, 22), now=NOW, every=True)
    assert {(x["subject"], x["depth"]) for x in report.flagged} == {
        ("ENT1-S", 1),
        ("G-001", 1),
        ("G-002", 2),
    }
    assert report.notifications == 3
    assert again.flagged == [] and again.notifications == 0
    assert len(forced.flagged) == 3 and forced.notifications == 0
    with db.engine.connect() as conn:
        assert {n["asset"] for n in notices(conn, owner="ENT1") if n["event"] == "suspect"} == {
            "ENT1-S",
            "G-001",
            "G-002",
        }
