"""Queries of the calibration-interval feature: the as-found history in bulk, proposals, changes.

The history of a scope (one owner's instruments, one group, or the whole province) is read as
columns (Core selects through the driver's cursor, no ORM objects): instruments, their
non-revoked certificates sorted by (instrument, day), and the result points of ``none``
certificates. Dates come out as day numbers (days since 1970-01-01, as in the traceability
reads). Nothing here judges a result or proposes an interval: that is ``metro.model.intervals``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, and_, case, func, insert, select, update

from metro.db.models import (
    Certificate,
    Instrument,
    IntervalChange,
    IntervalProposal,
    Organization,
    Result,
)
from metro.repositories.leaf_arrays import raw_chunks
from metro.repositories.traceability import day_number

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class Scope:
    """Which instruments: all, one owner's, one owner's of one kind, or one instrument."""

    owner_id: int | None = None
    kind: str | None = None
    instrument_id: int | None = None

    def where(self) -> list[Any]:
        out: list[Any] = []
        if self.owner_id is not None:
            out.append(Instrument.owner_id == self.owner_id)
        if self.kind is not None:
            out.append(Instrument.quantity == self.kind)
        if self.instrument_id is not None:
            out.append(Instrument.id == self.instrument_id)
        return out


@dataclass(frozen=True, slots=True)
class InstrumentColumns:
    """One entry per instrument, sorted by id; ``interval`` is -1 when none is set."""

    id: IntArray
    code: ObjArray
    owner: ObjArray
    kind: ObjArray
    interval: IntArray
    mandatory: npt.NDArray[np.bool_]
    mpe_abs: FloatArray
    mpe_rel: FloatArray


@dataclass(frozen=True, slots=True)
class CertificateColumns:
    """Non-revoked instrument certificates sorted by (instrument, day, id); ``conclusion`` codes
    0 pass, 1 fail, 2 none."""

    id: IntArray
    instrument_id: IntArray
    day: IntArray
    conclusion: npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True)
class PointColumns:
    """Result points of ``none`` certificates (canonical units)."""

    certificate_id: IntArray
    nominal: FloatArray
    measured: FloatArray


@dataclass(frozen=True, slots=True)
class ProposalRow:
    id: int
    instrument_id: int
    method: str
    target: float
    at: date
    current_months: int
    proposed_months: int
    n: int
    in_tolerance: int
    reason: str
    history_key: str


@dataclass(frozen=True, slots=True)
class InstrumentRef:
    id: int
    code: str
    owner_id: int
    owner: str
    kind: str
    interval: int | None
    mandatory: bool


def instrument_ref(conn: Connection, code: str) -> InstrumentRef | None:
    row = conn.execute(
        select(
            Instrument.id,
            Instrument.code,
            Instrument.owner_id,
            Organization.code,
            Instrument.quantity,
            Instrument.interval_months,
            Instrument.mandatory,
        )
        .join(Organization, Organization.id == Instrument.owner_id)
        .where(Instrument.code == code)
    ).first()
    return None if row is None else InstrumentRef(*row)


def _rows(conn: Connection, stmt: Any) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for part in raw_chunks(conn, stmt):
        out.extend(part)
    return out


def instruments(conn: Connection, scope: Scope) -> InstrumentColumns:
    stmt = (
        select(
            Instrument.id,
            Instrument.code,
            Organization.code,
            Instrument.quantity,
            func.coalesce(Instrument.interval_months, -1),
            case((Instrument.mandatory, 1), else_=0),
            Instrument.mpe_abs,
            Instrument.mpe_rel,
        )
        .join(Organization, Organization.id == Instrument.owner_id)
        .where(*scope.where())
        .order_by(Instrument.id)
    )
    rows = _rows(conn, stmt)
    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    return InstrumentColumns(
        id=np.array(cols[0], dtype=np.int64),
        code=np.array(cols[1], dtype=object),
        owner=np.array(cols[2], dtype=object),
        kind=np.array(cols[3], dtype=object),
        interval=np.array(cols[4], dtype=np.int64),
        mandatory=np.array(cols[5], dtype=bool),
        mpe_abs=np.array(cols[6], dtype=np.float64),
        mpe_rel=np.array(cols[7], dtype=np.float64),
    )


def certificates(conn: Connection, scope: Scope, *, until: date) -> CertificateColumns:
    """Certificates calibrated on or before ``until``; revoked ones are dropped in numpy (a
    ``revoked = false`` in SQL sends SQLite down the due index, as traceability notes)."""
    stmt = select(
        Certificate.id,
        func.coalesce(Certificate.subject_instrument_id, -1),
        day_number(Certificate.calibrated_on),
        case((Certificate.conclusion == "pass", 0), (Certificate.conclusion == "fail", 1), else_=2),
        case((Certificate.revoked, 1), else_=0),
    ).where(Certificate.calibrated_on <= until)
    where = scope.where()
    if where:
        stmt = stmt.join(Instrument, Instrument.id == Certificate.subject_instrument_id).where(
            *where
        )
    parts = [np.array(p, dtype=np.int64) for p in raw_chunks(conn, stmt)]
    m = np.concatenate(parts) if parts else np.empty((0, 5), dtype=np.int64)
    m = m[(m[:, 4] == 0) & (m[:, 1] > 0)] if len(m) else m
    order = np.lexsort((m[:, 0], m[:, 2], m[:, 1]))
    m = m[order]
    return CertificateColumns(
        id=np.ascontiguousarray(m[:, 0]),
        instrument_id=np.ascontiguousarray(m[:, 1]),
        day=np.ascontiguousarray(m[:, 2]),
        conclusion=m[:, 3].astype(np.int8),
    )


def points(conn: Connection, scope: Scope, *, until: date) -> PointColumns:
    """Points of the scope's ``none`` certificates calibrated on or before ``until``."""
    stmt = (
        select(Result.certificate_id, Result.nominal, Result.measured)
        .join(Certificate, Certificate.id == Result.certificate_id)
        .where(
            Certificate.conclusion == "none",
            Certificate.subject_instrument_id.is_not(None),
            Certificate.calibrated_on <= until,
        )
    )
    where = scope.where()
    if where:
        stmt = stmt.join(Instrument, Instrument.id == Certificate.subject_instrument_id).where(
            *where
        )
    rows = _rows(conn, stmt)
    m = np.array(rows, dtype=np.float64) if rows else np.empty((0, 3))
    return PointColumns(m[:, 0].astype(np.int64), m[:, 1].copy(), m[:, 2].copy())


