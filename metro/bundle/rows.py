"""Stored rows as bundle rows: the text a bundle file holds for each stored object.

Export writes these; the loader compares incoming rows with them to tell unchanged objects from
changed ones. Each function yields ``(id, row)`` in id order, optionally for some ids only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import aliased

from metro.bundle.contract import QUALIFIER, REFERENCE_SEPARATOR
from metro.db.models import (
    Capability,
    Certificate,
    CertificateReference,
    Demand,
    Instrument,
    Organization,
    Result,
    Standard,
)

Row = tuple[str, ...]
_CHUNK = 5000


def _s(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _bool(v: bool) -> str:
    return "true" if v else "false"


def _batches(stmt: Select, column: object, ids: Collection[int] | None) -> Iterator[Select]:
    if ids is None:
        yield stmt
        return
    ordered = sorted(ids)
    for i in range(0, len(ordered), _CHUNK):
        yield stmt.where(column.in_(ordered[i : i + _CHUNK]))  # type: ignore[attr-defined]


def organization_rows(
    conn: Connection, ids: Collection[int] | None = None
) -> Iterator[tuple[int, Row]]:
    o = Organization
    stmt = select(o.id, o.code, o.name, o.kind, o.region).order_by(o.id)
    for s in _batches(stmt, o.id, ids):
        for r in conn.execute(s):
            yield r[0], (r[1], r[2], r[3], r[4])


def standard_rows(
    conn: Connection, ids: Collection[int] | None = None
) -> Iterator[tuple[int, Row]]:
    s_, o = Standard, Organization
    stmt = (
        select(
            s_.id,
            s_.code,
            s_.name,
            o.code,
            s_.level,
            s_.exam_cert,
            s_.exam_valid_from,
            s_.exam_valid_until,
            s_.status,
        )
        .join(o, o.id == s_.owner_id)
        .order_by(s_.id)
    )
    for s in _batches(stmt, s_.id, ids):
        for r in conn.execute(s):
            yield r[0], tuple(_s(v) for v in r[1:])


def capability_rows(
    conn: Connection, standard_ids: Collection[int] | None = None
) -> Iterator[tuple[int, Row]]:
    """Capabilities as rows, keyed by their standard's id (several rows per standard)."""
    c, s_ = Capability, Standard
    stmt = (
        select(
            c.standard_id,
            s_.code,
            c.quantity,
            c.range_min_given,
            c.range_max_given,
            c.u_abs_given,
            c.u_rel_given,
            c.k_given,
        )
        .join(s_, s_.id == c.standard_id)
        .order_by(c.id)
    )
    for s in _batches(stmt, c.standard_id, standard_ids):
        for r in conn.execute(s):
            yield r[0], tuple(_s(v) for v in r[1:])


def instrument_rows(
    conn: Connection, ids: Collection[int] | None = None
) -> Iterator[tuple[int, Row]]:
    i, o = Instrument, Organization
    stmt = (
        select(
            i.id,
            i.code,
            i.name,
            o.code,
            i.quantity,
            i.range_min_given,
            i.range_max_given,
            i.mpe_abs_given,
            i.mpe_rel_given,
            i.mandatory,
            i.interval_months,
            i.usage,
        )
        .join(o, o.id == i.owner_id)
        .order_by(i.id)
    )
    for s in _batches(stmt, i.id, ids):
        for r in conn.execute(s):
            yield (
                r[0],
                (r[1], r[2], r[3], r[4], r[5], r[6], _s(r[7]), _s(r[8]), _bool(r[9]), _s(r[10]),
                 _s(r[11])),
            )


def _references(conn: Connection, ids: Collection[int] | None) -> Iterator[tuple[int, str]]:
    ref, s_ = CertificateReference, Standard
    stmt = (
        select(ref.certificate_id, s_.code)
        .join(s_, s_.id == ref.standard_id)
        .order_by(ref.certificate_id, ref.position)
    )
    for s in _batches(stmt, ref.certificate_id, ids):
        yield from conn.execute(s)


