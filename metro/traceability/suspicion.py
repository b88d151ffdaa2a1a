"""Suspicion: certificates made with a standard later found out of tolerance (DESIGN.md "Impact").

When standard S is found out of tolerance by a ``fail`` certificate on t_f, let g be the last
sound certificate of S calibrated before t_f. Every certificate that used S on a day g spoke for
S (from g's date until S's next certificate, at the latest t_f) is *suspect*, at depth 1;
recursively, a certificate that used a reference R on a day when a suspect certificate spoke for
R is suspect, one level deeper.

The same rule is read two ways, and the tests hold both against a plain oracle:

* **downward** (:meth:`Suspicions.spread`): from failures to the certificates they taint, a
  breadth-first walk over the graph's out-edges (minimum depth first). The impact report and the
  whole-province pass use it; the pass then marks instrument leaves in bulk.
* **upward** (:meth:`Suspicions.of`): is this certificate suspect? Walk its references up. The
  per-asset status and the chain use it.

Decisions, where DESIGN.md leaves room:

* g is the latest *sound* certificate before t_f. Uses in a period when an unsound certificate
  spoke for S are already ``untraceable`` and are not also called suspect. When S has no sound
  certificate before the fail, the failure makes nothing suspect (the report's ``since`` is
  null).
* The status at t counts every ``fail`` certificate dated ≤ t, of every standard, each with its
  own window; ``metro impact S`` reports S's latest fail, as DESIGN.md says.
* Primary standards are valid whatever their certificates say: they never seed a failure.
* A suspect certificate stays sound: suspicion calls for a check, it does not break the chain
  (``untraceable`` outranks ``suspect``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from metro.model.validity import CertificateRow
from metro.traceability.graph import StandardsGraph
from metro.traceability.soundness import Judge


@dataclass(frozen=True, slots=True)
class Failure:
    """S found out of tolerance: its ``fail`` certificate and g, the last good one before it."""

    standard_id: int
    failed: CertificateRow
    last_good: CertificateRow | None


@dataclass(frozen=True, slots=True)
class Window:
    """The days ``certificate`` spoke for ``standard_id``: uses of it then are suspect.

    ``depth`` is 0 for g itself, else the depth of the suspect certificate.
    """

    standard_id: int
    certificate: CertificateRow
    depth: int
    failure: Failure


@dataclass(frozen=True, slots=True)
class Suspicion:
    """Why ``certificate`` is suspect: it used ``reference`` inside ``window``."""

    certificate: CertificateRow
    depth: int
    reference: int
    window: Window

    def text(self, code_of: Callable[[int], str]) -> str:
        f = self.window.failure
        ref, spoke = code_of(self.reference), self.window.certificate.number
        how = "" if self.window.depth == 0 else "suspect "
        return (
            f"it used {ref} on {self.certificate.calibrated_on} while {how}certificate {spoke} "
            f"spoke for it, and {code_of(f.standard_id)} failed on {f.failed.calibrated_on} "
            f"(certificate {f.failed.number}; depth {self.depth})"
        )


@dataclass
class Spread:
    """The downward reading: tainted windows and suspect standard certificates by id."""

    windows: dict[int, Window] = field(default_factory=dict)
    suspects: dict[int, Suspicion] = field(default_factory=dict)


class Suspicions:
    """Suspicion as of ``at`` (None: every failure on record) over a standards graph."""

    def __init__(self, graph: StandardsGraph, judge: Judge, at: date | None) -> None:
        self.graph = graph
        self.judge = judge
        self.at = at
        self._failures: dict[int, tuple[Failure, ...]] = {}
        self._of: dict[int, Suspicion | None] = {}

    def failure(self, standard_id: int, failed: CertificateRow) -> Failure:
        last_good = self.judge.last_sound_before(standard_id, failed.calibrated_on)
        return Failure(standard_id, failed, last_good)

    def failures(self, standard_id: int) -> tuple[Failure, ...]:
        """The standard's failures dated ≤ at (none for a primary standard)."""
        hit = self._failures.get(standard_id)
        if hit is None:
            hit = ()
            if not self.graph.is_primary(standard_id):
                hit = tuple(
                    self.failure(standard_id, f)
                    for f in self.graph.timeline(standard_id).fails()
                    if self.at is None or f.calibrated_on <= self.at
                )
            self._failures[standard_id] = hit
        return hit

    def latest_failure(self, standard_id: int) -> Failure | None:
        fails = self.graph.timeline(standard_id).fails()
        if not fails or self.graph.is_primary(standard_id):
            return None
        return self.failure(standard_id, fails[-1])

    # -- upward -----------------------------------------------------------------------------

    def of(self, cert: CertificateRow) -> Suspicion | None:
        """Why ``cert`` is suspect (the shallowest reason), or None."""
        if cert.id in self._of:
            return self._of[cert.id]
        self._of[cert.id] = None  # a guard; references stand strictly above their subjects
        best: Suspicion | None = None
        day = cert.calibrated_on
        for ref in cert.references:
            spoke = self.graph.speaking(ref, day)
            if spoke is None:
                continue
            for f in self.failures(ref):
                if f.last_good is not None and f.last_good.id == spoke.id:
                    found = Suspicion(cert, 1, ref, Window(ref, spoke, 0, f))
                    if best is None or found.depth < best.depth:
                        best = found
            inner = self.of(spoke) if spoke.subject_standard_id is not None else None
            if inner is not None and (best is None or inner.depth + 1 < best.depth):
                best = Suspicion(cert, inner.depth + 1, ref,
                                 Window(ref, spoke, inner.depth, inner.window.failure))
        self._of[cert.id] = best
        return best

    # -- downward ---------------------------------------------------------------------------

    def spread(self, failures: Iterable[Failure]) -> Spread:
        """Every window and suspect standard certificate the failures lead to (complete graph).

        Instrument certificates are not in the graph: callers mark them from ``windows``.
        """
        out = Spread()
        queue: deque[Window] = deque()
        for f in failures:
            if f.last_good is not None and f.last_good.id not in out.windows:
                w = Window(f.standard_id, f.last_good, 0, f)
                out.windows[f.last_good.id] = w
                queue.append(w)
        while queue:
            w = queue.popleft()
            timeline = self.graph.timeline(w.standard_id)
            start = w.certificate.calibrated_on
            after = timeline.after(w.certificate)
            for c in self.graph.uses(w.standard_id):
                if c.calibrated_on < start or (after and c.calibrated_on > after.calibrated_on):
                    continue
                spoke = timeline.speaking(c.calibrated_on)
                if spoke is None or spoke.id != w.certificate.id or c.id in out.suspects:
                    continue
                out.suspects[c.id] = Suspicion(c, w.depth + 1, w.standard_id, w)
                subject = c.subject_standard_id
                if subject is not None and c.id not in out.windows:
                    nw = Window(subject, c, w.depth + 1, w.failure)
                    out.windows[c.id] = nw
                    queue.append(nw)
        return out

    def spread_all(self) -> Spread:
        """Every failure dated ≤ at, of every standard."""
        return self.spread(f for sid in self.graph.ids() for f in self.failures(sid))
