"""Public verification of a certificate: its verification code and the standing it reports.

The verification code printed on a certificate (and its QR label) is a keyed hash: HMAC-SHA256
with the stored verification-code key over ``ISSUER`` and ``NUMBER`` (separated by a unit
separator, so that ``("A1", "2")`` and ``("A", "12")`` differ), the first 80 bits written in
base32 — 16 characters, not guessable from the number, and case-insensitive when typed.

A certificate's standing at a date, the first that applies: ``superseded`` (a certificate of
the same issuer replaces it), ``revoked``, ``expired`` (its last day in date, by
:func:`metro.model.validity.in_force_until`, is before the date, or it is in date on no day),
else ``in_force``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date
from typing import Final, Literal

from metro.model.validity import in_force_until

Standing = Literal["in_force", "expired", "revoked", "superseded"]
CODE_LENGTH: Final = 16


def verification_code(key: str, issuer: str, number: str) -> str:
    digest = hmac.new(key.encode(), f"{issuer}\x1f{number}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode()[:CODE_LENGTH]


def code_matches(key: str, issuer: str, number: str, code: str) -> bool:
    return hmac.compare_digest(verification_code(key, issuer, number), code.strip().upper())


def standing(
    *,
    at: date,
    conclusion: str,
    of_instrument: bool,
    calibrated_on: date,
    valid_until: date | None,
    interval_months: int | None,
    revoked: bool,
    superseded: bool,
) -> Standing:
    if superseded:
        return "superseded"
    if revoked:
        return "revoked"
    last = in_force_until(
        conclusion=conclusion,
        valid_until=valid_until,
        calibrated_on=calibrated_on,
        interval_months=interval_months,
        of_instrument=of_instrument,
    )
    if last is None or last < at:
        return "expired"
    return "in_force"
