"""``/supervision``: mandatory verification (强制检定) in the province, for the bureau.

The numbers are the supervision service's (the same as ``metro supervision --json`` and
``GET /api/v1/supervision``): the compliance rate (强检合规率) and the pass rate (合格率) overall
and by prefecture, quantity or usage, the flags counted, and the non-compliant instruments
with their flag and reason, filtered by flag, prefecture and usage.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import policy
from api.web import session
from api.web.render import page_day, render, require_principal
from api.web.svg import Bar, bar_chart
from metro.model.fields import InvalidField
from metro.model.regions import prefecture_of
from metro.model.supervision import FLAGS, USAGES
from metro.services import supervision

router = APIRouter(include_in_schema=False)
GROUPINGS = ("region", "quantity", "usage")
LIST_LIMIT = 500


def _since(request: Request) -> date | None:
    raw = request.query_params.get("since")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidField("since", raw, "is not a date YYYY-MM-DD") from None


@router.get("/supervision", response_class=HTMLResponse)
def supervision_page(request: Request) -> HTMLResponse:
    q = request.query_params
    by = q.get("by") if q.get("by") in GROUPINGS else "region"
    flag = q.get("flag") if q.get("flag") in {f.value for f in FLAGS} else ""
    usage = q.get("usage") if q.get("usage") in USAGES else ""
    prefecture = q.get("prefecture", "")[:6]
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        policy.require_role(principal, "bureau", "admin")
        at = page_day(request)
        report = supervision.report(conn, actor=principal.actor, at=at, since=_since(request),
                                    by=by)
    lang = session.lang_of(request)
    data = report.as_json()
    bars = [
        Bar(label=(g.get(f"name_{lang}") or g.get("name_zh") or g["key"]),
            value=g["rate"] or 0.0, note=f"{g['compliant']}/{g['mandatory']}")
        for g in data["by"] if g["mandatory"]
    ]
    flagged = [
        f for f in report.flags
        if (not flag or f.flag.value == flag) and (not usage or f.usage == usage)
        and (not prefecture or prefecture_of(f.region) == prefecture)
    ]
    prefectures = sorted({prefecture_of(f.region) for f in report.flags})
    return render(
        request, "supervision.html", principal=principal, at=at, report=data, by=by,
        chart=bar_chart(bars, title="compliance rate"), flagged=flagged[:LIST_LIMIT],
        flagged_total=len(flagged), flag=flag, usage=usage, prefecture=prefecture,
        prefectures=prefectures, flags=[f.value for f in FLAGS], usages=USAGES,
    )
