"""A demand item: society's need for traceability (kind, range, required MPE, region, count).

Values are held as given (text) and canonical (float); ``from_text`` converts through the one
unit registry. ``field`` is an optional policy priority field (DESIGN.md "Policy priority
fields").
"""

from __future__ import annotations

from dataclasses import dataclass

from metro.model import fields as f
from metro.model.supervision import PRIORITY_FIELDS


@dataclass(frozen=True, slots=True)
class Demand:
    code: str
    quantity: str
    range_min_given: str
    range_max_given: str
    mpe_abs_given: str | None
    mpe_rel_given: str | None
    range_min: float
    range_max: float
    mpe_abs: float
    mpe_rel: float
    region: str
    count: int
    field: str | None = None

    def __post_init__(self) -> None:
        f.text("code", self.code, f.CODE_LEN)
        f.check_span_and_mpe(self)
        f.region("region", self.region)
        f.integer("count", self.count, minimum=0)
        if self.field is not None:
            f.choice("field", self.field, PRIORITY_FIELDS)

    @classmethod
    def from_text(
        cls,
        *,
        code: str,
        quantity: str,
        range_min: str,
        range_max: str,
        mpe_abs: str | None,
        mpe_rel: str | None,
        region: str,
        count: int,
        field: str | None = None,
    ) -> Demand:
        return cls(
            code=code,
            **f.span_and_mpe(  # type: ignore[arg-type]
                quantity, range_min=range_min, range_max=range_max, mpe_abs=mpe_abs,
                mpe_rel=mpe_rel,
            ),
            region=region,
            count=count,
            field=field or None,
        )
