"""What a load knows while it checks rows: every key in the database and in the bundle so far.

Ids are assigned here, before anything is written, so rows can point at rows of earlier files
and be written in bulk. An id below ``first_new[table]`` belongs to a row stored before this load.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from metro.bundle.issues import BundleIssue
from metro.db import bulk
from metro.db.models import (
    Capability,
    Certificate,
    ChangeLog,
    Instrument,
    Organization,
    Standard,
)


@dataclass
class LoadState:
    conn: Connection
    actor: str
    now: datetime
    issues: list[BundleIssue] = field(default_factory=list)
    orgs: dict[str, int] = field(default_factory=dict)
    standards: dict[str, tuple[int, str]] = field(default_factory=dict)
    standard_kinds: dict[int, list[str]] = field(default_factory=dict)
    instruments: dict[str, tuple[int, str]] = field(default_factory=dict)
    # instrument id -> interval_months (kept with each certificate recorded for it)
    intervals: dict[int, int | None] = field(default_factory=dict)
    # standard id -> owner id (a lab's bundle cites only its own standards)
    standard_owners: dict[int, int] = field(default_factory=dict)
    # The actor's organization id when its bundle is scoped to it (a lab), else None.
    scope: int | None = None
    certificates: dict[tuple[int, str], int] = field(default_factory=dict)
    # certificate id -> (kind of subject: "s" standard / "i" instrument, subject id)
    subjects: dict[int, tuple[str, int]] = field(default_factory=dict)
    # certificate number -> id, or -1 where several issuers use the number
    numbers: dict[str, int] = field(default_factory=dict)
    first_new: dict[str, int] = field(default_factory=dict)
    _next: dict[str, int] = field(default_factory=dict)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    load_change_id: int = 0

    @property
    def writing(self) -> bool:
        """Rows are written only while the bundle is clean; checking goes on regardless."""
        return not self.issues

    def allocate(self, table: Table) -> int:
        name = table.name
        if name not in self._next:
            self._next[name] = self.first_new[name] = bulk.next_id(self.conn, table)
        n = self._next[name]
        self._next[name] = n + 1
        return n

    def is_new(self, table: Table, id_: int) -> bool:
        return id_ >= self.first_new.get(table.name, 1 << 62)

    def count(self, file: str, what: str, n: int = 1) -> None:
        self.counts.setdefault(file, Counter())[what] += n

    # --- reading what is stored -----------------------------------------------------------

    def read_keys(self) -> None:
        c = self.conn
        self.orgs = dict(c.execute(select(Organization.code, Organization.id)).all())
        self.standards = {}
        for code, id_, level, owner in c.execute(
            select(Standard.code, Standard.id, Standard.level, Standard.owner_id)
        ):
            self.standards[code] = (id_, level)
            self.standard_owners[id_] = owner
        for sid, kind in c.execute(
            select(Capability.standard_id, Capability.quantity).order_by(Capability.id)
        ):
            self.standard_kinds.setdefault(sid, []).append(kind)
        self.instruments = {}
        for code, id_, q, months in c.execute(
            select(Instrument.code, Instrument.id, Instrument.quantity, Instrument.interval_months)
        ):
            self.instruments[code] = (id_, q)
            self.intervals[id_] = months
        cols = (
            Certificate.id,
            Certificate.issuer_id,
            Certificate.number,
            Certificate.subject_standard_id,
            Certificate.subject_instrument_id,
        )
        for cid, issuer, number, ss, si in c.execute(select(*cols)):
            self.remember_certificate(cid, issuer, number, ("s", ss) if ss else ("i", si or 0))

    def remember_certificate(
        self, cid: int, issuer_id: int, number: str, subject: tuple[str, int]
    ) -> None:
        self.certificates[(issuer_id, number)] = cid
        self.subjects[cid] = subject
        other = self.numbers.get(number)
        self.numbers[number] = cid if other is None else -1

    # --- writing ----------------------------------------------------------------------------

    def log(
        self,
        action: str,
        object_type: str,
        object_key: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        self.log_many([(action, object_type, object_key, before, after)])

    def log_many(
        self,
        entries: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]],
    ) -> None:
        if not entries:
            return
        self.conn.execute(
            insert(ChangeLog),
            [
                {
                    "at": self.now,
                    "actor": self.actor,
                    "action": a,
                    "object_type": t,
                    "object_key": k,
                    "before": b,
                    "after": af,
                }
                for a, t, k, b, af in entries
            ],
        )

    def update_row(self, table: Table, id_: int, values: dict[str, Any]) -> None:
        """Update one stored row from driver-form values (ISO date strings become dates)."""
        fixed = {}
        for k, v in values.items():
            if isinstance(v, str) and table.c[k].type.python_type is date:
                v = date.fromisoformat(v)
            fixed[k] = v
        self.conn.execute(update(table).where(table.c.id == id_).values(fixed))
