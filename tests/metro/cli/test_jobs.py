"""Operators' commands: jobs list / run, notices, and the standalone scheduler process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import select
from typer.testing import CliRunner

from metro.cli import app
from metro.db.models import Lease
from tests import factories as f

runner = CliRunner()


def loaded(db, tmp_path) -> str:
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    assert runner.invoke(app, ["--db", db.url, "load", str(bundle)]).exit_code == 0
    return db.url


def test_jobs_run_prints_what_it_flagged_and_notices_list_them(db, tmp_path):
    url = loaded(db, tmp_path)
    r = runner.invoke(app, ["jobs", "run", "due_scan", "--at", "2026-04-15", "--db", url, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["job"] == "due_scan" and out["new_notifications"] == 3
    assert {x["asset"] for x in out["flagged"]} == {"CS-P1", "ENT1-S", "G-001"}
    again = json.loads(
        runner.invoke(
            app, ["jobs", "run", "due_scan", "--at", "2026-04-15", "--db", url, "--json"]
        ).stdout
    )
    assert again["new_notifications"] == 0 and len(again["flagged"]) == 3
    r = runner.invoke(app, ["notices", "--owner", "ENT1", "--db", url, "--json"])
    assert r.exit_code == 0
    assert sorted(n["asset"] for n in json.loads(r.stdout)) == ["ENT1-S", "G-001"]
    r = runner.invoke(app, ["notices", "--db", url])
    assert r.exit_code == 0 and "CS-P1" in r.stdout


def test_jobs_list_and_bad_job_names(db, tmp_path):
    url = loaded(db, tmp_path)
    r = runner.invoke(app, ["jobs", "list", "--db", url, "--json"])
    assert r.exit_code == 0
    assert [j["id"] for j in json.loads(r.stdout)["jobs"]][:3] == [
        "due_scan",
        "exam_expiry",
        "coverage_watch",
    ]
    assert runner.invoke(app, ["jobs", "run", "nap", "--db", url]).exit_code == 2
    bad = runner.invoke(app, ["jobs", "run", "due_scan", "--at", "2026-02-30", "--db", url])
    assert bad.exit_code == 1 and "2026-02-30" in bad.stderr


def test_standalone_scheduler_leads_and_stops_cleanly(db, tmp_path):
    url = loaded(db, tmp_path)
    env = {**os.environ, "METRO_DATABASE_URL": url}
    p = subprocess.Popen(
        [sys.executable, "-m", "metro", "scheduler", "--poll", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        holder = None
        end = time.monotonic() + 60
        while holder is None and time.monotonic() < end and p.poll() is None:
            with db.engine.connect() as conn:
                holder = conn.execute(select(Lease.holder)).scalar()
            time.sleep(0.2)
        assert holder, p.stderr.read() if p.poll() is not None else "no lease taken"
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert "leading" in out
    assert "took the scheduler lease" in err and "released the scheduler lease" in err
    with db.engine.connect() as conn:
        assert conn.execute(select(Lease.holder)).scalar() is None  # released on the way out
