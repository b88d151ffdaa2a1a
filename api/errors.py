"""Every error as RFC 9457 problem+json: domain errors, the framework's own, and crashes.

``{type, title, status, detail, instance}``, plus ``errors: [{loc, msg}]`` for validation:

* a ``MetroError`` keeps its status and message; an ``InvalidField`` (one field refused by the
  model) also lists that field; a load's row issues come as they are;
* the framework's 404 (unknown path), 405 (method) and other HTTP errors keep their status;
* request validation (pydantic) is 422 with one entry per field, ``loc`` written as a path
  into the request (``results[2].u``; query, path and header parameters prefixed by where
  they are: ``query.at``);
* 401 carries ``WWW-Authenticate: Bearer``; 429 carries ``Retry-After``;
* anything else is a 500 problem without the traceback (which goes to the server log).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from metro.errors import MetroError
from metro.model.account import TooManyAttempts
from metro.model.fields import InvalidField

PROBLEM = "application/problem+json"
log = logging.getLogger("metro.api")


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or _title(status),
        "status": status,
        "detail": detail,
        "instance": str(request.url.path),
    }
    if errors:
        body["errors"] = errors
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def field_path(loc: Sequence[str | int]) -> str:
    """``("body", "results", 2, "u")`` → ``results[2].u``; ``("query", "at")`` → ``query.at``."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += f".{p}" if out else str(p)
    return out or "body"


async def metro_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MetroError)
    errors = None
    issues = getattr(exc, "issues", None)
    if issues:
        errors = [i.as_dict() for i in issues]
    elif isinstance(exc, InvalidField):
        errors = [{"loc": exc.field, "msg": f"{exc.value!r}: {exc.why}"}]
    headers = {}
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    return problem_response(
        request, exc.status, exc.message, title=exc.title, errors=errors, headers=headers
    )


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return problem_response(request, exc.status_code, detail, headers=dict(exc.headers or {}))


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": field_path(e.get("loc", ())), "msg": str(e.get("msg", "invalid"))}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors[:5])
    return problem_response(request, 422, detail, title="Invalid input", errors=errors)


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, 500, "an unexpected error occurred; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(MetroError, metro_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)
