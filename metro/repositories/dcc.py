"""Queries behind DCC export and import: one certificate with everything a DCC states about it,
and the look-ups that identify what an incoming DCC names. Core selects, plain dataclasses.

The speaking certificate of each reference is not chosen here (that rule lives in
:mod:`metro.traceability.speaking`): :func:`metro.repositories.traceability.standard_certificates`
gives the timelines.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import Connection, select

from metro.db.models import (
    Capability,
    Certificate,
    CertificateReference,
    Instrument,
    Organization,
    Result,
    Standard,
)
from metro.repositories.traceability import CertificateRow


@dataclass(frozen=True, slots=True)
class Party:
    """An organization as a DCC names it."""

    id: int
    code: str
    name: str
    kind: str
    region: str


@dataclass(frozen=True, slots=True)
class Asset:
    """A standard or an instrument with its owner and the quantity kinds it is measured in."""

    kind: Literal["standard", "instrument"]
    id: int
    code: str
    name: str
    owner: Party
    level: str | None  # standards only
    quantities: tuple[str, ...]
    interval_months: int | None  # instruments only


@dataclass(frozen=True, slots=True)
class Reference:
    id: int
    code: str
    name: str
    owner: str


@dataclass(frozen=True, slots=True)
class ResultRow:
    quantity: str
    nominal_given: str
    measured_given: str
    u_given: str | None
    k_given: str | None


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """One stored certificate with its subject, issuer, references (in order) and results."""

    id: int
    number: str
    issuer: Party
    kind: str
    subject: Asset
    calibrated_on: date
    valid_until: date | None
    conclusion: str
    revoked: bool
    references: tuple[Reference, ...]
    results: tuple[ResultRow, ...]


_PARTY = (
    Organization.id,
    Organization.code,
    Organization.name,
    Organization.kind,
    Organization.region,
)


def organization(conn: Connection, code: str) -> Party | None:
    row = conn.execute(select(*_PARTY).where(Organization.code == code)).first()
    return Party(*row) if row else None


def organizations_named(conn: Connection, name: str) -> list[Party]:
    return [Party(*r) for r in conn.execute(select(*_PARTY).where(Organization.name == name))]


def _party(conn: Connection, org_id: int) -> Party:
    return Party(*conn.execute(select(*_PARTY).where(Organization.id == org_id)).one())


def asset(conn: Connection, code: str) -> Asset | None:
    """The standard or instrument with this code (codes are unique across both)."""
    s = conn.execute(
        select(Standard.id, Standard.code, Standard.name, Standard.owner_id, Standard.level).where(
            Standard.code == code
        )
    ).first()
    if s is not None:
        kinds = conn.execute(
            select(Capability.quantity)
            .where(Capability.standard_id == s[0])
            .order_by(Capability.id)
        ).scalars()
        return Asset(
            "standard",
            s[0],
            s[1],
            s[2],
            _party(conn, s[3]),
            s[4],
            tuple(dict.fromkeys(kinds)),
            None,
        )
    i = conn.execute(
        select(
            Instrument.id,
            Instrument.code,
            Instrument.name,
            Instrument.owner_id,
            Instrument.quantity,
            Instrument.interval_months,
        ).where(Instrument.code == code)
    ).first()
    if i is None:
        return None
    return Asset("instrument", i[0], i[1], i[2], _party(conn, i[3]), None, (i[4],), i[5])


def standards(conn: Connection, codes: Collection[str]) -> dict[str, Reference]:
    """The standards with these codes (absent codes are left out)."""
    if not codes:
        return {}
    rows = conn.execute(
        select(Standard.id, Standard.code, Standard.name, Organization.code)
        .join(Organization, Organization.id == Standard.owner_id)
        .where(Standard.code.in_(list(codes)))
    )
    return {r[1]: Reference(*r) for r in rows}


def instrument_codes(conn: Connection, codes: Collection[str]) -> set[str]:
    if not codes:
        return set()
    return set(
        conn.execute(select(Instrument.code).where(Instrument.code.in_(list(codes)))).scalars()
    )


def certificate_id(conn: Connection, *, issuer: str, number: str) -> int | None:
    return conn.execute(
        select(Certificate.id)
        .join(Organization, Organization.id == Certificate.issuer_id)
        .where(Organization.code == issuer, Certificate.number == number)
    ).scalar_one_or_none()


def certificate_keys(conn: Connection, *, limit: int | None = None) -> list[tuple[str, str]]:
    """(issuer code, number) of stored certificates, oldest first (samples, benchmarks)."""
    stmt = (
        select(Organization.code, Certificate.number)
        .join(Organization, Organization.id == Certificate.issuer_id)
        .order_by(Certificate.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(r[0], r[1]) for r in conn.execute(stmt)]


def certificate(conn: Connection, *, issuer: str, number: str) -> CertificateRecord | None:
    """The certificate ``number`` of ``issuer`` with all a DCC states, or None."""
    row = conn.execute(
        select(
            Certificate.id,
            Certificate.number,
            Certificate.issuer_id,
            Certificate.kind,
            Certificate.subject_standard_id,
            Certificate.subject_instrument_id,
            Certificate.calibrated_on,
            Certificate.valid_until,
            Certificate.conclusion,
            Certificate.revoked,
        )
        .join(Organization, Organization.id == Certificate.issuer_id)
        .where(Organization.code == issuer, Certificate.number == number)
    ).first()
    if row is None:
        return None
    cid = row[0]
    if row[4] is not None:
        code = conn.execute(select(Standard.code).where(Standard.id == row[4])).scalar_one()
    else:
        code = conn.execute(select(Instrument.code).where(Instrument.id == row[5])).scalar_one()
    subject = asset(conn, code)
    assert subject is not None
    refs = conn.execute(
        select(Standard.id, Standard.code, Standard.name, Organization.code)
        .join(CertificateReference, CertificateReference.standard_id == Standard.id)
        .join(Organization, Organization.id == Standard.owner_id)
        .where(CertificateReference.certificate_id == cid)
        .order_by(CertificateReference.position)
    )
    results = conn.execute(
        select(
            Result.quantity,
            Result.nominal_given,
            Result.measured_given,
            Result.u_given,
            Result.k_given,
        )
        .where(Result.certificate_id == cid)
        .order_by(Result.id)
    )
    return CertificateRecord(
        id=cid,
        number=row[1],
        issuer=_party(conn, row[2]),
        kind=row[3],
        subject=subject,
        calibrated_on=row[6],
        valid_until=row[7],
        conclusion=row[8],
        revoked=bool(row[9]),
        references=tuple(Reference(*r) for r in refs),
        results=tuple(ResultRow(*r) for r in results),
    )


def sample_by_quantity(conn: Connection, per_kind: int) -> dict[str, Sequence[tuple[str, str]]]:
    """Up to ``per_kind`` (issuer, number) per result quantity kind: certificates with points."""
    out: dict[str, list[tuple[str, str]]] = {}
    rows = conn.execute(
        select(Result.quantity, Organization.code, Certificate.number)
        .join(Certificate, Certificate.id == Result.certificate_id)
        .join(Organization, Organization.id == Certificate.issuer_id)
        .order_by(Result.quantity, Certificate.id)
    )
    for quantity, issuer, number in rows:
        got = out.setdefault(quantity, [])
        if len(got) < per_kind and (issuer, number) not in got:
            got.append((issuer, number))
    return dict(out)


def reference_certificates(
    conn: Connection, standard_ids: Collection[int], *, until: date
) -> list[CertificateRow]:
    """Non-revoked certificates of these standards calibrated on or before ``until``.

    What :class:`metro.traceability.speaking.Timeline` needs to say which one spoke for each
    reference on a calibration day; their own references are not read (``references=()``).
    """
    if not standard_ids:
        return []
    rows = conn.execute(
        select(
            Certificate.id,
            Certificate.number,
            Organization.code,
            Certificate.subject_standard_id,
            Certificate.calibrated_on,
            Certificate.valid_until,
            Certificate.conclusion,
            Certificate.revoked,
        )
        .join(Organization, Organization.id == Certificate.issuer_id)
        .where(
            Certificate.subject_standard_id.in_(list(standard_ids)),
            Certificate.calibrated_on <= until,
        )
    )
    return [
        CertificateRow(
            id=r[0],
            number=r[1],
            issuer=r[2],
            subject_standard_id=r[3],
            subject_instrument_id=None,
            calibrated_on=r[4],
            valid_until=r[5],
            conclusion=r[6],
            references=(),
        )
        for r in rows
        if not r[7]
    ]
