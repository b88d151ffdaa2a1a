"""Asset status at a date: the words, their order, and the rule for one asset.

DESIGN.md "Asset status at t": the first word that applies wins, each with a reason naming the
certificate or the link —

=================== ===========================================================================
``never_calibrated`` no certificate with ``calibrated_on ≤ t``
``failed``           the certificate that speaks for it says ``fail``
``overdue``          its last day in force is before t (:mod:`metro.model.validity`)
``untraceable``      the certificate is unsound (the reason names the reference and why)
``suspect``          the certificate is in an impact set (:mod:`metro.traceability.suspicion`)
``due_soon``         last day in force ≤ ``t + lead`` (lead 30 days unless given)
``valid``            otherwise; primary standards are always ``valid``
=================== ===========================================================================

The words and their order live in :mod:`metro.model.statuses` (re-exported here); the position
of a word in :data:`ORDER` is its code in the bulk arrays of :mod:`metro.traceability.leaves`.
``due`` is the speaking certificate's last day in force (``valid_until``, or the interval kept
with an instrument's certificate: :mod:`metro.model.validity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, Literal

from metro.model import reasons
from metro.model.capability import InstrumentRow
from metro.model.statuses import CODE, DEFAULT_LEAD_DAYS, ORDER, Status
from metro.model.validity import CertificateRow
from metro.traceability.soundness import Judge
from metro.traceability.speaking import Timeline, in_date
from metro.traceability.suspicion import Suspicions

AssetKind = Literal["standard", "instrument"]
__all__ = [
    "CODE", "DEFAULT_LEAD_DAYS", "ORDER", "PRIMARY_REASON", "AssetKind", "Status", "StatusRecord",
    "asset_status", "simple_reason",
]
PRIMARY_REASON: Final = "primary standard (计量基准): valid by definition"


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """The status of one asset at a date, with the reason naming the certificate or link.

    ``due`` is the last day in force of the certificate that speaks for the asset (None for a
    primary standard, an asset never calibrated, or a certificate in date on no day).
    """

    asset: str
    kind: AssetKind
    status: Status
    due: date | None
    reason: str
    asset_id: int
    owner: str
    certificate: str | None = None

    def as_json(self) -> dict[str, Any]:
        """DESIGN.md's contract: ``{asset, kind, status, due, reason}``."""
        return {
            "asset": self.asset,
            "kind": self.kind,
            "status": self.status.value,
            "due": self.due.isoformat() if self.due else None,
            "reason": self.reason,
        }


def simple_reason(
    status: Status, number: str | None, calibrated_on: date | None, valid_until: date | None,
    at: date,
) -> str:
    """The reason of every word but ``untraceable`` and ``suspect`` (no walk needed)."""
    if number is None:
        return reasons.NO_CERTIFICATE.format(at=at)
    if status is Status.FAILED:
        return reasons.CONCLUDES_FAIL.format(number=number, calibrated_on=calibrated_on)
    if valid_until is None:
        return reasons.NO_VALID_UNTIL.format(number=number)
    if status is Status.OVERDUE:
        return reasons.WAS_VALID_UNTIL.format(number=number, valid_until=valid_until)
    if status is Status.DUE_SOON:
        days = (valid_until - at).days
        return reasons.DUE_SOON.format(number=number, valid_until=valid_until, days=days)
    return reasons.VALID_UNTIL.format(number=number, valid_until=valid_until)


def asset_status(
    *,
    kind: AssetKind,
    asset_id: int,
    code: str,
    owner: str,
    primary: bool,
    timeline: Timeline,
    at: date,
    lead_days: int,
    judge: Judge,
    suspicions: Suspicions,
    instrument: InstrumentRow | None = None,
) -> StatusRecord:
    """The status of one asset at ``at`` (the rule, for one asset; leaves does it in bulk)."""

    def record(status: Status, reason: str | None, cert: CertificateRow | None) -> StatusRecord:
        due = cert.in_force_until if cert is not None else None
        number = cert.number if cert is not None else None
        if reason is None:
            cal = cert.calibrated_on if cert is not None else None
            reason = simple_reason(status, number, cal, due, at)
        return StatusRecord(code, kind, status, due, reason, asset_id, owner, number)

    if primary:
        return record(Status.VALID, PRIMARY_REASON, None)
    cert = timeline.speaking(at)
    if cert is None:
        return record(Status.NEVER_CALIBRATED, None, None)
    if cert.conclusion == "fail":
        return record(Status.FAILED, None, cert)
    if not in_date(cert, at):
        return record(Status.OVERDUE, None, cert)
    problem = judge.soundness(cert, instrument)
    if problem is not None:
        return record(Status.UNTRACEABLE, f"certificate {cert.number}: {problem.text}", cert)
    suspicion = suspicions.of(cert)
    if suspicion is not None:
        text = suspicion.text(judge.graph.code)
        return record(Status.SUSPECT, f"certificate {cert.number} is suspect: {text}", cert)
    until = cert.in_force_until
    assert until is not None  # in date
    status = Status.DUE_SOON if until <= at + timedelta(days=lead_days) else Status.VALID
    return record(status, None, cert)
