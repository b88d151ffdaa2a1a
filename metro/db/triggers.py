"""The change log's guards: triggers that refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE.

One home for their DDL: the initial migration installs them, and ``metro init`` (through
:func:`metro.db.migrate.upgrade`) puts back any an operator dropped — a guard that can be
removed once and never returns protects nothing. SQLite has no TRUNCATE statement (its
``DELETE FROM`` without WHERE is refused by the DELETE trigger); PostgreSQL's TRUNCATE fires
no row trigger, hence its statement-level ``BEFORE TRUNCATE`` trigger.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

MESSAGE = "change_log is append-only"
FUNCTION = "change_log_append_only"

SQLITE_TRIGGERS: dict[str, str] = {
    f"change_log_no_{verb.lower()}": (
        f"CREATE TRIGGER change_log_no_{verb.lower()} BEFORE {verb} ON change_log "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    for verb in ("UPDATE", "DELETE")
}

POSTGRESQL_FUNCTION = (
    f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
)
POSTGRESQL_TRIGGERS: dict[str, str] = {
    "change_log_append_only": (
        "CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    ),
    "change_log_no_truncate": (
        "CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON change_log "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    ),
}


def triggers(dialect: str) -> dict[str, str]:
    """The guard triggers of a dialect, by name, with their CREATE statement."""
    return SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRESQL_TRIGGERS


def create_statements(dialect: str) -> list[str]:
    """Everything the migration runs to install the guards."""
    head = [] if dialect == "sqlite" else [POSTGRESQL_FUNCTION]
    return head + list(triggers(dialect).values())


def drop_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    return [f"DROP TRIGGER IF EXISTS {name} ON change_log" for name in POSTGRESQL_TRIGGERS] + [
        f"DROP FUNCTION IF EXISTS {FUNCTION}()"
    ]


def present(conn: Connection) -> set[str]:
    """Names of the guard triggers on ``change_log`` now (in the connection's schema)."""
    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'change_log'"
    else:
        sql = (
            "SELECT tgname FROM pg_trigger "
            "WHERE tgrelid = to_regclass('change_log') AND NOT tgisinternal"
        )
    return {str(n) for n in conn.execute(text(sql)).scalars()} & set(triggers(conn.dialect.name))


def has_change_log(conn: Connection) -> bool:
    if conn.dialect.name == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'change_log'"
    else:
        sql = "SELECT count(*) FROM (SELECT to_regclass('change_log') AS t) x WHERE t IS NOT NULL"
    return bool(conn.execute(text(sql)).scalar())


def ensure(conn: Connection) -> list[str]:
    """Create the guard triggers that are missing; returns their names (none: all there)."""
    if not has_change_log(conn):
        return []
    wanted = triggers(conn.dialect.name)
    missing = [name for name in wanted if name not in present(conn)]
    if missing and conn.dialect.name != "sqlite":
        conn.execute(text(POSTGRESQL_FUNCTION))
    for name in missing:
        conn.execute(text(wanted[name]))
    return missing
