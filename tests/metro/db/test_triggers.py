"""The change log's guards survive an operator: `metro init` puts back a dropped trigger, and
PostgreSQL refuses TRUNCATE of the log (issue 9 item 10)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from typer.testing import CliRunner

from metro.cli import app
from metro.db import triggers

runner = CliRunner()


def _log_one(db) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO change_log (at, actor, action, object_type, object_key) "
                "VALUES (CURRENT_TIMESTAMP, 'test', 'create', 'standard', 'S1')"
            )
        )


def _drop(db, name: str) -> None:
    on = "" if db.backend == "sqlite" else " ON change_log"
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP TRIGGER {name}{on}"))


def test_every_guard_is_installed_by_the_migrations(db):
    with db.engine.connect() as conn:
        assert triggers.present(conn) == set(triggers.triggers(db.backend))


def test_init_recreates_every_dropped_guard(db):
    names = sorted(triggers.triggers(db.backend))
    for name in names:
        _drop(db, name)
    with db.engine.connect() as conn:
        assert triggers.present(conn) == set()
    r = runner.invoke(app, ["--db", db.url, "init", "--json"])
    assert r.exit_code == 0, r.output
    assert sorted(json.loads(r.stdout)["restored_triggers"]) == names
    with db.engine.connect() as conn:
        assert triggers.present(conn) == set(names)
    _log_one(db)
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log"))
    again = runner.invoke(app, ["--db", db.url, "init", "--json"])
    assert json.loads(again.stdout)["restored_triggers"] == []


def test_init_says_which_guard_it_put_back(db):
    name = sorted(triggers.triggers(db.backend))[0]
    _drop(db, name)
    r = runner.invoke(app, ["--db", db.url, "init"])
    assert r.exit_code == 0, r.output
    assert name in r.stdout


def test_postgresql_refuses_truncate_of_the_change_log(db):
    if db.backend != "postgresql":
        # SQLite has no TRUNCATE; its "DELETE FROM change_log" is the DELETE guard's.
        assert "change_log_no_truncate" not in triggers.triggers(db.backend)
        return
    _log_one(db)
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("TRUNCATE change_log CASCADE"))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM change_log")).scalar_one() == 1
