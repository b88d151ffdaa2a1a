"""Shared fixtures: a fresh, migrated database per test on SQLite and (when
``METRO_TEST_DATABASE_URL`` is set) on PostgreSQL.

The schema always comes from the Alembic migrations. Each SQLite test gets a copy of a database
file migrated once per session; each PostgreSQL test gets its own schema, migrated and dropped
afterwards. Tests commit for real (the loader's all-or-nothing promise is about real
transactions), so isolation is by database, not by a rolled-back outer transaction.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from metro.db.engine import make_engine
from metro.db.migrate import upgrade

PG_URL = os.environ.get("METRO_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@dataclass
class Database:
    url: str
    engine: Engine
    backend: str


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "metro.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


def _pg_schema_url(schema: str) -> str:
    assert PG_URL
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "metro.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        eng = make_engine(url)
        yield Database(url, eng, "sqlite")
        eng.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _pg_schema_url(schema)
    eng = make_engine(url)
    upgrade(eng)
    try:
        yield Database(url, eng, "postgresql")
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with no schema at all (for migration tests), SQLite only."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    eng = make_engine(url)
    yield Database(url, eng, "sqlite")
    eng.dispose()
