"""Errors on pages are pages: a message in the reader's language, never a traceback or JSON.

The API's handlers (:mod:`api.errors`, RFC 9457 problem+json) stay in charge of ``/api/…``;
these wrap them and answer page routes with HTML instead: a missing sign-in redirects (303)
to ``/login``, a stale form token is a 403 page, a domain error shows its message with its
status (another organization's object is the same 404 page as a missing one).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api import errors as api_errors
from api.web.render import SignInRequired, redirect, render
from api.web.session import CsrfRejected
from metro.errors import MetroError

Handler = Callable[[Request, Exception], Awaitable[Response]]


def is_page(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path.startswith("/static/"))


def _page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", status=status, message=message, status_code=status)


def _wrap(api_handler: Handler, page: Callable[[Request, Exception], Response]) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if is_page(request):
            return page(request, exc)
        return await api_handler(request, exc)

    return handler


def _metro_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MetroError)
    return _page(request, exc.status, exc.message)


def _http_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return _page(request, exc.status_code, str(exc.detail))


def _validation_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    msgs = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
    )
    return _page(request, 422, msgs)


def _server_page(request: Request, exc: Exception) -> Response:
    return _page(request, 500, "internal error: the problem was logged")


async def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return redirect(f"/login?next={quote(exc.next_url, safe='/')}")


async def _csrf(request: Request, exc: Exception) -> Response:
    return _page(request, 403, str(exc))


def install(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(CsrfRejected, _csrf)
    app.add_exception_handler(MetroError, _wrap(api_errors.metro_error, _metro_page))
    app.add_exception_handler(StarletteHTTPException, _wrap(api_errors.http_error, _http_page))
    app.add_exception_handler(
        RequestValidationError, _wrap(api_errors.validation_error, _validation_page)
    )
    app.add_exception_handler(Exception, _wrap(api_errors.server_error, _server_page))
