"""Chain explanation (``metro chain ASSET --at DATE``): the tree of certificates up to the roots.

The tree starts with the certificate that speaks for the asset at ``at`` (depth 1). For each of
its references, the link above is the certificate that spoke for that reference **on the
calibration day** (depth 2), and so on up to primary standards, the roots. A link reads the
lazy standards graph (only the chain is read), and gives its issuer and dates, the day it was
used and whether it was in force then, whether it is sound, whether it is suspect, and for each
capability of its subject the reference capability that covers it: U (k = 2) at the check
points, what was needed, and the ratio achieved (:mod:`metro.traceability.adequacy`).

**Propagated uncertainty along a path** (asset → … → root). Take the asset's capability (an
instrument's one; a standard's first) of kind q and its full-scale point x* (the range end with
the largest |x|). Each certificate on the path contributes the k = 2 expanded uncertainty of the
capability of kind q, containing x*, of the reference it used (the smallest if several), relative
at x*::

    u_i = U₂,i(x*) / |x*|          U_path = √(Σ_i u_i²)

the root-sum-square of relative expanded uncertainties (independent contributions, k = 2). When
x* = 0 the same sum is taken on absolute values. A reference without such a capability (the value
came through another kind) leaves the path's U undefined (null).

**A broken chain**: ``reason`` names the first broken link and why, with numbers. For an
``untraceable`` asset it is the fault the soundness judge finds (:func:`~metro.traceability.
soundness.fault`: the same certificate and reference ``metro status`` names, references checked
in order before adequacy); otherwise the link nearest the asset (breadth first) with a problem
of its own: in force no longer on the day used,
failed, a reference with no certificate, an examination certificate not valid, references
inadequate ("U 20 ppm where ≤ 16.7 ppm was needed").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy import Connection

from metro.model import reasons
from metro.model.capability import CapabilityRow, InstrumentRow
from metro.model.validity import CertificateRow
from metro.quantity_kinds import get_kind
from metro.repositories import traceability as repo
from metro.traceability import wording
from metro.traceability.adequacy import Verdict, contains_point, describe, u_k2, unit_of
from metro.traceability.asset import find
from metro.traceability.graph import StandardsGraph
from metro.traceability.soundness import Judge, fault
from metro.traceability.sources import lazy_graph
from metro.traceability.speaking import Timeline, in_date
from metro.traceability.status import (
    DEFAULT_LEAD_DAYS,
    AssetKind,
    Status,
    StatusRecord,
    asset_status,
)
from metro.traceability.suspicion import Suspicions

MAX_PATHS: Final = 64
_TRACEABLE: Final = (Status.SUSPECT, Status.DUE_SOON, Status.VALID)


@dataclass(frozen=True, slots=True)
class Measurand:
    """The asset's quantity of interest for propagated uncertainty: kind q at x*."""

    kind: str
    x: float


@dataclass
class Link:
    certificate: CertificateRow
    subject: str
    subject_kind: AssetKind
    references: list[str]
    depth: int
    used_on: date
    used_by: list[str]
    in_force: bool
    sound: bool
    suspect: str | None
    problems: list[str]
    adequacy: list[dict[str, Any]]
    paths: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        c = self.certificate
        return {
            "certificate": c.number,
            "subject": self.subject,
            "references": self.references,
            "issuer": c.issuer,
            "calibrated_on": c.calibrated_on.isoformat(),
            "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            "conclusion": c.conclusion,
            "depth": self.depth,
            "used_on": self.used_on.isoformat(),
            "used_by": self.used_by,
            "in_force": self.in_force,
            "sound": self.sound,
            "suspect": self.suspect,
            "problem": "; ".join(self.problems) or None,
            "adequacy": self.adequacy,
            "paths": self.paths,
        }


