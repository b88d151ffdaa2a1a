"""Fixtures: the hand-built province loaded into the ``db`` fixture's database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection

from tests.metro.traceability.province import load_hand_built


@pytest.fixture
def hand_built(db: object, tmp_path: Path) -> Iterator[Connection]:
    """A connection to a database holding :func:`province.hand_built`."""
    load_hand_built(db, tmp_path / "bundle")
    with db.engine.connect() as conn:  # type: ignore[attr-defined]
        yield conn
