"""Queries of certificates for the write path: one certificate with its references and
results as the model type, insert, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import aliased

from metro.db.models import Capability as CapabilityTable
from metro.db.models import Certificate as CertificateTable
from metro.db.models import CertificateReference, Organization, Result
from metro.db.models import Instrument as InstrumentTable
from metro.db.models import Standard as StandardTable
from metro.model.certificate import Certificate, ResultPoint

_T = CertificateTable


def find(conn: Connection, issuer: str, number: str) -> tuple[int, Certificate] | None:
    """``(id, certificate)`` of ``issuer``'s ``number``, or None."""
    ss, si, sup = aliased(StandardTable), aliased(InstrumentTable), aliased(CertificateTable)
    r = conn.execute(
        select(
            _T.id,
            _T.kind,
            ss.code,
            si.code,
            _T.calibrated_on,
            _T.valid_until,
            _T.conclusion,
            _T.revoked,
            _T.revoked_reason,
            sup.number,
            _T.interval_months,
            _T.recorded_on,
        )
        .join(Organization, Organization.id == _T.issuer_id)
        .outerjoin(ss, ss.id == _T.subject_standard_id)
        .outerjoin(si, si.id == _T.subject_instrument_id)
        .outerjoin(sup, sup.id == _T.supersedes_id)
        .where(Organization.code == issuer, _T.number == number)
    ).first()
    if r is None:
        return None
    cid = r[0]
    refs = conn.execute(
        select(StandardTable.code)
        .join(CertificateReference, CertificateReference.standard_id == StandardTable.id)
        .where(CertificateReference.certificate_id == cid)
        .order_by(CertificateReference.position)
    ).scalars()
    points = conn.execute(
        select(
            Result.quantity,
            Result.nominal_given,
            Result.measured_given,
            Result.u_given,
            Result.k_given,
            Result.nominal,
            Result.measured,
            Result.u,
            Result.k,
        )
        .where(Result.certificate_id == cid)
        .order_by(Result.id)
    )
    return cid, Certificate(
        number=number,
        issuer=issuer,
        kind=r[1],
        subject=r[2] or r[3],
        calibrated_on=r[4],
        valid_until=r[5],
        conclusion=r[6],
        references=tuple(refs),
        results=tuple(ResultPoint(*p) for p in points),
        revoked=r[7],
        revoked_reason=r[8],
        supersedes=r[9],
        interval_months=r[10],
        recorded_on=r[11],
    )


def subject_kinds(
    conn: Connection, *, standard_id: int | None, instrument_id: int | None
) -> list[str]:
    """The quantity kinds a result of a certificate of this subject may be in."""
    if instrument_id is not None:
        return list(
            conn.execute(
                select(InstrumentTable.quantity).where(InstrumentTable.id == instrument_id)
            ).scalars()
        )
    stmt = (
        select(CapabilityTable.quantity)
        .where(CapabilityTable.standard_id == standard_id)
        .order_by(CapabilityTable.id)
    )
    return list(dict.fromkeys(conn.execute(stmt).scalars()))


def insert_one(
    conn: Connection,
    cert: Certificate,
    *,
    issuer_id: int,
    subject_standard_id: int | None,
    subject_instrument_id: int | None,
    reference_ids: list[int],
    supersedes_id: int | None,
    change_id: int,
) -> int:
    cid = int(
        conn.execute(
            insert(_T)
            .values(
                number=cert.number,
                issuer_id=issuer_id,
                kind=cert.kind,
                subject_standard_id=subject_standard_id,
                subject_instrument_id=subject_instrument_id,
                calibrated_on=cert.calibrated_on,
                valid_until=cert.valid_until,
                conclusion=cert.conclusion,
                revoked=cert.revoked,
                revoked_reason=cert.revoked_reason,
                supersedes_id=supersedes_id,
                interval_months=cert.interval_months,
                recorded_on=cert.recorded_on,
                change_id=change_id,
            )
            .returning(_T.id)
        ).scalar_one()
    )
    if reference_ids:
        conn.execute(
            insert(CertificateReference),
            [
                {"certificate_id": cid, "standard_id": sid, "position": i}
                for i, sid in enumerate(reference_ids)
            ],
        )
    if cert.results:
        conn.execute(
            insert(Result),
            [
                {
                    "certificate_id": cid,
                    "quantity": p.quantity,
                    "nominal_given": p.nominal_given,
                    "measured_given": p.measured_given,
                    "u_given": p.u_given,
                    "k_given": p.k_given,
                    "nominal": p.nominal,
                    "measured": p.measured,
                    "u": p.u,
                    "k": p.k,
                }
                for p in cert.results
            ],
        )
    return cid


def revoke(conn: Connection, id_: int, *, reason: str | None) -> None:
    conn.execute(update(_T).where(_T.id == id_).values(revoked=True, revoked_reason=reason))


def superseded_by(conn: Connection, id_: int) -> str | None:
    """The number of the certificate that replaced ``id_``, if any."""
    return conn.execute(select(_T.number).where(_T.supersedes_id == id_)).scalars().first()


@dataclass(frozen=True, slots=True)
class IssuedRow:
    """One line of a lab's list of the certificates it issued."""

    number: str
    subject: str
    kind: str
    calibrated_on: date
    valid_until: date | None
    conclusion: str
    revoked: bool
    reason: str | None


def issued_by(conn: Connection, issuer: str, *, limit: int = 50) -> list[IssuedRow]:
    """The issuer's certificates, latest calibration first (revoked ones included)."""
    subject = func.coalesce(StandardTable.code, InstrumentTable.code)
    stmt = (
        select(
            _T.number, subject, _T.kind, _T.calibrated_on, _T.valid_until, _T.conclusion,
            _T.revoked, _T.revoked_reason,
        )
        .join(Organization, Organization.id == _T.issuer_id)
        .outerjoin(StandardTable, StandardTable.id == _T.subject_standard_id)
        .outerjoin(InstrumentTable, InstrumentTable.id == _T.subject_instrument_id)
        .where(Organization.code == issuer)
        .order_by(_T.calibrated_on.desc(), _T.id.desc())
        .limit(limit)
    )
    return [IssuedRow(*r) for r in conn.execute(stmt)]
