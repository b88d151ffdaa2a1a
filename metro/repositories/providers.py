"""Queries behind "who can calibrate it": candidate standards of one kind with their holders.

Returns model types (capabilities) and plain rows; the rule that picks among them lives in the
model (:mod:`metro.model.adequacy`) and the service.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from metro.db.models import Capability, Organization, Standard
from metro.model.capability import CapabilityRow


@dataclass(frozen=True, slots=True)
class Holder:
    """A standard and the organization that holds it."""

    standard_id: int
    standard: str
    standard_name: str
    status: str  # administrative: active / sealed / revoked
    organization_id: int
    organization: str
    organization_name: str
    organization_kind: str
    region: str


@dataclass(frozen=True, slots=True)
class Offer:
    """One capability of a standard, with its holder and its U as the holder wrote it."""

    holder: Holder
    capability: CapabilityRow
    u_given: str


def capabilities_of_kind(conn: Connection, kind: str) -> list[Offer]:
    """Every capability of ``kind`` with its standard and holder, in standard-code order."""
    stmt = (
        select(
            Standard.id, Standard.code, Standard.name, Standard.status, Organization.id,
            Organization.code, Organization.name, Organization.kind, Organization.region,
            Capability.id, Capability.quantity, Capability.range_min, Capability.range_max,
            Capability.u_abs, Capability.u_rel, Capability.k, Capability.u_abs_given,
            Capability.u_rel_given,
        )
        .join(Standard, Standard.id == Capability.standard_id)
        .join(Organization, Organization.id == Standard.owner_id)
        .where(Capability.quantity == kind)
        .order_by(Standard.code, Capability.id)
    )
    out = []
    for r in conn.execute(stmt):
        cap = CapabilityRow(r[9], r[0], r[10], r[11], r[12], r[13], r[14], r[15],
                            standard=r[1])
        u = " + ".join(x for x in (r[16], r[17]) if x)
        out.append(Offer(Holder(*r[:9]), cap, u))
    return out


def region_of(conn: Connection, organization_id: int) -> str:
    return str(
        conn.execute(
            select(Organization.region).where(Organization.id == organization_id)
        ).scalar_one()
    )
