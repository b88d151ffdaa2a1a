"""What a DCC says, before metro identifies anything: the reader's output, persistence-free.

Values stay in D-SI (value and ``\\unit`` string) until the subject's quantity kind is known:
``\\percent`` means ``%RH`` only for a relative-humidity subject (see :mod:`metro.dcc.dsi_units`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Identification:
    """An identification of an item or equipment: who issued it, the value, its refType."""

    issuer: str
    value: str
    ref_type: str = ""
    name: str = ""

    def describe(self) -> str:
        label = self.name or self.issuer
        return f"{label} {self.value!r}"


@dataclass(frozen=True, slots=True)
class Named:
    """A party or object as the DCC names it: its name and codes (possibly none)."""

    name: str
    code: str | None = None
    identifications: tuple[Identification, ...] = ()

    def coded(self, ref_type: str) -> str | None:
        for ident in self.identifications:
            if ref_type in ident.ref_type.split():
                return ident.value
        return None


@dataclass(frozen=True, slots=True)
class DsiValue:
    """A value with its D-SI unit and, for a measured value, its expanded uncertainty."""

    value: float
    unit: str
    u: float | None = None
    k: float | None = None


@dataclass(frozen=True, slots=True)
class DraftPoint:
    """One result point: nominal (reference) and measured value; ``kind`` if the DCC says."""

    nominal: DsiValue
    measured: DsiValue
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class DccDraft:
    """A DCC as read: what it states, in metro's terms where it has them."""

    version: str
    signed: bool
    number: str
    issuer: Named
    customer: Named
    item: Named
    kind: str | None  # metro's certificate kind, when the DCC carries metro's statement
    calibrated_on: date
    valid_until: date | None
    conclusion: str | None  # pass / fail from basic_conformity; None when no statement
    references: tuple[Named, ...]
    points: tuple[DraftPoint, ...]
    notes: tuple[str, ...]  # what was read but is not part of a metro certificate
