"""``GET /api/v1/verify/{number}?code=``: public verification of a printed certificate."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.auth import ConnDep
from api.clock import day, now
from metro.services import verification

router = APIRouter(prefix="/api/v1", tags=["public"])


@router.get("/verify/{number}")
def verify(
    request: Request,
    conn: ConnDep,
    number: str,
    code: Annotated[str, Query(min_length=1, max_length=64)],
    at: date | None = None,
) -> dict[str, Any]:
    """Issuer, subject code, dates, conclusion and standing (in_force, expired, revoked,
    superseded) — nothing else; a wrong code is a 404, as an unknown number."""
    return verification.verify(
        conn, at=day(request, at), now=now(request), number=number, code=code
    ).as_json()
