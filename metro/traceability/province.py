"""The whole province at a date in one pass; the standards' statuses for the coverage engine.

:class:`Province` is one read of what the rules need: the complete standards graph, its
:class:`~metro.traceability.timetable.Timetable` and the instrument :class:`Leaves`. Its
:meth:`Province.status` evaluates every asset at a date: standards one by one over the graph
(a few thousand), instruments in bulk (:func:`~metro.traceability.leaves.evaluate`), with the
suspect windows of every failure dated ≤ t spread over the graph first. The cost is one read
of the certificates plus array work, roughly linear in the number of certificates; several
dates can be evaluated over one read.

The standards layer is read once per process and kept until a write bumps its change counter
(:mod:`metro.traceability.cache`); :func:`instruments_status` evaluates one owner's instruments
(or a set of ids) by the same leaves code, reading no other instrument.

Reasons are built only when asked (:meth:`ProvinceStatus.records`): those of ``untraceable``
and ``suspect`` instruments by the same per-asset rule as ``metro status ASSET``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import Connection

from metro.repositories import leaf_arrays
from metro.repositories import traceability as repo
from metro.repositories.traceability import NO_DAY, from_day, to_day
from metro.traceability.cache import StandardsLayer, standards_layer
from metro.traceability.graph import StandardsGraph
from metro.traceability.leaves import LeafStatus, Leaves, evaluate
from metro.traceability.soundness import Judge
from metro.traceability.speaking import Timeline
from metro.traceability.status import (
    CODE,
    DEFAULT_LEAD_DAYS,
    ORDER,
    Status,
    StatusRecord,
    asset_status,
    simple_reason,
)
from metro.traceability.suspicion import Suspicions
from metro.traceability.timetable import Timetable

_WALKED = (CODE[Status.UNTRACEABLE], CODE[Status.SUSPECT])


def _standard_records(
    graph: StandardsGraph, judge: Judge, suspicions: Suspicions, at: date, lead_days: int
) -> dict[int, StatusRecord]:
    out: dict[int, StatusRecord] = {}
    for sid in graph.ids():
        node = graph.node(sid)
        s = node.standard
        out[sid] = asset_status(
            kind="standard", asset_id=sid, code=s.code, owner=s.owner,
            primary=s.level == "primary", timeline=node.timeline, at=at, lead_days=lead_days,
            judge=judge, suspicions=suspicions,
        )
    return out


def standard_statuses(
    conn: Connection,
    at: date,
    standard_ids: Collection[int] | None = None,
    *,
    lead_days: int = DEFAULT_LEAD_DAYS,
) -> dict[int, StatusRecord]:
    """Status at ``at`` of every standard (or of ``standard_ids``), by standard id.

    No instrument is read: the standards layer alone decides a standard's status.
    """
    layer = standards_layer(conn)
    graph, judge = layer.graph, layer.judge()
    records = _standard_records(graph, judge, Suspicions(graph, judge, at), at, lead_days)
    if standard_ids is None:
        return records
    return {i: records[i] for i in standard_ids if i in records}


@dataclass
class Province:
    """One read of the province: standards graph, timetable and instrument leaves.

    The standards layer comes from the process-wide cache (:mod:`metro.traceability.cache`);
    ``subset`` says which instruments the leaves hold (default: all of them).
    """

    graph: StandardsGraph
    judge: Judge
    timetable: Timetable
    leaves: Leaves
    subset: leaf_arrays.Subset = field(default_factory=leaf_arrays.Subset)
    layer: StandardsLayer | None = None  # where the suspect windows of a date are kept

    @classmethod
    def load(cls, conn: Connection, subset: leaf_arrays.Subset | None = None) -> Province:
        """The cached standards layer and the leaves of ``subset`` (default: every instrument)."""
        subset = subset or leaf_arrays.Subset()
        layer = standards_layer(conn)
        leaves = Leaves.build(
            leaf_arrays.instrument_arrays(conn, subset),
            leaf_arrays.certificate_arrays(conn, subset),
            leaf_arrays.reference_arrays(conn, subset),
        )
        return cls(layer.graph, layer.judge(), layer.timetable, leaves, subset, layer)

    def status(
        self, at: date, lead_days: int = DEFAULT_LEAD_DAYS, *, standards: bool = True
    ) -> ProvinceStatus:
        """Every leaf's status at ``at``; every standard's too unless ``standards`` is False."""
        suspicions = Suspicions(self.graph, self.judge, at)
        if self.layer is not None:
            tainted = self.layer.tainted(at)
        else:
            windows = suspicions.spread_all().windows
            tainted = self.timetable.tainted(
                np.fromiter(windows, dtype=np.int64, count=len(windows)))
        leaf = evaluate(self.leaves, self.timetable, tainted, to_day(at), lead_days)
        records = (
            _standard_records(self.graph, self.judge, suspicions, at, lead_days)
            if standards else {}
        )
        return ProvinceStatus(at, lead_days, records, leaf, self, suspicions)


@dataclass
class ProvinceStatus:
    """Every asset's status at ``at``: standards as records, instruments as arrays."""

    at: date
    lead_days: int
    standards: dict[int, StatusRecord]
    instruments: LeafStatus
    province: Province
    suspicions: Suspicions

    def counts(self) -> dict[Status, int]:
        """How many assets (standards and instruments) carry each word."""
        n = np.bincount(self.instruments.status, minlength=len(ORDER))
        out = {s: int(n[i]) for i, s in enumerate(ORDER)}
        for r in self.standards.values():
            out[r.status] += 1
        return out

    def instrument_status(self, instrument_id: int) -> Status | None:
        leaf = self.instruments
        i = int(np.searchsorted(leaf.instrument_id, instrument_id))
        if i < len(leaf.instrument_id) and leaf.instrument_id[i] == instrument_id:
            return ORDER[int(leaf.status[i])]
        return None

    def instrument_records(
        self, conn: Connection, positions: Iterable[int] | None = None
    ) -> list[StatusRecord]:
        """Records (with reasons) of the instruments at these array positions (default all)."""
        leaf = self.instruments
        pos = np.arange(len(leaf.instrument_id)) if positions is None else np.asarray(
            list(positions), dtype=np.int64)
        everything = self.province.subset.whole and len(pos) > len(leaf.instrument_id) // 2
        ids = leaf.instrument_id[pos]
        labels = repo.instrument_labels(conn, None if everything else ids.tolist())
        owners = repo.organization_codes(
            conn, None if everything else {labels[i][1] for i in ids.tolist()})
        cert_ids = leaf.certificate_id[pos]
        numbers = repo.certificate_labels(conn, cert_ids[cert_ids >= 0].tolist())
        walked = pos[np.isin(leaf.status[pos], _WALKED)]
        walked_records = self._walked(conn, walked)
        out: list[StatusRecord] = []
        for p, iid, cid in zip(pos.tolist(), ids.tolist(), cert_ids.tolist(), strict=True):
            hit = walked_records.get(iid)
            if hit is not None:
                out.append(hit)
                continue
            code, owner_id = labels[iid]
            status = ORDER[int(leaf.status[p])]
            due = None if leaf.due[p] == NO_DAY else from_day(int(leaf.due[p]))
            cal = None if cid < 0 else from_day(int(leaf.calibrated[p]))
            number = numbers.get(cid) if cid >= 0 else None
            reason = simple_reason(status, number, cal, due, self.at)
            out.append(StatusRecord(code, "instrument", status, due, reason, iid,
                                    owners[owner_id], number))
        return out

    def _walked(self, conn: Connection, positions: Iterable[int]) -> dict[int, StatusRecord]:
        """Untraceable and suspect instruments: reasons by the per-asset rule."""
        leaf = self.instruments
        pos = list(positions)
        if not pos:
            return {}
        instruments = repo.instruments(conn, leaf.instrument_id[pos].tolist())
        certs = repo.certificates(conn, leaf.certificate_id[pos].tolist())
        out: dict[int, StatusRecord] = {}
        for p in pos:
            iid, cid = int(leaf.instrument_id[p]), int(leaf.certificate_id[p])
            inst = instruments[iid]
            out[iid] = asset_status(
                kind="instrument", asset_id=iid, code=inst.code, owner=inst.owner, primary=False,
                timeline=Timeline.of([certs[cid]]), at=self.at, lead_days=self.lead_days,
                judge=self.province.judge, suspicions=self.suspicions, instrument=inst,
            )
        return out

    def records(self, conn: Connection) -> list[StatusRecord]:
        """Every asset: standards by code, then instruments by code."""
        standards = sorted(self.standards.values(), key=lambda r: r.asset)
        instruments = sorted(self.instrument_records(conn), key=lambda r: r.asset)
        return standards + instruments


def province_status(
    conn: Connection, at: date, lead_days: int = DEFAULT_LEAD_DAYS
) -> ProvinceStatus:
    """Status of every standard and instrument at ``at`` in one pass."""
    return Province.load(conn).status(at, lead_days)


def instruments_status(
    conn: Connection,
    at: date,
    *,
    owner_id: int | None = None,
    ids: Collection[int] | None = None,
    lead_days: int = DEFAULT_LEAD_DAYS,
    standards: bool = False,
) -> ProvinceStatus:
    """Status at ``at`` of one owner's instruments, or of those ``ids`` (both: the ids among
    the owner's), without reading any other instrument: the same leaves code as
    :func:`province_status` over the cached standards layer (neither given: every
    instrument). Standards' records only when ``standards`` is True (then every standard's:
    the layer is whole anyway)."""
    subset = leaf_arrays.Subset(owner_id, None if ids is None else sorted(set(ids)))
    return Province.load(conn, subset).status(at, lead_days, standards=standards)
