"""The command line contract: exit codes 0 / 1 / 2, --json on stdout, errors on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from metro.cli import app
from tests import factories as f

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_init_load_export_through_the_cli(db, tmp_path):
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    r = run("--db", db.url, "init", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["revision"]
    r = run("load", str(bundle), "--db", db.url, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["files"]["certificates.csv"] == {
        "rows": 5,
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "replaced": 0,
    }
    r = run("--db", db.url, "export", str(tmp_path / "out"))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out" / "certificates.csv").read_text("utf-8") == (
        bundle / "certificates.csv"
    ).read_text("utf-8")


def test_bad_bundle_exits_1_with_every_error_on_stderr(db, tmp_path):
    province = f.small_province()
    province["instruments.csv"][0]["range_max"] = "10 kg"
    province["demands.csv"][0]["region"] = "HN"
    bundle = f.write_bundle(tmp_path / "b", province)
    r = run("--db", db.url, "load", str(bundle), "--json")
    assert r.exit_code == 1
    assert r.stdout == ""
    problem = json.loads(r.stderr)
    assert problem["status"] == 422
    assert [(e["file"], e["line"], e["column"], e["value"]) for e in problem["errors"]] == [
        ("instruments.csv", 2, "range_max", "10 kg"),
        ("demands.csv", 2, "region", "HN"),
    ]
    r = run("--db", db.url, "load", str(bundle))
    assert r.exit_code == 1
    assert "instruments.csv:2: range_max='10 kg'" in r.stderr


def test_load_before_init_says_what_to_do(tmp_path):
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    r = run("--db", f"sqlite:///{tmp_path / 'none.db'}", "load", str(bundle))
    assert r.exit_code == 1
    assert "metro init" in r.stderr


def test_usage_errors_exit_2():
    assert run("load").exit_code == 2
    assert run("no-such-command").exit_code == 2
    assert run("synth", "--out", "x", "--instruments", "10").exit_code == 2


def test_kinds_lists_the_catalogue_as_json():
    r = run("kinds", "--json")
    assert r.exit_code == 0
    kinds = json.loads(r.stdout)
    assert len(kinds) >= 40
    assert {k["discipline"] for k in kinds} == {
        "01",
        "04",
        "12",
        "15",
        "23",
        "25",
        "28",
        "33",
        "37",
        "46",
    }


def test_console_script_runs_as_a_real_process(tmp_path):
    """One end-to-end pass through the installed entry point and a real process."""
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    env = {**os.environ, "METRO_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    exe = [sys.executable, "-m", "metro"]
    for args, code in (
        ((), 2),
        (("init",), 0),
        (("load", str(bundle)), 0),
        (("load", str(tmp_path / "missing")), 1),
    ):
        p = subprocess.run([*exe, *args], env=env, capture_output=True, text=True, timeout=120)
        assert p.returncode == code, (args, p.stdout, p.stderr)
    assert Path(tmp_path / "p.db").exists()
