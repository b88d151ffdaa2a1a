"""The catalogue of quantity kinds and disciplines (data in ``metro/data/*.csv``).

A quantity kind is what is measured (``pressure``, ``dc_voltage``...). Matching between a
standard and a subject is by kind, never by dimension: ``dc_voltage`` and ``ac_voltage`` share
volts but a DC standard does not calibrate an AC voltmeter. Each kind names its canonical unit;
every stored canonical float is in that unit. ``instrument_ratio`` and ``standard_ratio`` are the
adequacy ratios: a reference is adequate for an instrument when U_ref ≤ MPE / instrument_ratio,
and for a standard when U_ref ≤ U_subject / standard_ratio.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from metro.errors import NotFound

_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Discipline:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class QuantityKind:
    code: str
    name_zh: str
    name_en: str
    discipline: str
    canonical_unit: str
    instrument_ratio: float
    standard_ratio: float


class UnknownQuantityKind(NotFound):
    """A quantity kind code that is not in the catalogue."""


@cache
def disciplines() -> dict[str, Discipline]:
    with (_DATA / "disciplines.csv").open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f)
        return {r["code"]: Discipline(r["code"], r["name_zh"], r["name_en"]) for r in rows}


@cache
def kinds() -> dict[str, QuantityKind]:
    with (_DATA / "quantity_kinds.csv").open(encoding="utf-8", newline="") as f:
        out = {
            r["code"]: QuantityKind(
                code=r["code"],
                name_zh=r["name_zh"],
                name_en=r["name_en"],
                discipline=r["discipline"],
                canonical_unit=r["canonical_unit"],
                instrument_ratio=float(r["instrument_ratio"]),
                standard_ratio=float(r["standard_ratio"]),
            )
            for r in csv.DictReader(f)
        }
    unknown = {k.discipline for k in out.values()} - disciplines().keys()
    if unknown:
        raise RuntimeError(f"quantity_kinds.csv names unknown disciplines {sorted(unknown)}")
    return out


def get_kind(code: str) -> QuantityKind:
    try:
        return kinds()[code]
    except KeyError:
        raise UnknownQuantityKind(
            f"unknown quantity kind {code!r}; known kinds: {', '.join(sorted(kinds()))}"
        ) from None
