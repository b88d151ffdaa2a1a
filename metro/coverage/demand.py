"""Demand items: society's need for traceability, as numpy columns in canonical units.

A demand item is (quantity kind, range, required MPE = mpe_abs + mpe_rel·|x|, region, count of
instruments behind it). Items come from two sources (``--demand``):

- ``registered``: the ``demands`` table (``demands.csv``), one item per row;
- ``instruments``: derived from the registered instruments, grouped by kind, the owner's region,
  range and MPE (canonical floats, so ``10 MPa`` and ``10000 kPa`` fall in one group); the count
  is the number of instruments in the group and the code reads
  ``inst:REGION:KIND:MIN..MAX:MPE`` (the texts of one member of the group);
- ``both``: the two lists side by side (an instrument that is also counted in a registered
  demand item is then counted twice: the sources are not reconciled).

The given texts (``"0 MPa"``, ``"0.4 %"``) travel with the items so that gaps can be written in
the item's own units. Kinds are mapped to small integers (``kind_id``) for the matcher.

A registered item may carry one of the policy's priority fields (``field``, DESIGN.md "Policy
priority fields"; the vocabulary: :data:`metro.model.supervision.PRIORITY_FIELDS`); ``""`` when
it carries none. Items derived from instruments carry none (an instrument has no field).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from metro.coverage.columns import Columns
from metro.quantity_kinds import get_kind, kinds

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class DemandSource(StrEnum):
    registered = "registered"
    instruments = "instruments"
    both = "both"


@cache
def kind_index() -> dict[str, int]:
    """Catalogue kind code → a small integer (stable within a process)."""
    return {code: i for i, code in enumerate(kinds())}


def kind_ids(codes: Sequence[str]) -> IntArray:
    """Kind codes → integer ids; an unknown code raises ``UnknownQuantityKind``."""
    index = kind_index()
    try:
        return np.fromiter(map(index.__getitem__, codes), dtype=np.int64, count=len(codes))
    except KeyError:
        for code in codes:
            get_kind(code)  # raises with the catalogue's message
        raise


@cache
def kind_table(attribute: str) -> npt.NDArray[Any]:
    """``QuantityKind.<attribute>`` of every kind, indexed by kind id."""
    return np.array([getattr(k, attribute) for k in kinds().values()])


def factorize(keys: Sequence[str]) -> tuple[list[str], IntArray]:
    """The distinct keys, sorted, and each key's position among them."""
    index = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    codes = np.fromiter(map(index.__getitem__, keys), dtype=np.int64, count=len(keys))
    uniq = sorted(index)
    remap = np.empty(len(index), dtype=np.int64)
    for pos, key in enumerate(uniq):
        remap[index[key]] = pos
    return uniq, remap[codes]


@dataclass(frozen=True, eq=False)
class DemandItems(Columns):
    """Demand items as columns; row i of every column is item i."""

    code: list[str]
    source: list[str]
    kind: list[str]
    region: list[str]
    range_min: FloatArray
    range_max: FloatArray
    mpe_abs: FloatArray
    mpe_rel: FloatArray
    count: IntArray
    range_min_given: list[str]
    range_max_given: list[str]
    mpe_abs_given: list[str]
    mpe_rel_given: list[str]
    #: the item's priority field code, "" when it has none
    field: list[str]

    def __post_init__(self) -> None:
        n = len(self.code)
        for name in self.__dataclass_fields__:
            if len(getattr(self, name)) != n:
                raise ValueError(f"DemandItems.{name} has {len(getattr(self, name))} rows, not {n}")

    def __len__(self) -> int:
        return len(self.code)

    @cached_property
    def kind_id(self) -> IntArray:
        return kind_ids(self.kind)

    @classmethod
    def build(
        cls,
        *,
        code: Sequence[str],
        kind: Sequence[str],
        region: Sequence[str],
        range_min: Sequence[float] | FloatArray,
        range_max: Sequence[float] | FloatArray,
        mpe_abs: Sequence[float] | FloatArray,
        mpe_rel: Sequence[float] | FloatArray,
        count: Sequence[int] | IntArray,
        source: str | Sequence[str] = DemandSource.registered.value,
        range_min_given: Sequence[str | None] | None = None,
        range_max_given: Sequence[str | None] | None = None,
        mpe_abs_given: Sequence[str | None] | None = None,
        mpe_rel_given: Sequence[str | None] | None = None,
        field: Sequence[str | None] | None = None,
    ) -> DemandItems:
        """Items from columns; missing given texts are empty (gaps then use canonical units)."""
        n = len(code)

        def texts(col: Sequence[str | None] | None) -> list[str]:
            return [""] * n if col is None else [t or "" for t in col]

        return cls(
            code=list(code),
            source=[source] * n if isinstance(source, str) else list(source),
            kind=list(kind),
            region=list(region),
            range_min=np.asarray(range_min, dtype=np.float64),
            range_max=np.asarray(range_max, dtype=np.float64),
            mpe_abs=np.asarray(mpe_abs, dtype=np.float64),
            mpe_rel=np.asarray(mpe_rel, dtype=np.float64),
            count=np.asarray(count, dtype=np.int64),
            range_min_given=texts(range_min_given),
            range_max_given=texts(range_max_given),
            mpe_abs_given=texts(mpe_abs_given),
            mpe_rel_given=texts(mpe_rel_given),
            field=texts(field),
        )

    @classmethod
    def empty(cls) -> DemandItems:
        return cls.build(
            code=[],
            kind=[],
            region=[],
            range_min=[],
            range_max=[],
            mpe_abs=[],
            mpe_rel=[],
            count=[],
        )


