"""The query behind public verification: every certificate with a number, with its issuer,
subject code and whether a later certificate supersedes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, exists, func, select
from sqlalchemy.orm import aliased

from metro.db.models import Certificate, Instrument, Organization, Standard


@dataclass(frozen=True, slots=True)
class VerifiedRow:
    number: str
    issuer: str
    issuer_name: str
    kind: str
    subject: str
    calibrated_on: date
    valid_until: date | None
    conclusion: str
    interval_months: int | None
    of_instrument: bool
    revoked: bool
    superseded: bool


def certificates_numbered(conn: Connection, number: str) -> list[VerifiedRow]:
    """Certificates of every issuer that carry ``number`` (numbers are unique per issuer)."""
    newer = aliased(Certificate)
    q = (
        select(
            Certificate.number,
            Organization.code,
            Organization.name,
            Certificate.kind,
            func.coalesce(Standard.code, Instrument.code),
            Certificate.calibrated_on,
            Certificate.valid_until,
            Certificate.conclusion,
            Certificate.interval_months,
            Certificate.subject_instrument_id.is_not(None),
            Certificate.revoked,
            exists().where(newer.supersedes_id == Certificate.id),
        )
        .join(Organization, Organization.id == Certificate.issuer_id)
        .outerjoin(Standard, Standard.id == Certificate.subject_standard_id)
        .outerjoin(Instrument, Instrument.id == Certificate.subject_instrument_id)
        .where(Certificate.number == number)
    )
    return [VerifiedRow(*r[:9], bool(r[9]), bool(r[10]), bool(r[11])) for r in conn.execute(q)]
