"""QR labels: each instrument and certificate gets a code that opens its page.

A certificate's label opens the public verification page ``/verify/{number}?code=…`` (the
keyed verification code, so the label proves the certificate without signing in); an
instrument's opens its page (sign-in required). SVG for the page and for printing, PNG for
label printers; ``/labels?codes=A,B,…`` lays several out on a printable sheet. Drawn with
segno; the base URL is the one the browser used to reach metro.
"""

from __future__ import annotations

import io

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api import policy
from api.clock import now
from api.web.render import render, require_principal
from metro.errors import InvalidInput
from metro.services import verification

router = APIRouter(include_in_schema=False)
MAX_SHEET = 60


def _qr(url: str, fmt: str) -> Response:
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=4, border=2, title=url)
        return Response(buffer.getvalue(), media_type="image/svg+xml")
    if fmt == "png":
        qr.save(buffer, kind="png", scale=8, border=2)
        return Response(buffer.getvalue(), media_type="image/png")
    raise InvalidInput(f"label format {fmt!r}: use svg or png")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def instrument_url(request: Request, code: str) -> str:
    return f"{_base(request)}/instruments/{code}"


@router.get("/instruments/{code}/label.{fmt}")
def instrument_label(request: Request, code: str, fmt: str) -> Response:
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        policy.readable_asset(conn, principal, code)
    return _qr(instrument_url(request, code), fmt)


@router.get("/certificates/{issuer}/{number}/label.{fmt}")
def certificate_label(request: Request, issuer: str, number: str, fmt: str) -> Response:
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        policy.readable_certificate(conn, principal, issuer, number)
        code = verification.code_for(conn, now=now(request), issuer=issuer, number=number)
    return _qr(f"{_base(request)}/verify/{number}?code={code}", fmt)


@router.get("/labels", response_class=HTMLResponse)
def label_sheet(request: Request, codes: str = "") -> HTMLResponse:
    """A printable sheet of instrument labels (at most 60 a sheet)."""
    wanted = [c.strip() for c in codes.split(",") if c.strip()][:MAX_SHEET]
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        labels = []
        for code in wanted:
            policy.readable_asset(conn, principal, code)
            url = instrument_url(request, code)
            svg = segno.make(url, error="m").svg_inline(scale=3, border=1)
            labels.append({"code": code, "svg": svg})
    return render(request, "labels.html", principal=principal, labels=labels)
