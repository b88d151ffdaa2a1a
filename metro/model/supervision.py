"""Legal-metrology supervision (计量监管: 强制检定): the one home of its rules and vocabularies.

DESIGN.md "Legal-metrology supervision" and "Policy priority fields":

* **Mandatory instruments** — the working instruments of the State catalogue used for trade
  settlement, safety protection, medical care or environmental monitoring: ``mandatory = true``,
  ``usage`` one of :data:`USAGES`.
* **Compliant at t** — the certificate that speaks for it at t is a ``verification`` concluding
  ``pass``, in date at t, issued by an organization authorized for the quantity kind on the
  calibration day, and its status is ``valid`` or ``due_soon``.
* **Flags**, the first that applies (:data:`FLAGS`, in order): ``never_verified`` (no certificate
  speaks at t), ``failed``, ``overdue`` (the speaking certificate, as the status words read it),
  ``calibration_only`` (the speaking certificate is a calibration), ``unauthorized``,
  ``untraceable``, ``suspect``.
* **Authorized** — an ``institute`` (statutory verification body) or the ``nmi`` for every kind;
  a ``bureau`` never; any other organization when it holds an authorization for the kind whose
  ``valid_from ≤ day ≤ valid_until`` (both days included).
* **Rates** — compliance rate (强检合规率) = compliant ÷ mandatory; pass rate (合格率) =
  verifications of mandatory instruments concluding ``pass`` ÷ all of them calibrated in the
  period (authorized or not).

Each rule comes in a scalar form (one instrument, for tests and the per-asset view) and a
numpy form (the whole province in one pass) built on the same tables; the property test
``tests/metro/model/test_supervision.py`` holds them together.

Decisions where DESIGN.md is silent:

* An instrument is mandatory when its ``mandatory`` flag is true, whatever its ``usage``
  (an unknown usage is grouped as ``unspecified``); a usage on a non-mandatory instrument puts
  it under no supervision.
* A ``verification`` stating no conclusion (``none``, which a load refuses) is not a
  verification result: it is flagged like a calibration, ``calibration_only``, with its own
  reason.
* A ``bureau`` holding an authorization row is still not authorized: the bureau supervises, it
  does not verify.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from metro.model import fields, reasons
from metro.model.statuses import CODE, TRACEABLE_STATUSES, Status

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# --------------------------------------------------------------------------------------------
# Vocabularies


@dataclass(frozen=True, slots=True)
class Term:
    """A word of a vocabulary with its Chinese and English names."""

    code: str
    name_zh: str
    name_en: str


def _vocabulary(*terms: Term) -> dict[str, Term]:
    return {t.code: t for t in terms}


#: Uses that put a catalogue instrument under mandatory verification (《计量法》第九条).
USAGES: Final = _vocabulary(
    Term("trade", "贸易结算", "trade settlement"),
    Term("safety", "安全防护", "safety protection"),
    Term("medical", "医疗卫生", "medical care"),
    Term("environment", "环境监测", "environmental monitoring"),
)
#: The group of mandatory instruments whose usage is not recorded.
UNSPECIFIED: Final = Term("unspecified", "未注明用途", "usage not recorded")

#: The policy's priority fields for new public standards (湘发〔2018〕9号).
PRIORITY_FIELDS: Final = _vocabulary(
    Term("food_safety", "食品安全", "food safety"),
    Term("environment", "环境保护", "environmental protection"),
    Term("medical", "医疗卫生", "medical care"),
    Term("biosafety", "生物安全", "biosafety"),
    Term("smart_manufacturing", "智能制造", "intelligent manufacturing"),
    Term("civil_military", "军民融合", "civil-military integration"),
)


def _term(column: str, value: str | None, vocabulary: dict[str, Term]) -> str | None:
    if value is None or value == "":
        return None
    if value not in vocabulary:
        raise fields.InvalidField(column, value, f"must be one of {', '.join(vocabulary)}")
    return value


def usage(value: str | None) -> str | None:
    """A usage code, or None when not given; anything else is refused naming the value."""
    return _term("usage", value, USAGES)


def priority_field(value: str | None) -> str | None:
    """A priority field code, or None when not given; anything else is refused."""
    return _term("field", value, PRIORITY_FIELDS)


def usage_problem(value: str) -> str | None:
    """Why a usage cell is refused (None when fine): the bundle loader's per-cell form."""
    return None if value in ("", *USAGES) else f"must be one of {', '.join(USAGES)}"


