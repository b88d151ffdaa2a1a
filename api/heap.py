"""Keeping the served process's long-lived heap out of the garbage collector's full passes.

A served metro holds a large heap that lives as long as the process: the imported libraries
(pint's registry, SQLAlchemy, pydantic) and the standards layer
(:mod:`metro.traceability.cache`). CPython's cyclic collector walks every tracked object on
each full (oldest-generation) pass; on the 10⁶-instrument province that walk took about
200 ms, and every request in flight waited for it — the tail of the status lookups' latency
(issue 10 item 10). ``gc.freeze()`` moves what exists to a permanent generation the collector
skips.

So :class:`HeapFreezer`, for ``metro serve`` only (``create_app(serving=True)``):

* at start, after the standards layer is built, collects once and freezes;
* after a request that made the process build a new layer (a write changed the standards),
  unfreezes, collects once (the old layer and any garbage cycles among the frozen objects
  are freed — nothing frozen is kept for ever) and freezes again. Writes to the standards are
  rare beside reads; one pass per write is what the collector would have spent anyway.

Tests build many layers over many databases and keep the collector as it is.
"""

from __future__ import annotations

import gc
import threading

from starlette.types import ASGIApp, Receive, Scope, Send

from metro.traceability.cache import layers_built


class HeapFreezer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen_at: int | None = None

    def freeze(self) -> None:
        """Collect and freeze now (the heap as it stands lives as long as the process)."""
        with self._lock:
            self._frozen_at = layers_built()
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def after_request(self) -> None:
        """Freeze again when a new standards layer was built since the last freeze."""
        if self._frozen_at is not None and layers_built() != self._frozen_at:
            self.freeze()


class FreezeAfterNewLayer:
    """ASGI middleware: :meth:`HeapFreezer.after_request` once each HTTP request is answered."""

    def __init__(self, app: ASGIApp, freezer: HeapFreezer) -> None:
        self.app = app
        self.freezer = freezer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.freezer.after_request()
