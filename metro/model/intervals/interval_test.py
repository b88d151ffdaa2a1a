"""RP-1 A3, interval test over a group: R̂ against the target with Clopper–Pearson."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from metro.errors import InvalidInput
from metro.model.intervals.common import (
    _EPS,
    A3_MIN_N,
    A3_TOLERANCE,
    DEFAULT_LIMITS,
    DEFAULT_TARGET,
    BoolArray,
    FloatArray,
    Limits,
    check_target,
)
from metro.model.intervals.proposal import Proposal, _observed, clopper_pearson, settle


def group_interval(intervals: Sequence[int]) -> int:
    """A group's current interval: its most common, the shortest on a tie."""
    if not intervals:
        raise InvalidInput("a group needs at least one member with an interval")
    counts = Counter(int(i) for i in intervals)
    top = max(counts.values())
    return min(v for v, c in counts.items() if c == top)


def at_interval(months: FloatArray, current: float) -> BoolArray:
    """Results at the group's current interval (±15 %), as A3 counts them."""
    return np.abs(months - current) <= A3_TOLERANCE * current + _EPS


def interval_test(
    group: str,
    months: Sequence[float] | FloatArray,
    in_tolerance: Sequence[int | bool] | BoolArray,
    *,
    current: int,
    target: float = DEFAULT_TARGET,
    limits: Limits = DEFAULT_LIMITS,
) -> Proposal:
    """RP-1 A3 for one group (same owner and kind): ``months`` the interval of each result."""
    target = check_target(target)
    t = np.asarray(months, dtype=np.float64)
    y = np.asarray(in_tolerance, dtype=bool)
    use = at_interval(t, current)
    n = int(use.sum())
    x = int(y[use].sum())
    if n < A3_MIN_N:
        return Proposal(
            group,
            current,
            current,
            "a3",
            n,
            x,
            f"insufficient history: {n} results at {current} months (±15 %), "
            f"A3 needs {A3_MIN_N}; keeps the interval",
            target,
            **_observed(x, n),
            group=group,
        )
    r_hat = x / n
    low, high = clopper_pearson(x, n)
    if low <= target <= high:
        return Proposal(
            group,
            current,
            current,
            "a3",
            n,
            x,
            f"R̂ = {x}/{n} = {r_hat:.3f}: the target {target:g} lies in its 95 % "
            f"interval [{low:.3f}, {high:.3f}]; keeps the interval",
            target,
            r_hat,
            low,
            high,
            group=group,
        )
    if x == n:
        raw = float(limits.high)
    elif x == 0:
        raw = float(limits.low)
    else:
        raw = current * math.log(target) / math.log(r_hat)
    proposed = settle(raw, current, mandatory=False, limits=limits)
    return Proposal(
        group,
        current,
        proposed,
        "a3",
        n,
        x,
        f"R̂ = {x}/{n} = {r_hat:.3f}, 95 % interval [{low:.3f}, {high:.3f}] excludes "
        f"the target {target:g}: I' = {current}·ln {target:g}/ln R̂ = {raw:.2f} months",
        target,
        r_hat,
        low,
        high,
        group=group,
        unrounded=raw,
    )