def registered_items(rows: Sequence[Sequence[Any]]) -> DemandItems:
    """Items from ``demands`` rows in the order of ``repositories.coverage.DEMAND_COLUMNS``
    (rows without the trailing ``field`` column carry no field)."""
    cols = _columns(rows, 13)
    if len(cols) == 12:
        cols.append([None] * len(cols[0]))
    return DemandItems.build(
        code=cols[0],
        kind=cols[1],
        region=cols[2],
        range_min=cols[3],
        range_max=cols[4],
        mpe_abs=cols[5],
        mpe_rel=cols[6],
        count=cols[7],
        range_min_given=cols[8],
        range_max_given=cols[9],
        mpe_abs_given=cols[10],
        mpe_rel_given=cols[11],
        field=cols[12],
        source=DemandSource.registered.value,
    )


def instrument_items(rows: Sequence[Sequence[Any]]) -> DemandItems:
    """Items from instrument groups (``repositories.coverage.INSTRUMENT_GROUP_COLUMNS``)."""
    cols = _columns(rows, 11)
    kind, region = cols[0], cols[1]
    lo_t, hi_t, abs_t, rel_t = cols[7], cols[8], cols[9], cols[10]
    codes = [
        f"inst:{r}:{k}:{lo}..{hi}:{_mpe_text(a, b)}"
        for r, k, lo, hi, a, b in zip(region, kind, lo_t, hi_t, abs_t, rel_t, strict=True)
    ]
    return DemandItems.build(
        code=codes,
        kind=kind,
        region=region,
        range_min=cols[2],
        range_max=cols[3],
        mpe_abs=cols[4],
        mpe_rel=cols[5],
        count=cols[6],
        range_min_given=lo_t,
        range_max_given=hi_t,
        mpe_abs_given=abs_t,
        mpe_rel_given=rel_t,
        source=DemandSource.instruments.value,
    )


def _mpe_text(mpe_abs: str | None, mpe_rel: str | None) -> str:
    return " + ".join(t for t in (mpe_abs, mpe_rel) if t) or "0"


def mpe_text(items: DemandItems, i: int) -> str:
    """The item's required MPE as given: ``"0.9 degF"``, ``"0.4 %"``, ``"0.1 MPa + 0.5 %"``."""
    given = _mpe_text(items.mpe_abs_given[i], items.mpe_rel_given[i])
    if given != "0":
        return given
    a, b = float(items.mpe_abs[i]), float(items.mpe_rel[i])
    unit = get_kind(items.kind[i]).canonical_unit
    return " + ".join(p for p in (f"{a:.6g} {unit}" if a else "", f"{b:.6g}" if b else "") if p)


def range_text(items: DemandItems, i: int) -> str:
    """``"0 MPa..100 MPa"`` as given (canonical unit when no text was given)."""
    lo, hi = items.range_min_given[i], items.range_max_given[i]
    if lo and hi:
        return f"{lo}..{hi}"
    unit = get_kind(items.kind[i]).canonical_unit
    return f"{items.range_min[i]:.6g} {unit}..{items.range_max[i]:.6g} {unit}"


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    if not rows:
        return [[] for _ in range(width)]
    return [list(c) for c in zip(*rows, strict=True)]
