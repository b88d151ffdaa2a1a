"""The FastAPI application factory: routers per resource, problem+json errors, offline docs.

``create_app(engine)`` builds the app over a database; ``background`` objects (the scheduler)
start and stop with it; ``clock`` is where routes read "now" (tests fix it). On start the
secrets (token signing key, verification-code key) are created when the database has none,
so ``metro serve`` needs no environment variable.

Concurrency (issue 10 item 10). Sync routes run in a pool of :data:`WORKER_THREADS` threads;
an API request takes its database connection on the event loop (``api/deps.py``) after one of
:func:`connection_slots` permits, fewer than the pool holds, so taking one never waits for a
connection held by a request whose release needs the loop. :func:`pool_size` is what
``metro serve`` gives its engine so that the permits, the threads and the scheduler never
wait for a connection at all. ``serving=True`` (``metro serve``) also builds the standards
layer at start and keeps the long-lived heap out of the collector's full passes
(``api/heap.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Final, Protocol

import anyio
import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

from api import auth, docs, errors, web
from api.clock import Clock, system_clock
from api.heap import FreezeAfterNewLayer, HeapFreezer
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
from metro.services import accounts, listing

WORKER_THREADS: Final = 16
CONNECTION_SLOTS: Final = 16
SCHEDULER_CONNECTIONS: Final = 12  # APScheduler's executor (10 threads), its job store, lease


def pool_size() -> int:
    """Connections a served process may hold at once: API requests, threads, the scheduler."""
    return CONNECTION_SLOTS + WORKER_THREADS + SCHEDULER_CONNECTIONS


def connection_slots(engine: Engine) -> int:
    """Permits for API requests' connections: fewer than the engine's pool can hold."""
    pool = engine.pool
    overflow = getattr(pool, "_max_overflow", -1)  # QueuePool keeps it private; -1: no limit
    if isinstance(pool, QueuePool) and overflow >= 0:
        return max(1, min(CONNECTION_SLOTS, pool.size() + overflow - 1))
    return CONNECTION_SLOTS


class Background(Protocol):
    """Something that runs beside the app (the scheduler): started and stopped with it."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def create_app(
    engine: Engine | None = None,
    *,
    background: Sequence[Background] = (),
    clock: Clock = system_clock,
    serving: bool = False,
) -> FastAPI:
    freezer = HeapFreezer()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine: Engine = app.state.engine
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        with engine.begin() as conn:
            for name in (accounts.TOKEN_SIGNING, accounts.VERIFICATION_CODE):
                accounts.secret(conn, name=name, now=clock())
        if serving:
            with engine.begin() as conn:
                listing.prepare(conn)
            freezer.freeze()
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
    app.state.connection_slots = anyio.Semaphore(connection_slots(app.state.engine))
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
    if serving:
        app.add_middleware(FreezeAfterNewLayer, freezer=freezer)
    return app
