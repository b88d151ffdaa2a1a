"""What the adequacy rule reads: a standard's capability and an instrument's one capability.

DESIGN.md "Uncertainty and capability": a capability is (quantity kind, range, expanded
uncertainty U(x) = u_abs + u_rel·|x| at coverage factor k); an instrument has one, its kind and
range with MPE(x) = mpe_abs + mpe_rel·|x|. Values are in the kind's canonical unit (converted at
the edges by :mod:`metro.units`). Both types validate themselves on construction: finite
numbers, ``range_min ≤ range_max``, ``k > 0``, uncertainties and MPEs ≥ 0.

:class:`CapabilityRow` is the one capability type of the engine: traceability reads the numbers;
coverage also reads the standard's facts for check 4 (``standard``, ``level``, ``status`` and
the examination certificate, filled by ``repositories.coverage``) and the values as given, for
the report. A row made for the traceability engine leaves those at their defaults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from metro.errors import InvalidInput
from metro.model.examination import ExamState, exam_state


def _finite(owner: str, field: str, value: float) -> None:
    if not math.isfinite(value):
        raise InvalidInput(f"{owner}: {field} {value!r} must be a finite number")


def _not_negative(owner: str, field: str, value: float) -> None:
    _finite(owner, field, value)
    if value < 0:
        raise InvalidInput(f"{owner}: {field} {value!r} must not be negative")


def _range(owner: str, lo: float, hi: float) -> None:
    _finite(owner, "range_min", lo)
    _finite(owner, "range_max", hi)
    if lo > hi:
        raise InvalidInput(f"{owner}: range_min {lo!r} is above range_max {hi!r}")


@dataclass(frozen=True, slots=True)
class CapabilityRow:
    """A capability in canonical units: U(x) = u_abs + u_rel·|x| at coverage factor k."""

    id: int | None
    standard_id: int
    quantity: str
    range_min: float
    range_max: float
    u_abs: float
    u_rel: float
    k: float = 2.0
    # The standard's facts coverage check 4 reads (empty for the traceability engine).
    standard: str = ""
    level: str = ""
    status: str = "active"
    exam_cert: str | None = None
    exam_valid_from: date | None = None
    exam_valid_until: date | None = None
    # The values as given, for reports.
    range_min_given: str = ""
    range_max_given: str = ""
    u_abs_given: str = ""
    u_rel_given: str = ""

    def __post_init__(self) -> None:
        owner = f"capability {self.quantity} of {self.standard or self.standard_id}"
        _range(owner, self.range_min, self.range_max)
        _not_negative(owner, "u_abs", self.u_abs)
        _not_negative(owner, "u_rel", self.u_rel)
        _finite(owner, "k", self.k)
        if self.k <= 0:
            raise InvalidInput(f"{owner}: coverage factor k {self.k!r} must be above 0")

    @property
    def a2(self) -> float:
        """u_abs rescaled to k = 2."""
        return self.u_abs * (2.0 / self.k)

    @property
    def b2(self) -> float:
        """u_rel rescaled to k = 2."""
        return self.u_rel * (2.0 / self.k)

    def exam_state(self, day: date) -> ExamState:
        """The standard's examination certificate on ``day`` (:mod:`metro.model.examination`)."""
        return exam_state(self.level, self.exam_cert, self.exam_valid_from,
                          self.exam_valid_until, day)


@dataclass(frozen=True, slots=True)
class InstrumentRow:
    """An instrument's one capability: kind, range and MPE(x) = mpe_abs + mpe_rel·|x|."""

    id: int
    code: str
    owner_id: int
    owner: str
    quantity: str
    range_min: float
    range_max: float
    mpe_abs: float
    mpe_rel: float

    def __post_init__(self) -> None:
        owner = f"instrument {self.code}"
        _range(owner, self.range_min, self.range_max)
        _not_negative(owner, "mpe_abs", self.mpe_abs)
        _not_negative(owner, "mpe_rel", self.mpe_rel)
