"""Notices read well and come once (issue 9 item 8): Chinese throughout, one notice per suspect
asset and cause whichever job finds it first, "no channel configured" said, unknown owners
refused."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from metro.bundle.load import load_bundle
from metro.db.models import Notification
from metro.errors import NotFound
from metro.notifications.delivery import deliver_pending
from metro.notifications.outbox import notices
from metro.watch.due import due_scan
from metro.watch.impact import impact_watch
from tests import factories as f

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
FAILED_ON = "2026-01-20"
AT = date(2026, 1, 21)


def with_failure(tmp_path):
    """The small province where CS-P1 is found out of tolerance: ENT1-S, G-001 (depth 1) and
    G-002 (depth 2) become suspect."""
    p = f.small_province()
    p["organizations.csv"].append(
        f.organization(code="HNAMR", name="湖南省市场监督管理局", kind="bureau")
    )
    p["certificates.csv"].append(
        f.certificate(
            number="HN2026-009",
            issuer="HNIMT",
            subject="CS-P1",
            references="HN-P1",
            calibrated_on=FAILED_ON,
            valid_until="",
            conclusion="fail",
        )
    )
    return f.write_bundle(tmp_path / "b", p)


@pytest.fixture
def failed(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(conn, with_failure(tmp_path), actor="t", now=NOW)
    return db


def suspect_notices(db) -> list[tuple[str, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(Notification.asset, Notification.key).where(Notification.event == "suspect")
        ).all()
    return sorted((r.asset, r.key) for r in rows)


@pytest.mark.parametrize("first", ["due_scan", "impact_watch"])
def test_a_suspect_asset_is_announced_once_whichever_job_runs_first(failed, first):
    jobs = {
        "due_scan": lambda conn: due_scan(conn, at=AT, now=NOW),
        "impact_watch": lambda conn: impact_watch(conn, at=AT, now=NOW),
    }
    order = [first, *(j for j in jobs if j != first)]
    with failed.engine.begin() as conn:
        reports = {name: jobs[name](conn) for name in order}
    found_by_due = {x["asset"] for x in reports["due_scan"].flagged if x["status"] == "suspect"}
    found_by_impact = {x["subject"] for x in reports["impact_watch"].flagged}
    assert found_by_due and found_by_due <= found_by_impact  # both jobs see the same assets
    stored = suspect_notices(failed)
    assert [a for a, _ in stored] == sorted(found_by_impact)  # one notice each, not two


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z_]{2,}", text))


def test_the_chinese_message_is_chinese_throughout(failed):
    with failed.engine.begin() as conn:
        due_scan(conn, at=date(2026, 4, 15), now=NOW)
        impact_watch(conn, at=AT, now=NOW)
    with failed.engine.connect() as conn:
        rows = notices(conn)
    assert rows
    for n in rows:
        # Codes and certificate numbers may be Latin; words may not (no English reason).
        allowed = _latin_words(f"{n['asset']} {n['recipient']}") | {"HN", "CS", "ENT"}
        with failed.engine.connect() as conn:
            numbers = conn.execute(
                select(Notification.details).where(Notification.id == n["id"])
            ).scalar_one()
        codes = ("certificate", "standard", "failure", "exam_cert")  # numbers, not words
        allowed |= _latin_words(" ".join(str((numbers or {}).get(k, "")) for k in codes))
        stray = _latin_words(n["message_zh"]) - allowed
        assert not stray, (n["message_zh"], stray)
        assert re.search(r"[\u4e00-\u9fff]", n["message_zh"])


def test_without_a_channel_a_notice_says_so(failed):
    with failed.engine.begin() as conn:
        added = due_scan(conn, at=date(2026, 4, 15), now=NOW).notifications
        report = deliver_pending(conn, [], now=NOW)
    assert added and report.no_channel == added
    with failed.engine.connect() as conn:
        rows = notices(conn)
        pending = conn.execute(
            select(func.count()).select_from(Notification).where(Notification.state == "pending")
        ).scalar_one()
    assert {r["state"] for r in rows} == {"no channel configured"}
    assert pending == added  # still pending underneath: a channel configured later sends them


def test_notices_of_an_unknown_owner_are_an_error(failed):
    with failed.engine.connect() as conn, pytest.raises(NotFound, match="NOBODY"):
        notices(conn, owner="NOBODY")
    with failed.engine.connect() as conn:
        assert notices(conn, owner="HNAMR") == []  # known, nothing for it yet
