"""``/api/v1/instruments/{code}/intervals``: the interval proposal for one instrument, and its
acceptance by the owner (ILAC-G24 / JJF 1139 methods, DESIGN.md "Calibration intervals").

A proposal never changes anything by itself: ``POST …/intervals`` stores one (as
``metro intervals propose`` does) and answers it; ``POST …/intervals/accept`` applies the
latest stored proposal from the next certificate, logged with its author. The as-found state
of each result is its certificate's conclusion (no as-left points are kept).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api import policy
from api.auth import ConnDep, PrincipalDep
from api.clock import day, now
from metro.services import intervals

router = APIRouter(prefix="/api/v1/instruments", tags=["intervals"])


class Method(StrEnum):
    a1 = "a1"
    a3 = "a3"
    s1 = "s1"


def _instrument(conn: Any, principal: Any, code: str) -> None:
    ref = policy.readable_asset(conn, principal, code)
    if ref.kind != "instrument":
        raise policy.asset_not_found(code)


@router.get("/{code}/intervals")
def proposal(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    code: str,
    method: Method = Method.a1,
    target: Annotated[float, Query(gt=0, lt=1)] = 0.9,
    at: date | None = None,
) -> list[dict[str, Any]]:
    """The proposal for the instrument by ``method`` at ``at``, with its evidence; not stored."""
    _instrument(conn, principal, code)
    found = intervals.propose(
        conn, actor=principal.actor, at=day(request, at), asset=code, method=method.value,
        target=target, store=False,
    )
    return [p.as_json() for p in found]


@router.post("/{code}/intervals")
def store_proposal(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    code: str,
    method: Method = Method.a1,
    target: Annotated[float, Query(gt=0, lt=1)] = 0.9,
) -> list[dict[str, Any]]:
    """Propose and keep the proposal, so that the owner can accept it."""
    _instrument(conn, principal, code)
    policy.writable_asset(conn, principal, code)
    at = now(request)
    found = intervals.propose(
        conn, actor=principal.actor, at=at.date(), now=at, asset=code, method=method.value,
        target=target,
    )
    return [p.as_json() for p in found]


@router.post("/{code}/intervals/accept")
def accept(request: Request, conn: ConnDep, principal: PrincipalDep, code: str) -> dict[str, Any]:
    """Accept the latest stored proposal: the new interval governs the next certificate."""
    _instrument(conn, principal, code)
    policy.writable_asset(conn, principal, code)
    return intervals.accept(conn, actor=principal.actor, now=now(request), asset=code).as_json()
