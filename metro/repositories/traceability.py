"""Queries of the traceability engine: Core selects of plain columns, no ORM objects.

Here, **the standards layer** (a few thousand standards, their capabilities, the certificates
whose subject is a standard), read as frozen dataclasses, either all at once or one standard at
a time (the per-asset walk behind ``metro chain``); one instrument and its certificates; labels
and the day numbers every read shares (days since 1970-01-01, see :class:`day_number`). The
**instrument leaves** (10⁶ instruments and their certificates) are read in bulk as arrays by
:mod:`metro.repositories.leaf_arrays`.

Revoked certificates are void everywhere (DESIGN.md): every certificate read here leaves them
out — in Python or numpy, not in the WHERE clause, where ``revoked = false`` would send SQLite
down the ``(revoked, valid_until, id)`` index through every certificate of the province. The
reference table is read whole; references of a revoked certificate are never looked up.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Final, Literal

from sqlalchemy import Connection, Integer, Select, bindparam, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from metro.db.models import (
    Capability,
    Certificate,
    CertificateReference,
    Instrument,
    Organization,
    Standard,
)
from metro.model.capability import CapabilityRow, InstrumentRow
from metro.model.examination import StandardRow
from metro.model.validity import CertificateRow

__all__ = [
    "NO_DAY", "AssetRef", "CapabilityRow", "CertificateRow", "InstrumentRow", "StandardRow",
    "UseRow", "from_day", "to_day",
]

# --------------------------------------------------------------------------------------------
# Day numbers

_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
#: The day number standing for "no date" (a certificate without ``valid_until``): before all.
NO_DAY: Final = -(2**31) + 1


def to_day(d: date) -> int:
    """Days since 1970-01-01 (negative before)."""
    return d.toordinal() - _EPOCH_ORDINAL


def from_day(n: int) -> date:
    return date.fromordinal(int(n) + _EPOCH_ORDINAL)


class day_number(FunctionElement[int]):
    """``day_number(col)``: a DATE column as days since 1970-01-01, computed by the database."""

    type = Integer()
    name = "day_number"
    inherit_cache = True


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"CAST(julianday({compiler.process(arg, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"({compiler.process(arg, **kw)} - DATE '1970-01-01')"


# --------------------------------------------------------------------------------------------
# Rows of the standards layer


@dataclass(frozen=True, slots=True)
class AssetRef:
    kind: Literal["standard", "instrument"]
    id: int
    code: str


_CHUNK: Final = 5000
AnySelect = Select[*tuple[Any, ...]]


def chunks(ids: Iterable[int], size: int = _CHUNK) -> Iterator[list[int]]:
    """``ids`` in lists of at most ``size`` (an IN list a driver accepts)."""
    batch: list[int] = []
    for i in ids:
        batch.append(int(i))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def find_asset(conn: Connection, code: str) -> AssetRef | None:
    """The standard or instrument with this code (codes are unique across both)."""
    by_standard, by_instrument = _one_instrument_statements()[2:]
    sid = conn.execute(by_standard, {"code": code}).scalar_one_or_none()
    if sid is not None:
        return AssetRef("standard", sid, code)
    iid = conn.execute(by_instrument, {"code": code}).scalar_one_or_none()
    if iid is not None:
        return AssetRef("instrument", iid, code)
    return None


def organization_id(conn: Connection, code: str) -> int | None:
    return conn.execute(
        select(Organization.id).where(Organization.code == code)
    ).scalar_one_or_none()


def organization_codes(conn: Connection, ids: Collection[int] | None = None) -> dict[int, str]:
    stmt = select(Organization.id, Organization.code)
    if ids is None:
        return {i: c for i, c in conn.execute(stmt)}
    out: dict[int, str] = {}
    for batch in chunks(ids):
        out.update({i: c for i, c in conn.execute(stmt.where(Organization.id.in_(batch)))})
    return out


def standards(conn: Connection, ids: Collection[int] | None = None) -> list[StandardRow]:
    stmt = select(
        Standard.id,
        Standard.code,
        Standard.owner_id,
        Organization.code,
        Standard.level,
        Standard.exam_cert,
        Standard.exam_valid_from,
        Standard.exam_valid_until,
        Standard.status,
    ).join(Organization, Organization.id == Standard.owner_id)
    if ids is not None:
        stmt = stmt.where(Standard.id.in_(list(ids)))
    return [StandardRow(*r) for r in conn.execute(stmt.order_by(Standard.id))]


def capabilities(
    conn: Connection, standard_ids: Collection[int] | None = None
) -> list[CapabilityRow]:
    stmt = select(
        Capability.id,
        Capability.standard_id,
        Capability.quantity,
        Capability.range_min,
        Capability.range_max,
        Capability.u_abs,
        Capability.u_rel,
        Capability.k,
    )
    if standard_ids is not None:
        stmt = stmt.where(Capability.standard_id.in_(list(standard_ids)))
    return [CapabilityRow(*r) for r in conn.execute(stmt.order_by(Capability.id))]


def _certificate_statements(where: Any) -> tuple[AnySelect, AnySelect]:
    """The certificate and reference selects of :func:`_certificates`."""
    rows = (
        select(
            Certificate.id,
            Certificate.number,
            Organization.code,
            Certificate.subject_standard_id,
            Certificate.subject_instrument_id,
            Certificate.calibrated_on,
            Certificate.valid_until,
            Certificate.conclusion,
            Certificate.revoked,
            Certificate.interval_months,
        )
        .join(Organization, Organization.id == Certificate.issuer_id)
        .where(where)
        .order_by(Certificate.id)
    )
    refs = (
        select(CertificateReference.certificate_id, CertificateReference.standard_id)
        .where(CertificateReference.certificate_id.in_(select(Certificate.id).where(where)))
        .order_by(CertificateReference.certificate_id, CertificateReference.position)
    )
    return rows, refs


@cache
def _one_instrument_statements() -> tuple[AnySelect, ...]:
    """Built once: a status lookup runs them on every request, and building a select costs
    more than SQLite takes to answer it."""
    by_id = Instrument.id == bindparam("instrument_id")
    rows, _ = _certificate_statements(
        Certificate.subject_instrument_id == bindparam("instrument_id")
    )
    # one round trip: each certificate once per reference (none: once, with a NULL)
    joined = (
        rows.add_columns(CertificateReference.standard_id)
        .outerjoin(CertificateReference, CertificateReference.certificate_id == Certificate.id)
        .order_by(None)
        .order_by(Certificate.id, CertificateReference.position)
    )
    return (
        joined,
        _instrument_statement().where(by_id),
        select(Standard.id).where(Standard.code == bindparam("code")),
        select(Instrument.id).where(Instrument.code == bindparam("code")),
    )


def _certificates(
    conn: Connection, where: Any, statements: tuple[AnySelect, AnySelect] | None = None,
    params: dict[str, Any] | None = None,
) -> list[CertificateRow]:
    """Certificates matching ``where`` with their references, revoked ones left out.

    Revoked certificates are dropped here rather than by ``revoked = false`` in SQL: given that
    condition, SQLite's planner takes the ``(revoked, valid_until, id)`` index and visits every
    certificate of the province instead of the few asked for.
    """
    stmt, ref_stmt = statements or _certificate_statements(where)
    rows = conn.execute(stmt, params).all()
    refs: dict[int, list[int]] = {}
    for cid, sid in conn.execute(ref_stmt, params):
        refs.setdefault(cid, []).append(sid)
    return [_certificate_row(r, refs.get(r[0], ())) for r in rows if not r[8]]


def _certificate_row(r: Any, references: Iterable[int]) -> CertificateRow:
    """A row of :func:`_certificate_statements`' certificate select as a CertificateRow."""
    return CertificateRow(
        id=r[0], number=r[1], issuer=r[2], subject_standard_id=r[3],
        subject_instrument_id=r[4], calibrated_on=r[5], valid_until=r[6],
        conclusion=r[7], references=tuple(references), interval_months=r[9],
    )


