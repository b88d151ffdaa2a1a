"""Queries of legal-metrology supervision: Core selects read straight into numpy arrays.

The traceability pass (:mod:`metro.traceability.province`) already gives every instrument's
status and the certificate that speaks for it; supervision adds what that pass does not read:

* the mandatory instruments and their usage (:func:`mandatory_instruments`);
* the facts of the certificates that speak for them — issuer, verification or calibration,
  conclusion (:func:`certificate_facts`, by id);
* the pass rate's counts, one row per instrument, summed in SQL (:func:`period_verifications`);
* the organizations (kind and region) and the authorizations (small tables, read whole).

A speaking certificate is never revoked (the pass skips those); the counts leave revoked ones
out in their sums. No rule is applied here: the flags, authorization and rates live in
:mod:`metro.model.supervision`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, case, func, select

from metro.db.models import Authorization, Certificate, Instrument, Organization
from metro.model.supervision import USAGES
from metro.repositories.leaf_arrays import kind_codes, matrix

IntArray = npt.NDArray[np.int64]

#: A usage's index in bulk arrays is its position here; -1 = not recorded.
USAGE_CODES: Final = tuple(USAGES)
#: Conclusions as codes in :class:`CertificateFacts`.
PASS, FAIL, NONE = 1, 0, 2
_BATCH: Final = 20_000


@dataclass(frozen=True, slots=True)
class MandatoryArrays:
    """The mandatory instruments, sorted by id; ``usage`` indexes :data:`USAGE_CODES`."""

    id: IntArray
    usage: IntArray


def mandatory_instruments(conn: Connection) -> MandatoryArrays:
    usage = case({u: i for i, u in enumerate(USAGE_CODES)}, value=Instrument.usage, else_=-1)
    stmt = select(Instrument.id, usage).where(Instrument.mandatory.is_(True))
    m = matrix(conn, stmt, np.int64, 2)
    m = m[np.argsort(m[:, 0], kind="stable")]
    return MandatoryArrays(np.ascontiguousarray(m[:, 0]), np.ascontiguousarray(m[:, 1]))


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """Certificates by id (sorted): issuer, verification (1) or calibration (0), and the
    conclusion as :data:`PASS`, :data:`FAIL` or :data:`NONE`."""

    id: IntArray
    issuer_id: IntArray
    verification: IntArray
    conclusion: IntArray


def certificate_facts(conn: Connection, ids: IntArray) -> CertificateFacts:
    """The facts of the certificates ``ids`` (the speaking ones: the traceability pass names
    them), read by primary key a batch at a time."""
    c = Certificate
    columns = (
        c.id,
        c.issuer_id,
        case((c.kind == "verification", 1), else_=0),
        case((c.conclusion == "pass", PASS), (c.conclusion == "fail", FAIL), else_=NONE),
    )
    wanted = np.unique(ids[ids >= 0])
    parts = [
        matrix(
            conn, select(*columns).where(c.id.in_(wanted[i : i + _BATCH].tolist())), np.int64, 4
        )
        for i in range(0, len(wanted), _BATCH)
    ]
    m = np.concatenate(parts) if parts else np.empty((0, 4), dtype=np.int64)
    m = m[np.argsort(m[:, 0], kind="stable")]
    return CertificateFacts(*(np.ascontiguousarray(m[:, i]) for i in range(4)))


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    """Per mandatory instrument (sorted by id) with a verification in the period: how many
    verifications, and how many concluded pass (revoked ones are void)."""

    instrument_id: IntArray
    verifications: IntArray
    passed: IntArray


def period_verifications(conn: Connection, start: date, end: date) -> PeriodCounts:
    """Verifications of mandatory instruments with ``start <= calibrated_on <= end``.

    Counted in SQL, one row per instrument: the pass rate needs no certificate in Python.
    ``revoked`` is read in the sums, not the WHERE clause, which would send SQLite down the
    ``(revoked, valid_until, id)`` index (see :mod:`metro.repositories.traceability`).
    """
    c, i = Certificate, Instrument
    live = case((c.revoked, 0), else_=1)
    passed = case((c.revoked, 0), (c.conclusion == "pass", 1), else_=0)
    stmt = (
        select(c.subject_instrument_id, func.sum(live), func.sum(passed))
        .select_from(i)
        .join(c, c.subject_instrument_id == i.id)
        .where(i.mandatory.is_(True), c.kind == "verification", c.calibrated_on >= start,
               c.calibrated_on <= end)
        .group_by(c.subject_instrument_id)
    )
    m = matrix(conn, stmt, np.int64, 3)
    m = m[np.argsort(m[:, 0], kind="stable")]
    return PeriodCounts(*(np.ascontiguousarray(m[:, k]) for k in range(3)))


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


def mandatory_of_owner(conn: Connection, owner: str) -> dict[str, str | None]:
    """The owner's mandatory instruments: code → usage."""
    stmt = (
        select(Instrument.code, Instrument.usage)
        .join(Organization, Organization.id == Instrument.owner_id)
        .where(Organization.code == owner, Instrument.mandatory.is_(True))
    )
    return {r[0]: r[1] for r in conn.execute(stmt)}
