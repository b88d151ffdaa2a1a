"""Calibration intervals from the as-found history (JJF 1139, ILAC-G24:2022 / OIML D10, NCSL RP-1).

The one home of the interval rules (DESIGN.md "Calibration intervals"); pure, numpy and scipy
only. Each rule has a scalar form, used for one asset or one group, and where the province's
10⁶ instruments need it a bulk (array) form built on the same arithmetic and tied to the scalar
one by property tests:

- :func:`as_found` / :func:`as_found_bulk` — the as-found result of a certificate: ``pass`` and
  ``fail`` say it; ``none`` with result points is in tolerance when every
  |measured − nominal| ≤ MPE(nominal), MPE(x) = mpe_abs + mpe_rel·|x| in canonical units.
- :func:`history_bulk` — each non-revoked certificate *after the first* is one result, at the
  interval since the previous one (days ÷ 30.4375, months).
- :func:`simple_response` / :func:`simple_response_bulk` — RP-1 A1, G24's staircase:
  I ← I·(1+a) in tolerance, I ← I·(1−b) out, b = 1 − (1+a)^(−R*/(1−R*)), clamped at each
  step, unrounded between steps, rounded down at the end.
- :func:`interval_test` — RP-1 A3 over a group: R̂ = x/n of the results at the group's current
  interval (±15 %), n ≥ 10; when R* is outside R̂'s two-sided 95 % Clopper–Pearson interval,
  I' = I·ln R* / ln R̂.
- :func:`max_likelihood` / :func:`max_likelihood_bulk` — RP-1 S1: λ̂ maximises
  Π R(tᵢ)^yᵢ (1 − R(tᵢ))^(1−yᵢ) with R(t) = e^(−λt); I* = −ln R* / λ̂; n ≥ 20 with at least
  one result out of tolerance.
- :func:`settle` / :func:`settle_bulk` — every proposal is clamped to [I_min, I_max], rounded
  down to whole months, and a mandatory instrument's period is never lengthened.

Decisions where DESIGN.md is silent:

- A ``none`` certificate without result points has no as-found result (``UNKNOWN``): it gives
  no result, but it is still a calibration, so the next result's interval counts from it.
- A certificate on the same day as the previous one (a reissue) gives a result at 0 months;
  A1 uses it (the staircase only needs the order), A3 ignores it (it is not at the group's
  interval), S1 ignores it (R(0) = 1 carries no information about λ).
- A3 with R̂ = 1 (every result in tolerance, R* outside the interval) proposes I_max;
  R̂ = 0 proposes I_min: the formula's limits, clamped.
- S1 with every result out of tolerance has no finite λ̂: it proposes I_min. Its confidence
  interval is the likelihood-ratio interval of λ (χ²₁, 95 %), given as the reliability at the
  current interval, R(I) = e^(−λI), and the rate itself in ``rate``/``rate_low``/``rate_high``.
- The "reliability" of A1 is the observed share in tolerance of the results it replayed, with
  its Clopper–Pearson interval (evidence, not used by the staircase).
- The group's current interval (A3) is the most common ``interval_months`` of its members,
  the shortest on a tie.
- The conclusion of a certificate stands for the as-found state: the bundle keeps no as-left
  points (:data:`AS_FOUND_NOTE`, shown wherever proposals are).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

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


# ------------------------------------------------------------------------------------------
# the as-found result of a certificate
# ------------------------------------------------------------------------------------------


def mpe(x: float | FloatArray, mpe_abs: float | FloatArray, mpe_rel: float | FloatArray) -> Any:
    """MPE(x) = mpe_abs + mpe_rel·|x| (canonical units)."""
    return mpe_abs + mpe_rel * np.abs(x)


def as_found(
    conclusion: str,
    points: Sequence[tuple[float, float]] = (),
    *,
    mpe_abs: float = 0.0,
    mpe_rel: float = 0.0,
) -> int:
    """IN_TOLERANCE, OUT_OF_TOLERANCE or UNKNOWN for one certificate.

    ``points`` are (nominal, measured) in canonical units; they decide only when the conclusion
    is ``none``.
    """
    if conclusion == "pass":
        return IN_TOLERANCE
    if conclusion == "fail":
        return OUT_OF_TOLERANCE
    if conclusion != "none":
        raise InvalidInput(f"conclusion {conclusion!r}: must be pass, fail or none")
    if not points:
        return UNKNOWN
    ok = all(abs(m - n) <= float(mpe(n, mpe_abs, mpe_rel)) for n, m in points)
    return IN_TOLERANCE if ok else OUT_OF_TOLERANCE


def as_found_bulk(
    conclusion: npt.NDArray[np.int8],
    point_cert: IntArray,
    nominal: FloatArray,
    measured: FloatArray,
    point_mpe_abs: FloatArray,
    point_mpe_rel: FloatArray,
) -> npt.NDArray[np.int8]:
    """:func:`as_found` for many certificates at once.

    ``conclusion`` holds codes into :data:`CONCLUSIONS`, one per certificate; each point names
    its certificate by position (``point_cert``) and carries its instrument's MPE.
    """
    n = len(conclusion)
    found = np.full(n, UNKNOWN, dtype=np.int8)
    found[conclusion == 0] = IN_TOLERANCE
    found[conclusion == 1] = OUT_OF_TOLERANCE
    if len(point_cert):
        bad = np.abs(measured - nominal) > mpe(nominal, point_mpe_abs, point_mpe_rel)
        has = np.bincount(point_cert, minlength=n) > 0
        out = np.bincount(point_cert, weights=bad.astype(np.float64), minlength=n) > 0
        judged = (conclusion == 2) & has
        found[judged] = np.where(out[judged], OUT_OF_TOLERANCE, IN_TOLERANCE)
    return found


# ------------------------------------------------------------------------------------------
# history: one result per certificate after the first
# ------------------------------------------------------------------------------------------


def months_between(earlier_day: int, later_day: int) -> float:
    """Days (ordinals) apart ÷ 30.4375."""
    return (later_day - earlier_day) / MONTH_DAYS


def history_bulk(owner_index: IntArray, day: IntArray) -> FloatArray:
    """Months since the same asset's previous certificate (NaN for its first).

    Rows must be sorted by (asset, day); ``owner_index`` names the asset of each row.
    """
    months = np.full(len(day), np.nan)
    if len(day) > 1:
        same = owner_index[1:] == owner_index[:-1]
        months[1:][same] = (day[1:][same] - day[:-1][same]) / MONTH_DAYS
    return months


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
