"""The browser session: a signed-in cookie, the language, and CSRF protection of every form.

* ``metro_session`` holds the same signed bearer token the API issues (expiry included), in an
  HttpOnly, SameSite=Lax cookie; ``Secure`` only when metro is told it is behind HTTPS
  (``METRO_HTTPS=1``), so that a plain-HTTP install on a laboratory's network still works.
* ``metro_lang`` keeps the chosen language (Chinese unless English was picked).
* CSRF: the double-submit pattern. Every page sets a random ``metro_csrf`` cookie when there is
  none and every form carries it in a hidden ``csrf`` field; a POST whose field does not equal
  the cookie (compared in constant time) is refused with 403 before anything is read or
  written. SameSite=Lax already keeps other sites' forms from riding the session; the token
  also covers the sign-in form and older browsers.
"""

from __future__ import annotations

import hmac
import os
import secrets
from typing import Final

from fastapi import Request
from fastapi.responses import Response

from api.web.i18n import language

SESSION: Final = "metro_session"
LANG: Final = "metro_lang"
CSRF: Final = "metro_csrf"
_YEAR: Final = 365 * 24 * 3600


class CsrfRejected(Exception):
    """A form arrived without the page's token."""


def behind_https() -> bool:
    return os.environ.get("METRO_HTTPS", "").lower() in ("1", "true", "yes")


def lang_of(request: Request) -> str:
    return language(request.cookies.get(LANG))


def csrf_token(request: Request) -> str:
    """The token for this browser: the cookie's, or a new one (set by :func:`remember_csrf`)."""
    existing = request.cookies.get(CSRF)
    if existing and len(existing) >= 32:
        return existing
    token: str | None = getattr(request.state, "new_csrf", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def remember_csrf(request: Request, response: Response) -> None:
    token = getattr(request.state, "new_csrf", None)
    if token is not None:
        response.set_cookie(
            CSRF, token, httponly=True, samesite="lax", secure=behind_https(), max_age=_YEAR
        )


def check_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise CsrfRejected("the form's security token is missing or stale: reload the page")


def sign_in(response: Response, token: str, expires_in: int) -> None:
    response.set_cookie(
        SESSION, token, httponly=True, samesite="lax", secure=behind_https(), max_age=expires_in
    )


def sign_out(response: Response) -> None:
    response.delete_cookie(SESSION, httponly=True, samesite="lax", secure=behind_https())


def set_language(response: Response, lang: str) -> None:
    response.set_cookie(
        LANG, language(lang), httponly=True, samesite="lax", secure=behind_https(), max_age=_YEAR
    )
