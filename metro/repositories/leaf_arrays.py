"""The instrument leaves read in bulk: 10⁶ instruments, several 10⁶ certificates and
references, as numpy arrays (the province pass, :mod:`metro.traceability.leaves`).

Core selects compiled for the dialect, read through the driver's cursor a partition at a time
(:func:`raw_chunks`) straight into arrays: dates come out of SQL as integer day numbers
(:class:`~metro.repositories.traceability.day_number`), quantity kinds as their index in the
catalogue (:func:`kind_codes`), so that nothing is built per row. A :class:`Subset` reads one
owner's instruments or a set of ids instead of the whole table (an enterprise's board).
Revoked certificates are dropped in numpy, not in the WHERE clause (see
:mod:`metro.repositories.traceability`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, case, func, select

from metro.db.models import Certificate, CertificateReference, Instrument
from metro.quantity_kinds import kinds
from metro.repositories.traceability import NO_DAY, AnySelect, chunks, day_number

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_PARTITION: Final = 50_000


def kind_codes() -> tuple[str, ...]:
    """The catalogue order: a kind's index in bulk arrays."""
    return tuple(kinds())


def _kind_index(column: Any) -> Any:
    return case({code: i for i, code in enumerate(kind_codes())}, value=column, else_=-1)


@dataclass(frozen=True, slots=True)
class InstrumentArrays:
    """One entry per instrument, sorted by id; ``kind`` indexes :func:`kind_codes`."""

    id: IntArray
    owner_id: IntArray
    kind: IntArray
    range_min: FloatArray
    range_max: FloatArray
    mpe_abs: FloatArray
    mpe_rel: FloatArray


#: Bits of a certificate's ``facts`` (one column: a row costs per column read, not per bit).
FAIL_BIT: Final = 1  # concludes fail
REVOKED_BIT: Final = 2
VERIFICATION_BIT: Final = 4  # a verification (检定), not a calibration
PASS_BIT: Final = 8  # concludes pass (neither bit: no conclusion)


@dataclass(frozen=True, slots=True)
class CertificateArrays:
    """Non-revoked instrument certificates; days are :func:`to_day` numbers.

    ``valid_until`` is :data:`NO_DAY` when the certificate gives none; ``interval_months`` is
    the interval kept with the certificate, 0 when none was; ``facts`` holds the ``*_BIT`` flags
    (the conclusion, the kind); ``issuer_id`` and the kind are what supervision asks of the
    speaking certificates and of the period's verifications.
    """

    id: IntArray
    instrument_id: IntArray
    calibrated_on: IntArray
    valid_until: IntArray
    interval_months: IntArray
    issuer_id: IntArray
    facts: IntArray

    @property
    def fail(self) -> IntArray:
        """1 where the conclusion is ``fail``."""
        return ((self.facts & FAIL_BIT) != 0).astype(np.int64)


@dataclass(frozen=True, slots=True)
class ReferenceArrays:
    """The whole certificate_references table: (certificate, standard, position)."""

    certificate_id: IntArray
    standard_id: IntArray
    position: IntArray


@cache  # built once: a select (the kind catalogue as a CASE) costs a board ~1 ms
def instrument_statement() -> AnySelect:
    return select(
        Instrument.id,
        Instrument.owner_id,
        _kind_index(Instrument.quantity),
        Instrument.range_min,
        Instrument.range_max,
        Instrument.mpe_abs,
        Instrument.mpe_rel,
    )


@cache
def certificate_statement() -> AnySelect:
    """Every certificate, in table order: a full scan is the fastest read of millions of rows.

    Certificates of standards (instrument -1) and revoked ones are dropped in numpy.
    """
    c = Certificate
    facts = (
        case((c.conclusion == "fail", FAIL_BIT), (c.conclusion == "pass", PASS_BIT), else_=0)
        + case((c.revoked, REVOKED_BIT), else_=0)
        + case((c.kind == "verification", VERIFICATION_BIT), else_=0)
    )
    return select(
        c.id,
        func.coalesce(c.subject_instrument_id, -1),
        day_number(c.calibrated_on),
        func.coalesce(day_number(c.valid_until), NO_DAY),
        facts,
        c.issuer_id,
        func.coalesce(c.interval_months, 0),
    )


@cache
def reference_statement() -> AnySelect:
    return select(
        CertificateReference.certificate_id,
        CertificateReference.standard_id,
        CertificateReference.position,
    )


