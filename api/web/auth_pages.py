"""Signing in and out by a form, and the language switch.

Sign-in uses the same account service as ``POST /api/v1/auth/token`` (throttling included)
and stores the issued token in the session cookie; success redirects (303) to ``/`` or to the
page that asked for it. Only local paths are followed after sign-in, never another site.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.clock import now
from api.web import session
from api.web.render import principal_or_none, redirect, render
from metro.services import accounts

router = APIRouter(include_in_schema=False)


def _local(url: str | None) -> str:
    """A path on this site; anything else (``//evil``, ``https://…``) becomes ``/``."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    engine = request.app.state.engine
    with engine.connect() as conn:
        if principal_or_none(request, conn) is not None:
            return redirect(_local(next))
    return render(request, "login.html", next=_local(next), error=None, username="")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    session.check_csrf(request, csrf)
    at = now(request)
    address = request.client.host if request.client else "unknown"
    with request.app.state.engine.begin() as conn:
        outcome = accounts.sign_in(
            conn, now=at, username=username, password=password, address=address
        )
        issued = (
            accounts.issue_token(conn, now=at, principal=outcome.principal)
            if outcome.principal
            else None
        )
    if issued is None:
        error = outcome.error.message if outcome.error else "wrong username or password"
        return render(
            request, "login.html", next=_local(next), error=error, username=username,
            status_code=401 if "wrong" in error else 429,
        )
    response = redirect(_local(next))
    session.sign_in(response, issued.access_token, issued.expires_in)
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> RedirectResponse:
    session.check_csrf(request, csrf)
    response = redirect("/login")
    session.sign_out(response)
    return response


@router.post("/language")
def switch_language(
    request: Request,
    lang: Annotated[str, Form(max_length=5)] = "zh",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> RedirectResponse:
    session.check_csrf(request, csrf)
    response = redirect(_local(next))
    session.set_language(response, lang)
    return response
