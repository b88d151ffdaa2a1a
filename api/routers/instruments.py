"""``/api/v1/instruments``: list (scoped, paged), one with status and chain, register."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

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
) -> JSONResponse:
    """Instruments you may read, by code, with their status at ``at`` (default today)."""
    page = listing.instrument_page(
        conn,
        at=day(request, at),
        owner=policy.owner_filter(principal, owner),
        ids=policy.readable_instrument_ids(conn, principal),
        status=status,
        q=q,
        limit=limit,
        offset=offset,
    )
    # Plain JSON already, in the shape of ``Page``: answered as is (an owner's board of a
    # thousand items spent longer in the framework's validation and encoder than in the engine).
    return JSONResponse(page.as_json())


@router.get("/{code}", response_model=dict[str, Any])
async def get_instrument(
    request: Request, conn: ConnDep, principal: PrincipalDep, code: str, at: date | None = None
) -> JSONResponse:
    """One instrument with ``status, due, reason`` and its ``chain`` at ``at``."""
    # The API's hot path (issue 10 item 10) runs on the event loop: a few primary-key reads
    # and one chain walk over the cached standards layer take less than a hand-off to a
    # worker thread costs under load. Rebuilding the layer after a write is long: a thread's.
    if not listing.layer_ready(conn):
        await run_in_threadpool(listing.prepare, conn)
    detail = listing.instrument_detail(conn, code)
    if detail is None:
        raise policy.asset_not_found(code)
    policy.require_readable(conn, principal, detail.ref, code)
    view = listing.instrument_view(conn, at=day(request, at), code=code, detail=detail)
    view["chain"] = policy.redact_chain(conn, principal, view["chain"])
    return JSONResponse(view)  # plain JSON already: no generic encoder pass


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
