"""One handler maps every domain error to RFC 9457 problem+json."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from metro.errors import MetroError


async def problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MetroError)
    body = {
        "type": "about:blank",
        "title": exc.title,
        "status": exc.status,
        "detail": exc.message,
        "instance": str(request.url.path),
    }
    issues = getattr(exc, "issues", None)
    if issues:
        body["errors"] = [i.as_dict() for i in issues]
    return JSONResponse(body, status_code=exc.status, media_type="application/problem+json")


def install(app: FastAPI) -> None:
    app.add_exception_handler(MetroError, problem)
