"""The standards layer as a networkx ``MultiDiGraph``: standards are nodes, certificates edges.

An edge runs from a reference standard to the standard it calibrated (the direction in which the
value is handed down), keyed by the certificate id, with the certificate row as data; a
certificate with several references gives one edge per reference under the same key. A
``MultiDiGraph``, because yearly recalibrations by the same reference must not overwrite each
other (DESIGN.md "Known traps"). Instruments are not in the graph: they are leaves, evaluated in
bulk by :mod:`metro.traceability.leaves`.

Each node holds its standard, its capabilities and its :class:`Timeline`. The graph is filled
in one of two ways:

* **complete** (:meth:`StandardsGraph.from_rows`): every standard and every standard certificate
  of the province, for the whole-province pass and impact (out-edges are then complete);
* **lazy** (a :class:`Loader`): a standard is read the first time it is touched, for per-asset
  walks (``metro chain``, ``metro status ASSET``); a lazy graph knows the in-edges of each
  standard it has loaded, not every out-edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import networkx as nx

from metro.errors import Conflict, NotFound
from metro.model.capability import CapabilityRow
from metro.model.examination import StandardRow
from metro.model.validity import CertificateRow
from metro.traceability.speaking import Timeline


class Loader(Protocol):
    def __call__(
        self, standard_id: int
    ) -> tuple[StandardRow, Sequence[CapabilityRow], Sequence[CertificateRow]]: ...


@dataclass(frozen=True, slots=True)
class Node:
    standard: StandardRow
    capabilities: tuple[CapabilityRow, ...]
    timeline: Timeline


class StandardsGraph:
    """Standards and their dated certificate edges; see the module docstring."""

    def __init__(self, loader: Loader | None = None) -> None:
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._loader = loader
        self.complete = loader is None

    @classmethod
    def from_rows(
        cls,
        standards: Iterable[StandardRow],
        capabilities: Iterable[CapabilityRow],
        certificates: Iterable[CertificateRow],
    ) -> StandardsGraph:
        caps: dict[int, list[CapabilityRow]] = {}
        for c in capabilities:
            caps.setdefault(c.standard_id, []).append(c)
        certs: dict[int, list[CertificateRow]] = {}
        for cert in certificates:
            if cert.subject_standard_id is not None:
                certs.setdefault(cert.subject_standard_id, []).append(cert)
        out = cls()
        for s in standards:
            out._add(s, caps.get(s.id, ()), certs.get(s.id, ()))
        if not nx.is_directed_acyclic_graph(out.graph):
            cycle = [out.code(e[0]) for e in nx.find_cycle(out.graph)]
            raise Conflict(f"the traceability graph has a cycle through {' → '.join(cycle)}")
        return out

    def _add(
        self,
        standard: StandardRow,
        capabilities: Iterable[CapabilityRow],
        certificates: Iterable[CertificateRow],
    ) -> Node:
        node = Node(standard, tuple(capabilities), Timeline.of(certificates))
        self.graph.add_node(standard.id, node=node)
        for c in node.timeline.certificates:
            for ref in c.references:
                self.graph.add_edge(ref, standard.id, key=c.id, certificate=c)
        return node

    def node(self, standard_id: int) -> Node:
        data = self.graph.nodes.get(standard_id)
        if data is not None and "node" in data:
            node: Node = data["node"]
            return node
        if self._loader is None:
            raise NotFound(f"unknown standard id {standard_id}")
        row, caps, certs = self._loader(standard_id)
        return self._add(row, caps, certs)

    def standard(self, standard_id: int) -> StandardRow:
        return self.node(standard_id).standard

    def code(self, standard_id: int) -> str:
        return self.node(standard_id).standard.code

    def is_primary(self, standard_id: int) -> bool:
        return self.node(standard_id).standard.level == "primary"

    def capabilities(self, standard_id: int) -> tuple[CapabilityRow, ...]:
        return self.node(standard_id).capabilities

    def timeline(self, standard_id: int) -> Timeline:
        return self.node(standard_id).timeline

    def speaking(self, standard_id: int, at: date) -> CertificateRow | None:
        return self.node(standard_id).timeline.speaking(at)

    def ids(self) -> list[int]:
        """Every loaded standard, by id."""
        return sorted(n for n, d in self.graph.nodes(data=True) if "node" in d)

    def uses(self, standard_id: int) -> list[CertificateRow]:
        """Standard certificates that used ``standard_id`` as a reference (complete graph)."""
        if not self.complete:
            raise RuntimeError("uses() needs the complete standards graph")
        seen: dict[int, CertificateRow] = {}
        for _, _, cert in self.graph.out_edges(standard_id, data="certificate"):
            seen[cert.id] = cert
        return sorted(seen.values(), key=lambda c: (c.calibrated_on, c.id))

    def references(self, certificate: CertificateRow) -> list[int]:
        """The reference standards of a standard certificate, read off its in-edges."""
        subject = certificate.subject_standard_id
        if subject is None:
            return list(certificate.references)
        self.node(subject)
        found = {u for u, _, k in self.graph.in_edges(subject, keys=True) if k == certificate.id}
        return [r for r in certificate.references if r in found]

    def upstream_primaries(self, standard_id: int) -> set[int]:
        """Primary standards from which ``standard_id`` has ever received a value (undated)."""
        return {a for a in nx.ancestors(self.graph, standard_id) if self.is_primary(a)}