def standard_certificates(
    conn: Connection, standard_ids: Collection[int] | None = None
) -> list[CertificateRow]:
    """Non-revoked certificates whose subject is a standard (all, or of the standards given)."""
    if standard_ids is None:
        return _certificates(conn, Certificate.subject_standard_id.is_not(None))
    return _certificates(conn, Certificate.subject_standard_id.in_(list(standard_ids)))


def _instrument_statement() -> AnySelect:
    return select(
        Instrument.id,
        Instrument.code,
        Instrument.owner_id,
        Organization.code,
        Instrument.quantity,
        Instrument.range_min,
        Instrument.range_max,
        Instrument.mpe_abs,
        Instrument.mpe_rel,
    ).join(Organization, Organization.id == Instrument.owner_id)


def instrument(conn: Connection, instrument_id: int) -> InstrumentRow:
    row = conn.execute(
        _one_instrument_statements()[1], {"instrument_id": instrument_id}
    ).one()
    return InstrumentRow(*row)


def instrument_certificates(conn: Connection, instrument_id: int) -> list[CertificateRow]:
    """Non-revoked certificates of one instrument (its timeline), with their references read
    in the same statement."""
    refs: dict[int, list[int]] = {}
    first: dict[int, Any] = {}
    for r in conn.execute(_one_instrument_statements()[0], {"instrument_id": instrument_id}):
        if r[0] not in first:
            first[r[0]] = r
            refs[r[0]] = []
        if r[10] is not None:
            refs[r[0]].append(r[10])
    return [_certificate_row(r, refs[cid]) for cid, r in first.items() if not r[8]]


