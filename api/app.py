"""The FastAPI application factory: routers per resource, problem+json errors, offline docs.

``create_app(engine)`` builds the app over a database; ``background`` objects (the scheduler)
start and stop with it; ``clock`` is where routes read "now" (tests fix it). On start the
secrets (token signing key, verification-code key) are created when the database has none,
so ``metro serve`` needs no environment variable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import FastAPI
from sqlalchemy import Engine

from api import auth, docs, errors, web
from api.clock import Clock, system_clock
from api.routers import (
    bundles,
    certificates,
    dcc,
    home,
    instruments,
    intervals,
    reports,
    standards,
    verify,
)
from api.routers import supervision as supervision_routes
from metro import __version__
from metro.db.engine import make_engine
from metro.services import accounts


class Background(Protocol):
    """Something that runs beside the app (the scheduler): started and stopped with it."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def create_app(
    engine: Engine | None = None,
    *,
    background: Sequence[Background] = (),
    clock: Clock = system_clock,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with app.state.engine.begin() as conn:
            for name in (accounts.TOKEN_SIGNING, accounts.VERIFICATION_CODE):
                accounts.secret(conn, name=name, now=clock())
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
        description="Metrology standards and calibration traceability (计量标准与量传溯源)",
        openapi_url=docs.OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine or make_engine()
    app.state.clock = clock
    errors.install(app)
    docs.install(app)
    web.install(app)
    for router in (
        home.router,
        auth.router,
        instruments.router,
        intervals.router,
        standards.router,
        certificates.router,
        bundles.router,
        dcc.router,
        reports.router,
        supervision_routes.router,
        verify.router,
    ):
        app.include_router(router)
    return app
