"""Create or upgrade the schema with Alembic (the only way tables are made, tests included)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from metro.db import triggers

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> list[str]:
    """Migrate to ``revision``, then put back any change-log guard trigger that is missing
    (an operator may have dropped one; SQLite table rebuilds drop them too). Returns the
    names of the triggers it re-created."""
    command.upgrade(alembic_config(engine), revision)
    with engine.begin() as conn:
        return triggers.ensure(conn)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def known_revision(engine: Engine, revision: str) -> bool:
    """Whether ``revision`` is one of this code's migrations (else the schema is newer)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    return any(r.revision == revision for r in script.walk_revisions())
