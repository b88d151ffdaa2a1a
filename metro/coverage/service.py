"""Coverage services: read what the database holds, ask the traceability engine, compute.

These are the functions the CLI (and later the API and the scheduler) call with a connection.
``statuses`` is the seam to the traceability engine (see :mod:`metro.coverage.status`): pass an
explicit ``standard id → (status word, reason)`` map, or leave it None to ask the engine. ``at``
is always an argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection

from metro.coverage.candidates import Candidates, CapabilityRow, build_candidates
from metro.coverage.demand import DemandItems, DemandSource, instrument_items, registered_items
from metro.coverage.planner import PlanReport, SuggestReport, plan_additions, suggest
from metro.coverage.report import TARGET, CoverageReport, compute_coverage
from metro.coverage.status import StatusMap, engine_statuses
from metro.repositories import coverage as repo


def load_demand(conn: Connection, source: DemandSource | str) -> DemandItems:
    """Registered demand items, items derived from instruments, or both (in that order)."""
    source = DemandSource(source)
    items = DemandItems.empty()
    if source in (DemandSource.registered, DemandSource.both):
        items = items.concat(registered_items(repo.registered_demand(conn)))
    if source in (DemandSource.instruments, DemandSource.both):
        items = items.concat(instrument_items(repo.instrument_demand(conn)))
    return items


def load_candidates(conn: Connection, at: date, statuses: StatusMap | None = None) -> Candidates:
    """The public standards' capabilities at ``at``, checks 4 and 5 decided."""
    rows = repo.public_capabilities(conn)
    if statuses is None:
        statuses = engine_statuses(conn, at, sorted({r.standard_id for r in rows}))
    return build_candidates(rows, at, statuses)


def coverage(
    conn: Connection,
    at: date,
    *,
    demand: DemandSource | str = DemandSource.registered,
    statuses: StatusMap | None = None,
    target: float = TARGET,
) -> CoverageReport:
    """The coverage of the 95 % need at ``at``."""
    source = DemandSource(demand)
    return compute_coverage(
        load_demand(conn, source),
        load_candidates(conn, at, statuses),
        at=at,
        target=target,
        demand_source=source.value,
    )


def plan(
    conn: Connection,
    at: date,
    proposals: Sequence[CapabilityRow],
    *,
    demand: DemandSource | str = DemandSource.registered,
    statuses: StatusMap | None = None,
    target: float = TARGET,
) -> PlanReport:
    """Coverage before and after adding ``proposals``, and what each one closes."""
    before = coverage(conn, at, demand=demand, statuses=statuses, target=target)
    return plan_additions(before, proposals)


def road_to_target(
    conn: Connection,
    at: date,
    k: int,
    *,
    demand: DemandSource | str = DemandSource.registered,
    statuses: StatusMap | None = None,
    target: float = TARGET,
    priority_weight: float = 1.0,
) -> SuggestReport:
    """The ``k`` capabilities, new or upgraded, that raise the weighted rate most (greedy)."""
    before = coverage(conn, at, demand=demand, statuses=statuses, target=target)
    return suggest(before, k, priority_weight=priority_weight)
