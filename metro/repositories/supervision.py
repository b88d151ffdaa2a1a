"""Queries of legal-metrology supervision: Core selects read straight into numpy arrays.

The traceability pass (:mod:`metro.traceability.province`) already gives every instrument's
status and the certificate that speaks for it, and its certificate arrays carry each
certificate's issuer, kind and conclusion (:mod:`metro.repositories.leaf_arrays`) — enough for
the speaking certificates' facts and the pass rate's verifications. Supervision adds what that
pass does not read:

* the mandatory instruments and their usage (:func:`mandatory_instruments`);
* the organizations (kind and region) and the authorizations (small tables, read whole).

No rule is applied here: the flags, authorization and rates live in
:mod:`metro.model.supervision`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, case, select

from metro.db.models import Authorization, Instrument, Organization
from metro.model.supervision import USAGES
from metro.repositories.leaf_arrays import kind_codes, matrix

IntArray = npt.NDArray[np.int64]

#: A usage's index in bulk arrays is its position here; -1 = not recorded.
USAGE_CODES: Final = tuple(USAGES)


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
