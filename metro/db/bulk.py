"""Bulk writes without ORM objects: driver executemany on SQLite, COPY on PostgreSQL.

The statement is SQLAlchemy Core's ``insert()`` compiled for the connection's dialect; rows are
plain tuples in column order with ids assigned by the caller, so related rows can be linked
before anything is written. Values must already be in driver form: dates as ISO strings,
booleans as Python bools.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order); returns how many were written."""
    if conn.dialect.name == "postgresql":
        return _copy_rows(conn, table, columns, rows)
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    stmt = insert(table).values({c: None for c in columns})
    sql = str(stmt.compile(dialect=conn.dialect))
    conn.exec_driver_sql(sql, rows)
    return len(rows)


def _copy_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    raw = conn.connection.driver_connection
    assert raw is not None
    cols = ", ".join(f'"{c}"' for c in columns)
    n = 0
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def next_id(conn: Connection, table: Table) -> int:
    """The first free primary key of ``table`` (ids are assigned by the loader).

    Safe only under the load lock (:func:`metro.db.lock.lock_for_load`), taken before the first
    call: ``max(id) + 1`` read by two transactions at once is the same id. On PostgreSQL ids
    already handed out by the table's sequence count as taken too, so a row that another
    transaction inserted by sequence and has not committed yet is never given the same id.
    """
    top = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
    if conn.dialect.name == "postgresql":
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar_one()
        if sequence is not None:
            used = conn.execute(
                text(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")
            ).scalar_one()
            top = max(top, int(used))
    return top + 1


def sync_sequence(conn: Connection, table: Table) -> None:
    """After explicit ids on PostgreSQL, move the id sequence past the largest id."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
        )
    )


ANALYZE_AFTER_ROWS = 10_000


def refresh_statistics(conn: Connection, written: int) -> None:
    """After a bulk write of ``written`` rows on PostgreSQL, refresh the planner's statistics.

    ``ANALYZE`` of the database's tables (a sample of each: about a second on 10⁶
    instruments), inside the load's transaction, which counts its own rows. Autovacuum would
    get there later; until it does, a freshly loaded province has no statistics and the
    planner scans where it should use the indexes (measured on 10⁶ instruments: one
    instrument's lookup took seconds). Small loads leave it to autovacuum; SQLite plans by its
    own rules without statistics and is left as it is.
    """
    if conn.dialect.name != "postgresql" or written < ANALYZE_AFTER_ROWS:
        return
    conn.execute(text("ANALYZE"))