def accepted_days(conn: Connection, scope: Scope) -> dict[int, int]:
    """Instrument id → day number of the latest accepted interval change."""
    stmt = select(
        IntervalChange.instrument_id, func.max(day_number(IntervalChange.accepted_on))
    ).group_by(IntervalChange.instrument_id)
    where = scope.where()
    if where:
        stmt = stmt.join(Instrument, Instrument.id == IntervalChange.instrument_id).where(*where)
    return {int(i): int(d) for i, d in conn.execute(stmt)}


def latest_history_keys(conn: Connection, method: str) -> dict[int, str]:
    """Instrument id → history key of its latest stored proposal by ``method``."""
    latest = (
        select(func.max(IntervalProposal.id))
        .where(IntervalProposal.method == method)
        .group_by(IntervalProposal.instrument_id)
        .scalar_subquery()
    )
    stmt = select(IntervalProposal.instrument_id, IntervalProposal.history_key).where(
        IntervalProposal.id.in_(latest)
    )
    return {int(i): str(k) for i, k in conn.execute(stmt)}


def add_proposals(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Store proposals (dicts of ``interval_proposals`` columns); Core executemany."""
    if rows:
        conn.execute(insert(IntervalProposal), list(rows))
    return len(rows)


def latest_proposal(conn: Connection, instrument_id: int) -> ProposalRow | None:
    p = IntervalProposal
    row = conn.execute(
        select(
            p.id,
            p.instrument_id,
            p.method,
            p.target,
            p.at,
            p.current_months,
            p.proposed_months,
            p.n,
            p.in_tolerance,
            p.reason,
            p.history_key,
        )
        .where(p.instrument_id == instrument_id)
        .order_by(p.id.desc())
        .limit(1)
    ).first()
    return None if row is None else ProposalRow(*row)


def set_interval(conn: Connection, instrument_id: int, months: int, *, change_id: int) -> None:
    conn.execute(
        update(Instrument)
        .where(Instrument.id == instrument_id)
        .values(interval_months=months, change_id=change_id)
    )


def add_change(
    conn: Connection,
    *,
    instrument_id: int,
    accepted_on: date,
    before: int | None,
    after: int,
    proposal_id: int | None,
    change_id: int,
) -> int:
    return int(
        conn.execute(
            insert(IntervalChange)
            .values(
                instrument_id=instrument_id,
                accepted_on=accepted_on,
                before_months=before,
                after_months=after,
                proposal_id=proposal_id,
                change_id=change_id,
            )
            .returning(IntervalChange.id)
        ).scalar_one()
    )


def changes(conn: Connection, instrument_ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = [int(i) for i in instrument_ids]
    stmt = (
        select(IntervalChange)
        .where(and_(IntervalChange.instrument_id.in_(ids)))
        .order_by(IntervalChange.id)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]
