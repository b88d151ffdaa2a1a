"""Queries the API's scoping policy asks: who owns an asset, who certified it, who issued what.

They answer facts only; what a role may see is decided by ``api/policy.py``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased

from metro.db.models import Capability, Certificate, Instrument, Organization, Standard
from metro.model.capability import InstrumentRow


@dataclass(frozen=True, slots=True)
class AssetRef:
    kind: str  # "standard" or "instrument"
    id: int
    owner: str
    owner_id: int


@cache
def _lookups() -> dict[str, Any]:
    """Built once: the policy asks them on every request for one object, and building a
    select costs several times what the database takes to answer it."""
    code: Any = bindparam("code")
    org: Any = bindparam("organization_id")
    subject: Any = bindparam("subject_id")
    out: dict[str, Any] = {}
    codes: Any = bindparam("codes", expanding=True)
    for table, kind in ((Standard, "standard"), (Instrument, "instrument")):
        out[kind] = (
            select(table.id, Organization.code, Organization.id)
            .join(Organization, Organization.id == table.owner_id)
            .where(table.code == code)
        )
        out[f"{kind} owners"] = (
            select(table.code, Organization.code)
            .join(Organization, Organization.id == table.owner_id)
            .where(table.code.in_(codes))
        )
    for kind, column in (
        ("standard", Certificate.subject_standard_id),
        ("instrument", Certificate.subject_instrument_id),
    ):
        out[f"certified {kind}"] = select(
            exists().where(Certificate.issuer_id == org, column == subject)
        )
    out["instrument detail"] = (
        select(
            Instrument.id.label("instrument_id"),
            Organization.id.label("owner_id"),
            Instrument.code,
            Instrument.name,
            Organization.code.label("owner"),
            Instrument.quantity,
            Instrument.range_min_given.label("range_min"),
            Instrument.range_max_given.label("range_max"),
            Instrument.mpe_abs_given.label("mpe_abs"),
            Instrument.mpe_rel_given.label("mpe_rel"),
            Instrument.mandatory,
            Instrument.interval_months,
            # canonical values: the chain walk's row (InstrumentRow), not read again
            Instrument.range_min.label("range_min_canonical"),
            Instrument.range_max.label("range_max_canonical"),
            Instrument.mpe_abs.label("mpe_abs_canonical"),
            Instrument.mpe_rel.label("mpe_rel_canonical"),
        )
        .join(Organization, Organization.id == Instrument.owner_id)
        .where(Instrument.code == code)
    )
    return out


def asset(conn: Connection, code: str) -> AssetRef | None:
    for kind in ("standard", "instrument"):
        r = conn.execute(_lookups()[kind], {"code": code}).first()
        if r is not None:
            return AssetRef(kind, r[0], r[1], r[2])
    return None


def certified_by(conn: Connection, organization_id: int, ref: AssetRef) -> bool:
    """Has the organization issued any certificate for this asset?"""
    q = _lookups()[f"certified {ref.kind}"]
    params = {"organization_id": organization_id, "subject_id": ref.id}
    return bool(conn.execute(q, params).scalar())


def owners(conn: Connection, codes: Collection[str]) -> dict[str, str]:
    """Owner organization code of each asset code (standards and instruments)."""
    out: dict[str, str] = {}
    if not codes:
        return out
    for kind in ("standard", "instrument"):
        rows = conn.execute(_lookups()[f"{kind} owners"], {"codes": list(codes)})
        out.update({r[0]: r[1] for r in rows})
    return out


def certified_instruments(conn: Connection, organization_id: int) -> list[int]:
    """Ids of the instruments the organization owns or has issued a certificate for."""
    q = select(Instrument.id).where(
        or_(
            Instrument.owner_id == organization_id,
            exists().where(
                Certificate.subject_instrument_id == Instrument.id,
                Certificate.issuer_id == organization_id,
            ),
        )
    )
    return [r[0] for r in conn.execute(q)]


def certificate_parties(conn: Connection, issuer: str, number: str) -> tuple[str, str] | None:
    """``(issuer code, subject owner code)`` of a certificate, or None."""
    owner = aliased(Organization)
    issuer_org = aliased(Organization)
    q = (
        select(issuer_org.code, owner.code)
        .select_from(Certificate)
        .join(issuer_org, issuer_org.id == Certificate.issuer_id)
        .outerjoin(Standard, Standard.id == Certificate.subject_standard_id)
        .outerjoin(Instrument, Instrument.id == Certificate.subject_instrument_id)
        .join(owner, or_(owner.id == Standard.owner_id, owner.id == Instrument.owner_id))
        .where(issuer_org.code == issuer, Certificate.number == number)
    )
    r = conn.execute(q).first()
    return None if r is None else (r[0], r[1])


@dataclass(frozen=True, slots=True)
class InstrumentListRow:
    id: int
    code: str
    name: str
    owner: str
    quantity: str


def instrument_rows(
    conn: Connection,
    *,
    owner: str | None = None,
    ids: Collection[int] | None = None,
    q: str | None = None,
) -> list[InstrumentListRow]:
    """Instruments by code, optionally of one owner, among ``ids``, or matching ``q`` (a
    case-insensitive part of the code or name)."""
    stmt = (
        select(
            Instrument.id, Instrument.code, Instrument.name, Organization.code, Instrument.quantity
        )
        .join(Organization, Organization.id == Instrument.owner_id)
        .order_by(Instrument.code)
    )
    if owner is not None:
        stmt = stmt.where(Organization.code == owner)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(func.lower(Instrument.code).like(like), func.lower(Instrument.name).like(like))
        )
    rows = [InstrumentListRow(*r) for r in conn.execute(stmt)]
    if ids is not None:
        keep = set(ids)
        rows = [r for r in rows if r.id in keep]
    return rows


@dataclass(frozen=True, slots=True)
class InstrumentDetail:
    """One instrument: who owns it (for the policy), its stored fields as given, and its
    canonical row (for the chain walk)."""

    ref: AssetRef
    fields: dict[str, Any]
    row: InstrumentRow


_CANONICAL = ("range_min", "range_max", "mpe_abs", "mpe_rel")


def instrument_detail(conn: Connection, code: str) -> InstrumentDetail | None:
    """The stored fields of one instrument, as given (codes, not ids), with its reference and
    canonical row — one read."""
    r = conn.execute(_lookups()["instrument detail"], {"code": code}).first()
    if r is None:
        return None
    fields = dict(r._mapping)
    iid, owner_id = fields.pop("instrument_id"), fields.pop("owner_id")
    canonical = [fields.pop(f"{name}_canonical") for name in _CANONICAL]
    row = InstrumentRow(iid, fields["code"], owner_id, fields["owner"], fields["quantity"],
                        *canonical)
    return InstrumentDetail(AssetRef("instrument", iid, fields["owner"], owner_id), fields, row)


def standard_rows(
    conn: Connection, *, owner: str | None = None, code: str | None = None
) -> list[dict[str, Any]]:
    """Standards by code with their capabilities as given (``id`` kept for status lookups)."""
    stmt = (
        select(
            Standard.id,
            Standard.code,
            Standard.name,
            Organization.code.label("owner"),
            Standard.level,
            Standard.exam_cert,
            Standard.exam_valid_from,
            Standard.exam_valid_until,
            Standard.status.label("state"),
        )
        .join(Organization, Organization.id == Standard.owner_id)
        .order_by(Standard.code)
    )
    if owner is not None:
        stmt = stmt.where(Organization.code == owner)
    if code is not None:
        stmt = stmt.where(Standard.code == code)
    rows = [dict(r._mapping) for r in conn.execute(stmt)]
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        r["capabilities"] = []
    if not rows:
        return rows
    caps = select(
        Capability.standard_id,
        Capability.quantity,
        Capability.range_min_given.label("range_min"),
        Capability.range_max_given.label("range_max"),
        Capability.u_abs_given.label("u_abs"),
        Capability.u_rel_given.label("u_rel"),
        Capability.k,
    ).order_by(Capability.id)
    if code is not None or owner is not None:
        caps = caps.where(Capability.standard_id.in_(list(by_id)))
    for c in conn.execute(caps):
        m = dict(c._mapping)
        sid = m.pop("standard_id")
        if sid in by_id:
            by_id[sid]["capabilities"].append(m)
    return rows


def reachable_asset_codes(conn: Connection, organization_id: int) -> set[str]:
    """Codes of the assets an organization owns or has issued a certificate for."""
    out: set[str] = set()
    for table, subject in (
        (Standard, Certificate.subject_standard_id),
        (Instrument, Certificate.subject_instrument_id),
    ):
        stmt = select(table.code).where(
            or_(
                table.owner_id == organization_id,
                exists().where(subject == table.id, Certificate.issuer_id == organization_id),
            )
        )
        out.update(conn.execute(stmt).scalars())
    return out
