"""A working measuring instrument (工作计量器具): one kind, a range and MPE(x) = a + b·|x|.

``owner`` is the owning organization's code. ``interval_months`` is the calibration interval
the owner set; a certificate keeps the one in force when it was recorded (DESIGN.md "Settled
readings"), so changing it here never rewrites the past.
"""

from __future__ import annotations

from dataclasses import dataclass

from metro.model import fields as f
from metro.model.supervision import USAGES


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
        f.check_span_and_mpe(self)
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
