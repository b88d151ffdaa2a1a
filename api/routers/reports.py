"""Reports: the due list (scoped), coverage (the bureau), impact (the bureau; a lab for its
own standards) — the CLI's JSON, from the same services."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api import policy
from api.auth import ConnDep, PrincipalDep
from api.clock import day
from metro.coverage import service as coverage_service
from metro.services import boards
from metro.traceability import due_list, impact_report

router = APIRouter(prefix="/api/v1", tags=["reports"])


class By(StrEnum):
    discipline = "discipline"
    region = "region"
    county = "county"
    quantity = "quantity"
    field = "field"


@router.get("/due")
def due(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    at: date | None = None,
    within: Annotated[int, Query(ge=0, le=3660)] = 30,
    owner: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    """Assets due by ``at + within`` days, overdue included: ``[{asset, owner, due, status}]``.
    A lab's list is its recall list: its own assets and those it calibrated."""
    owner = policy.owner_filter(principal, owner)
    if principal.role == "lab":  # the recall list, as on the lab's board
        items = boards.recall_list(
            conn, at=day(request, at), within_days=within,
            organization_id=principal.organization_id,
        )
        items = [i for i in items if owner is None or i.owner == owner]
    else:
        items = due_list(conn, day(request, at), within, owner=owner)
    return [i.as_json() for i in items]


@router.get("/coverage")
def coverage(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    at: date | None = None,
    by: By = By.discipline,
) -> dict[str, Any]:
    """The coverage of the 95 % need: the same numbers as ``metro coverage --json``."""
    policy.require_role(principal, "bureau", "admin")
    report = coverage_service.coverage(conn, day(request, at))
    return report.as_dict(by.value)


@router.get("/impact/{standard}")
def impact(conn: ConnDep, principal: PrincipalDep, standard: str) -> dict[str, Any]:
    """What a standard's latest fail puts in doubt (``metro impact --json``)."""
    policy.impact_allowed(conn, principal, standard)
    return impact_report(conn, standard).as_json()
