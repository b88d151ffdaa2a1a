"""Signing in: the OAuth2 password flow, bearer tokens, ``X-API-Key``, and ``GET /me``.

``current_principal`` is the dependency of every route that needs someone signed in: an
``X-API-Key`` header (machine clients) or an ``Authorization: Bearer`` token; neither, or one
that does not sign anybody in, is a 401 problem with ``WWW-Authenticate: Bearer``. It runs
on the event loop, like the connection it reads with (``api/deps.py``): two primary-key reads
cost less than handing them to a worker thread. The token route runs in a transaction of its
own so that a failed attempt's count is committed even though the answer is an error (the
throttle, :mod:`metro.model.account`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer, OAuth2PasswordRequestForm
from sqlalchemy import Connection, Engine

from api.clock import now
from api.deps import connection
from api.schemas.auth import Me, TokenOut
from metro.model.account import Principal, Unauthenticated
from metro.services import accounts

TOKEN_PATH = "/api/v1/auth/token"
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_PATH, auto_error=False)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)

ConnDep = Annotated[Connection, Depends(connection)]


async def current_principal(
    request: Request,
    conn: ConnDep,
    token: Annotated[str | None, Security(_bearer)] = None,
    key: Annotated[str | None, Security(_api_key)] = None,
) -> Principal:
    if key:
        return accounts.principal_from_api_key(conn, key=key)
    if token:
        return accounts.principal_from_token(conn, now=now(request), token=token)
    raise Unauthenticated("sign in: send a bearer token (POST /api/v1/auth/token) or X-API-Key")


PrincipalDep = Annotated[Principal, Depends(current_principal)]

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses={
        401: {"description": "wrong username or password"},
        429: {"description": "slow down"},
    },
)
def token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    """Exchange a username and password for a bearer token (OAuth2 password flow)."""
    engine: Engine = request.app.state.engine
    at = now(request)
    address = request.client.host if request.client else "unknown"
    with engine.begin() as conn:
        outcome = accounts.sign_in(
            conn, now=at, username=form.username, password=form.password, address=address
        )
        issued = (
            accounts.issue_token(conn, now=at, principal=outcome.principal)
            if outcome.principal
            else None
        )
    if outcome.error is not None or issued is None:
        raise outcome.error or Unauthenticated("wrong username or password")
    return TokenOut(
        access_token=issued.access_token, token_type=issued.token_type, expires_in=issued.expires_in
    )


@router.get("/me", response_model=Me)
def me(principal: PrincipalDep) -> Me:
    """Who is signed in: username, organization code and role."""
    return Me(
        username=principal.username,
        organization=principal.organization,
        role=principal.role,
        api_key=principal.key_prefix,
    )