def field_problem(value: str) -> str | None:
    """Why a priority field cell is refused (None when fine)."""
    return None if value in ("", *PRIORITY_FIELDS) else (
        f"must be one of {', '.join(PRIORITY_FIELDS)}")


# --------------------------------------------------------------------------------------------
# Flags


class Flag(StrEnum):
    NEVER_VERIFIED = "never_verified"
    FAILED = "failed"
    OVERDUE = "overdue"
    CALIBRATION_ONLY = "calibration_only"
    UNAUTHORIZED = "unauthorized"
    UNTRACEABLE = "untraceable"
    SUSPECT = "suspect"


#: The flags in the order they are tried; a flag's position is its code in the bulk arrays.
FLAGS: Final[tuple[Flag, ...]] = tuple(Flag)
FLAG_CODE: Final[dict[Flag, int]] = {f: i for i, f in enumerate(FLAGS)}
#: The bulk code of a compliant instrument.
COMPLIANT: Final = -1

FLAG_NAMES: Final = {
    Flag.NEVER_VERIFIED: Term("never_verified", "从未检定", "never verified"),
    Flag.FAILED: Term("failed", "检定不合格", "failed verification"),
    Flag.OVERDUE: Term("overdue", "超期未检", "verification overdue"),
    Flag.CALIBRATION_ONLY: Term("calibration_only", "以校准代替强制检定",
                                "calibrated where verification is required"),
    Flag.UNAUTHORIZED: Term("unauthorized", "检定机构未获授权", "verified by an unauthorized body"),
    Flag.UNTRACEABLE: Term("untraceable", "溯源链断裂", "untraceable"),
    Flag.SUSPECT: Term("suspect", "可疑（所用计量标准失准）", "suspect"),
}

# The status words the flags read (metro.model.statuses, the one home of the words).
_NEVER, _FAILED, _OVERDUE = Status.NEVER_CALIBRATED, Status.FAILED, Status.OVERDUE
_UNTRACEABLE, _SUSPECT = Status.UNTRACEABLE, Status.SUSPECT
_BY_STATUS: Final[dict[str, Flag]] = {
    _NEVER: Flag.NEVER_VERIFIED,
    _FAILED: Flag.FAILED,
    _OVERDUE: Flag.OVERDUE,
}


def flag(*, status: str, verification: bool, passed: bool, authorized: bool) -> Flag | None:
    """The flag of one mandatory instrument at t, or None when it is compliant.

    ``status`` is its status word at t; ``verification``/``passed`` describe the certificate
    that speaks for it (a verification; concluding pass) and ``authorized`` its issuer on the
    calibration day. The three are ignored when no certificate speaks.
    """
    by_status = _BY_STATUS.get(status)
    if by_status is not None:
        return by_status
    if not (verification and passed):
        return Flag.CALIBRATION_ONLY
    if not authorized:
        return Flag.UNAUTHORIZED
    if status == _UNTRACEABLE:
        return Flag.UNTRACEABLE
    if status == _SUSPECT:
        return Flag.SUSPECT
    if status not in TRACEABLE_STATUSES:
        raise ValueError(f"status {status!r}: not a status word")
    return None


def flags_array(
    *,
    status: IntArray,
    verification: BoolArray,
    passed: BoolArray,
    authorized: BoolArray,
) -> IntArray:
    """:func:`flag` for every instrument at once: flag codes (:data:`FLAG_CODE`), or
    :data:`COMPLIANT`. ``status`` holds status codes (:data:`metro.model.statuses.CODE`).
    """
    code = CODE
    out = np.full(len(status), COMPLIANT, dtype=np.int64)
    # later rules first, so that the first rule that applies writes last
    out[status == code[_SUSPECT]] = FLAG_CODE[Flag.SUSPECT]
    out[status == code[_UNTRACEABLE]] = FLAG_CODE[Flag.UNTRACEABLE]
    out[~authorized] = FLAG_CODE[Flag.UNAUTHORIZED]
    out[~(verification & passed)] = FLAG_CODE[Flag.CALIBRATION_ONLY]
    for word in (_OVERDUE, _FAILED, _NEVER):
        out[status == code[word]] = FLAG_CODE[_BY_STATUS[word]]
    return out


