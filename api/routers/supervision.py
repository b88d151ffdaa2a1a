"""Legal-metrology supervision (强制检定) for the bureau: the CLI's JSON, from the same service
(:func:`metro.services.supervision.report`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request

from api import policy
from api.auth import ConnDep, PrincipalDep
from api.clock import day
from metro.services import supervision as service

router = APIRouter(prefix="/api/v1", tags=["reports"])


class By(StrEnum):
    region = "region"
    quantity = "quantity"
    usage = "usage"


@router.get("/supervision")
def supervision(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    at: date | None = None,
    since: date | None = None,
    by: By = By.region,
) -> dict[str, Any]:
    """Compliance (强检合规率) and pass rate (合格率) of the mandatory instruments, by prefecture,
    quantity or usage, and every flagged instrument: the same as ``metro supervision --json``."""
    policy.require_role(principal, "bureau", "admin")
    report = service.report(
        conn, actor=principal.actor, at=day(request, at), since=since, by=by.value
    )
    return report.as_json()
