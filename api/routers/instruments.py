"""``/api/v1/instruments``: list (scoped, paged), one with status and chain, register."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api import policy
from api.auth import ConnDep, PrincipalDep
from api.clock import day, now
from api.schemas.instruments import InstrumentIn, Page
from metro.model.instrument import Instrument
from metro.services import instruments, listing, providers
from metro.traceability.status import Status

router = APIRouter(prefix="/api/v1/instruments", tags=["instruments"])


@router.get("", response_model=Page)
def list_instruments(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    status: Status | None = None,
    owner: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    at: date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Instruments you may read, by code, with their status at ``at`` (default today)."""
    return listing.instrument_page(
        conn,
        at=day(request, at),
        owner=policy.owner_filter(principal, owner),
        ids=policy.readable_instrument_ids(conn, principal),
        status=status,
        q=q,
        limit=limit,
        offset=offset,
    ).as_json()


@router.get("/{code}")
def get_instrument(
    request: Request, conn: ConnDep, principal: PrincipalDep, code: str, at: date | None = None
) -> dict[str, Any]:
    """One instrument with ``status, due, reason`` and its ``chain`` at ``at``."""
    ref = policy.readable_asset(conn, principal, code)
    if ref.kind != "instrument":
        raise policy.asset_not_found(code)
    view = listing.instrument_view(conn, at=day(request, at), code=code)
    view["chain"] = policy.redact_chain(conn, principal, view["chain"])
    return view


@router.post("", status_code=201)
def register_instrument(
    request: Request, conn: ConnDep, principal: PrincipalDep, body: InstrumentIn
) -> dict[str, Any]:
    """Register an instrument of your organization (the bureau: of any)."""
    policy.require_role(principal, "enterprise", "bureau", "admin")
    instrument = Instrument.from_text(
        code=body.code,
        name=body.name,
        owner=body.owner or principal.organization,
        quantity=body.quantity,
        range_min=body.range_min,
        range_max=body.range_max,
        mpe_abs=body.mpe_abs,
        mpe_rel=body.mpe_rel,
        mandatory=body.mandatory,
        interval_months=body.interval_months,
        usage=body.usage,
    )
    at = now(request)
    instruments.register(conn, actor=principal.actor, now=at, instrument=instrument)
    return listing.instrument_view(conn, at=at.date(), code=instrument.code)


@router.get("/{code}/providers")
def instrument_providers(
    request: Request, conn: ConnDep, principal: PrincipalDep, code: str, at: date | None = None
) -> list[dict[str, Any]]:
    """Who can calibrate it: ``[{organization, name, region, standard, u, ratio}]``, nearest
    region first (the owner's own adequate standards marked in-house)."""
    ref = policy.readable_asset(conn, principal, code)
    if ref.kind != "instrument":
        raise policy.asset_not_found(code)
    found = providers.providers(conn, actor=principal.actor, at=day(request, at), asset=code)
    return [p.as_json() for p in found]
