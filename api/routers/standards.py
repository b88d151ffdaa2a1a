"""``/api/v1/standards``: standards with capabilities and status (scoped)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api import policy
from api.auth import ConnDep, PrincipalDep
from api.clock import day
from metro.services import listing

router = APIRouter(prefix="/api/v1/standards", tags=["standards"])


@router.get("")
def list_standards(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    owner: Annotated[str | None, Query(max_length=64)] = None,
    at: date | None = None,
) -> list[dict[str, Any]]:
    """Standards you may read: the bureau all, a lab and an enterprise their own."""
    if not principal.sees_everything:
        owner = policy.owner_filter(principal, owner) or principal.organization
    return listing.standards_view(conn, at=day(request, at), owner=owner)


@router.get("/{code}")
def get_standard(
    request: Request, conn: ConnDep, principal: PrincipalDep, code: str, at: date | None = None
) -> dict[str, Any]:
    ref = policy.readable_asset(conn, principal, code)
    if ref.kind != "standard":
        raise policy.asset_not_found(code)
    return listing.standards_view(conn, at=day(request, at), code=code)[0]
