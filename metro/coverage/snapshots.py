"""Coverage snapshots: store a computed coverage and read the trend back.

A snapshot keeps the date the coverage speaks for (``at``), when it was computed
(``computed_at``, an argument: domain code never reads the clock), the demand source, the
target, the overall rates and the rates by discipline and by region. ``metro coverage --save``
writes one (saving is opt-in: a report is a read and can run on a read-only database);
``metro coverage history`` lists them, oldest ``at`` first, with the change since the one before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from metro.coverage.report import CoverageReport, GroupRates, Rates
from metro.repositories import coverage as repo


@dataclass(frozen=True, slots=True)
class Snapshot:
    id: int
    computed_at: datetime
    at: date
    demand: str
    target: float
    overall: Rates
    by_discipline: list[dict[str, Any]]
    by_region: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "computed_at": self.computed_at.isoformat(),
            "at": self.at,
            "demand": self.demand,
            "target": self.target,
            **self.overall.as_dict(),
            "meets_target": self.overall.meets(self.target),
            "by_discipline": self.by_discipline,
            "by_region": self.by_region,
        }


def _groups(groups: list[GroupRates]) -> list[dict[str, Any]]:
    return [{"key": g.key, **g.rates.as_dict()} for g in groups]


def snapshot_values(report: CoverageReport, *, computed_at: datetime) -> dict[str, Any]:
    """The row to store for ``report`` (pure)."""
    return {
        "computed_at": computed_at,
        "at": report.at,
        "demand": report.demand_source,
        "target": report.target,
        **{k: v for k, v in report.overall.as_dict().items()},
        "by_discipline": _groups(report.by["discipline"]),
        "by_region": _groups(report.by["region"]),
    }


def save_snapshot(conn: Connection, report: CoverageReport, *, computed_at: datetime) -> int:
    """Store ``report`` as a snapshot computed at ``computed_at``; returns its id (no commit)."""
    return repo.insert_snapshot(conn, snapshot_values(report, computed_at=computed_at))


def history(conn: Connection, *, demand: str | None = None) -> list[Snapshot]:
    """Stored snapshots, oldest ``at`` first (then by computation time)."""
    out = []
    for row in repo.snapshots(conn, demand):
        r = dict(zip(repo.SNAPSHOT_COLUMNS, row, strict=True))
        out.append(
            Snapshot(
                id=r["id"],
                computed_at=r["computed_at"],
                at=r["at"],
                demand=r["demand"],
                target=r["target"],
                overall=Rates(r["items"], r["covered_items"], r["weight"], r["covered_weight"]),
                by_discipline=list(r["by_discipline"]),
                by_region=list(r["by_region"]),
            )
        )
    return out
