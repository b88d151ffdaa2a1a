"""Snapshots: stored with the computation time given by the caller, read back as a trend."""

from __future__ import annotations

from datetime import UTC, date, datetime

from metro.coverage.snapshots import history, save_snapshot, snapshot_values
from tests.metro.coverage.builders import MPA, cap, coverage, need


def test_saved_snapshots_come_back_in_date_order(db):
    early = coverage([need(), need(code="far", hi=100 * MPA)], [cap()], at=date(2024, 1, 1))
    late = coverage([need(), need(code="far", hi=100 * MPA)], [cap(hi=160 * MPA)])
    with db.engine.begin() as conn:
        second = save_snapshot(conn, late, computed_at=datetime(2025, 9, 2, 8, 0, tzinfo=UTC))
        first = save_snapshot(conn, early, computed_at=datetime(2025, 9, 2, 9, 0, tzinfo=UTC))
    with db.engine.connect() as conn:
        rows = history(conn)
        assert history(conn, demand="instruments") == []
    assert [s.id for s in rows] == [first, second]
    assert [s.at for s in rows] == [date(2024, 1, 1), date(2025, 9, 1)]
    assert rows[0].computed_at.replace(tzinfo=UTC) == datetime(2025, 9, 2, 9, 0, tzinfo=UTC)
    assert (rows[0].overall.covered_items, rows[1].overall.covered_items) == (1, 2)
    assert rows[1].overall == late.overall
    assert rows[1].by_region == [{"key": "430100", **g.rates.as_dict()} for g in late.by["region"]]
    assert {d["key"] for d in rows[1].by_discipline} == {"12"}
    out = rows[1].as_dict()
    assert out["weighted_rate"] == 1.0 and out["meets_target"] is True


def test_snapshot_values_are_pure():
    report = coverage([need()], [cap()])
    when = datetime(2030, 1, 1, tzinfo=UTC)
    values = snapshot_values(report, computed_at=when)
    assert values["computed_at"] is when
    assert values["at"] == report.at
    assert values["rate"] == 1.0
    assert values["demand"] == "registered"
