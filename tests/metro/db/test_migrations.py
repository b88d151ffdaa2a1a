"""The schema comes from the Alembic migrations: up from empty, down to empty, as the models."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from metro.db.base import Base
from metro.db.migrate import alembic_config, current_revision, head_revision, upgrade


def test_upgrade_from_empty_then_downgrade(empty_db):
    eng = empty_db.engine
    assert current_revision(eng) is None
    upgrade(eng)
    assert current_revision(eng) == head_revision(eng)
    tables = set(inspect(eng).get_table_names())
    assert {
        "organizations",
        "standards",
        "capabilities",
        "instruments",
        "certificates",
        "certificate_references",
        "results",
        "demands",
        "change_log",
    } <= tables
    command.downgrade(alembic_config(eng), "base")
    assert set(inspect(eng).get_table_names()) <= {"alembic_version"}


def test_upgrade_twice_is_a_no_op(empty_db):
    upgrade(empty_db.engine)
    upgrade(empty_db.engine)
    assert current_revision(empty_db.engine) == head_revision(empty_db.engine)


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_due_and_status_indexes_exist(db):
    names = {ix["name"] for ix in inspect(db.engine).get_indexes("certificates")}
    assert {
        "ix_certificates_due",
        "ix_certificates_instrument_timeline",
        "ix_certificates_standard_timeline",
    } <= names


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE change_log SET actor = 'mallory'",
        "DELETE FROM change_log",
    ],
)
def test_change_log_is_append_only(db, statement):
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO change_log (at, actor, action, object_type, object_key) "
                "VALUES (CURRENT_TIMESTAMP, 'test', 'create', 'standard', 'S1')"
            )
        )
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM change_log")).scalar_one() == "test"