def flag_reason(
    which: Flag,
    *,
    status_reason: str,
    number: str | None,
    calibrated_on: date | None,
    verification: bool,
    issuer: str | None,
    quantity: str,
) -> str:
    """The reason of a flag, naming the certificate (and the issuer when it is at fault).

    ``status_reason`` is the traceability engine's reason for the status word; it is the
    reason of the flags read from the status (never verified, failed, overdue, untraceable,
    suspect).
    """
    if which is Flag.CALIBRATION_ONLY:
        template = reasons.NO_VERIFICATION_RESULT if verification else reasons.CALIBRATION_ONLY
        return template.format(number=number, calibrated_on=calibrated_on)
    if which is Flag.UNAUTHORIZED:
        return reasons.UNAUTHORIZED.format(
            number=number, calibrated_on=calibrated_on, issuer=issuer, quantity=quantity
        )
    return status_reason


# --------------------------------------------------------------------------------------------
# Authorization

#: Organization kinds authorized for every quantity kind (statutory verification bodies).
STATUTORY: Final = frozenset({"institute", "nmi"})
#: Organization kinds never authorized, whatever they hold.
NEVER_AUTHORIZED: Final = frozenset({"bureau"})


@dataclass(frozen=True, slots=True)
class Authorization:
    """An organization's authorization to verify one quantity kind, both days included."""

    organization: str
    quantity: str
    valid_from: date
    valid_until: date

    def __post_init__(self) -> None:
        from metro.quantity_kinds import kinds

        fields.text("organization", self.organization, fields.CODE_LEN)
        fields.choice("quantity", self.quantity, tuple(kinds()))
        fields.day("valid_from", self.valid_from)
        fields.day("valid_until", self.valid_until)
        if self.valid_from > self.valid_until:
            raise fields.InvalidField(
                "valid_until", self.valid_until.isoformat(),
                f"before valid_from {self.valid_from.isoformat()}")

    def covers(self, quantity: str, day: date) -> bool:
        return self.quantity == quantity and self.valid_from <= day <= self.valid_until


def authorized(
    organization_kind: str, holds: Iterable[Authorization], quantity: str, day: date
) -> bool:
    """Is an organization of this kind, holding these authorizations, authorized to verify
    ``quantity`` on ``day``?"""
    if organization_kind in NEVER_AUTHORIZED:
        return False
    if organization_kind in STATUTORY:
        return True
    return any(a.covers(quantity, day) for a in holds)


def authorized_array(
    *,
    statutory: BoolArray,
    barred: BoolArray,
    key: IntArray,
    day: IntArray,
    auth_key: IntArray,
    auth_from: IntArray,
    auth_until: IntArray,
) -> BoolArray:
    """:func:`authorized` for many (issuer, kind, day) at once.

    ``key`` identifies (issuer, kind) as one integer, ``auth_key`` the same for each
    authorization; days are integers. ``statutory``/``barred`` say whether the issuer's kind is
    in :data:`STATUTORY` / :data:`NEVER_AUTHORIZED`.
    """
    order = np.argsort(auth_key, kind="stable")
    a_key, a_from, a_until = auth_key[order], auth_from[order], auth_until[order]
    lo = np.searchsorted(a_key, key, side="left")
    counts = np.searchsorted(a_key, key, side="right") - lo
    owner = np.repeat(np.arange(len(key), dtype=np.int64), counts)
    offsets = np.arange(len(owner), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    idx = np.repeat(lo, counts) + offsets
    inside = (a_from[idx] <= day[owner]) & (day[owner] <= a_until[idx])
    held = np.bincount(owner[inside], minlength=len(key)) > 0
    return ~barred & (statutory | held)


# --------------------------------------------------------------------------------------------
# Rates


def rate(numerator: int, denominator: int) -> float | None:
    """A rate, or None when there is nothing to count (no mandatory instrument, no
    verification in the period)."""
    return numerator / denominator if denominator else None


def default_since(at: date) -> date:
    """The pass rate's period starts on 1 January of the year of ``at`` unless given."""
    return date(at.year, 1, 1)
