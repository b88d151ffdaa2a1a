"""Region codes (6-digit administrative division codes, 行政区划代码) and their Chinese names.

The names are data, not code: ``metro/data/regions.csv`` lists Hunan province, its 14
prefecture-level cities and their counties and districts (source named in the file's header:
the Ministry of Civil Affairs' list of codes at county level and above), plus Beijing for the
national institute.

DESIGN.md "Settled readings": region groups are prefecture cities — the first four digits of
the code and ``00`` — with their Chinese names; county detail is one level down.

Decisions where the design is silent:

* A province code (``430000``) is its own prefecture: nothing finer can be said of it.
* A well-formed code missing from the list has no name (``name_of`` answers None, ``label``
  shows the code alone): the list is Hunan's, and a bundle may name other provinces.
* A code that is not six digits is refused with the value (``ValueError``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Literal

DATA: Final = Path(__file__).resolve().parent.parent / "data" / "regions.csv"

Level = Literal["province", "prefecture", "county"]


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: Level
    parent: str | None

    def __post_init__(self) -> None:
        check_code(self.code)
        if not self.name:
            raise ValueError(f"region {self.code}: the name is empty")
        if self.level not in ("province", "prefecture", "county"):
            raise ValueError(f"region {self.code}: level {self.level!r} is not a level")


def check_code(code: str) -> str:
    """``code`` when it is a 6-digit administrative division code; else ValueError."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise ValueError(f"region code {code!r} is not a 6-digit administrative division code")
    return code


@cache
def regions() -> dict[str, Region]:
    """Every region of the data file, by code."""
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {
            r["code"]: Region(r["code"], r["name"], r["level"], r["parent"] or None)  # type: ignore[arg-type]
            for r in rows
        }


def prefecture_of(code: str) -> str:
    """The prefecture-level city of a code: its first four digits and ``00``
    (``430104`` → ``430100``); a province code is its own."""
    check_code(code)
    if code.endswith("0000"):
        return code
    return code[:4] + "00"


def name_of(code: str) -> str | None:
    """The Chinese name of a region code (``430100`` → ``长沙市``), None when not listed."""
    region = regions().get(check_code(code))
    return region.name if region else None


def label(code: str) -> str:
    """``430100 长沙市`` — the code with its name when known, for tables and charts."""
    name = name_of(code)
    return f"{code} {name}" if name else code
