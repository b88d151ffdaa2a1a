"""The Hunan seed: export then load into an empty database gives the same statuses and coverage."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from metro.bundle.export import export_bundle
from metro.bundle.load import load_bundle
from metro.coverage.service import coverage
from metro.db.engine import make_engine
from metro.traceability import province_status

SEED = Path(__file__).resolve().parents[3] / "seed_data" / "hunan"
AT = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def answers(conn):
    statuses = sorted(
        (r.asset, r.status.value, r.due, r.reason) for r in province_status(conn, AT).records(conn)
    )
    report = coverage(conn, AT)
    return statuses, report.as_dict("region"), report.as_dict("quantity")


def test_seed_export_then_load_gives_the_same_answers(db, tmp_path, sqlite_template):
    with db.engine.begin() as conn:
        load_bundle(conn, SEED, actor="t", now=NOW)
    with db.engine.connect() as conn:
        before = answers(conn)
        export_bundle(conn, tmp_path / "export")
    fresh = tmp_path / "fresh.db"
    shutil.copy(sqlite_template, fresh)
    eng = make_engine(f"sqlite:///{fresh}")
    with eng.begin() as conn:
        load_bundle(conn, tmp_path / "export", actor="t", now=NOW)
    with eng.connect() as conn:
        after = answers(conn)
    eng.dispose()
    assert after == before
    statuses, by_region, _ = before
    assert {s for _, s, _, _ in statuses} == {
        "valid",
        "due_soon",
        "overdue",
        "failed",
        "untraceable",
        "suspect",
        "never_calibrated",
    }
    assert 0.9 < by_region["weighted_rate"] < 0.95
    assert {g["reason"] for g in by_region["gaps"]} == {
        "no_standard",
        "range",
        "uncertainty",
        "standard_expired",
        "untraceable",
    }
