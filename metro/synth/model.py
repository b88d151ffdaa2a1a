"""The generator's in-memory objects: organizations, standards, capabilities, certificates.

Values are held twice, as in the bundle: the strings that get written and the canonical floats
(unit of the quantity kind's catalogue entry) that adequacy checks use. Dates are day ordinals.
Instruments are not kept here: they are streamed straight to the CSV writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from metro.model.adequacy import k2
from metro.model.levels import LEVEL_RANK


@dataclass(slots=True)
class Org:
    code: str
    name: str
    kind: str
    region: str
    role: str  # nmi, bureau, province, prefecture, lab, department, enterprise
    prefecture: str  # 6-digit prefecture code ("" for NIM and province-wide bodies)
    industry: str | None = None
    sector: str | None = None
    short: str = ""  # prefecture abbreviation used in exam certificate codes
    size: int = 0  # instruments owned (enterprises)
    index: int = 0


@dataclass(frozen=True, slots=True)
class Cap:
    """One capability: kind, range [lo, hi], U = a + b·|x| at coverage factor k (canonical)."""

    kind: str
    lo: float
    hi: float
    a: float
    b: float
    k: float
    unit: str  # display unit of the range
    lo_s: str
    hi_s: str
    a_s: str
    b_s: str
    k_s: str

    @property
    def a2(self) -> float:
        return float(k2(self.a, self.b, self.k)[0])

    @property
    def b2(self) -> float:
        return float(k2(self.a, self.b, self.k)[1])


@dataclass(slots=True)
class CertRec:
    number: str
    issuer: str
    kind: str  # verification / calibration
    subject: str
    date: int
    until: int | None
    conclusion: str  # pass / fail / none
    refs: tuple[str, ...]
    revoked: bool = False


@dataclass(slots=True)
class Standard:
    index: int
    code: str
    name: str
    owner: str
    level: str
    caps: tuple[Cap, ...]
    interval: int
    family: str | None
    template: str
    scenario: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    prefecture: str = ""
    exam_cert: str = ""
    exam_from: int | None = None
    exam_until: int | None = None
    status: str = "active"
    chain_start: int = 0
    service_from: int = 0
    service_to: int | None = None  # last day used as a reference (sealed standards)
    certs: list[CertRec] = field(default_factory=list)
    window: tuple[tuple[int, int], ...] = ()

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(c.kind for c in self.caps)

    def in_window(self, day: int) -> bool:
        return any(a <= day <= b for a, b in self.window)
