"""Fixtures: the Hunan seed loaded once per module, and the small province for round trips."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from metro.db.engine import make_engine
from metro.db.migrate import upgrade
from tests.conftest import BACKENDS, PG_URL, Database, _pg_schema_url

SEED = Path(__file__).resolve().parents[3] / "seed_data" / "hunan"
EXAMPLES = Path(__file__).resolve().parent / "examples"
LOADED_AT = datetime(2026, 11, 26, tzinfo=UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def seed_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
) -> Iterator[Database]:
    """The Hunan seed bundle, loaded once per test module (SQLite, and PostgreSQL when set)."""
    from metro.bundle.load import load_bundle

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("seed") / "metro.db"
        shutil.copy(sqlite_template, path)
        db = Database(f"sqlite:///{path}", make_engine(f"sqlite:///{path}"), "sqlite")
        schema = None
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = _pg_schema_url(schema)
        db = Database(url, make_engine(url), "postgresql")
        upgrade(db.engine)
    with db.engine.begin() as conn:
        load_bundle(conn, SEED, actor="system:load", now=LOADED_AT)
    try:
        yield db
    finally:
        db.engine.dispose()
        if schema is not None:
            admin = make_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
