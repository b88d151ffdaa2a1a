"""Coverage reads: the coverage of the 95 % need at a date, its stored trend, and the plan.

Every verb is ``verb(conn, *, actor, at | now, …)``; the engine (:mod:`metro.coverage`) does
the work — demand items against the candidates of the social public standards, the five checks
of :mod:`metro.model.adequacy` / :mod:`metro.model.examination` / :mod:`metro.model.statuses`,
the gap reasons of :mod:`metro.model.gaps`. :func:`snapshot` is the one write (a coverage
snapshot for the trend); it does not commit.

Coverage is the bureau's report over the whole province: ``actor`` is taken for the signature
(the HTTP policy admits the bureau and admins), not used to filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection

from metro.coverage import service as engine
from metro.coverage import snapshots
from metro.coverage.demand import DemandSource
from metro.coverage.planner import PlanReport, SuggestReport
from metro.coverage.report import TARGET, CoverageReport
from metro.coverage.snapshots import Snapshot
from metro.model.actor import Actor
from metro.model.capability import CapabilityRow


def report(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    demand: DemandSource | str = DemandSource.registered,
    target: float = TARGET,
) -> CoverageReport:
    """The coverage of the 95 % need at ``at`` (rates overall and by group, every gap)."""
    del actor
    return engine.coverage(conn, at, demand=demand, target=target)


def snapshot(conn: Connection, *, actor: Actor, now: datetime, report: CoverageReport) -> int:
    """Store ``report`` as a snapshot computed at ``now`` (for the trend); its id."""
    del actor
    return snapshots.save_snapshot(conn, report, computed_at=now)


def history(
    conn: Connection, *, actor: Actor, demand: DemandSource | str | None = None
) -> list[Snapshot]:
    """The stored snapshots, oldest first."""
    del actor
    return snapshots.history(conn, demand=None if demand is None else DemandSource(demand).value)


def plan(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    proposals: Sequence[CapabilityRow],
    demand: DemandSource | str = DemandSource.registered,
    target: float = TARGET,
) -> PlanReport:
    """Coverage before and after adding ``proposals``, and the items each one closes."""
    del actor
    return engine.plan(conn, at, proposals, demand=demand, target=target)


def suggest(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    k: int,
    demand: DemandSource | str = DemandSource.registered,
    target: float = TARGET,
    priority_weight: float = 1.0,
) -> SuggestReport:
    """The road to the target: the ``k`` capabilities, new or upgraded, that raise the weighted
    rate most (priority-field items counted ``priority_weight`` times when choosing)."""
    del actor
    return engine.road_to_target(conn, at, k, demand=demand, target=target,
                                 priority_weight=priority_weight)  # fmt: skip
