"""``/``: the signed-in role's board, and the enterprise board as CSV.

* enterprise — its instruments with colour status, filters (status, text) and paging, counts
  by status, the due calendar, CSV export;
* lab — the recall list (assets it certified that are due or overdue), its standards and
  their status, links to record a certificate or upload a bundle;
* bureau and admin — the weighted coverage against the 95 % line by discipline and by
  prefecture, the gaps, examination certificates running out.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api import policy
from api.web import session
from api.web.coverage_pages import coverage_context
from api.web.render import page_day, render, require_principal
from metro.model.account import Principal
from metro.services import boards, listing, traceability
from metro.spreadsheets import safe_text
from metro.traceability.status import Status

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(value))) if value else default
    except ValueError:
        return default


def _status(value: str | None) -> Status | None:
    try:
        return Status(value) if value else None
    except ValueError:
        return None


@router.get("/", response_class=HTMLResponse)
def board(request: Request) -> HTMLResponse:
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        at = page_day(request)
        if principal.role == "enterprise":
            ctx = _enterprise(request, conn, principal, at)
            return render(request, "board_enterprise.html", principal=principal, at=at, **ctx)
        if principal.role == "lab":
            ctx = _lab(conn, principal, at)
            return render(request, "board_lab.html", principal=principal, at=at, **ctx)
        ctx = coverage_context(conn, at, session.lang_of(request))
        ctx["expiring"] = boards.expiring_examinations(conn, at=at)
        ctx["failed"] = boards.failed_standards(conn, at=at)
        return render(request, "board_bureau.html", principal=principal, at=at, **ctx)


def _enterprise(request: Request, conn: Any, principal: Principal, at: date) -> dict[str, Any]:
    status = _status(request.query_params.get("status"))
    q = (request.query_params.get("q") or "").strip()[:100] or None
    page = _int(request.query_params.get("page"), 1, 1, 10_000)
    owner = principal.organization
    listing_page = listing.instrument_page(
        conn, at=at, owner=owner, status=status, q=q,
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
    )
    due = boards.recall_list(conn, at=at, within_days=60, organization_id=principal.organization_id)
    due = [d for d in due if d.owner == owner]
    return {
        "items": listing_page.items,
        "total": listing_page.total,
        "page": page,
        "pages": max(1, -(-listing_page.total // PAGE_SIZE)),
        "status": status.value if status else "",
        "q": q or "",
        "counts": boards.status_counts(conn, at=at, owner=owner),
        "marks": boards.mandatory_marks(conn, actor=principal.actor, at=at),
        "calendar": boards.due_calendar(due),
        "statuses": [s.value for s in Status],
    }


def _lab(conn: Any, principal: Principal, at: date) -> dict[str, Any]:
    recall = boards.recall_list(
        conn, at=at, within_days=30, organization_id=principal.organization_id
    )
    return {
        "recall": recall,
        "standards": listing.standards_view(conn, at=at, owner=principal.organization),
        "issued": boards.issued_certificates(conn, actor=principal.actor),
    }


@router.get("/impact/{standard}", response_class=HTMLResponse)
def impact_page(request: Request, standard: str) -> HTMLResponse:
    """What a standard's latest fail puts in doubt: suspect certificates, assets and owners."""
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        policy.impact_allowed(conn, principal, standard)
        report = traceability.impact(conn, actor=principal.actor, standard=standard)
        return render(request, "impact.html", principal=principal, report=report.as_json())


@router.get("/board.csv")
def board_csv(request: Request) -> Response:
    """The enterprise board (all pages, same filters) as CSV, text cells kept as text."""
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        at = page_day(request)
        owner = policy.owner_filter(principal, principal.organization)
        page = listing.instrument_page(
            conn, at=at, owner=owner, status=_status(request.query_params.get("status")),
            q=(request.query_params.get("q") or "").strip()[:100] or None,
            limit=10**9, offset=0,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "name", "owner", "quantity", "status", "due", "reason"])
    for item in page.items:
        writer.writerow(
            [safe_text(item[k]) for k in ("code", "name", "owner", "quantity", "status", "due",
                                           "reason")]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="instruments-{at}.csv"'},
    )
