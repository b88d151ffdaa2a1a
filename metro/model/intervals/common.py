"""Constants, limits and vocabularies shared by the interval methods."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from metro.errors import InvalidInput

MONTH_DAYS: Final = 30.4375
DEFAULT_TARGET: Final = 0.90
DEFAULT_STEP: Final = 0.10  # a, the A1 lengthening step
CONFIDENCE: Final = 0.95
A3_MIN_N: Final = 10
A3_TOLERANCE: Final = 0.15  # results within ±15 % of the group's interval count as "at" it
S1_MIN_N: Final = 20
_CHI2_95: Final = float(stats.chi2.ppf(CONFIDENCE, 1))
_EPS: Final = 1e-9  # 5.9999999996 months is six: float noise must not cost a month

Method = Literal["a1", "a3", "s1"]
METHODS: Final = ("a1", "a3", "s1")
METHOD_NAMES: Final = {
    "a1": "simple response (RP-1 A1)",
    "a3": "interval test (RP-1 A3)",
    "s1": "maximum likelihood (RP-1 S1)",
}
AS_FOUND_NOTE: Final = (
    "as-found results: a certificate's conclusion stands for the as-found state "
    "(the bundle keeps no as-left points)"
)

# As-found codes (int8 in the bulk form).
IN_TOLERANCE: Final = 1
OUT_OF_TOLERANCE: Final = 0
UNKNOWN: Final = -1
CONCLUSIONS: Final = ("pass", "fail", "none")  # codes 0, 1, 2 in the bulk form

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Limits:
    """[I_min, I_max] in months for one quantity kind (defaults 1 and 60)."""

    low: int = 1
    high: int = 60

    def __post_init__(self) -> None:
        if not 1 <= self.low <= self.high:
            raise InvalidInput(
                f"interval limits [{self.low}, {self.high}] months: need 1 ≤ I_min ≤ I_max"
            )


DEFAULT_LIMITS: Final = Limits()
# Per-kind limits (data, not code): kinds not named here take the defaults.
KIND_LIMITS: Final[dict[str, Limits]] = {}


def limits_for(kind: str) -> Limits:
    return KIND_LIMITS.get(kind, DEFAULT_LIMITS)


def check_target(target: float) -> float:
    if not isinstance(target, int | float) or not 0.0 < target < 1.0 or math.isnan(target):
        raise InvalidInput(f"target {target!r}: the reliability target must be between 0 and 1")
    return float(target)


def check_method(method: str) -> Method:
    if method not in METHODS:
        raise InvalidInput(f"method {method!r}: must be one of {', '.join(METHODS)}")
    return method  # type: ignore[return-value]


