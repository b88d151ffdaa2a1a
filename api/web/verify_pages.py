"""``/verify/{number}?code=``: the public page a certificate's QR label opens.

It shows what ``GET /api/v1/verify/{number}`` answers — issuer, subject code, dates,
conclusion and whether the certificate is in force, expired, revoked or superseded — and
nothing else; no sign-in. A wrong or missing code is the same 404 page as an unknown number,
so the page tells nothing about certificates one cannot prove one holds.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.clock import now
from api.web.render import page_day, principal_or_none, render
from metro.errors import NotFound
from metro.services import verification

router = APIRouter(include_in_schema=False)


@router.get("/verify/{number}", response_class=HTMLResponse)
def verify_page(request: Request, number: str, code: str = "") -> HTMLResponse:
    with request.app.state.engine.begin() as conn:
        principal = principal_or_none(request, conn)
        if not code or len(code) > 64:
            raise NotFound(f"certificate {number!r}: no certificate with this number and code")
        result = verification.verify(
            conn, at=page_day(request), now=now(request), number=number, code=code
        )
    return render(request, "verify.html", principal=principal, result=result.as_json())
