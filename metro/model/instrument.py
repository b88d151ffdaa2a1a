"""A working measuring instrument (工作计量器具): one kind, a range and MPE(x) = a + b·|x|.

``owner`` is the owning organization's code. ``interval_months`` is the calibration interval
the owner set; a certificate keeps the one in force when it was recorded (DESIGN.md "Settled
readings"), so changing it here never rewrites the past.
"""

from __future__ import annotations

from dataclasses import dataclass

from metro.model import fields as f
from metro.model.supervision import USAGES
from metro.quantity_kinds import kinds


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    name: str
    owner: str
    quantity: str
    range_min_given: str
    range_max_given: str
    mpe_abs_given: str | None
    mpe_rel_given: str | None
    range_min: float
    range_max: float
    mpe_abs: float
    mpe_rel: float
    mandatory: bool
    interval_months: int | None = None
    # Why it is under mandatory verification: trade, safety, medical or environment.
    usage: str | None = None

    def __post_init__(self) -> None:
        f.text("code", self.code, f.CODE_LEN)
        f.text("name", self.name, f.NAME_LEN)
        f.text("owner", self.owner, f.CODE_LEN)
        f.choice("quantity", self.quantity, kinds())
        f.text("range_min", self.range_min_given, f.GIVEN_LEN)
        f.text("range_max", self.range_max_given, f.GIVEN_LEN)
        f.optional_text("mpe_abs", self.mpe_abs_given, f.GIVEN_LEN)
        f.optional_text("mpe_rel", self.mpe_rel_given, f.GIVEN_LEN)
        f.value_range(self.range_min, self.range_max)
        f.number("mpe_abs", self.mpe_abs, minimum=0)
        f.number("mpe_rel", self.mpe_rel, minimum=0)
        if not self.mpe_abs_given and not self.mpe_rel_given:
            raise f.InvalidField(
                "mpe_abs", "", "a maximum permissible error: give mpe_abs, mpe_rel or both"
            )
        if not isinstance(self.mandatory, bool):
            raise f.InvalidField("mandatory", self.mandatory, "must be true or false")
        if self.interval_months is not None:
            f.integer(
                "interval_months", self.interval_months, minimum=1, maximum=f.MAX_INTERVAL_MONTHS
            )
        if self.usage is not None:
            f.choice("usage", self.usage, USAGES)

    @classmethod
    def from_text(
        cls,
        *,
        code: str,
        name: str,
        owner: str,
        quantity: str,
        range_min: str,
        range_max: str,
        mpe_abs: str | None = None,
        mpe_rel: str | None = None,
        mandatory: bool = False,
        interval_months: int | None = None,
        usage: str | None = None,
    ) -> Instrument:
        return cls(
            code=code,
            name=name,
            owner=owner,
            **f.span_and_mpe(  # type: ignore[arg-type]
                quantity, range_min=range_min, range_max=range_max, mpe_abs=mpe_abs,
                mpe_rel=mpe_rel,
            ),
            mandatory=mandatory,
            interval_months=interval_months,
            usage=usage or None,
        )