@dataclass
class Chain:
    asset: str
    kind: AssetKind
    at: date
    status: Status
    traceable: bool
    reason: str
    links: list[Link]
    roots: list[str]
    # The asset's status record at ``at``, as ``status_of`` gives it (the walk computes it on
    # the way; callers that show both need not walk twice).
    record: StatusRecord | None = field(default=None, compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        """DESIGN.md: ``{asset, at, traceable, reason, links, roots}`` (links carry extras)."""
        return {
            "asset": self.asset,
            "at": self.at.isoformat(),
            "traceable": self.traceable,
            "reason": self.reason,
            "links": [link.as_json() for link in self.links],
            "roots": self.roots,
        }


def _verdict_json(v: Verdict, graph: StandardsGraph) -> dict[str, Any]:
    need, best = v.need, v.best
    out: dict[str, Any] = {
        "kind": need.kind,
        "unit": unit_of(need),
        "range": [need.range_min, need.range_max],
        "reference": None,
        "reference_range": None,
        "points": [],
        "ratio": None,
        "needs_ratio": need.ratio,
        "ok": v.ok,
    }
    if best is not None:
        cap = best.capability
        out.update(
            reference=graph.code(best.standard_id),
            reference_range=[cap.range_min, cap.range_max],
            points=[{"x": p.x, "u": p.u, "needed": p.limit, "ok": p.ok} for p in best.points],
            ratio=None if math.isinf(best.ratio) else best.ratio,
        )
    if not v.ok:
        out["why"] = describe(v, graph.code)
    return out


class _Walker:
    def __init__(
        self, graph: StandardsGraph, judge: Judge, suspicions: Suspicions,
        instrument: InstrumentRow | None, measurand: Measurand | None,
    ) -> None:
        self.graph, self.judge, self.suspicions = graph, judge, suspicions
        self.instrument, self.measurand = instrument, measurand
        self.links: dict[tuple[int, date], Link] = {}
        self.expanded: set[int] = set()
        self.roots: dict[str, None] = {}
        self._paths: dict[int, list[list[tuple[CertificateRow, int]]]] = {}

    def _subject(self, cert: CertificateRow) -> tuple[str, AssetKind]:
        if cert.subject_standard_id is not None:
            return self.graph.code(cert.subject_standard_id), "standard"
        assert self.instrument is not None
        return self.instrument.code, "instrument"

    def _problems(self, cert: CertificateRow, used_on: date, verdicts: tuple[Verdict, ...]) -> (
        list[str]
    ):
        """This link's own problems (upstream ones belong to the links above)."""
        g, day, out = self.graph, cert.calibrated_on, []
        if cert.conclusion == "fail":
            out.append(reasons.LINK_CONCLUDES_FAIL.format(number=cert.number))
        elif not in_date(cert, used_on):
            last = cert.in_force_until
            until = last.isoformat() if last else "no date given"
            out.append(reasons.NO_LONGER_IN_FORCE.format(
                number=cert.number, used_on=used_on, until=until))
        if not cert.references and not (
            cert.subject_standard_id is not None and g.is_primary(cert.subject_standard_id)
        ):
            out.append(reasons.NO_REFERENCE.format(number=cert.number))
        for ref in cert.references:
            if not g.is_primary(ref) and g.speaking(ref, day) is None:
                out.append(reasons.REFERENCE_NO_CERTIFICATE.format(code=g.code(ref), day=day))
            exam = self.judge.exam_problem(ref, day)
            if exam is not None:
                out.append(exam.text)
        out.extend(f"references inadequate: {describe(v, g.code)}" for v in verdicts if not v.ok)
        return out

    def visit(self, cert: CertificateRow, used_on: date, depth: int, used_by: str | None) -> None:
        key = (cert.id, used_on)
        link = self.links.get(key)
        if link is None:
            subject, kind = self._subject(cert)
            verdicts = self.judge.adequacy(cert, self.instrument if kind == "instrument" else None)
            suspicion = self.suspicions.of(cert)
            link = self.links[key] = Link(
                certificate=cert, subject=subject, subject_kind=kind,
                references=[self.graph.code(r) for r in self.graph.references(cert)],
                depth=depth, used_on=used_on, used_by=[],
                in_force=cert.conclusion != "fail" and in_date(cert, used_on),
                sound=self.judge.soundness(cert, self.instrument) is None,
                suspect=suspicion.text(self.graph.code) if suspicion else None,
                problems=self._problems(cert, used_on, verdicts),
                adequacy=[_verdict_json(v, self.graph) for v in verdicts],
            )
        if used_by is not None and used_by not in link.used_by:
            link.used_by.append(used_by)
        if cert.id in self.expanded:
            return
        self.expanded.add(cert.id)
        for ref in cert.references:
            if self.graph.is_primary(ref):
                self.roots[self.graph.code(ref)] = None
                continue
            above = self.graph.speaking(ref, cert.calibrated_on)
            if above is not None:
                self.visit(above, cert.calibrated_on, depth + 1, cert.number)

    def paths(self, cert: CertificateRow) -> list[list[tuple[CertificateRow, int]]]:
        """Every complete path (certificate, reference used) from ``cert`` up to a root."""
        hit = self._paths.get(cert.id)
        if hit is not None:
            return hit
        out: list[list[tuple[CertificateRow, int]]] = []
        for ref in cert.references:
            if self.graph.is_primary(ref):
                out.append([(cert, ref)])
                continue
            above = self.graph.speaking(ref, cert.calibrated_on)
            if above is not None:
                out.extend([(cert, ref), *p] for p in self.paths(above))
            if len(out) >= MAX_PATHS:
                break
        self._paths[cert.id] = out[:MAX_PATHS]
        return self._paths[cert.id]

    def path_json(self, path: list[tuple[CertificateRow, int]]) -> dict[str, Any]:
        m = self.measurand
        out: dict[str, Any] = {
            "via": [c.number for c, _ in path],
            "root": self.graph.code(path[-1][1]),
            "at": m.x if m else None,
            "unit": get_kind(m.kind).canonical_unit if m else None,
            "u_rel": None,
            "u": None,
        }
        if m is None:
            return out
        terms = []
        for _, ref in path:
            u = self._u_at(self.graph.capabilities(ref), m)
            if u is None:
                return out
            terms.append(u / abs(m.x) if m.x else u)
        total = math.sqrt(sum(t * t for t in terms))
        if m.x:
            out.update(u_rel=total, u=wording.relative(total))
        else:
            out.update(u=wording.value(total, get_kind(m.kind).canonical_unit))
        return out

    @staticmethod
    def _u_at(caps: tuple[CapabilityRow, ...], m: Measurand) -> float | None:
        fit = [
            u_k2(c, m.x) for c in caps
            if c.quantity == m.kind and contains_point(c, m.x)
        ]
        return min(fit) if fit else None


def _measurand(kind: str | None, lo: float, hi: float) -> Measurand | None:
    if kind is None:
        return None
    return Measurand(kind, hi if abs(hi) >= abs(lo) else lo)


def _broken(walker: _Walker) -> str | None:
    for link in sorted(walker.links.values(), key=lambda k: k.depth):
        if link.problems:
            c = link.certificate
            return reasons.FIRST_BROKEN.format(
                number=c.number, subject=link.subject, depth=link.depth, used_on=link.used_on,
                reason=link.problems[0],
            )
    return None


def _fault_reason(walker: _Walker, first: CertificateRow, at: date) -> str | None:
    """The first broken link as the judge finds it (the same fault ``metro status`` names)."""
    problem = walker.judge.soundness(first, walker.instrument)
    if problem is None:
        return None
    f = fault(first, at, problem)
    link = walker.links.get((f.certificate.id, f.used_on))
    if link is None:
        return None
    # The link words its own problem (a failed or expired certificate as seen on the day used)
    text = f.text if f.text in link.problems or not link.problems else link.problems[0]
    return reasons.FIRST_BROKEN.format(
        number=f.certificate.number, subject=link.subject, depth=link.depth, used_on=f.used_on,
        reason=text,
    )


def explain_chain(
    conn: Connection, code: str, at: date, *, instrument: InstrumentRow | None = None
) -> Chain:
    """The chain of ``code`` at ``at``: links, roots, propagated U, first broken link
    (``instrument``: the instrument's row when the caller has read it, not read again)."""
    ref = repo.AssetRef("instrument", instrument.id, code) if instrument else find(conn, code)
    graph = lazy_graph(conn)
    judge = Judge(graph)
    suspicions = Suspicions(graph, judge, at)
    if ref.kind == "standard":
        node = graph.node(ref.id)
        s, timeline = node.standard, node.timeline
        caps = node.capabilities
        measurand = _measurand(caps[0].quantity, caps[0].range_min, caps[0].range_max) if caps \
            else None
        owner, primary = s.owner, s.level == "primary"
    else:
        instrument = instrument or repo.instrument(conn, ref.id)
        timeline = Timeline.of(repo.instrument_certificates(conn, ref.id))
        measurand = _measurand(instrument.quantity, instrument.range_min, instrument.range_max)
        owner, primary = instrument.owner, False
    record = asset_status(
        kind=ref.kind, asset_id=ref.id, code=code, owner=owner, primary=primary,
        timeline=timeline, at=at, lead_days=DEFAULT_LEAD_DAYS, judge=judge,
        suspicions=suspicions, instrument=instrument,
    )
    traceable = record.status in _TRACEABLE
    if primary:
        return Chain(code, ref.kind, at, record.status, True, record.reason, [], [code], record)
    first = timeline.speaking(at)
    if first is None:
        return Chain(code, ref.kind, at, record.status, False, record.reason, [], [], record)
    walker = _Walker(graph, judge, suspicions, instrument, measurand)
    walker.visit(first, at, 1, None)
    links = sorted(walker.links.values(), key=lambda k: k.depth)
    links[0].paths = [walker.path_json(p) for p in walker.paths(first)]
    if traceable:
        roots = ", ".join(walker.roots)
        worst = [p["u"] for p in links[0].paths if p["u"]]
        said = [reasons.TRACEABLE.format(roots=roots, paths=len(links[0].paths))]
        if worst:
            said.append(reasons.PROPAGATED_U.format(u=", ".join(dict.fromkeys(worst))))
        if record.status is not Status.VALID:
            said.append(reasons.WITH_STATUS.format(status=record.status.value,
                                                   reason=record.reason))
        reason = reasons.SEPARATOR.join(said)
    elif record.status is Status.UNTRACEABLE:
        reason = _fault_reason(walker, first, at) or _broken(walker) or record.reason
    else:
        reason = _broken(walker) or record.reason
    return Chain(
        code, ref.kind, at, record.status, traceable, reason, links, list(walker.roots), record
    )
