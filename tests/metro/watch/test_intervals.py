"""``interval_review``: proposals stored for changed histories, one notice per owner and month."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from metro.bundle.load import load_bundle
from metro.db.models import IntervalProposal
from metro.notifications.outbox import notices
from metro.watch.intervals import interval_review
from metro.watch.registry import WATCHES
from tests.metro.services.interval_province import interval_province

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.fixture
def history(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(conn, interval_province(tmp_path / "b"), actor="t", now=NOW)
    return db


def test_review_tells_the_owner_once_a_month(history) -> None:
    with history.engine.begin() as conn:
        report = interval_review(conn, at=date(2026, 12, 1), now=NOW)
        stored = conn.execute(select(func.count()).select_from(IntervalProposal)).scalar_one()
        assert report.details["stored_proposals"] == stored > 0
        flagged = {f["asset"]: f for f in report.flagged}
        assert flagged["A-OK"]["proposed_months"] > 12 and flagged["B-01"]["proposed_months"] < 12
        assert "A-MAND" not in flagged  # kept: mandatory, never lengthened
        assert report.notifications == 1
        sent = notices(conn, owner="ENT1")
        assert len(sent) == 1 and sent[0]["event"] == "interval_review"
        assert "as-found" in sent[0]["message_en"] and "A-OK" in sent[0]["message_en"]
        again = interval_review(conn, at=date(2026, 12, 1), now=NOW)
        assert again.details["stored_proposals"] == 0 and again.notifications == 0


def test_review_is_a_registered_job() -> None:
    from schedules.definitions import default_jobs

    assert "interval_review" in WATCHES
    job = next(j for j in default_jobs("Asia/Shanghai") if j.id == "interval_review")
    assert job.func == "schedules.jobs:interval_review"
