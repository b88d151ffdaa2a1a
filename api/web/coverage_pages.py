"""``/coverage``: the bureau's view of the 95 % need, and the what-if planner.

The numbers are the coverage service's (the same as ``metro coverage --json`` and
``GET /api/v1/coverage`` for the same database and date). Regions are prefecture cities with
their Chinese names; ``?region=4301`` drills down to that city's counties. The planner takes one
proposed capability (as a row of ``capabilities.csv``) and shows the rate before and after and
the items it closes; nothing is stored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from api import policy
from api.web import session
from api.web.render import page_day, render, require_principal
from api.web.svg import Bar, bar_chart, trend_svg
from metro.bundle.issues import BundleRejected
from metro.coverage import service as coverage_service
from metro.coverage.proposals import proposal_from_values
from metro.coverage.snapshots import history
from metro.model import regions
from metro.quantity_kinds import kinds

router = APIRouter(include_in_schema=False)
PLAN_FIELDS = ("standard", "quantity", "range_min", "range_max", "u_abs", "u_rel", "k")


def _bars(groups: list[dict[str, Any]], lang: str, *, link: str | None = None) -> list[Bar]:
    out = []
    for g in groups:
        rate = g.get("weighted_rate")
        if rate is None:
            continue
        name = g.get(f"name_{lang}") or g.get("name_zh") or g["key"]
        out.append(
            Bar(
                label=str(name),
                value=float(rate),
                note=f"{g.get('covered_items', 0)}/{g.get('items', 0)}",
                href=(link + str(g["key"])[:4]) if link else None,
            )
        )
    return out


def coverage_context(
    conn: Connection, at: date, lang: str, *, prefecture: str | None = None
) -> dict[str, Any]:
    report = coverage_service.coverage(conn, at)
    by_discipline = report.as_dict("discipline")
    by_region = report.as_dict("region")
    region_groups = by_region["by"]
    if prefecture:
        county = report.as_dict("county")
        region_groups = [g for g in county["by"] if str(g["key"]).startswith(prefecture)]
    snapshots = history(conn)
    return {
        "report": by_discipline,
        "prefecture": prefecture,
        "prefecture_name": regions.name_of(prefecture + "00") if prefecture else None,
        "discipline_chart": bar_chart(
            _bars(by_discipline["by"], lang), title="coverage by discipline",
            target=report.target, target_label=f"{report.target * 100:.0f} %",
        ),
        "region_chart": bar_chart(
            _bars(region_groups, lang, link=None if prefecture else "/coverage?region="),
            title="coverage by region", target=report.target,
            target_label=f"{report.target * 100:.0f} %",
        ),
        "trend": trend_svg(
            [(s.at.isoformat(), rate) for s in snapshots
             if (rate := s.overall.weighted_rate) is not None],
            title="weighted coverage over time", target=report.target,
        ),
        "gaps": by_discipline["gaps"],
    }


def _plan_page(request: Request, conn: Connection, principal: Any, at: date, *,
               values: dict[str, str], errors: dict[str, str], plan: Any = None) -> HTMLResponse:
    prefecture = (request.query_params.get("region") or "")[:4] or None
    if prefecture and not (prefecture.isdigit() and len(prefecture) == 4):
        prefecture = None
    ctx = coverage_context(conn, at, session.lang_of(request), prefecture=prefecture)
    return render(
        request, "coverage.html", principal=principal, at=at, values=values, errors=errors,
        plan=plan, kinds=sorted(kinds()), status_code=422 if errors else 200, **ctx,
    )


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(request: Request) -> HTMLResponse:
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        policy.require_role(principal, "bureau", "admin")
        at = page_day(request)
        return _plan_page(request, conn, principal, at, values={"k": "2"}, errors={})


@router.post("/coverage/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    csrf: Annotated[str, Form(max_length=100)] = "",
    standard: Annotated[str, Form(max_length=64)] = "",
    quantity: Annotated[str, Form(max_length=40)] = "",
    range_min: Annotated[str, Form(max_length=60)] = "",
    range_max: Annotated[str, Form(max_length=60)] = "",
    u_abs: Annotated[str, Form(max_length=60)] = "",
    u_rel: Annotated[str, Form(max_length=60)] = "",
    k: Annotated[str, Form(max_length=20)] = "2",
) -> HTMLResponse:
    session.check_csrf(request, csrf)
    values = {
        "standard": standard.strip() or "PLAN-1", "quantity": quantity.strip(),
        "range_min": range_min.strip(), "range_max": range_max.strip(),
        "u_abs": u_abs.strip(), "u_rel": u_rel.strip(), "k": k.strip(),
    }
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        policy.require_role(principal, "bureau", "admin")
        at = page_day(request)
        try:
            proposal = proposal_from_values(values)
        except BundleRejected as exc:
            errors = {i.column or "quantity": i.why for i in exc.issues}
            return _plan_page(request, conn, principal, at, values=values, errors=errors)
        plan = coverage_service.plan(conn, at, [proposal])
        return _plan_page(request, conn, principal, at, values=values, errors={},
                          plan=plan.as_dict())
