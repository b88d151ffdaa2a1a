"""Queries of legal-metrology supervision: Core selects read straight into numpy arrays.

The traceability pass (:mod:`metro.traceability.province`) already gives every instrument's
status and the certificate that speaks for it; supervision adds what that pass does not read:

* the mandatory instruments and their usage (:func:`mandatory_instruments`);
* the facts of their certificates — issuer, verification or calibration, conclusion, day —
  for the speaking certificate's flags and for the pass rate (:func:`mandatory_certificates`);
* the organizations (kind and region) and the authorizations (small tables, read whole).

Revoked certificates are dropped in numpy, as the traceability reads do. No rule is applied
here: the flags, authorization and rates live in :mod:`metro.model.supervision`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, case, select

from metro.db.models import Authorization, Certificate, Instrument, Organization
from metro.model.supervision import USAGES
from metro.repositories.traceability import AnySelect, day_number, kind_codes, raw_chunks

IntArray = npt.NDArray[np.int64]

#: A usage's index in bulk arrays is its position here; -1 = not recorded.
USAGE_CODES: Final = tuple(USAGES)
#: Conclusions as codes in :class:`CertificateFacts`.
PASS, FAIL, NONE = 1, 0, 2


def _matrix(conn: Connection, stmt: AnySelect, width: int) -> Any:
    parts = [np.array(rows, dtype=np.int64) for rows in raw_chunks(conn, stmt)]
    return np.concatenate(parts) if parts else np.empty((0, width), dtype=np.int64)


@dataclass(frozen=True, slots=True)
class MandatoryArrays:
    """The mandatory instruments, sorted by id; ``usage`` indexes :data:`USAGE_CODES`."""

    id: IntArray
    usage: IntArray


def mandatory_instruments(conn: Connection) -> MandatoryArrays:
    usage = case({u: i for i, u in enumerate(USAGE_CODES)}, value=Instrument.usage, else_=-1)
    stmt = select(Instrument.id, usage).where(Instrument.mandatory.is_(True))
    m = _matrix(conn, stmt, 2)
    m = m[np.argsort(m[:, 0], kind="stable")]
    return MandatoryArrays(np.ascontiguousarray(m[:, 0]), np.ascontiguousarray(m[:, 1]))


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """Non-revoked certificates of mandatory instruments, sorted by id; days are day numbers,
    ``conclusion`` is :data:`PASS`, :data:`FAIL` or :data:`NONE`."""

    id: IntArray
    instrument_id: IntArray
    issuer_id: IntArray
    verification: IntArray
    conclusion: IntArray
    calibrated_on: IntArray


def mandatory_certificates(conn: Connection) -> CertificateFacts:
    mandatory = select(Instrument.id).where(Instrument.mandatory.is_(True))
    stmt = select(
        Certificate.id,
        Certificate.subject_instrument_id,
        Certificate.issuer_id,
        case((Certificate.kind == "verification", 1), else_=0),
        case((Certificate.conclusion == "pass", PASS), (Certificate.conclusion == "fail", FAIL),
             else_=NONE),
        day_number(Certificate.calibrated_on),
        case((Certificate.revoked, 1), else_=0),
    ).where(Certificate.subject_instrument_id.in_(mandatory))
    m = _matrix(conn, stmt, 7)
    m = m[m[:, 6] == 0]
    m = m[np.argsort(m[:, 0], kind="stable")]
    return CertificateFacts(*(np.ascontiguousarray(m[:, i]) for i in range(6)))


@dataclass(frozen=True, slots=True)
class OrganizationRow:
    id: int
    code: str
    kind: str
    region: str


def organizations(conn: Connection) -> dict[int, OrganizationRow]:
    stmt = select(Organization.id, Organization.code, Organization.kind, Organization.region)
    return {r[0]: OrganizationRow(*r) for r in conn.execute(stmt)}


@dataclass(frozen=True, slots=True)
class AuthorizationRow:
    organization_id: int
    organization: str
    quantity: str
    valid_from: date
    valid_until: date


def authorizations(conn: Connection) -> list[AuthorizationRow]:
    a, o = Authorization, Organization
    stmt = (
        select(a.organization_id, o.code, a.quantity, a.valid_from, a.valid_until)
        .join(o, o.id == a.organization_id)
        .order_by(o.code, a.quantity, a.valid_from)
    )
    return [AuthorizationRow(*r) for r in conn.execute(stmt)]


def kind_index() -> dict[str, int]:
    """A quantity kind's index in the bulk arrays (the catalogue order)."""
    return {k: i for i, k in enumerate(kind_codes())}


def bureau_codes(conn: Connection) -> list[str]:
    """The bureau's organizations (told of the province's supervision)."""
    o = Organization
    stmt = select(o.code).where(o.kind == "bureau").order_by(o.code)
    return list(conn.execute(stmt).scalars())