def certificate_rows(
    conn: Connection, ids: Collection[int] | None = None
) -> Iterator[tuple[int, Row]]:
    c, o = Certificate, Organization
    ss, si, sup = aliased(Standard), aliased(Instrument), aliased(Certificate)
    stmt = (
        select(
            c.id,
            c.number,
            o.code,
            c.kind,
            ss.code,
            si.code,
            c.calibrated_on,
            c.valid_until,
            c.conclusion,
            c.revoked,
            c.revoked_reason,
            sup.number,
        )
        .join(o, o.id == c.issuer_id)
        .outerjoin(ss, ss.id == c.subject_standard_id)
        .outerjoin(si, si.id == c.subject_instrument_id)
        .outerjoin(sup, sup.id == c.supersedes_id)
        .order_by(c.id)
    )
    # Both streams are in certificate-id order: merge references in as they come.
    refs = _references(conn, ids)
    pending = next(refs, None)
    for s in _batches(stmt, c.id, ids):
        for r in conn.execute(s):
            cid = r[0]
            codes: list[str] = []
            while pending is not None and pending[0] <= cid:
                if pending[0] == cid:
                    codes.append(pending[1])
                pending = next(refs, None)
            yield (
                cid,
                (
                    r[1],
                    r[2],
                    r[3],
                    r[4] or r[5],
                    _s(r[6]),
                    _s(r[7]),
                    r[8],
                    REFERENCE_SEPARATOR.join(codes),
                    "revoked" if r[9] else "valid",
                    r[10] or "",
                    r[11] or "",
                ),
            )


def certificate_labels(conn: Connection, ids: Collection[int]) -> dict[int, str]:
    """ISSUER#NUMBER of the certificates ``ids``."""
    c, o = Certificate, Organization
    stmt = select(c.id, o.code, c.number).join(o, o.id == c.issuer_id)
    out: dict[int, str] = {}
    for s in _batches(stmt, c.id, ids):
        out.update({r[0]: f"{r[1]}{QUALIFIER}{r[2]}" for r in conn.execute(s)})
    return out


def optional_columns_used(conn: Connection, file: str) -> set[str]:
    """The optional columns of ``file`` that some stored row has a value for."""
    c = Certificate
    if file == "instruments.csv":  # supervision's usage
        some = select(Instrument.id).where(Instrument.usage.is_not(None)).limit(1)
        return {"usage"} if conn.execute(some).first() else set()
    if file == "demands.csv":  # the policy's priority field
        some = select(Demand.id).where(Demand.field.is_not(None)).limit(1)
        return {"field"} if conn.execute(some).first() else set()
    if file != "certificates.csv":
        return set()
    used = set()
    if conn.execute(select(c.id).where(c.revoked_reason.is_not(None)).limit(1)).first():
        used.add("reason")
    if conn.execute(select(c.id).where(c.supersedes_id.is_not(None)).limit(1)).first():
        used.add("supersedes")
    return used


def ambiguous_numbers(conn: Connection) -> set[str]:
    """Certificate numbers used by more than one issuer (results.csv must qualify them)."""
    from sqlalchemy import func

    c = Certificate
    stmt = select(c.number).group_by(c.number).having(func.count() > 1)
    return set(conn.execute(stmt).scalars())


def result_rows(
    conn: Connection, certificate_ids: Collection[int] | None = None
) -> Iterator[tuple[int, Row]]:
    """Result points as rows, keyed by their certificate's id."""
    r_, c, o = Result, Certificate, Organization
    ambiguous = ambiguous_numbers(conn)
    stmt = (
        select(
            r_.certificate_id,
            c.number,
            o.code,
            r_.nominal_given,
            r_.measured_given,
            r_.u_given,
            r_.k_given,
        )
        .join(c, c.id == r_.certificate_id)
        .join(o, o.id == c.issuer_id)
        .order_by(r_.id)
    )
    for s in _batches(stmt, r_.certificate_id, certificate_ids):
        for r in conn.execute(s):
            label = f"{r[2]}{QUALIFIER}{r[1]}" if r[1] in ambiguous else r[1]
            yield r[0], (label, r[3], r[4], _s(r[5]), _s(r[6]))


def demand_rows(conn: Connection, ids: Collection[int] | None = None) -> Iterator[tuple[int, Row]]:
    d = Demand
    stmt = select(
        d.id,
        d.code,
        d.quantity,
        d.range_min_given,
        d.range_max_given,
        d.mpe_abs_given,
        d.mpe_rel_given,
        d.region,
        d.count,
        d.field,
    ).order_by(d.id)
    for s in _batches(stmt, d.id, ids):
        for r in conn.execute(s):
            yield r[0], tuple(_s(v) for v in r[1:])
