"""A certificate (检定/校准证书) with its result points, and the rules of an issued certificate.

A certificate has one subject (a standard or instrument, by code), an issuer (organization
code), a kind — ``verification`` (检定) or ``calibration`` (校准) — a conclusion, the reference
standards used (codes, in order) and optionally measurement points. Rules held here, called by
every entry point (the certificate service, the bundle loader):

- A verification concludes ``pass`` or ``fail``; ``none`` is for calibrations only.
- ``valid_until`` is on or after ``calibrated_on``. Certificates of standards state it unless
  they conclude ``fail``; an instrument's calibration certificate may leave it to the
  instrument's interval in force when recorded (DESIGN.md "Settled readings").
- A certificate dated after the day it is recorded is refused.
- An issued certificate is never edited: it may only be revoked (with a reason) or superseded
  by a new number of the same issuer. ``issued_change`` names the first field in which a
  proposed version differs from the stored one — any such difference is refused.
- Result points state their expanded uncertainty U at coverage factor k; U = 0 is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from metro.model import fields as f

CERTIFICATE_KINDS: Final = ("verification", "calibration")
CONCLUSIONS: Final = ("pass", "fail", "none")
# Separates reference codes in one text (bundle cell, change-log entry).
REFERENCE_SEPARATOR: Final = ";"


def conclusion_problem(kind: str, conclusion: str) -> str | None:
    """Why ``conclusion`` cannot close a certificate of ``kind`` (None when it can)."""
    if conclusion not in CONCLUSIONS:
        return f"must be one of {', '.join(CONCLUSIONS)}"
    if kind == "verification" and conclusion == "none":
        return "a verification (检定) concludes pass or fail; none is for calibrations only"
    return None


def valid_until_problem(
    calibrated_on: date,
    valid_until: date | None,
    conclusion: str,
    *,
    kind: str,
    subject_is_standard: bool,
) -> str | None:
    """Why ``valid_until`` cannot close this certificate (None when it can).

    Decision: a verification (检定) states its end date, as a standard's certificate does; only
    an instrument's calibration (校准) may leave it to the interval in force when recorded.
    """
    if valid_until is None:
        if conclusion != "fail" and (subject_is_standard or kind == "verification"):
            return (
                "required unless the conclusion is fail (a verification or a standard's "
                "certificate states it; only an instrument's calibration may leave it to the "
                "interval)"
            )
        return None
    if valid_until < calibrated_on:
        return f"before calibrated_on {calibrated_on.isoformat()}"
    return None


def recorded_problem(calibrated_on: date, recorded_on: date) -> str | None:
    """A certificate cannot speak for a calibration that has not happened yet."""
    if calibrated_on > recorded_on:
        return (
            f"after the day it is recorded ({recorded_on.isoformat()}): "
            "a certificate cannot be dated in the future"
        )
    return None


@dataclass(frozen=True, slots=True)
class ResultPoint:
    """One measurement point, as given and canonical; ``u`` is U at coverage factor ``k``."""

    quantity: str
    nominal_given: str
    measured_given: str
    u_given: str | None
    k_given: str | None
    nominal: float
    measured: float
    u: float | None
    k: float | None

    def __post_init__(self) -> None:
        f.text("quantity", self.quantity, f.QUANTITY_LEN)
        f.text("nominal", self.nominal_given, f.GIVEN_LEN)
        f.text("measured", self.measured_given, f.GIVEN_LEN)
        f.optional_text("u", self.u_given, f.GIVEN_LEN)
        f.optional_text("k", self.k_given, f.K_GIVEN_LEN)
        f.number("nominal", self.nominal)
        f.number("measured", self.measured)
        if self.u is not None:
            f.number("u", self.u, minimum=0)
            why = f.uncertainty_problem(self.u, 0.0)
            if why:
                raise f.InvalidField("u", self.u_given or self.u, why)
        if self.k is not None:
            f.positive("k", self.k)

    @classmethod
    def from_text(
        cls, *, quantity: str, nominal: str, measured: str, u: str | None = None, k: str | None
    ) -> ResultPoint:
        k_value = None
        if k:
            f.text("k", k, f.K_GIVEN_LEN)
            try:
                k_value = float(k)
            except ValueError:
                raise f.InvalidField("k", k, "not a number") from None
        return cls(
            quantity=quantity,
            nominal_given=nominal,
            measured_given=measured,
            u_given=u or None,
            k_given=k or None,
            nominal=f.quantity("nominal", nominal, quantity),
            measured=f.quantity("measured", measured, quantity),
            u=f.quantity("u", u, quantity, difference=True) if u else None,
            k=k_value,
        )

    def as_text(self) -> tuple[str, str, str, str]:
        """The point as a bundle's results.csv writes it (nominal, measured, u, k)."""
        return (self.nominal_given, self.measured_given, self.u_given or "", self.k_given or "")


