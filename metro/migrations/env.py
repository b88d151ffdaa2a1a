"""Alembic environment: runs against the engine metro hands over (or METRO_DATABASE_URL)."""

from __future__ import annotations

from alembic import context

import metro.db.models  # noqa: F401  (registers every table on the metadata)
from metro.db.base import Base
from metro.db.engine import make_engine

config = context.config
engine = config.attributes.get("engine") or make_engine()

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
