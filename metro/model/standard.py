"""A measurement standard (计量标准): its level, its examination certificate (考核证书), status.

Rules held here: the level is one of the hierarchy's (metro.levels); a social public standard
(``public_highest``, ``public_secondary``) has an examination certificate and both its dates
(DESIGN.md "Settled readings": refused otherwise); the examination ends on or after it starts.
``status`` moves ``active`` → ``sealed`` (封存) or ``revoked``; sealing is a service verb.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from metro.model import fields as f
from metro.model.capability import CapabilityRow
from metro.model.levels import LEVELS, PUBLIC_LEVELS
from metro.quantity_kinds import kinds

STANDARD_STATUSES: Final = ("active", "sealed", "revoked")


@dataclass(frozen=True, slots=True)
class Standard:
    code: str
    name: str
    owner: str
    level: str
    exam_cert: str | None = None
    exam_valid_from: date | None = None
    exam_valid_until: date | None = None
    status: str = "active"

    def __post_init__(self) -> None:
        f.text("code", self.code, f.CODE_LEN)
        f.text("name", self.name, f.NAME_LEN)
        f.text("owner", self.owner, f.CODE_LEN)
        f.choice("level", self.level, LEVELS)
        f.optional_text("exam_cert", self.exam_cert, f.EXAM_CERT_LEN)
        if self.exam_valid_from is not None:
            f.day("exam_valid_from", self.exam_valid_from)
        if self.exam_valid_until is not None:
            f.day("exam_valid_until", self.exam_valid_until)
        f.choice("status", self.status, STANDARD_STATUSES)
        if self.level in PUBLIC_LEVELS:
            for name in ("exam_cert", "exam_valid_from", "exam_valid_until"):
                if not getattr(self, name):
                    raise f.InvalidField(name, "", public_exam_problem(self.level))
        if (
            self.exam_valid_from is not None
            and self.exam_valid_until is not None
            and self.exam_valid_until < self.exam_valid_from
        ):
            raise f.InvalidField(
                "exam_valid_until",
                self.exam_valid_until.isoformat(),
                f"before exam_valid_from {self.exam_valid_from.isoformat()}",
            )

    @property
    def is_public(self) -> bool:
        return self.level in PUBLIC_LEVELS

    def as_log(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "owner": self.owner,
            "level": self.level,
            "exam_cert": self.exam_cert or "",
            "exam_valid_from": self.exam_valid_from.isoformat() if self.exam_valid_from else "",
            "exam_valid_until": self.exam_valid_until.isoformat() if self.exam_valid_until else "",
            "status": self.status,
        }


def public_exam_problem(level: str) -> str:
    """The one wording for a public standard without its examination certificate."""
    return (
        f"a {level} standard (社会公用计量标准) needs its examination certificate (考核证书) "
        "and its validity dates"
    )


def capability(
    *,
    quantity: str,
    range_min: str,
    range_max: str,
    u_abs: str | None = None,
    u_rel: str | None = None,
    k: float = 2.0,
    standard_id: int = 0,
) -> CapabilityRow:
    """A capability from values as given (the one capability type, metro.model.capability).

    Refused: an unknown kind, text longer than its column, non-finite values, and U = 0 (no
    metrology standard has it). ``standard_id`` is filled in by the repository when stored.
    """
    f.choice("quantity", quantity, kinds())
    if not u_abs and not u_rel:
        raise f.InvalidField("u_abs", "", "an expanded uncertainty: give u_abs, u_rel or both")
    a = f.quantity("u_abs", u_abs, quantity, difference=True) if u_abs else 0.0
    b = f.fraction("u_rel", u_rel) if u_rel else 0.0
    why = f.uncertainty_problem(a, b)
    if why:
        raise f.InvalidField("u_abs", u_abs or u_rel or "", why)
    lo = f.quantity("range_min", range_min, quantity)
    hi = f.quantity("range_max", range_max, quantity)
    f.value_range(lo, hi)
    return CapabilityRow(
        id=None,
        standard_id=standard_id,
        quantity=quantity,
        range_min=lo,
        range_max=hi,
        u_abs=a,
        u_rel=b,
        k=f.positive("k", k),
        range_min_given=range_min,
        range_max_given=range_max,
        u_abs_given=u_abs or "",
        u_rel_given=u_rel or "",
    )


def capability_log(cap: CapabilityRow) -> dict[str, object]:
    """A capability as the change log keeps it (as given)."""
    return {
        "quantity": cap.quantity,
        "range_min": cap.range_min_given,
        "range_max": cap.range_max_given,
        "u_abs": cap.u_abs_given,
        "u_rel": cap.u_rel_given,
        "k": cap.k,
    }
