"""A large load refreshes the planner's statistics on PostgreSQL (``metro.db.bulk``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from metro.bundle.load import load_bundle
from metro.db import bulk
from tests import factories as f

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _analyzed(db) -> bool:
    """Has ANALYZE (or autovacuum) ever counted the certificates table?"""
    with db.engine.connect() as conn:
        tuples = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'certificates'::regclass")
        ).scalar_one()
    return float(tuples) >= 0  # -1: never analyzed (PostgreSQL ≥ 14)


@pytest.mark.parametrize("threshold", [1, 10**9])
def test_a_large_load_ends_with_analyze(db, tmp_path, monkeypatch, threshold):
    if db.backend != "postgresql":
        pytest.skip("SQLite plans without statistics")
    assert not _analyzed(db)
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", threshold)  # the small province as large
    with db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", f.small_province()), actor="t", now=NOW)
    assert _analyzed(db) is (threshold == 1)
