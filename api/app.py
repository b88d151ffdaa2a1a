"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from html import escape
from typing import Annotated, Protocol

from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api import errors
from api.deps import session
from metro import __version__
from metro.db.engine import make_engine, session_factory
from metro.overview import overview

SessionDep = Annotated[Session, Depends(session)]


class Background(Protocol):
    """Something that runs beside the app (the scheduler): started and stopped with it."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def create_app(engine: Engine | None = None, *, background: Sequence[Background] = ()) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for b in background:
            b.start()
        try:
            yield
        finally:
            for b in reversed(background):
                b.stop()

    app = FastAPI(
        title="metro",
        version=__version__,
        lifespan=lifespan,
        description="Metrology standards and calibration traceability",
    )
    app.state.sessions = session_factory(engine or make_engine())
    errors.install(app)

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/overview")
    def get_overview(s: SessionDep) -> dict[str, int]:
        return vars(overview(s))

    @app.get("/", response_class=HTMLResponse)
    def home(s: SessionDep) -> str:
        o = overview(s)
        rows = "".join(
            f"<tr><th>{escape(label)}</th><td>{n:,}</td></tr>"
            for label, n in (
                ("机构 Organizations", o.organizations),
                ("计量标准 Measurement standards", o.standards),
                ("社会公用计量标准 Public standards", o.public_standards),
                ("计量器具 Instruments", o.instruments),
                ("证书 Certificates", o.certificates),
                ("量传溯源需求 Demand items", o.demands),
            )
        )
        return (
            "<!doctype html><html lang='zh'><head><meta charset='utf-8'>"
            "<title>metro — 量传溯源信息系统</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:48rem}"
            "th{text-align:left;padding-right:2rem}td{text-align:right}</style></head><body>"
            "<h1>metro</h1><p>计量标准与量传溯源信息系统 · "
            "Metrology standards and calibration traceability</p>"
            f"<table>{rows}</table><p><a href='/docs'>API</a></p></body></html>"
        )

    return app
