"""The impact report of a standard found out of tolerance (``metro impact STANDARD``).

S's latest ``fail`` certificate gives t_f; g is S's last sound certificate before it (see
:mod:`metro.traceability.suspicion` for the rule and its decisions). The report lists every
suspect certificate with its depth (1 = used S directly): standard certificates come from the
graph's out-edges, instrument certificates from one query per tainted window (uses of the
window's standard with g's date ≤ calibrated_on < the standard's next certificate). Then the
assets those certificates speak about, and their owners, to notify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from metro.errors import InvalidInput
from metro.repositories import traceability as repo
from metro.traceability.asset import find
from metro.traceability.graph import StandardsGraph
from metro.traceability.soundness import Judge
from metro.traceability.sources import full_graph
from metro.traceability.status import AssetKind
from metro.traceability.suspicion import Suspicions


@dataclass(frozen=True, slots=True)
class ImpactedCertificate:
    certificate: str
    issuer: str
    subject: str
    kind: AssetKind
    owner: str
    calibrated_on: date
    depth: int
    reference: str  # the standard it used inside a tainted window
    spoke: str  # the certificate that spoke for that reference then

    def as_json(self) -> dict[str, Any]:
        return {
            "certificate": self.certificate,
            "issuer": self.issuer,
            "subject": self.subject,
            "kind": self.kind,
            "owner": self.owner,
            "calibrated_on": self.calibrated_on.isoformat(),
            "depth": self.depth,
            "reference": self.reference,
            "during": self.spoke,
        }


@dataclass(frozen=True, slots=True)
class ImpactReport:
    standard: str
    failed_on: date | None
    since: date | None  # g's date: the start of the suspect period
    failure: str | None
    last_good: str | None
    certificates: tuple[ImpactedCertificate, ...]
    assets: tuple[str, ...]
    owners: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """DESIGN.md: ``{standard, failed_on, since, certificates, assets, owners}``."""
        return {
            "standard": self.standard,
            "failed_on": self.failed_on.isoformat() if self.failed_on else None,
            "since": self.since.isoformat() if self.since else None,
            "certificates": [c.as_json() for c in self.certificates],
            "assets": list(self.assets),
            "owners": list(self.owners),
        }


def impact_report(
    conn: Connection, standard_code: str, *, graph: StandardsGraph | None = None
) -> ImpactReport:
    """What S's latest failure puts in doubt; an empty report when S never failed.

    ``graph``: the standards layer already read (callers asking about several standards read
    it once).
    """
    ref = find(conn, standard_code)
    if ref.kind != "standard":
        raise InvalidInput(
            f"{standard_code!r} is an instrument: impact starts from a reference standard"
        )
    graph = graph or full_graph(conn)
    judge = Judge(graph)
    suspicions = Suspicions(graph, judge, None)
    failure = suspicions.latest_failure(ref.id)
    if failure is None:
        return ImpactReport(standard_code, None, None, None, None, (), (), ())
    spread = suspicions.spread([failure])
    found: dict[int, ImpactedCertificate] = {}
    for s in spread.suspects.values():
        c = s.certificate
        assert c.subject_standard_id is not None
        subject = graph.standard(c.subject_standard_id)
        found[c.id] = ImpactedCertificate(
            c.number, c.issuer, subject.code, "standard", subject.owner, c.calibrated_on,
            s.depth, graph.code(s.reference), s.window.certificate.number,
        )
    for w in sorted(spread.windows.values(), key=lambda w: w.depth):
        timeline = graph.timeline(w.standard_id)
        after = timeline.after(w.certificate)
        uses = repo.instrument_certificates_using(
            conn, w.standard_id, w.certificate.calibrated_on,
            after.calibrated_on if after else None,
        )
        for u in uses:
            spoke = timeline.speaking(u.calibrated_on)
            if u.id in found or spoke is None or spoke.id != w.certificate.id:
                continue
            found[u.id] = ImpactedCertificate(
                u.number, u.issuer, u.subject, "instrument", u.owner, u.calibrated_on,
                w.depth + 1, graph.code(w.standard_id), w.certificate.number,
            )
    certs = tuple(sorted(found.values(), key=lambda c: (c.depth, c.calibrated_on, c.certificate)))
    last_good = failure.last_good
    return ImpactReport(
        standard=standard_code,
        failed_on=failure.failed.calibrated_on,
        since=last_good.calibrated_on if last_good else None,
        failure=failure.failed.number,
        last_good=last_good.number if last_good else None,
        certificates=certs,
        assets=tuple(sorted({c.subject for c in certs})),
        owners=tuple(sorted({c.owner for c in certs})),
    )
