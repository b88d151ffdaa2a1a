"""No traceback reaches a user: each way a database, a path, a date or a number can be wrong is
one line on stderr and exit 1, through the real command (issue 9 item 2)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from metro.cli import app
from tests import factories as f
from tests.conftest import PG_URL

runner = CliRunner()
needs_pg = pytest.mark.skipif(not PG_URL, reason="METRO_TEST_DATABASE_URL is not set")


def run(*args: str):
    return runner.invoke(app, list(args))


def one_line_error(r, *needles: str) -> str:
    """The result is exit 1 with one line on stderr naming each needle, no traceback."""
    assert r.exit_code == 1, (r.exit_code, r.output, r.exception)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: "), lines
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert r.stdout == ""
    return lines[0]


def test_missing_sqlite_folder(tmp_path):
    missing = tmp_path / "no" / "such"
    one_line_error(run("--db", f"sqlite:///{missing}/m.db", "init"), str(missing), "does not exist")
    assert not missing.exists()


def test_a_read_command_on_a_missing_database_creates_no_file(tmp_path):
    path = tmp_path / "none.db"
    for cmd in (("notices",), ("jobs", "list"), ("export", str(tmp_path / "out"))):
        one_line_error(run("--db", f"sqlite:///{path}", *cmd), str(path), "metro init")
    assert not path.exists()
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n")
    for cmd in ("init", "notices"):
        one_line_error(run("--db", f"sqlite:///{path}", cmd), "not a SQLite file")
    assert path.read_text().startswith("these are my notes")


def test_an_empty_sqlite_database_asks_for_init(tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    one_line_error(run("--db", f"sqlite:///{path}", "notices"), "no metro schema", "metro init")


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("not a url", "is not a URL"),
        ("mysql://u@localhost/metro", "'mysql' is not supported"),
        ("oracle+cx_oracle://u@h/x", "is not supported"),
        ("postgresql+asyncpg://u@h/x", "is not supported"),
    ],
)
def test_malformed_or_unsupported_urls(url, needle):
    one_line_error(run("--db", url, "notices"), needle)


def test_unreachable_server_and_bad_sslmode():
    one_line_error(
        run("--db", "postgresql://postgres@127.0.0.1:1/metro", "notices"),
        "127.0.0.1",
        "refused",
    )
    one_line_error(
        run("--db", "postgresql://postgres@127.0.0.1:1/metro?sslmode=sometimes", "notices"),
        "sslmode",
    )


@needs_pg
def test_missing_postgresql_database():
    assert PG_URL
    base = PG_URL.rsplit("/", 1)[0]
    one_line_error(
        run("--db", f"{base}/metro_no_such_database", "init"),
        "metro_no_such_database",
        "does not exist",
    )


def test_password_is_never_printed():
    r = run("--db", "postgresql://postgres:hunter2@127.0.0.1:1/metro", "notices")
    line = one_line_error(r, "127.0.0.1")
    assert "hunter2" not in line


def _make_newer(db) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))


def test_a_schema_newer_than_the_code_is_refused_even_by_init(db):
    _make_newer(db)
    one_line_error(run("--db", db.url, "notices"), "9999_future", "newer than this metro")
    one_line_error(run("--db", db.url, "init"), "9999_future", "newer than this metro")
    with db.engine.connect() as conn:  # init left it alone
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version == "9999_future"


def _read_only_url(db) -> str:
    if db.backend == "sqlite":
        path = db.url.removeprefix("sqlite:///")
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return db.url + "%20-cdefault_transaction_read_only%3Don"


def test_a_read_only_database_refuses_writes_in_one_line(db, tmp_path):
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    url = _read_only_url(db)
    assert run("--db", url, "notices").exit_code == 0  # reading is fine
    one_line_error(run("--db", url, "load", str(bundle)), "read-only")


def test_export_onto_a_file_or_under_a_file_is_refused(db, tmp_path):
    a_file = tmp_path / "taken.csv"
    a_file.write_text("mine\n")
    one_line_error(run("--db", db.url, "export", str(a_file)), "is a file")
    one_line_error(run("--db", db.url, "export", str(a_file / "sub")), "is a file")
    assert a_file.read_text() == "mine\n"
    existing = tmp_path / "existing"
    existing.mkdir()
    r = run("--db", db.url, "export", str(existing))
    assert r.exit_code == 0, r.output
    assert (existing / "organizations.csv").exists()


def test_synth_onto_a_file_is_refused(tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("mine\n")
    one_line_error(run("synth", "--out", str(a_file), "--instruments", "50"), "is a file")
    assert a_file.read_text() == "mine\n"


def test_export_into_proc_is_refused_in_one_line(db):
    # /proc exists and is a folder nobody may create files in, root included.
    one_line_error(run("--db", db.url, "export", "/proc/metro-export"))


@pytest.mark.parametrize(
    "args",
    [
        ("due", "--at", "9999-12-31", "--within", "30"),
        ("due", "--at", "2026-01-01", "--within", str(10**12)),
        ("status", "--at", "2026-01-01", "--lead", str(10**12)),
        ("status", "--at", "9999-12-31", "--lead", "30"),
    ],
)
def test_dates_past_the_calendar_are_one_line(db, tmp_path, args):
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    assert run("--db", db.url, "load", str(bundle)).exit_code == 0
    r = run("--db", db.url, *args)
    if r.exit_code == 0:  # an answer is fine; a traceback is not
        return
    one_line_error(r)


def test_huge_limit_is_a_usage_error_not_a_driver_error(db):
    r = run("--db", db.url, "notices", "--limit", str(10**20))
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_serve_refuses_a_port_out_of_range(db):
    one_line_error(run("--db", db.url, "serve", "--port", "99999"), "99999", "65535")
    one_line_error(run("--db", db.url, "serve", "--port", "0"), "--port 0")


def test_notices_for_an_unknown_owner_exit_1(db):
    one_line_error(run("--db", db.url, "notices", "--owner", "NOBODY"), "NOBODY")


def test_a_real_process_prints_no_traceback(tmp_path):
    env = {**os.environ, "METRO_DATABASE_URL": f"sqlite:///{tmp_path}/x/y.db"}
    p = subprocess.run(
        [sys.executable, "-m", "metro", "notices"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().count("\n") == 0 and "does not exist" in p.stderr
    assert not Path(tmp_path / "x").exists()


def test_serve_on_a_taken_port_is_one_line(db):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        one_line_error(run("--db", db.url, "serve", "--port", port), port, "cannot listen")
