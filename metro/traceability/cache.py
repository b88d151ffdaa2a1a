"""The standards layer, built once per process and kept until a write changes it.

The layer is what every status question needs above the instruments: the complete
:class:`~metro.traceability.graph.StandardsGraph` (standards, capabilities, standard
certificates), a :class:`~metro.traceability.soundness.Judge` that has judged every standard
certificate, and the :class:`~metro.traceability.timetable.Timetable` the instrument leaves are
looked up in. A few thousand standards: building it costs far more than any one owner's
instruments, so a web request must not.

:func:`standards_layer` keys the layer by (database URL, change counter): the counter is the
``standards`` row of ``change_counters``, bumped in the same transaction by every write that
can change the layer (:func:`metro.repositories.counters.bump_standards`: the certificate and
standard services, the bundle loader). Each request reads the counter — one primary-key
lookup — and rebuilds only when it moved, so several worker processes stay right: each compares
with the database, none has to be told. The URL is part of the key because a process may talk
to several databases (each test has its own).

Decisions:

* The counter is read once per transaction (a request): a layer checked in it is remembered
  on the connection until the transaction ends.
* The counter is read *before* the layer's rows, so a layer never holds rows older than the
  counter it is kept under (a write committed between the two reads makes a layer newer than
  its counter, rebuilt at the next read that sees the new counter).
* A connection whose open transaction bumped the counter reads uncommitted rows: it gets a layer
  built for it alone, never cached (the write may still be rolled back).
* The layer is shared between threads: graph and timetable are only read; the judge memoises
  as it walks, so each caller gets its own (:meth:`StandardsLayer.judge`), seeded with the
  verdicts on the standard certificates.
* One layer per database, the few most recently used databases kept; per layer, the suspect
  windows of the last few dates asked for (:meth:`StandardsLayer.tainted`).
* Per-asset walks (``status_of``, ``explain_chain``) read standards from the cached layer when
  it is current (:func:`current_layer`) but never build it: the API's views ask for the layer
  first (:mod:`metro.services.listing`), a one-shot ``metro chain`` reads only its chain.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from metro.repositories.counters import standards_counter, standards_written_here
from metro.traceability.graph import StandardsGraph
from metro.traceability.soundness import Judge
from metro.traceability.sources import full_graph
from metro.traceability.suspicion import Suspicions
from metro.traceability.timetable import Timetable

_KEEP: Final = 8
_DATES: Final = 64
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class StandardsLayer:
    """The standards layer as of change counter ``counter`` (-1: uncommitted, not cached)."""

    counter: int
    graph: StandardsGraph
    timetable: Timetable
    _judged: Judge
    _tainted: dict[date, BoolArray] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, conn: Connection, counter: int) -> StandardsLayer:
        graph = full_graph(conn)
        judge = Judge(graph)
        timetable = Timetable.build(judge)  # judges every standard certificate
        return cls(counter, graph, timetable, judge)

    def tainted(self, at: date) -> BoolArray:
        """Per timetable step: does a suspect window (of every failure dated ≤ ``at``) cover it?
        Kept per date (read-only): every list of the same day needs the same spread."""
        hit = self._tainted.get(at)
        if hit is None:
            windows = Suspicions(self.graph, self.judge(), at).spread_all().windows
            hit = self.timetable.tainted(np.fromiter(windows, dtype=np.int64, count=len(windows)))
            hit.flags.writeable = False
            if len(self._tainted) >= _DATES:
                self._tainted.clear()
            self._tainted[at] = hit
        return hit

    def judge(self) -> Judge:
        """A judge of its own for one caller, knowing every standard certificate's verdict."""
        fresh = Judge(self.graph)
        # the memo is the judge's own field; copied so that callers never share a walk
        fresh._sound.update(self._judged._sound)
        return fresh


_lock = threading.Lock()
_layers: OrderedDict[str, StandardsLayer] = OrderedDict()
_built = 0


def layers_built() -> int:
    """How many layers this process has built and kept: a long-running server compares it
    between requests to learn that a new layer joined its long-lived heap (``api/heap.py``)."""
    return _built


def _database(conn: Connection) -> str:
    return conn.engine.url.render_as_string(hide_password=True)


_CHECKED: Final = "metro.standards_layer_checked"


def _checked(conn: Connection) -> StandardsLayer | None:
    """The layer already checked against the counter in this transaction (one request)."""
    mark = conn.info.get(_CHECKED)
    if mark is not None and mark[0] is conn.get_transaction() and conn.in_transaction():
        layer: StandardsLayer = mark[1]
        return layer
    return None


def _remember(conn: Connection, layer: StandardsLayer) -> StandardsLayer:
    conn.info[_CHECKED] = (conn.get_transaction(), layer)
    return layer


def standards_layer(conn: Connection) -> StandardsLayer:
    """The standards layer as ``conn`` sees it: the cached one while the counter stands."""
    if standards_written_here(conn):
        return StandardsLayer.build(conn, -1)
    seen = _checked(conn)
    if seen is not None:
        return seen
    counter = standards_counter(conn)
    key = _database(conn)
    with _lock:
        hit = _layers.get(key)
        if hit is not None and hit.counter == counter:
            _layers.move_to_end(key)
            return _remember(conn, hit)
        # built under the lock: concurrent requests after a write wait for one build
        layer = StandardsLayer.build(conn, counter)
        global _built
        _built += 1
        _layers[key] = layer
        _layers.move_to_end(key)
        while len(_layers) > _KEEP:
            _layers.popitem(last=False)
        return _remember(conn, layer)


def current_layer(conn: Connection) -> StandardsLayer | None:
    """The cached layer when it is current for ``conn`` (never builds one): per-asset walks
    read their chain from it instead of the database (:func:`~metro.traceability.sources.
    lazy_graph`); a process that never asked for the layer keeps reading only chains."""
    if standards_written_here(conn):
        return None
    seen = _checked(conn)
    if seen is not None:
        return seen
    counter = standards_counter(conn)
    with _lock:
        hit = _layers.get(_database(conn))
    return _remember(conn, hit) if hit is not None and hit.counter == counter else None


def forget() -> None:
    """Drop every cached layer (tests and benches measuring a cold start)."""
    with _lock:
        _layers.clear()
