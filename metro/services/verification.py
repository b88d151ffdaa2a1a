"""Public verification of a certificate by its number and printed code (no sign-in).

Shows issuer, subject code, dates, conclusion and standing — nothing else. A wrong code and an
unknown number are the same 404, so the endpoint does not reveal which numbers exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from metro.errors import NotFound
from metro.model.verification import Standing, code_matches, standing, verification_code
from metro.repositories import verification as repo
from metro.services.accounts import VERIFICATION_CODE, secret


@dataclass(frozen=True, slots=True)
class Verified:
    number: str
    issuer: str
    issuer_name: str
    kind: str
    subject: str
    calibrated_on: date
    valid_until: date | None
    conclusion: str
    standing: Standing

    def as_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "issuer": self.issuer,
            "issuer_name": self.issuer_name,
            "kind": self.kind,
            "subject": self.subject,
            "calibrated_on": self.calibrated_on.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "conclusion": self.conclusion,
            "standing": self.standing,
        }


def code_for(conn: Connection, *, now: datetime, issuer: str, number: str) -> str:
    """The verification code of a certificate (printed on it; shown to its issuer)."""
    return verification_code(secret(conn, name=VERIFICATION_CODE, now=now), issuer, number)


def verify(conn: Connection, *, at: date, now: datetime, number: str, code: str) -> Verified:
    key = secret(conn, name=VERIFICATION_CODE, now=now)
    for r in repo.certificates_numbered(conn, number):
        if code_matches(key, r.issuer, r.number, code):
            return Verified(
                r.number,
                r.issuer,
                r.issuer_name,
                r.kind,
                r.subject,
                r.calibrated_on,
                r.valid_until,
                r.conclusion,
                standing(
                    at=at,
                    conclusion=r.conclusion,
                    of_instrument=r.of_instrument,
                    calibrated_on=r.calibrated_on,
                    valid_until=r.valid_until,
                    interval_months=r.interval_months,
                    revoked=r.revoked,
                    superseded=r.superseded,
                ),
            )
    raise NotFound(f"certificate {number!r}: no certificate with this number and code")
