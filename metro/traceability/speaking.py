"""The certificate that speaks for an asset at a date.

DESIGN.md: of an asset's (non-revoked) certificates, the one that speaks for it at date t is the
latest with ``calibrated_on ≤ t``. Two certificates of the same subject on the same day are
ordered by id: the one recorded last speaks (a same-day correction supersedes). A certificate is
*in date* on day t when t is on or before its last day in force (:mod:`metro.model.validity`:
``valid_until``, or for an instrument's certificate without one, the interval kept with it).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from metro.model.validity import CertificateRow


@dataclass(frozen=True, slots=True)
class Timeline:
    """An asset's certificates sorted by (calibrated_on, id), with their days for bisect."""

    certificates: tuple[CertificateRow, ...]
    days: tuple[date, ...]

    @classmethod
    def of(cls, certificates: Iterable[CertificateRow]) -> Timeline:
        ordered = tuple(sorted(certificates, key=lambda c: (c.calibrated_on, c.id)))
        return cls(ordered, tuple(c.calibrated_on for c in ordered))

    def speaking(self, at: date) -> CertificateRow | None:
        """The latest certificate with calibrated_on ≤ ``at``, or None."""
        i = bisect_right(self.days, at) - 1
        return self.certificates[i] if i >= 0 else None

    def after(self, certificate: CertificateRow) -> CertificateRow | None:
        """The certificate that follows ``certificate`` in this timeline (ends its voice)."""
        i = self.certificates.index(certificate)
        return self.certificates[i + 1] if i + 1 < len(self.certificates) else None

    def before(self, day: date) -> tuple[CertificateRow, ...]:
        """Certificates calibrated strictly before ``day``, oldest first."""
        return self.certificates[: bisect_left(self.days, day)]

    def fails(self) -> tuple[CertificateRow, ...]:
        return tuple(c for c in self.certificates if c.conclusion == "fail")


def in_date(certificate: CertificateRow, day: date) -> bool:
    """In date on ``day`` (the model's reading, :meth:`CertificateRow.in_date`)."""
    return certificate.in_date(day)
