"""The proposal every method returns; clamping and rounding; the Clopper–Pearson interval."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats

from metro.errors import InvalidInput
from metro.model.intervals.common import (
    _EPS,
    AS_FOUND_NOTE,
    CONFIDENCE,
    DEFAULT_LIMITS,
    DEFAULT_TARGET,
    BoolArray,
    FloatArray,
    IntArray,
    Limits,
    Method,
    check_method,
    check_target,
    limits_for,
)

# ------------------------------------------------------------------------------------------
# proposals
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed interval with the history and confidence behind it; never a change by itself.

    ``subject`` is an asset code, or a group ``OWNER/kind`` for A3 and S1. ``reliability`` is
    the observed (A1, A3) or fitted (S1, at the current interval) reliability, with its 95 %
    confidence interval ``low``–``high``; None when there is no history to speak of.
    """

    subject: str
    current_months: int
    proposed_months: int
    method: Method
    n: int
    in_tolerance: int
    reason: str
    target: float = DEFAULT_TARGET
    reliability: float | None = None
    low: float | None = None
    high: float | None = None
    group: str | None = None
    rate: float | None = None
    rate_low: float | None = None
    rate_high: float | None = None
    unrounded: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_method(self.method)
        check_target(self.target)
        if self.current_months < 1 or self.proposed_months < 1:
            raise InvalidInput(
                f"proposal for {self.subject}: intervals must be ≥ 1 month "
                f"(current {self.current_months}, proposed {self.proposed_months})"
            )
        if not 0 <= self.in_tolerance <= self.n:
            raise InvalidInput(
                f"proposal for {self.subject}: in_tolerance {self.in_tolerance} not in 0…{self.n}"
            )

    @property
    def change(self) -> str:
        if self.proposed_months > self.current_months:
            return "lengthen"
        if self.proposed_months < self.current_months:
            return "shorten"
        return "keep"

    def as_json(self) -> dict[str, Any]:
        key = "group" if self.group is not None and self.subject == self.group else "asset"
        return {
            key: self.subject,
            **({"group": self.group} if key == "asset" and self.group else {}),
            "current_months": self.current_months,
            "proposed_months": self.proposed_months,
            "method": self.method,
            "target": self.target,
            "n": self.n,
            "in_tolerance": self.in_tolerance,
            "reliability": _round(self.reliability),
            "confidence_interval": None
            if self.low is None or self.high is None
            else [_round(self.low), _round(self.high)],
            **(
                {
                    "rate_per_month": _round(self.rate),
                    "rate_interval": None
                    if self.rate_low is None or self.rate_high is None
                    else [_round(self.rate_low), _round(self.rate_high)],
                }
                if self.method == "s1" and self.rate is not None
                else {}
            ),
            "reason": self.reason,
            "basis": AS_FOUND_NOTE,
        }

    def for_member(self, asset: str, current: int, *, mandatory: bool, kind: str) -> Proposal:
        """A group's proposal as it applies to one member (its own interval and mandate)."""
        if self.unrounded is None:  # the group kept its interval: so does the member
            proposed, reason = current, self.reason
        else:
            proposed = settle(self.unrounded, current, mandatory=mandatory, limits=limits_for(kind))
            reason = self.reason + _mandatory_note(self.unrounded, current, proposed, mandatory)
        return Proposal(
            subject=asset,
            current_months=current,
            proposed_months=proposed,
            method=self.method,
            n=self.n,
            in_tolerance=self.in_tolerance,
            reason=reason,
            target=self.target,
            reliability=self.reliability,
            low=self.low,
            high=self.high,
            group=self.group,
            rate=self.rate,
            rate_low=self.rate_low,
            rate_high=self.rate_high,
            unrounded=self.unrounded,
        )


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def settle(months: float, current: int, *, mandatory: bool, limits: Limits = DEFAULT_LIMITS) -> int:
    """Clamp to [I_min, I_max], round down to whole months; a mandatory period never grows."""
    clamped = min(max(months, limits.low), limits.high)
    proposed = math.floor(clamped + _EPS)
    return min(proposed, current) if mandatory else proposed


def settle_bulk(
    months: FloatArray, current: IntArray, mandatory: BoolArray, low: IntArray, high: IntArray
) -> IntArray:
    """:func:`settle` for many assets."""
    clamped = np.minimum(np.maximum(months, low), high)
    proposed = np.floor(clamped + _EPS).astype(np.int64)
    return np.where(mandatory, np.minimum(proposed, current), proposed)


def _mandatory_note(raw: float, current: int, proposed: int, mandatory: bool) -> str:
    if mandatory and raw >= current + 1 - _EPS and proposed == current:
        return "; mandatory verification period (JJG): never lengthened"
    return ""


def clopper_pearson(
    x: int | IntArray, n: int | IntArray, confidence: float = CONFIDENCE
) -> tuple[Any, Any]:
    """Two-sided exact (Clopper–Pearson) interval of a binomial proportion, scalar or arrays."""
    if isinstance(x, int | np.integer) and isinstance(n, int | np.integer):
        return _clopper_pearson_scalar(int(x), int(n), confidence)
    return _clopper_pearson(x, n, confidence)


# Groups of a province share few (x, n) pairs, and scipy's ppf costs ~0.5 ms a call.
@lru_cache(maxsize=65536)
def _clopper_pearson_scalar(x: int, n: int, confidence: float) -> tuple[float, float]:
    low, high = _clopper_pearson(x, n, confidence)
    return float(low), float(high)


def _clopper_pearson(x: int | IntArray, n: int | IntArray, confidence: float) -> tuple[Any, Any]:
    alpha = 1.0 - confidence
    x_ = np.asarray(x, dtype=np.float64)
    n_ = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x_ > 0, stats.beta.ppf(alpha / 2, x_, n_ - x_ + 1), 0.0)
        high = np.where(x_ < n_, stats.beta.ppf(1 - alpha / 2, x_ + 1, n_ - x_), 1.0)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def _observed(
    x: int, n: int, interval: tuple[float, float] | None = None
) -> dict[str, float | None]:
    """The observed reliability x/n and its interval, as evidence (None without results)."""
    if n == 0:
        return {"reliability": None, "low": None, "high": None}
    low, high = interval if interval is not None else clopper_pearson(x, n)
    return {"reliability": x / n, "low": low, "high": high}


