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

Modules (one concept each; everything is re-exported here, so ``metro.model.intervals.X`` is
the name to use):

===================  =========================================================================
``common``           constants, per-kind limits, methods and the as-found note
``asfound``          the as-found result of a certificate; intervals between results
``proposal``         :class:`Proposal`; clamping/rounding (:func:`settle`); Clopper–Pearson
``simple_response``  A1 (scalar and bulk)
``interval_test``    A3
``likelihood``       S1 (scalar and bulk)
===================  =========================================================================
"""

from __future__ import annotations

from metro.model.intervals.asfound import (
    as_found,
    as_found_bulk,
    history_bulk,
    months_between,
    mpe,
)
from metro.model.intervals.common import (
    A3_MIN_N,
    A3_TOLERANCE,
    AS_FOUND_NOTE,
    CONCLUSIONS,
    CONFIDENCE,
    DEFAULT_LIMITS,
    DEFAULT_STEP,
    DEFAULT_TARGET,
    IN_TOLERANCE,
    KIND_LIMITS,
    METHOD_NAMES,
    METHODS,
    MONTH_DAYS,
    OUT_OF_TOLERANCE,
    S1_MIN_N,
    UNKNOWN,
    BoolArray,
    FloatArray,
    IntArray,
    Limits,
    Method,
    check_method,
    check_target,
    limits_for,
)
from metro.model.intervals.interval_test import (
    at_interval,
    group_interval,
    interval_test,
)
from metro.model.intervals.likelihood import (
    fit_rate,
    max_likelihood,
    max_likelihood_bulk,
)
from metro.model.intervals.proposal import (
    Proposal,
    clopper_pearson,
    settle,
    settle_bulk,
)
from metro.model.intervals.simple_response import (
    a1_proposal,
    decrement,
    simple_response,
    simple_response_bulk,
    staircase,
)

__all__ = [
    "A3_MIN_N",
    "A3_TOLERANCE",
    "AS_FOUND_NOTE",
    "CONCLUSIONS",
    "CONFIDENCE",
    "DEFAULT_LIMITS",
    "DEFAULT_STEP",
    "DEFAULT_TARGET",
    "IN_TOLERANCE",
    "KIND_LIMITS",
    "METHODS",
    "METHOD_NAMES",
    "MONTH_DAYS",
    "OUT_OF_TOLERANCE",
    "S1_MIN_N",
    "UNKNOWN",
    "BoolArray",
    "FloatArray",
    "IntArray",
    "Limits",
    "Method",
    "Proposal",
    "a1_proposal",
    "as_found",
    "as_found_bulk",
    "at_interval",
    "check_method",
    "check_target",
    "clopper_pearson",
    "decrement",
    "fit_rate",
    "group_interval",
    "history_bulk",
    "interval_test",
    "limits_for",
    "max_likelihood",
    "max_likelihood_bulk",
    "months_between",
    "mpe",
    "settle",
    "settle_bulk",
    "simple_response",
    "simple_response_bulk",
    "staircase",
]
