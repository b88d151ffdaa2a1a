"""RP-1 A1, simple response (ILAC-G24's staircase), per instrument: scalar and bulk."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from metro.errors import InvalidInput
from metro.model.intervals.common import (
    DEFAULT_LIMITS,
    DEFAULT_STEP,
    DEFAULT_TARGET,
    BoolArray,
    FloatArray,
    IntArray,
    Limits,
    check_target,
)
from metro.model.intervals.proposal import Proposal, _mandatory_note, clopper_pearson, settle


def decrement(target: float, step: float = DEFAULT_STEP) -> float:
    """A1's shortening factor b = 1 − (1+a)^(−R*/(1−R*)) (a = 0.1, R* = 0.9 → b ≈ 0.5759)."""
    check_target(target)
    if not step > 0:
        raise InvalidInput(f"A1 step a {step!r}: must be positive")
    return 1.0 - (1.0 + step) ** (-target / (1.0 - target))


def staircase(
    results: Sequence[int | bool],
    start: float,
    *,
    target: float = DEFAULT_TARGET,
    step: float = DEFAULT_STEP,
    limits: Limits = DEFAULT_LIMITS,
) -> float:
    """A1's replay: the unrounded interval after the results, in date order."""
    b = decrement(target, step)
    months = float(start)
    for r in results:
        months *= (1.0 + step) if r else (1.0 - b)
        months = min(max(months, limits.low), limits.high)
    return months


def simple_response(
    asset: str,
    results: Sequence[int | bool],
    *,
    current: int,
    mandatory: bool = False,
    target: float = DEFAULT_TARGET,
    step: float = DEFAULT_STEP,
    limits: Limits = DEFAULT_LIMITS,
) -> Proposal:
    """RP-1 A1 for one asset: ``results`` are its as-found results since the interval was last
    accepted, in date order (True/1 in tolerance)."""
    target = check_target(target)
    n = len(results)
    x = int(sum(1 for r in results if r))
    if n == 0:
        return a1_proposal(asset, current, 0, 0, float(current), mandatory=mandatory, target=target)
    raw = staircase(results, current, target=target, step=step, limits=limits)
    return a1_proposal(
        asset, current, n, x, raw, mandatory=mandatory, target=target, step=step, limits=limits
    )


def a1_proposal(
    asset: str,
    current: int,
    n: int,
    x: int,
    raw: float,
    *,
    mandatory: bool,
    target: float = DEFAULT_TARGET,
    step: float = DEFAULT_STEP,
    limits: Limits = DEFAULT_LIMITS,
    interval: tuple[float, float] | None = None,
) -> Proposal:
    """The A1 proposal from a replay's outcome (``raw``, unrounded), for the scalar and the
    bulk form alike; ``interval`` is the Clopper–Pearson interval when already computed."""
    if n == 0:
        return Proposal(
            asset,
            current,
            current,
            "a1",
            0,
            0,
            "no as-found result since the interval was set: keeps the interval",
            target,
        )
    proposed = settle(raw, current, mandatory=mandatory, limits=limits)
    low, high = interval if interval is not None else clopper_pearson(x, n)
    reason = (
        f"{n} as-found result{'s' if n != 1 else ''} replayed from {current} months "
        f"({x} in tolerance, "
        f"{n - x} out): a = {step:g}, b = {decrement(target, step):.4f} → {raw:.2f} months"
        + _mandatory_note(raw, current, proposed, mandatory)
    )
    return Proposal(
        asset, current, proposed, "a1", n, x, reason, target, x / n, low, high, unrounded=raw
    )


def simple_response_bulk(
    asset_index: IntArray,
    results: BoolArray,
    start: FloatArray,
    *,
    target: float = DEFAULT_TARGET,
    step: float = DEFAULT_STEP,
    low: IntArray | float = 1.0,
    high: IntArray | float = 60.0,
) -> FloatArray:
    """:func:`staircase` for many assets: rows sorted by (asset, date), ``asset_index`` into
    ``start``. One vectorised step per position in the histories (a few dozen at most)."""
    b = decrement(target, step)
    months = np.asarray(start, dtype=np.float64).copy()
    if not len(asset_index):
        return months
    lo = np.broadcast_to(np.asarray(low, dtype=np.float64), months.shape)
    hi = np.broadcast_to(np.asarray(high, dtype=np.float64), months.shape)
    first = np.r_[True, asset_index[1:] != asset_index[:-1]]
    starts = np.flatnonzero(first)
    position = np.arange(len(asset_index)) - np.repeat(
        starts, np.diff(np.r_[starts, len(asset_index)])
    )
    factor = np.where(results, 1.0 + step, 1.0 - b)
    for k in range(int(position.max()) + 1):
        rows = position == k
        who = asset_index[rows]
        m = months[who] * factor[rows]
        months[who] = np.minimum(np.maximum(m, lo[who]), hi[who])
    return months


