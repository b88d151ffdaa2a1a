"""One asset's status at a date by walking its own chain (``metro status ASSET``).

Reads only what the walk touches: the asset, its certificates, and each standard up its chain
(a lazy :class:`~metro.traceability.graph.StandardsGraph`). The same rule as the whole-province
pass, one asset at a time; the bench uses it as the per-asset baseline.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from metro.errors import NotFound
from metro.repositories import traceability as repo
from metro.repositories.traceability import AssetRef
from metro.traceability.soundness import Judge
from metro.traceability.sources import lazy_graph
from metro.traceability.speaking import Timeline
from metro.traceability.status import DEFAULT_LEAD_DAYS, StatusRecord, asset_status
from metro.traceability.suspicion import Suspicions


def find(conn: Connection, code: str) -> AssetRef:
    """The asset with this code, or ``NotFound`` naming it."""
    ref = repo.find_asset(conn, code)
    if ref is None:
        raise NotFound(f"unknown asset code {code!r}: no standard or instrument has it")
    return ref


def status_of(
    conn: Connection, code: str, at: date, lead_days: int = DEFAULT_LEAD_DAYS
) -> StatusRecord:
    """The status of the standard or instrument ``code`` at ``at``."""
    ref = find(conn, code)
    graph = lazy_graph(conn)
    judge = Judge(graph)
    suspicions = Suspicions(graph, judge, at)
    if ref.kind == "standard":
        node = graph.node(ref.id)
        s = node.standard
        return asset_status(
            kind="standard", asset_id=s.id, code=s.code, owner=s.owner,
            primary=s.level == "primary", timeline=node.timeline, at=at, lead_days=lead_days,
            judge=judge, suspicions=suspicions,
        )
    inst = repo.instrument(conn, ref.id)
    return asset_status(
        kind="instrument", asset_id=inst.id, code=inst.code, owner=inst.owner, primary=False,
        timeline=Timeline.of(repo.instrument_certificates(conn, inst.id)), at=at,
        lead_days=lead_days, judge=judge, suspicions=suspicions, instrument=inst,
    )
