"""The app factory each worker process of ``metro serve --workers N`` imports.

uvicorn starts N processes that each import this factory by name, so the database URL and
the scheduler choice travel in the environment (set by ``serve`` before it starts them). Every
worker runs a scheduler when asked; the scheduler's database lease keeps one of them active
(DESIGN.md "Known traps": APScheduler under several workers).
"""

from __future__ import annotations

import os
from typing import Any, Final

URL_VARIABLE: Final = "METRO_DATABASE_URL"
SCHEDULER_VARIABLE: Final = "METRO_SERVE_SCHEDULER"


def worker_app() -> Any:
    from api.app import create_app, pool_size
    from metro.db.connect import open_database

    engine = open_database(os.environ.get(URL_VARIABLE), pool_size=pool_size())
    hooks = []
    if os.environ.get(SCHEDULER_VARIABLE) == "1":
        from schedules.scheduler import MetroScheduler

        hooks.append(MetroScheduler(engine))
    return create_app(engine, background=hooks, serving=True)
