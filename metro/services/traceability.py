"""Traceability reads: the status of any set of assets, a chain, the due list, an impact report.

Every verb is ``verb(conn, *, actor, at, …)`` and writes nothing. The engine
(:mod:`metro.traceability`) does the work: a set of assets is evaluated in **one** pass over
the province (:func:`~metro.traceability.province_status`: standards over the graph,
instruments in bulk arrays), never one chain walk per asset; one asset named by its code is
walked alone. What the command line, the API and the pages show is shaped here once: the counts
by word and the *attention order* (the most urgent words first) of :func:`status_board`.

``actor`` scopes the reads: an actor that does not see everything (an enterprise or a lab) is
held to its own organization's assets in the bulk reads; the HTTP layer's policy decides the
finer rules (a lab reads the assets it certified) before calling.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import numpy as np
from sqlalchemy import Connection

from metro.errors import InvalidInput, NotFound
from metro.model.actor import Actor
from metro.model.statuses import DEFAULT_LEAD_DAYS, ORDER, STATUS_WORDS, Status
from metro.repositories import traceability as repo
from metro.traceability import (
    Chain,
    DueItem,
    ImpactReport,
    ProvinceStatus,
    StatusRecord,
    due_list,
    explain_chain,
    impact_report,
    province_status,
    status_of,
)

#: Rows of a status board (the command line's table; ``--json`` lists every asset).
BOARD_ROWS: Final = 500


def _owner_of(actor: Actor, owner: str | None) -> str | None:
    """The owner filter: the one asked for, held to the actor's organization when it does not
    see everything (asking for another organization's assets finds nothing of them)."""
    if actor.sees_everything or actor.organization is None:
        return owner
    if owner is not None and owner != actor.organization:
        raise NotFound(f"unknown owner code {owner!r}: no organization you can read has it")
    return actor.organization


def _words(statuses: Collection[str] | None) -> frozenset[Status] | None:
    if statuses is None:
        return None
    bad = [s for s in statuses if s not in STATUS_WORDS]
    if bad:
        raise InvalidInput(
            f"status {bad[0]!r}: not a status word (one of {', '.join(STATUS_WORDS)})"
        )
    return frozenset(Status(s) for s in statuses)


def _owner_id(conn: Connection, owner: str | None) -> int | None:
    if owner is None:
        return None
    oid = repo.organization_id(conn, owner)
    if oid is None:
        raise NotFound(f"unknown owner code {owner!r}: no organization has it")
    return oid


def _select(
    conn: Connection, state: ProvinceStatus, owner_id: int | None,
    words: frozenset[Status] | None,
) -> list[StatusRecord]:
    """Records of the assets of ``owner_id`` (all when None) with one of ``words``: standards
    by code, then instruments by code; instrument reasons are built only for those kept."""
    graph = state.province.graph
    standards = [
        r for sid, r in state.standards.items()
        if (owner_id is None or graph.standard(sid).owner_id == owner_id)
        and (words is None or r.status in words)
    ]
    leaf = state.instruments
    keep = np.ones(len(leaf.instrument_id), dtype=np.bool_)
    if owner_id is not None:
        keep &= leaf.owner_id == owner_id
    if words is not None:
        keep &= np.isin(leaf.status, [ORDER.index(w) for w in words])
    positions = np.flatnonzero(keep)
    if owner_id is None and words is None:
        instruments = state.instrument_records(conn)
    else:
        instruments = state.instrument_records(conn, positions.tolist())
    return sorted(standards, key=lambda r: r.asset) + sorted(instruments, key=lambda r: r.asset)


def status(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    asset: str | None = None,
    owner: str | None = None,
    statuses: Collection[str] | None = None,
    lead_days: int = DEFAULT_LEAD_DAYS,
) -> list[StatusRecord]:
    """The status at ``at`` of one asset (by code), or of every asset — of one ``owner``, with
    one of ``statuses`` — in one pass over the province."""
    words = _words(statuses)
    if asset is not None:
        record = status_of(conn, asset, at, lead_days)
        scoped = _owner_of(actor, owner)
        if scoped is not None and record.owner != scoped:
            raise NotFound(f"unknown asset code {asset!r}: no standard or instrument has it")
        return [record] if words is None or record.status in words else []
    owner_id = _owner_id(conn, _owner_of(actor, owner))
    return _select(conn, province_status(conn, at, lead_days), owner_id, words)


@dataclass(frozen=True, slots=True)
class StatusBoard:
    """How many assets carry each word (non-zero words, in order), and the assets that need
    attention first: standards by word then code, then instruments by word, at most ``rows``."""

    at: date
    counts: dict[str, int]
    records: list[StatusRecord] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def status_board(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    lead_days: int = DEFAULT_LEAD_DAYS,
    rows: int = BOARD_ROWS,
) -> StatusBoard:
    """The counts by word and the ``rows`` most urgent assets (the attention order)."""
    owner_id = _owner_id(conn, _owner_of(actor, None))
    state = province_status(conn, at, lead_days)
    if owner_id is not None:
        records = _select(conn, state, owner_id, None)
        counts = {s.value: n for s in ORDER if (n := sum(r.status is s for r in records))}
        order = {s: i for i, s in enumerate(ORDER)}
        records.sort(key=lambda r: (order[r.status], r.kind != "standard", r.asset))
        return StatusBoard(at, counts, records[:rows])
    counts = {s.value: n for s, n in state.counts().items() if n}
    rank = {s: i for i, s in enumerate(counts)}
    records = sorted(state.standards.values(),
                     key=lambda r: (rank[r.status.value], r.asset))[:rows]
    room = rows - len(records)
    attention = np.argsort(state.instruments.status, kind="stable")[:max(room, 0)]
    records += state.instrument_records(conn, [int(i) for i in attention])
    return StatusBoard(at, counts, records)


def chain(conn: Connection, *, actor: Actor, at: date, asset: str) -> Chain:
    """The chain of ``asset`` at ``at``: links up to the roots, propagated U, first broken link."""
    result = explain_chain(conn, asset, at)
    scoped = _owner_of(actor, None)
    if scoped is not None:
        record = status_of(conn, asset, at)
        if record.owner != scoped:
            raise NotFound(f"unknown asset code {asset!r}: no standard or instrument has it")
    return result


def due(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    within_days: int,
    owner: str | None = None,
    lead_days: int = DEFAULT_LEAD_DAYS,
) -> list[DueItem]:
    """Assets due by ``at + within_days``, overdue ones included (of one owner when given)."""
    return due_list(conn, at, within_days, owner=_owner_of(actor, owner), lead_days=lead_days)


def impact(
    conn: Connection, *, actor: Actor, standard: str, at: date | None = None
) -> ImpactReport:
    """What ``standard``'s latest fail puts in doubt (its fail is dated: ``at`` is not used)."""
    del actor, at  # the bureau's report; the API's policy limits a lab to its own standards
    return impact_report(conn, standard)
