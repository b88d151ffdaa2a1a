"""A demand item: society's need for traceability (kind, range, required MPE, region, count).

Values are held as given (text) and canonical (float); ``from_text`` converts through the one
unit registry. ``field`` is an optional policy priority field (DESIGN.md "Policy priority
fields").
"""

from __future__ import annotations

from dataclasses import dataclass

from metro.model import fields as f
from metro.model.supervision import PRIORITY_FIELDS
from metro.quantity_kinds import kinds


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
        f.choice("quantity", self.quantity, kinds())
        f.text("range_min", self.range_min_given, f.GIVEN_LEN)
        f.text("range_max", self.range_max_given, f.GIVEN_LEN)
        f.optional_text("mpe_abs", self.mpe_abs_given, f.GIVEN_LEN)
        f.optional_text("mpe_rel", self.mpe_rel_given, f.GIVEN_LEN)
        f.value_range(self.range_min, self.range_max)
        f.number("mpe_abs", self.mpe_abs, minimum=0)
        f.number("mpe_rel", self.mpe_rel, minimum=0)
        if not self.mpe_abs_given and not self.mpe_rel_given:
            raise f.InvalidField("mpe_abs", "", "a required MPE: give mpe_abs, mpe_rel or both")
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
