"""``/instruments/{code}``: one instrument with its status, the chain drawn as a diagram, who can
calibrate it, the interval proposal, and its QR label.

What the page shows is what ``GET /api/v1/instruments/{code}`` answers the same principal
(the policy redacts other organizations' links the same way); another organization's
instrument is a 404 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import policy
from api.web.render import STATUS_WORDS, page_day, render, require_principal
from api.web.svg import chain_graph, chain_svg
from api.web.i18n import gettext
from api.web import session
from metro.errors import MetroError
from metro.services import intervals, listing, providers

router = APIRouter(include_in_schema=False)


@router.get("/instruments/{code}", response_class=HTMLResponse)
def instrument_page(request: Request, code: str) -> HTMLResponse:
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        ref = policy.readable_asset(conn, principal, code)
        if ref.kind != "instrument":
            raise policy.asset_not_found(code)
        at = page_day(request)
        view = listing.instrument_view(conn, at=at, code=code)
        chain = policy.redact_chain(conn, principal, view["chain"])
        lang = session.lang_of(request)
        nodes, edges = chain_graph(
            chain, view["status"], lambda s: gettext(lang, STATUS_WORDS.get(s, s))
        )
        diagram = chain_svg(nodes, edges, title=f"{code} — {gettext(lang, 'traceability chain')}")
        found = providers.providers(conn, actor=principal.actor, at=at, asset=code)
        try:
            proposal = intervals.propose(
                conn, actor=principal.actor, at=at, asset=code, method="a1", store=False
            )[0]
        except (MetroError, IndexError):
            proposal = None
        return render(
            request, "instrument.html", principal=principal, at=at, view=view, chain=chain,
            diagram=diagram, providers=found, proposal=proposal,
        )
