"""``/instruments/{code}``: one instrument with its status, the chain drawn as a diagram, who can
calibrate it, the interval proposal, and its QR label.

What the page shows is what ``GET /api/v1/instruments/{code}`` answers the same principal
(the policy redacts other organizations' links the same way); another organization's
instrument is a 404 page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api import policy
from api.clock import now
from api.web import session
from api.web.i18n import gettext
from api.web.render import (
    STATUS_WORDS,
    page_day,
    reason_words,
    redirect,
    render,
    require_principal,
)
from api.web.svg import chain_graph, chain_svg
from metro.errors import MetroError
from metro.services import intervals, listing, providers

router = APIRouter(include_in_schema=False)


@router.get("/instruments/{code}", response_class=HTMLResponse)
def instrument_page(request: Request, code: str) -> HTMLResponse:
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        detail = listing.instrument_detail(conn, code)
        if detail is None:
            raise policy.asset_not_found(code)
        policy.require_readable(conn, principal, detail.ref, code)
        at = page_day(request)
        view = listing.instrument_view(conn, at=at, code=code, detail=detail)
        chain = policy.redact_chain(conn, principal, view["chain"])
        lang = session.lang_of(request)
        nodes, edges = chain_graph(
            chain, view["status"], lambda s: gettext(lang, STATUS_WORDS.get(s, s)),
            lambda text: reason_words(text, lang),
        )
        diagram = chain_svg(nodes, edges, title=f"{code} — {gettext(lang, 'traceability chain')}")
        found = providers.providers(conn, actor=principal.actor, at=at, asset=code)
        try:
            proposal = intervals.propose(
                conn, actor=principal.actor, at=at, asset=code, method="a1", store=False
            )[0]
        except (MetroError, IndexError):
            proposal = None
        may_accept = principal.sees_everything or view["owner"] == principal.organization
        return render(
            request, "instrument.html", principal=principal, at=at, view=view, chain=chain,
            diagram=diagram, providers=found, proposal=proposal, may_accept=may_accept,
        )


@router.post("/instruments/{code}/interval", response_class=HTMLResponse)
def accept_interval(
    request: Request, code: str, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """The owner accepts the proposal shown on the page (A1): stored, then accepted, logged."""
    session.check_csrf(request, csrf)
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        policy.writable_asset(conn, principal, code)
        at = now(request)
        intervals.propose(conn, actor=principal.actor, at=at.date(), now=at, asset=code,
                          method="a1")
        intervals.accept(conn, actor=principal.actor, now=at, asset=code)
    return redirect(f"/instruments/{code}")
