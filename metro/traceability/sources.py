"""Where the standards graph comes from: the whole province at once, or one standard at a time.

:func:`full_graph` reads every standard, capability and standard certificate in three queries
(the whole-province pass, impact). :func:`lazy_graph` reads a standard the first time the walk
touches it (``metro chain``, ``metro status ASSET``): a per-asset walk reads only its chain —
from the process-wide standards layer when one is cached and current (a server's), else from
the database.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from metro.errors import NotFound
from metro.model.capability import CapabilityRow
from metro.model.examination import StandardRow
from metro.model.validity import CertificateRow
from metro.repositories import traceability as repo
from metro.traceability.graph import StandardsGraph


def full_graph(conn: Connection) -> StandardsGraph:
    return StandardsGraph.from_rows(
        repo.standards(conn), repo.capabilities(conn), repo.standard_certificates(conn)
    )


class _DbLoader:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.layer: StandardsGraph | bool | None = False  # False: not looked up yet

    def __call__(
        self, standard_id: int
    ) -> tuple[StandardRow, Sequence[CapabilityRow], Sequence[CertificateRow]]:
        if self.layer is False:
            # the process-wide standards layer, when one is cached and current (never built
            # here: a one-shot walk reads only its chain); see metro.traceability.cache
            from metro.traceability.cache import current_layer

            found = current_layer(self.conn)
            self.layer = found.graph if found is not None else None
        if isinstance(self.layer, StandardsGraph):
            node = self.layer.node(standard_id)
            return node.standard, node.capabilities, node.timeline.certificates
        rows = repo.standards(self.conn, [standard_id])
        if not rows:
            raise NotFound(f"unknown standard id {standard_id}")
        return (
            rows[0],
            repo.capabilities(self.conn, [standard_id]),
            repo.standard_certificates(self.conn, [standard_id]),
        )


def lazy_graph(conn: Connection) -> StandardsGraph:
    return StandardsGraph(loader=_DbLoader(conn))
