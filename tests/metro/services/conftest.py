"""A loaded small province for the write services' tests, on every test backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metro.bundle.load import load_bundle
from tests import factories as f

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.fixture
def province(db, tmp_path):
    """``small_province()`` loaded; yields the database."""
    with db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", f.small_province()), actor="t", now=NOW)
    return db
