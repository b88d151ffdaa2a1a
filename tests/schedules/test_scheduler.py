"""The scheduler: one leader among processes, a missed run made up once, one run per trigger."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from metro.bundle.load import load_bundle
from metro.db.models import JobRun
from schedules import jobs
from schedules.definitions import JobDef, default_jobs
from schedules.scheduler import JOBS_TABLE, MetroScheduler
from tests import factories as f

TICK = [JobDef("tick", "tests.schedules.helpers:tick", IntervalTrigger(hours=1), "test tick")]


def ticks(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(JobRun).where(JobRun.job == "tick")
        ).scalar_one()


def wait_for(predicate, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_two_schedulers_one_leader_and_takeover(db):
    a = MetroScheduler(db.engine, jobs=TICK, holder="a", lease_ttl=timedelta(seconds=1), poll=60)
    b = MetroScheduler(db.engine, jobs=TICK, holder="b", lease_ttl=timedelta(seconds=1), poll=60)
    try:
        assert a.step() is True and a.leading
        assert b.step() is False and not b.leading
        assert a.step() is True  # renewing
        a._stop_aps()  # a dies without releasing its lease
        assert b.step() is False
        time.sleep(1.2)
        assert b.step() is True and b.leading
        assert a.step() is False and not a.leading
    finally:
        a.stop()
        b.stop()


def test_stop_releases_the_lease_at_once(db):
    a = MetroScheduler(db.engine, jobs=TICK, holder="a", poll=60)
    b = MetroScheduler(db.engine, jobs=TICK, holder="b", poll=60)
    a.start()
    assert a.leading
    a.stop()
    assert b.step() is True
    b.stop()


def test_a_run_missed_while_down_runs_once_at_start(db):
    first = MetroScheduler(db.engine, jobs=TICK, holder="a", poll=60)
    assert first.step()
    first.stop()
    assert ticks(db) == 0
    # While nobody ran, the hourly job's time came and went (twice).
    store = SQLAlchemyJobStore(engine=db.engine, tablename=JOBS_TABLE)
    store.start(BackgroundScheduler(), "default")  # never started: only to read the store
    job = store.lookup_job("tick")
    job.next_run_time = datetime.now(UTC) - timedelta(hours=2, minutes=5)
    store.update_job(job)
    second = MetroScheduler(db.engine, jobs=TICK, holder="b", poll=60)
    try:
        assert second.step()
        assert wait_for(lambda: ticks(db) >= 1)
        time.sleep(0.5)
        assert ticks(db) == 1  # coalesced: once, not twice
        nxt = second.describe()[0]["next_run"]
        assert nxt is not None and datetime.fromisoformat(nxt) > datetime.now(UTC)
    finally:
        second.stop()


def test_restart_keeps_the_stored_schedule(db):
    s = MetroScheduler(db.engine, holder="a", poll=60)
    s.step()
    before = {j["id"]: j["next_run"] for j in s.describe()}
    s.stop()
    t = MetroScheduler(db.engine, holder="b", poll=60)
    t.step()
    after = {j["id"]: j["next_run"] for j in t.describe()}
    t.stop()
    assert set(before) == {d.id for d in default_jobs("Asia/Shanghai")}
    assert after["due_scan"] == before["due_scan"]


def test_each_trigger_runs_once_however_often_it_fires(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(
            conn,
            f.write_bundle(tmp_path / "b", f.small_province()),
            actor="t",
            now=datetime.now(UTC),
        )
    first = jobs.due_scan(db.url)
    second = jobs.due_scan(db.url)
    assert "skipped" not in first
    assert second["skipped"] == "already ran for this trigger"
    with db.engine.connect() as conn:
        runs = conn.execute(select(JobRun.job, JobRun.key, JobRun.summary)).all()
    assert [(r.job, r.key) for r in runs] == [("due_scan", jobs.today().isoformat())]
    assert runs[0].summary["flagged"] == first["flagged"]


def test_after_load_snapshots_once_per_load(db, tmp_path):
    assert jobs.after_load(db.url)["skipped"] == "no load yet"
    with db.engine.begin() as conn:
        load_bundle(
            conn,
            f.write_bundle(tmp_path / "b", f.small_province()),
            actor="t",
            now=datetime.now(UTC),
        )
    done = jobs.after_load(db.url)
    assert done["job"] == "coverage_watch" and done["key"].startswith("load-")
    assert "skipped" in jobs.after_load(db.url)


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "UTC"])
def test_default_schedule_is_complete(tz):
    ids = [d.id for d in default_jobs(tz)]
    assert ids == [
        "due_scan",
        "exam_expiry",
        "coverage_watch",
        "after_load",
        "impact_watch",
        "deliver",
        "supervision_watch",
        "interval_review",
    ]
    for d in default_jobs(tz):
        module, _, name = d.func.partition(":")
        assert callable(getattr(__import__(module, fromlist=[name]), name))


def test_taking_and_losing_the_lease_is_logged(db, caplog):
    a = MetroScheduler(db.engine, jobs=TICK, holder="a", lease_ttl=timedelta(seconds=1), poll=60)
    b = MetroScheduler(db.engine, jobs=TICK, holder="b", lease_ttl=timedelta(seconds=1), poll=60)
    caplog.set_level("INFO", logger="metro.scheduler")
    try:
        assert a.step() is True
        assert "took the scheduler lease as a" in caplog.text
        assert a.step() is True
        assert caplog.text.count("took the scheduler lease") == 1  # a renewal is not news
        time.sleep(1.2)  # a stalls past its lease; b takes over
        assert b.step() is True
        assert "took the scheduler lease as b" in caplog.text
        assert a.step() is False
        assert "lost the scheduler lease (a)" in caplog.text
    finally:
        a.stop()
        b.stop()
    assert "released the scheduler lease (b)" in caplog.text
