"""The shape every bundle file's handler shares: check rows, then write new and changed ones.

A handler's ``check`` turns one row into a ``Record`` (or None when the row is bad); ``flush``
writes a chunk of records: new ones in bulk, stored ones compared with what the database holds
and updated, with a change-log entry, only where they differ.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, ClassVar, NamedTuple

from sqlalchemy import Connection, Table

from metro.bundle.cells import Row
from metro.bundle.contract import FILES
from metro.bundle.state import LoadState
from metro.db import bulk


class Record(NamedTuple):
    id: int
    new: bool
    bundle_row: tuple[str, ...]  # normalized text, as export writes it
    values: tuple[Any, ...]  # driver-form values in ``Handler.columns`` order


class Handler:
    file: ClassVar[str]
    table: ClassVar[Table]
    columns: ClassVar[tuple[str, ...]]
    object_type: ClassVar[str]
    # Per-object "create" entries in the change log (cheap tables); bulk tables use change_id.
    log_creates: ClassVar[bool] = False
    stored_rows: ClassVar[
        Callable[[Connection, Collection[int]], Iterator[tuple[int, tuple[str, ...]]]]
    ]

    def __init__(self, state: LoadState) -> None:
        self.state = state
        self.seen: set[object] = set()

    def check(self, row: Row) -> Record | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> None:
        """Called after the last chunk (handlers that group rows write them here)."""

    def review(self, records: list[Record]) -> None:
        """Called for every chunk, clean bundle or not, before ``flush``: checks that need the
        stored rows (a handler that reports differences as row errors does it here)."""

    def duplicate(self, row: Row, column: str, key: object, value: str) -> bool:
        if key in self.seen:
            row.fail(column, value, f"duplicate: {column} {value!r} appears twice in this file")
            return True
        self.seen.add(key)
        return False

    def log_key(self, bundle_row: tuple[str, ...]) -> str:
        return bundle_row[0]

    def as_dict(self, bundle_row: Sequence[str]) -> dict[str, str]:
        return dict(zip(FILES[self.file], bundle_row, strict=True))

    def flush(self, records: list[Record]) -> None:
        st = self.state
        new = [r.values for r in records if r.new]
        bulk.insert_rows(st.conn, self.table, self.columns, new)
        st.count(self.file, "created", len(new))
        if self.log_creates and new:
            st.log_many(
                [
                    (
                        "create",
                        self.object_type,
                        self.log_key(r.bundle_row),
                        None,
                        self.as_dict(r.bundle_row),
                    )
                    for r in records
                    if r.new
                ]
            )
        stored = {r.id: r for r in records if not r.new}
        if not stored:
            return
        for id_, current in type(self).stored_rows(st.conn, stored.keys()):
            rec = stored[id_]
            if current == rec.bundle_row:
                st.count(self.file, "unchanged")
                continue
            self.update(rec, current)
            st.count(self.file, "updated")

    def update(self, rec: Record, current: tuple[str, ...]) -> None:
        st = self.state
        values = dict(zip(self.columns, rec.values, strict=True))
        values.pop("id")
        values.pop("change_id", None)
        st.update_row(self.table, rec.id, values)
        st.log(
            "update",
            self.object_type,
            self.log_key(rec.bundle_row),
            self.as_dict(current),
            self.as_dict(rec.bundle_row),
        )
