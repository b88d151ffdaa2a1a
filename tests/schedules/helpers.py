"""Importable job functions for scheduler tests (the job store keeps references, not code)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from metro.db.engine import make_engine
from metro.watch.runs import claim


def tick(db_url: str) -> None:
    """Record one firing as a job run with a unique key."""
    eng = make_engine(db_url)
    with eng.begin() as conn:
        claim(conn, "tick", uuid.uuid4().hex, now=datetime.now(UTC))
    eng.dispose()
