"""Plain-terminal output (issue 9 item 11): piped tables are not cut at 80 columns, and
``--json`` shows as a flag in help."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from typer.testing import CliRunner

from metro.cli import app
from tests import factories as f

runner = CliRunner()


def test_piped_tables_keep_long_cells_whole(db, tmp_path):
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    assert runner.invoke(app, ["--db", db.url, "load", str(bundle)]).exit_code == 0
    r = runner.invoke(app, ["--db", db.url, "jobs", "run", "due_scan", "--at", "2026-04-15"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--db", db.url, "notices", "--json"])
    messages = [n["message_zh"] for n in json.loads(r.stdout)]
    assert messages and max(len(m) for m in messages) > 40
    table = runner.invoke(app, ["--db", db.url, "notices"])
    assert table.exit_code == 0
    for m in messages:  # each message on one line of the table, whole
        assert any(m in line for line in table.stdout.splitlines()), m
    assert max(len(line) for line in table.stdout.splitlines()) > 80


def test_a_real_pipe_is_not_cut_at_80_columns(tmp_path):
    env = {**os.environ, "COLUMNS": "80"}
    p = subprocess.run(
        [sys.executable, "-m", "metro", "kinds"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    rows = [line for line in p.stdout.splitlines() if "sound_pressure_level" in line]
    assert len(rows) == 1  # the row is one line, its cells whole
    assert "dB" in rows[0]


def test_json_shows_as_a_flag_in_help():
    for args in (["--help"], ["status", "--help"], ["notices", "--help"], ["init", "--help"]):
        r = runner.invoke(app, args, env={"COLUMNS": "120"})
        assert r.exit_code == 0
        line = next(line for line in r.stdout.splitlines() if "--json" in line)
        assert not re.search(r"--json\s+<", line), line
        assert "machine-readable" in line