@dataclass(frozen=True, slots=True)
class Certificate:
    number: str
    issuer: str
    kind: str
    subject: str
    calibrated_on: date
    valid_until: date | None
    conclusion: str
    references: tuple[str, ...]
    results: tuple[ResultPoint, ...] = ()
    revoked: bool = False
    revoked_reason: str | None = None
    # The number of the same issuer's certificate this one replaces.
    supersedes: str | None = None
    # The subject instrument's interval in force when recorded (None for standards).
    interval_months: int | None = None
    recorded_on: date | None = None

    def __post_init__(self) -> None:
        f.text("number", self.number, f.NUMBER_LEN)
        f.text("issuer", self.issuer, f.CODE_LEN)
        f.choice("kind", self.kind, CERTIFICATE_KINDS)
        f.text("subject", self.subject, f.CODE_LEN)
        f.day("calibrated_on", self.calibrated_on)
        if self.valid_until is not None:
            f.day("valid_until", self.valid_until)
        why = conclusion_problem(self.kind, self.conclusion)
        if why:
            raise f.InvalidField("conclusion", self.conclusion, why)
        # The subject's nature is the service's knowledge; here only the date order.
        why = valid_until_problem(
            self.calibrated_on,
            self.valid_until,
            self.conclusion,
            kind=self.kind,
            subject_is_standard=False,
        )
        if why:
            raise f.InvalidField("valid_until", self.valid_until, why)
        seen: set[str] = set()
        for code in self.references:
            f.text("references", code, f.CODE_LEN)
            if code in seen:
                raise f.InvalidField("references", code, "named twice")
            if code == self.subject:
                raise f.InvalidField("references", code, "a standard cannot calibrate itself")
            seen.add(code)
        if not isinstance(self.revoked, bool):
            raise f.InvalidField("revoked", self.revoked, "must be true or false")
        if self.revoked_reason is not None:
            f.text("reason", self.revoked_reason, f.REASON_LEN, required=False)
            if not self.revoked:
                raise f.InvalidField(
                    "reason",
                    self.revoked_reason,
                    "a reason is given only for a revoked certificate",
                )
        if self.supersedes is not None:
            f.text("supersedes", self.supersedes, f.NUMBER_LEN)
            if self.supersedes == self.number:
                raise f.InvalidField(
                    "supersedes", self.supersedes, "a certificate cannot replace itself"
                )
        if self.interval_months is not None:
            f.integer(
                "interval_months", self.interval_months, minimum=1, maximum=f.MAX_INTERVAL_MONTHS
            )
        if self.recorded_on is not None:
            f.day("recorded_on", self.recorded_on)
            why = recorded_problem(self.calibrated_on, self.recorded_on)
            if why:
                raise f.InvalidField("calibrated_on", self.calibrated_on.isoformat(), why)

    @property
    def key(self) -> str:
        """ISSUER#NUMBER: numbers are unique per issuer only."""
        return f"{self.issuer}#{self.number}"

    def as_log(self) -> dict[str, object]:
        """The fields as the change log keeps them (text; dates ISO)."""
        return {
            "number": self.number,
            "issuer": self.issuer,
            "kind": self.kind,
            "subject": self.subject,
            "calibrated_on": self.calibrated_on.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else "",
            "conclusion": self.conclusion,
            "references": REFERENCE_SEPARATOR.join(self.references),
            "status": "revoked" if self.revoked else "valid",
            "reason": self.revoked_reason or "",
            "supersedes": self.supersedes or "",
            "results": [list(p.as_text()) for p in self.results],
        }


# Fields an issued certificate keeps for ever, in the order a difference is reported.
_ISSUED_FIELDS: Final = (
    "kind",
    "subject",
    "calibrated_on",
    "valid_until",
    "conclusion",
    "references",
)


def issued_difference(
    stored: Mapping[str, Any], proposed: Mapping[str, Any], *, results: bool = True
) -> str | None:
    """The first field in which ``proposed`` would edit the issued certificate ``stored``.

    Both are in the change log's text form (``Certificate.as_log``; a bundle row has the same
    keys). Revoking (status valid → revoked, with or without a reason) is not an edit;
    un-revoking is. An empty ``supersedes`` or ``reason`` keeps what is stored (a bundle
    written before these columns existed); a different one is an edit. ``results=False``
    leaves the points out (a bundle carries them in another file).
    """
    for name in _ISSUED_FIELDS:
        if stored.get(name) != proposed.get(name):
            return name
    if stored.get("status") == "revoked" and proposed.get("status") != "revoked":
        return "status"
    for name in ("supersedes", "reason"):
        if stored.get(name) and proposed.get(name) and stored[name] != proposed[name]:
            return name
    if proposed.get("supersedes") and not stored.get("supersedes"):
        return "supersedes"
    if results and stored.get("results", []) != proposed.get("results", []):
        return "results"
    return None


def issued_change(
    stored: Certificate, proposed: Certificate, *, results: bool = True
) -> str | None:
    """``issued_difference`` of two certificates."""
    return issued_difference(stored.as_log(), proposed.as_log(), results=results)


def edit_refusal(key: str, field: str) -> str:
    """The one wording for a refused edit of an issued certificate."""
    return (
        f"certificate {key} is issued and cannot be changed ({field} differs): "
        "revoke it and issue a new number"
    )
