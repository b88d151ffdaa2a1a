"""RP-1 S1, maximum likelihood of the exponential reliability model over a group."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import optimize

from metro.model.intervals.common import (
    _CHI2_95,
    DEFAULT_LIMITS,
    DEFAULT_TARGET,
    S1_MIN_N,
    BoolArray,
    FloatArray,
    IntArray,
    Limits,
    check_target,
)
from metro.model.intervals.proposal import Proposal, _observed, clopper_pearson, settle


def _loglik(lam: float, t: FloatArray, y: BoolArray) -> float:
    lt = lam * t
    return float(-np.sum(lt[y]) + np.sum(np.log(-np.expm1(-lt[~y]))))


def _score(lam: float, t: FloatArray, y: BoolArray) -> float:
    return float(-np.sum(t[y]) + np.sum(t[~y] / np.expm1(lam * t[~y])))


def _bracket_root(f: Any, lo: float, hi: float) -> float:
    """The root of a function decreasing from positive at ``lo`` (hi grows until negative)."""
    while f(hi) > 0 and hi < 1e6:
        hi *= 4.0
    return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-10))


def fit_rate(t: FloatArray, y: BoolArray) -> tuple[float, float, float]:
    """λ̂ and its 95 % likelihood-ratio interval (per month), from intervals and results.

    Needs at least one result out of tolerance and one in (a finite, positive λ̂).
    """
    # λ̂ solves the score equation; the log-likelihood is concave in λ.
    guess = max(-math.log(max(y.mean(), 1e-12)) / max(float(t.mean()), 1e-12), 1e-9)
    lam = _bracket_root(lambda v: _score(v, t, y), guess * 1e-6, guess * 4.0)
    top = _loglik(lam, t, y)

    def drop(v: float) -> float:
        return 2.0 * (top - _loglik(v, t, y)) - _CHI2_95

    lo = float(optimize.brentq(drop, lam * 1e-9, lam)) if drop(lam * 1e-9) > 0 else 0.0
    hi = lam * 2.0
    while drop(hi) < 0 and hi < 1e6:
        hi *= 2.0
    high = float(optimize.brentq(drop, lam, hi))
    return lam, lo, high


def max_likelihood(
    group: str,
    months: Sequence[float] | FloatArray,
    in_tolerance: Sequence[int | bool] | BoolArray,
    *,
    current: int,
    target: float = DEFAULT_TARGET,
    limits: Limits = DEFAULT_LIMITS,
) -> Proposal:
    """RP-1 S1 for one group: the exponential model fitted by maximum likelihood."""
    target = check_target(target)
    t = np.asarray(months, dtype=np.float64)
    y = np.asarray(in_tolerance, dtype=bool)
    use = t > 0
    t, y = t[use], y[use]
    n, x = len(t), int(y.sum())
    if n < S1_MIN_N or x == n:
        why = (
            f"{n} results, S1 needs {S1_MIN_N}"
            if n < S1_MIN_N
            else f"all {n} results in tolerance, S1 needs one out of tolerance"
        )
        return Proposal(
            group,
            current,
            current,
            "s1",
            n,
            x,
            f"insufficient history: {why}; keeps the interval",
            target,
            **_observed(x, n),
            group=group,
        )
    if x == 0:
        raw = float(limits.low)
        proposed = settle(raw, current, mandatory=False, limits=limits)
        return Proposal(
            group,
            current,
            proposed,
            "s1",
            n,
            x,
            f"all {n} results out of tolerance: no finite λ̂, proposes I_min",
            target,
            0.0,
            0.0,
            clopper_pearson(0, n)[1],
            group=group,
            rate=math.inf,
            unrounded=raw,
        )
    lam, lam_lo, lam_hi = fit_rate(t, y)
    raw = -math.log(target) / lam
    proposed = settle(raw, current, mandatory=False, limits=limits)
    r_now = math.exp(-lam * current)
    return Proposal(
        group,
        current,
        proposed,
        "s1",
        n,
        x,
        f"R(t) = e^(−λt), λ̂ = {lam:.4f}/month (95 % [{lam_lo:.4f}, {lam_hi:.4f}]) "
        f"from {n} results ({n - x} out): I* = −ln {target:g}/λ̂ = {raw:.2f} months",
        target,
        r_now,
        math.exp(-lam_hi * current),
        math.exp(-lam_lo * current),
        group=group,
        rate=lam,
        rate_low=lam_lo,
        rate_high=lam_hi,
        unrounded=raw,
    )


def max_likelihood_bulk(
    group_index: IntArray,
    months: FloatArray,
    in_tolerance: BoolArray,
    groups: int,
    *,
    iterations: int = 100,
) -> FloatArray:
    """λ̂ for many groups at once (NaN where it is not finite and positive): bisection on
    log λ of the score, which decreases in λ, all groups in step. Rows with months ≤ 0 are
    ignored, as in :func:`max_likelihood`."""
    use = months > 0
    g, t, y = group_index[use], months[use], in_tolerance[use]
    n = np.bincount(g, minlength=groups)
    x = np.bincount(g, weights=y.astype(np.float64), minlength=groups)
    ok = (x > 0) & (x < n)
    lo = np.full(groups, math.log(1e-12))
    hi = np.full(groups, math.log(1e6))
    t_in = np.bincount(g, weights=np.where(y, t, 0.0), minlength=groups)
    fail = ~y
    gf, tf = g[fail], t[fail]
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        lam = np.exp(mid)
        with np.errstate(over="ignore"):  # e^(λt) overflowing means a term of 0: right
            terms = tf / np.expm1(lam[gf] * tf)
        score = np.bincount(gf, weights=terms, minlength=groups) - t_in
        up = score > 0
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    return np.where(ok, np.exp(0.5 * (lo + hi)), np.nan)