def certificates(conn: Connection, ids: Iterable[int]) -> dict[int, CertificateRow]:
    """Non-revoked certificates by id (any subject), with their references."""
    out: dict[int, CertificateRow] = {}
    for batch in chunks(ids):
        out.update((c.id, c) for c in _certificates(conn, Certificate.id.in_(batch)))
    return out


@dataclass(frozen=True, slots=True)
class UseRow:
    """A certificate whose subject is an instrument and which used a given standard."""

    id: int
    number: str
    issuer: str
    subject: str
    owner: str
    calibrated_on: date


def instrument_certificates_using(
    conn: Connection, standard_id: int, start: date, end: date | None
) -> list[UseRow]:
    """Instrument certificates that used ``standard_id`` with start ≤ calibrated_on < end."""
    owner = aliased(Organization)
    issuer = aliased(Organization)
    stmt = (
        select(
            Certificate.id,
            Certificate.number,
            issuer.code,
            Instrument.code,
            owner.code,
            Certificate.calibrated_on,
            Certificate.revoked,
        )
        .join(CertificateReference, CertificateReference.certificate_id == Certificate.id)
        .join(Instrument, Instrument.id == Certificate.subject_instrument_id)
        .join(owner, owner.id == Instrument.owner_id)
        .join(issuer, issuer.id == Certificate.issuer_id)
        .where(
            CertificateReference.standard_id == standard_id,
            Certificate.calibrated_on >= start,
        )
        .order_by(Certificate.calibrated_on, Certificate.id)
    )
    if end is not None:
        stmt = stmt.where(Certificate.calibrated_on < end)
    return [UseRow(*r[:6]) for r in conn.execute(stmt) if not r[6]]


def certificate_labels(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """Certificate numbers by id."""
    out: dict[int, str] = {}
    stmt = select(Certificate.id, Certificate.number)
    for batch in chunks(ids):
        out.update({i: n for i, n in conn.execute(stmt.where(Certificate.id.in_(batch)))})
    return out


def instrument_labels(
    conn: Connection, ids: Iterable[int] | None = None
) -> dict[int, tuple[str, int]]:
    """``id → (code, owner_id)`` for the instruments given, or all of them."""
    stmt = select(Instrument.id, Instrument.code, Instrument.owner_id)
    if ids is None:
        return {i: (c, o) for i, c, o in conn.execute(stmt)}
    out: dict[int, tuple[str, int]] = {}
    for batch in chunks(ids):
        out.update({i: (c, o) for i, c, o in conn.execute(stmt.where(Instrument.id.in_(batch)))})
    return out


def instrument_ids(conn: Connection, codes: Iterable[str]) -> list[int]:
    """Ids of the instruments with these codes (codes of standards or unknown: skipped)."""
    out: list[int] = []
    stmt = select(Instrument.id)
    batch: list[str] = []
    for code in [*codes, None]:
        if code is not None:
            batch.append(code)
        if batch and (code is None or len(batch) == _CHUNK):
            out.extend(conn.execute(stmt.where(Instrument.code.in_(batch))).scalars())
            batch = []
    return sorted(out)


def instruments(conn: Connection, ids: Iterable[int]) -> dict[int, InstrumentRow]:
    out: dict[int, InstrumentRow] = {}
    stmt = _instrument_statement()
    for batch in chunks(ids):
        for r in conn.execute(stmt.where(Instrument.id.in_(batch))):
            out[r[0]] = InstrumentRow(*r)
    return out
