"""Matching demand items against candidates: the five checks, vectorized with numpy per kind.

A candidate (one capability of a public standard) meets a demand item at t after five checks,
in order:

1. same quantity kind;
2. the capability's range contains the demand's range;
3. the uncertainty is adequate, as for an instrument: U_ref(x), scaled to k = 2, is at most
   MPE(x) / ``instrument_ratio`` of the kind — the rule of :mod:`metro.model.adequacy` (checked
   at the smallest and largest |x| of the demand range, with the model's one tolerance);
4. the standard is ``active`` with an examination certificate valid at t (``Candidates.ready``);
5. its traceability status at t is ``valid`` or ``due_soon`` (``Candidates.traceable``).

A pair's *score* is how many checks it passes in order (1..5; a candidate of another kind is
not a candidate for the item at all). An item's score is the best of its candidates (0 when no
candidate has its kind); it is covered at score 5, and its ``best`` candidate is then the first
(lowest index) that meets it. For an uncovered item ``best`` is the *closest* candidate: the
one with the best score, ties broken by: when the range fails for all, the smallest missing
part of the demand range (relative to the range); otherwise the smallest ratio U_ref/needed at
the worse point; then the lowest candidate index.

Checks 2 and 3 are the model's (:func:`~metro.model.adequacy.range_bounds`,
:func:`~metro.model.adequacy.allowance` precomputed per item, then
:func:`~metro.model.adequacy.contains` and :func:`~metro.model.adequacy.fits` per pair); the
scores and reasons are :mod:`metro.model.gaps`'.

:func:`match` does this with numpy arrays per kind, in blocks of at most ``BLOCK`` pairs, never
a Python loop per pair. :func:`match_reference` is the same rule written as a plain nested loop:
the oracle for tests and the floor for ``bench/coverage.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from metro.coverage.candidates import BoolArray, Candidates
from metro.coverage.demand import DemandItems, FloatArray, IntArray, kind_table
from metro.model.adequacy import (
    TOLERANCE,
    allowance,
    contains,
    extent_arrays,
    fits,
    limit,
    range_bounds,
    u_at,
)
from metro.model.gaps import EXPIRED, MET, NO_STANDARD, RANGE, REASONS, UNCERTAINTY, UNTRACEABLE

__all__ = [
    "BLOCK", "EXPIRED", "MET", "NO_STANDARD", "RANGE", "REASONS", "RTOL", "UNCERTAINTY",
    "UNTRACEABLE", "MatchResult", "Needs", "Offers", "closes", "match", "match_reference",
    "needs_of", "offers_of",
]

RTOL: Final = TOLERANCE  # the model's one tolerance (metro.model.adequacy)
BLOCK: Final = 1 << 20  # pairs per numpy block (~8 MB per float temporary)
_BIG: Final = 1e300


@dataclass(frozen=True, eq=False)
class Needs:
    """What each demand item asks of a candidate, in canonical units (U at k = 2)."""

    kind_id: IntArray
    lo: FloatArray
    hi: FloatArray
    tol: FloatArray  # absolute slack for the range check
    t_min: FloatArray  # |x| where the demand range is closest to 0
    t_max: FloatArray  # |x| where it is farthest
    req_min: FloatArray  # largest U (k = 2) allowed at t_min: MPE(t_min) / ratio
    req_max: FloatArray
    # The same with the slack applied, as the comparisons use them.
    lo_tol: FloatArray  # lo + tol: a capability must start at or below
    hi_tol: FloatArray  # hi - tol: and end at or above
    allow_min: FloatArray  # req_min with the model's tolerance (adequacy.allowance)
    allow_max: FloatArray

    def __len__(self) -> int:
        return len(self.kind_id)


@dataclass(frozen=True, eq=False)
class Offers:
    """What each candidate offers: kind, range, U(x) = a + b·|x| at k = 2, checks 4 and 5."""

    kind_id: IntArray
    lo: FloatArray
    hi: FloatArray
    a: FloatArray
    b: FloatArray
    ready: BoolArray
    traceable: BoolArray

    def __len__(self) -> int:
        return len(self.kind_id)

    @property
    def level(self) -> npt.NDArray[np.int8]:
        """The score of a pair that passes checks 1–3: 3, 4 when ready, 5 when also traceable."""
        return (3 + self.ready.astype(np.int8) + (self.ready & self.traceable)).astype(np.int8)


@dataclass(frozen=True, eq=False)
class MatchResult:
    """Per demand item: its score (0..5) and its closest candidate (-1 when none)."""

    score: npt.NDArray[np.int8]
    best: IntArray

    @property
    def covered(self) -> BoolArray:
        return self.score == MET


def needs_of(items: DemandItems) -> Needs:
    lo, hi = items.range_min, items.range_max
    t_min, t_max = extent_arrays(lo, hi)
    ratio = kind_table("instrument_ratio")[items.kind_id]
    # an instrument's need (metro.model.adequacy.instrument_need): U₂ ≤ MPE / ratio
    limit_abs, limit_rel = items.mpe_abs / ratio, items.mpe_rel / ratio
    lo_tol, hi_tol = range_bounds(lo, hi, t_max)
    return Needs(
        kind_id=items.kind_id,
        lo=lo,
        hi=hi,
        tol=lo_tol - lo,
        t_min=t_min,
        t_max=t_max,
        req_min=limit(limit_abs, limit_rel, t_min),
        req_max=limit(limit_abs, limit_rel, t_max),
        lo_tol=lo_tol,
        hi_tol=hi_tol,
        allow_min=allowance(limit_abs, limit_rel, t_min),
        allow_max=allowance(limit_abs, limit_rel, t_max),
    )


def offers_of(candidates: Candidates) -> Offers:
    return Offers(
        kind_id=candidates.kind_id,
        lo=candidates.range_min,
        hi=candidates.range_max,
        a=candidates.u_abs_k2,
        b=candidates.u_rel_k2,
        ready=candidates.ready,
        traceable=candidates.traceable,
    )


def match(needs: Needs, offers: Offers) -> MatchResult:
    """Score and closest candidate of every item (vectorized per kind, in blocks).

    Items with the same numbers (kind, range, MPE: the same gauge class in fourteen regions)
    get the same answer, so each distinct *profile* is matched once.
    """
    n = len(needs)
    if n == 0 or len(offers) == 0:
        return MatchResult(np.zeros(n, dtype=np.int8), np.full(n, -1, dtype=np.int64))
    # Distinct profiles: sort by a hash of the numbers, merge equal neighbours (a hash
    # collision only keeps two equal profiles apart, which costs time, not correctness).
    cols = (needs.lo, needs.hi, needs.req_min, needs.req_max)
    h = needs.kind_id.astype(np.uint64)
    for col in cols:
        h ^= col.view(np.uint64)
        h *= np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(29)
    order = np.argsort(h)
    same = np.ones(n - 1, dtype=np.bool_)
    for key in (needs.kind_id, *cols):
        c = key[order]
        same &= c[1:] == c[:-1]
    first = np.concatenate(([True], ~same))
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    reps = order[first]  # one item per profile
    # Kind order; within a kind, ranges that hold 0 first (U at |x| = 0 is just a).
    by_kind = np.lexsort((needs.t_min[reps] != 0.0, needs.kind_id[reps]))
    reps = reps[by_kind]
    p_score = np.zeros(len(reps), dtype=np.int8)
    p_best = np.full(len(reps), -1, dtype=np.int64)

    rep_kinds = needs.kind_id[reps]
    c_order = np.argsort(offers.kind_id, kind="stable")
    c_kinds = offers.kind_id[c_order]
    uniq, starts = np.unique(rep_kinds, return_index=True)
    ends = [*starts[1:].tolist(), len(reps)]
    c_starts = np.searchsorted(c_kinds, uniq, side="left")
    c_ends = np.searchsorted(c_kinds, uniq, side="right")
    level = offers.level
    zero = needs.t_min[reps] == 0.0
    for s, e, cs, ce in zip(starts.tolist(), ends, c_starts.tolist(), c_ends.tolist(), strict=True):
        if cs == ce:
            continue  # no candidate of this kind: score 0
        ci = c_order[cs:ce]
        step = max(1, BLOCK // len(ci))
        z = s + int(zero[s:e].sum())  # [s, z): t_min = 0; [z, e): t_min > 0
        for lo, hi, at_zero in ((s, z, True), (z, e, False)):
            for k in range(lo, hi, step):
                stop = min(k + step, hi)
                p_score[k:stop], p_best[k:stop] = _block(
                    needs, offers, level, reps[k:stop], ci, at_zero=at_zero
                )
    # Back from kind order to profile order, then out to the items.
    profile_score = np.empty_like(p_score)
    profile_score[by_kind] = p_score
    profile_best = np.empty_like(p_best)
    profile_best[by_kind] = p_best
    return MatchResult(profile_score[inverse], profile_best[inverse])


def _block(
    needs: Needs,
    offers: Offers,
    level: npt.NDArray[np.int8],
    di: IntArray,
    ci: IntArray,
    *,
    at_zero: bool,
) -> tuple[npt.NDArray[np.int8], IntArray]:
    """Scores and best candidates of items ``di`` against candidates ``ci`` (one kind).

    ``at_zero``: every item's range holds 0 (``t_min`` = 0, where U is just ``a``).
    """
    c_lo, c_hi, a, b = offers.lo[ci], offers.hi[ci], offers.a[ci], offers.b[ci]
    # Scores first, with comparisons only (no division): most items are covered.
    met = contains(c_lo, c_hi, needs.lo_tol[di][:, None], needs.hi_tol[di][:, None])
    in_range = met.copy()
    met &= fits(a, b, needs.t_max[di][:, None], needs.allow_max[di][:, None])
    if at_zero:
        met &= fits(a, b, 0.0, needs.allow_min[di][:, None])
    else:
        met &= fits(a, b, needs.t_min[di][:, None], needs.allow_min[di][:, None])
    s = in_range.view(np.int8) + np.int8(1)
    np.copyto(s, np.broadcast_to(level[ci], s.shape), where=met)
    first = s.argmax(axis=1)
    smax = s[np.arange(len(di)), first]
    best = ci[first]  # covered: the first candidate that meets the item
    # The closest candidate of the uncovered items only.
    open_ = np.flatnonzero(smax < MET)
    if len(open_) == 0:
        return smax, best
    do = di[open_]
    so, mo = s[open_], smax[open_]
    ratio = pair_ratio(a, b, needs.t_min[do][:, None], needs.t_max[do][:, None],
                       needs.req_min[do][:, None], needs.req_max[do][:, None])  # fmt: skip
    key = np.where(so == mo[:, None], np.minimum(ratio, _BIG), np.inf)
    only_kind = mo == RANGE
    if only_kind.any():
        key[only_kind] = shortfall(c_lo, c_hi, needs.lo[do][only_kind][:, None],
                                   needs.hi[do][only_kind][:, None])  # fmt: skip
    best[open_] = ci[key.argmin(axis=1)]
    return smax, best


def pair_ratio(
    a: FloatArray | float,
    b: FloatArray | float,
    t_min: FloatArray | float,
    t_max: FloatArray | float,
    req_min: FloatArray | float,
    req_max: FloatArray | float,
) -> FloatArray:
    """U(k=2)/allowed at the worse of the two points; 0/0 is 0 (adequate), x/0 is inf."""
    u_min = a + b * np.asarray(t_min)
    u_max = a + b * np.asarray(t_max)
    with np.errstate(divide="ignore", invalid="ignore"):
        q_min = np.where(u_min == 0.0, 0.0, u_min / req_min)
        q_max = np.where(u_max == 0.0, 0.0, u_max / req_max)
    return np.maximum(q_min, q_max)


def shortfall(
    c_lo: FloatArray | float, c_hi: FloatArray | float, d_lo: FloatArray, d_hi: FloatArray
) -> FloatArray:
    """The part of the demand range a capability misses, relative to the range's size."""
    span = np.maximum(np.maximum(d_hi - d_lo, np.maximum(np.abs(d_lo), np.abs(d_hi))), 1e-300)
    missing = np.maximum(c_lo - d_lo, 0.0) + np.maximum(d_hi - c_hi, 0.0)
    return np.asarray(missing / span, dtype=np.float64)


