"""Health and the province overview (outside ``/api/v1``: they predate it); the home page is
the web app's board (:mod:`api.web`)."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import ConnDep
from metro.overview import overview

router = APIRouter(tags=["home"])


@router.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/overview")
def get_overview(conn: ConnDep) -> dict[str, int]:
    return vars(overview(conn))
