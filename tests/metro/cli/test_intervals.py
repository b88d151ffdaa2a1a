"""``metro intervals propose|accept`` through the real command line: JSON shapes, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from metro.cli import app
from tests.metro.services.interval_province import interval_province

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def loaded(db, tmp_path):
    r = run("--db", db.url, "load", str(interval_province(tmp_path / "b")))
    assert r.exit_code == 0, r.output
    return db


def test_propose_by_owner_a3_gives_groups_with_their_evidence(loaded) -> None:
    r = run(
        "intervals",
        "propose",
        "--owner",
        "ENT1",
        "--method",
        "a3",
        "--at",
        "2026-11-26",
        "--db",
        loaded.url,
        "--json",
    )
    assert r.exit_code == 0, r.output
    groups = {g["group"]: g for g in json.loads(r.stdout)}
    pressure = groups["ENT1/pressure"]
    for key in (
        "current_months",
        "proposed_months",
        "method",
        "n",
        "in_tolerance",
        "reason",
        "reliability",
        "confidence_interval",
        "basis",
    ):
        assert key in pressure
    assert pressure["method"] == "a3" and pressure["proposed_months"] < pressure["current_months"]
    assert "as-found" in pressure["basis"]


def test_propose_accept_round_trip_and_table(loaded) -> None:
    r = run("intervals", "propose", "A-OK", "--at", "2026-11-26", "--db", loaded.url)
    assert r.exit_code == 0, r.output
    assert "A-OK" in r.stdout and "as-found" in r.stdout and "lengthen" in r.stdout
    r = run("intervals", "accept", "A-OK", "--db", loaded.url, "--json")
    assert r.exit_code == 0, r.output
    done = json.loads(r.stdout)
    assert done["asset"] == "A-OK" and done["before_months"] == 12
    assert done["interval_months"] > 12 and done["change"] > 0
    r = run("intervals", "accept", "A-OK", "--db", loaded.url)  # the proposal is stale now
    assert r.exit_code == 1 and "propose again" in r.stderr


def test_bad_input_exits_1_and_usage_errors_2(loaded) -> None:
    r = run("intervals", "propose", "NOPE", "--db", loaded.url)
    assert r.exit_code == 1 and "NOPE" in r.stderr
    r = run("intervals", "propose", "--owner", "ENT1", "--at", "2026-13-01", "--db", loaded.url)
    assert r.exit_code == 1 and "--at" in r.stderr
    r = run("intervals", "accept", "B-01", "--db", loaded.url)
    assert r.exit_code == 1 and "no interval proposal" in r.stderr
    r = run("intervals", "propose", "--method", "a2", "--db", loaded.url)
    assert r.exit_code == 2
    r = run("intervals", "propose", "--target", "1.5", "--db", loaded.url)
    assert r.exit_code == 2


def test_installed_command_runs(loaded) -> None:
    env = {**os.environ, "METRO_DATABASE_URL": loaded.url}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "metro",
            "intervals",
            "propose",
            "B-01",
            "--method",
            "s1",
            "--at",
            "2026-11-26",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    (p,) = json.loads(out.stdout)
    assert p["asset"] == "B-01" and p["method"] == "s1" and p["rate_per_month"] > 0