def closes(needs: Needs, offers: Offers) -> list[IntArray]:
    """For each offer, the indices of the items it meets on all five checks."""
    out: list[IntArray] = []
    for j in range(len(offers)):
        if not (offers.ready[j] and offers.traceable[j]):
            out.append(np.empty(0, dtype=np.int64))
            continue
        ix = np.flatnonzero(needs.kind_id == offers.kind_id[j])
        a, b = offers.a[j], offers.b[j]
        met = contains(offers.lo[j], offers.hi[j], needs.lo_tol[ix], needs.hi_tol[ix])
        met &= fits(a, b, needs.t_min[ix], needs.allow_min[ix])
        met &= fits(a, b, needs.t_max[ix], needs.allow_max[ix])
        out.append(ix[met])
    return out


def match_reference(needs: Needs, offers: Offers, *, by_kind: bool = False) -> MatchResult:
    """The same rule as :func:`match`, as a nested Python loop over every pair (slow).

    ``by_kind`` loops over the candidates of the item's kind only (a dict of lists) instead of
    every candidate with the kind test first.
    """
    n, m = len(needs), len(offers)
    score = np.zeros(n, dtype=np.int8)
    best = np.full(n, -1, dtype=np.int64)
    nk, nlo, nhi, lo_tol, hi_tol = (needs.kind_id.tolist(), needs.lo.tolist(), needs.hi.tolist(),
                                    needs.lo_tol.tolist(), needs.hi_tol.tolist())  # fmt: skip
    tmin, tmax, rmin, rmax = (needs.t_min.tolist(), needs.t_max.tolist(),
                              needs.req_min.tolist(), needs.req_max.tolist())  # fmt: skip
    amin, amax = needs.allow_min.tolist(), needs.allow_max.tolist()
    ok, olo, ohi, oa, ob = (offers.kind_id.tolist(), offers.lo.tolist(), offers.hi.tolist(),
                            offers.a.tolist(), offers.b.tolist())  # fmt: skip
    ready, traceable = offers.ready.tolist(), offers.traceable.tolist()
    inf = float("inf")

    def q(u: float, req: float) -> float:
        if u == 0.0:
            return 0.0
        return u / req if req != 0.0 else inf

    every = range(m)
    of_kind: dict[int, list[int]] = {}
    for j in every:
        of_kind.setdefault(ok[j], []).append(j)
    for i in range(n):
        top, top_key, top_j = 0, inf, -1
        for j in of_kind.get(nk[i], ()) if by_kind else every:
            if ok[j] != nk[i]:
                continue
            u_min, u_max = u_at(oa[j], ob[j], tmin[i]), u_at(oa[j], ob[j], tmax[i])
            s = 1
            if contains(olo[j], ohi[j], lo_tol[i], hi_tol[i]):
                s = 2
                if fits(oa[j], ob[j], tmin[i], amin[i]) and fits(oa[j], ob[j], tmax[i], amax[i]):
                    s = 3
                    if ready[j]:
                        s = 4
                        if traceable[j]:
                            s = 5
            if s == MET:
                if top < MET:
                    top, top_j = s, j  # covered: the first candidate that meets it
                continue
            if s == RANGE:
                span = max(nhi[i] - nlo[i], abs(nlo[i]), abs(nhi[i]), 1e-300)
                key = (max(olo[j] - nlo[i], 0.0) + max(nhi[i] - ohi[j], 0.0)) / span
            else:
                key = min(max(q(u_min, rmin[i]), q(u_max, rmax[i])), _BIG)
            if s > top or (s == top and key < top_key):
                top, top_key, top_j = s, key, j
        score[i] = top
        best[i] = top_j
    return MatchResult(score, best)
