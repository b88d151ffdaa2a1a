"""The one connect-and-check-schema helper (metro.db.connect): URLs, files, servers, schemas."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from metro.db import connect
from metro.db.connect import BadDatabaseUrl, DatabaseUnavailable, SchemaMismatch


def test_plain_postgresql_urls_mean_psycopg_3():
    assert connect.parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert connect.parse_url("sqlite:///x.db").drivername == "sqlite"
    with pytest.raises(BadDatabaseUrl, match="not supported"):
        connect.parse_url("sqlite+aiosqlite:///x.db")


def test_init_creates_a_new_file_other_commands_do_not(tmp_path):
    path = tmp_path / "new.db"
    with pytest.raises(SchemaMismatch, match="metro init"):
        connect.open_database(f"sqlite:///{path}")
    assert not path.exists()
    eng = connect.open_database(f"sqlite:///{path}", create=True)
    assert eng.dialect.name == "sqlite"
    eng.dispose()


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="is a folder"):
        connect.open_database(f"sqlite:///{tmp_path}")


def test_the_schema_must_be_this_codes(db):
    connect.check_schema(db.engine)  # migrated: fine
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    with pytest.raises(SchemaMismatch, match=r"older than .* run `metro init`"):
        connect.check_schema(db.engine)
    connect.check_not_newer(db.engine)  # init may upgrade an old schema


@pytest.mark.parametrize(
    ("driver_message", "needle"),
    [
        ("attempt to write a readonly database", "is read-only"),
        ("cannot execute INSERT in a read-only transaction", "is read-only"),
        ("file is not a database", "is not a SQLite file"),
        ("database is locked", "is busy"),
        ("connection failed: something\nelse", "something else"),
    ],
)
def test_driver_errors_become_one_line_domain_errors(driver_message, needle):
    exc = OperationalError("SELECT 1", {}, Exception(driver_message))
    err = connect.database_error(exc, "postgresql://u:secret@h/db")
    assert isinstance(err, DatabaseUnavailable)
    assert needle in err.message and "\n" not in err.message
    assert "secret" not in err.message


def test_a_server_asks_for_its_pool(db):
    eng = connect.open_database(db.url, pool_size=7)
    try:
        assert eng.pool.size() == 7  # type: ignore[attr-defined]
    finally:
        eng.dispose()