def raw_chunks(conn: Connection, stmt: AnySelect) -> Iterator[list[tuple[Any, ...]]]:
    """Rows of a Core select, straight from the driver's cursor, a partition at a time.

    The statement is compiled for the connection's dialect with its literals inlined; rows skip
    SQLAlchemy's ``Row`` wrapping (about 1 µs a row, a third of a million-row read). On
    PostgreSQL the cursor is server-side, so the client holds one partition at a time.
    """
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    raw: Any = conn.connection.driver_connection
    cur = raw.cursor(name="metro_bulk") if conn.dialect.name == "postgresql" else raw.cursor()
    try:
        cur.execute(sql)
        while rows := cur.fetchmany(_PARTITION):
            yield rows
    finally:
        cur.close()


def matrix(conn: Connection, stmt: AnySelect, dtype: type, width: int) -> Any:
    """The rows of ``stmt`` as one (n, width) numpy array of ``dtype``."""
    parts: list[Any] = [np.array(rows, dtype=dtype) for rows in raw_chunks(conn, stmt)]
    return np.concatenate(parts) if parts else np.empty((0, width), dtype=dtype)


# --------------------------------------------------------------------------------------------
# Filtered bulk reads: one owner's instruments, or a set of ids (issue 10 item 10)


@dataclass(frozen=True, slots=True)
class Subset:
    """Which instruments a filtered bulk read covers: one owner's, or those ids (both given:
    the ids among the owner's). Neither: the whole table."""

    owner_id: int | None = None
    ids: Collection[int] | None = None

    @property
    def whole(self) -> bool:
        return self.owner_id is None and self.ids is None


def _subset_rows(
    conn: Connection, stmt: AnySelect, subset: Subset, column: Any, dtype: type, width: int
) -> Any:
    """Rows of ``stmt`` whose ``column`` (an instrument id) is in the subset, as a matrix.

    Read like the whole tables (:func:`raw_chunks`): a board's few thousand rows cost more
    as SQLAlchemy ``Row`` objects than the database takes to find them.
    """
    if subset.owner_id is not None:
        stmt = stmt.where(
            column.in_(select(Instrument.id).where(Instrument.owner_id == subset.owner_id))
        )
    batches: Iterable[list[int] | None] = (
        [None] if subset.ids is None else chunks(sorted(set(subset.ids)))
    )
    parts = [
        matrix(conn, stmt if batch is None else stmt.where(column.in_(batch)), dtype, width)
        for batch in batches
    ]
    return np.concatenate(parts) if parts else np.empty((0, width), dtype=dtype)


def instrument_arrays(conn: Connection, subset: Subset | None = None) -> InstrumentArrays:
    """The instruments (all, or a :class:`Subset`) as arrays sorted by id."""
    # one float matrix (ids and kind indexes are exact in a float64), then int columns
    if subset is None or subset.whole:
        m = matrix(conn, instrument_statement(), np.float64, 7)
    else:
        m = _subset_rows(conn, instrument_statement(), subset, Instrument.id, np.float64, 7)
    m = m[np.argsort(m[:, 0], kind="stable")]
    ints = m[:, :3].astype(np.int64)
    return InstrumentArrays(
        ints[:, 0].copy(), ints[:, 1].copy(), ints[:, 2].copy(),
        *(np.ascontiguousarray(m[:, i]) for i in range(3, 7)),
    )


def certificate_arrays(conn: Connection, subset: Subset | None = None) -> CertificateArrays:
    """Non-revoked certificates of the instruments (all, or of a :class:`Subset`)."""
    if subset is None or subset.whole:
        m = matrix(conn, certificate_statement(), np.int64, 7)
    else:
        m = _subset_rows(
            conn, certificate_statement(), subset, Certificate.subject_instrument_id, np.int64, 7
        )
    m = m[(m[:, 1] >= 0) & ((m[:, 4] & REVOKED_BIT) == 0)]
    column = [np.ascontiguousarray(m[:, i]) for i in range(7)]
    return CertificateArrays(
        id=column[0],
        instrument_id=column[1],
        calibrated_on=column[2],
        valid_until=column[3],
        interval_months=column[6],
        issuer_id=column[5],
        facts=column[4],
    )


def reference_arrays(conn: Connection, subset: Subset | None = None) -> ReferenceArrays:
    """The references of every certificate, or of the certificates of a :class:`Subset`'s
    instruments (revoked ones included: they are never looked up)."""
    if subset is None or subset.whole:
        m = matrix(conn, reference_statement(), np.int64, 3)
    else:
        stmt = reference_statement().join(
            Certificate, Certificate.id == CertificateReference.certificate_id
        )
        m = _subset_rows(conn, stmt, subset, Certificate.subject_instrument_id, np.int64, 3)
    return ReferenceArrays(*(np.ascontiguousarray(m[:, i]) for i in range(3)))
