"""Candidates: the capabilities of social public standards, with checks 4 and 5 decided at t.

Only ``public_highest`` and ``public_secondary`` standards are candidates (``PUBLIC_LEVELS``);
primary, department, enterprise and working standards never count. A candidate is one
capability (kind, range, U(x) = u_abs + u_rel·|x| at coverage factor k) of such a standard.

The two checks that depend on the standard alone are decided here, once per capability:

- check 4, ``ready``: the standard is ``active`` and has an examination certificate (考核证书)
  valid at t (:mod:`metro.model.examination`, the one home of that rule: both dates needed,
  ``exam_valid_from ≤ t ≤ exam_valid_until``);
- check 5, ``traceable``: the traceability engine's status at t is ``valid`` or ``due_soon``
  (the words: :mod:`metro.model.statuses`).

A candidate is a :class:`~metro.model.capability.CapabilityRow` carrying its standard's facts.

Proposed capabilities (the what-if planner) are assumed active, examined and traceable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt

from metro.coverage.columns import Columns
from metro.coverage.demand import FloatArray, IntArray, kind_ids
from metro.coverage.status import NO_STATUS, StatusMap
from metro.model.capability import CapabilityRow
from metro.model.examination import ExamState, exam_state
from metro.model.levels import PUBLIC_LEVELS
from metro.model.statuses import TRACEABLE_STATUSES, Status

__all__ = ["PROPOSED", "Candidates", "CapabilityRow", "build_candidates", "exam_problem",
           "proposed_candidates"]

BoolArray = npt.NDArray[np.bool_]
PROPOSED: Final = "proposed"


@dataclass(frozen=True, eq=False)
class Candidates(Columns):
    """Candidate capabilities as columns; ``ready`` is check 4 and ``traceable`` check 5."""

    standard_id: IntArray
    standard: list[str]
    level: list[str]
    kind: list[str]
    range_min: FloatArray
    range_max: FloatArray
    u_abs: FloatArray
    u_rel: FloatArray
    k: FloatArray
    ready: BoolArray
    traceable: BoolArray
    #: Why check 4 fails ("" when it passes), e.g. "examination certificate X expired 2025-06-30".
    ready_reason: list[str]
    #: The engine's status word and reason for the standard at t.
    status: list[str]
    status_reason: list[str]
    range_min_given: list[str]
    range_max_given: list[str]
    u_abs_given: list[str]
    u_rel_given: list[str]

    def __len__(self) -> int:
        return len(self.standard)

    @property
    def kind_id(self) -> IntArray:
        return kind_ids(self.kind)

    @property
    def u_abs_k2(self) -> FloatArray:
        """u_abs scaled to coverage factor k = 2."""
        return self.u_abs * (2.0 / self.k)

    @property
    def u_rel_k2(self) -> FloatArray:
        return self.u_rel * (2.0 / self.k)


def exam_problem(
    status: str,
    exam_cert: str | None,
    valid_from: date | None,
    valid_until: date | None,
    at: date,
    level: str = "public_highest",
) -> str:
    """Why a candidate fails check 4 at ``at`` ("" when it is active and examined)."""
    if status != "active":
        return f"standard is {status}, not active"
    state = exam_state(level, exam_cert, valid_from, valid_until, at)
    if state.ok:
        return ""
    if state is ExamState.MISSING or not exam_cert:
        return "no examination certificate"
    if state is ExamState.UNDATED:
        missing = "expiry" if valid_until is None else "start"
        return f"examination certificate {exam_cert} has no {missing} date"
    if state is ExamState.NOT_YET and valid_from is not None:
        return f"examination certificate {exam_cert} valid only from {valid_from.isoformat()}"
    assert valid_until is not None  # expired
    return f"examination certificate {exam_cert} expired {valid_until.isoformat()}"


def build_candidates(rows: Iterable[CapabilityRow], at: date, statuses: StatusMap) -> Candidates:
    """Candidates at ``at`` from capability rows (non-public levels are dropped here)."""
    public = [r for r in rows if r.level in PUBLIC_LEVELS]
    ready_reason = [
        exam_problem(r.status, r.exam_cert, r.exam_valid_from, r.exam_valid_until, at, r.level)
        for r in public
    ]
    words = [statuses.get(r.standard_id, NO_STATUS) for r in public]
    return _candidates(
        public,
        ready=np.array([not why for why in ready_reason], dtype=np.bool_),
        ready_reason=ready_reason,
        status=[w for w, _ in words],
        status_reason=[why for _, why in words],
    )


def proposed_candidates(rows: Sequence[CapabilityRow]) -> Candidates:
    """Proposed capabilities: assumed active, examined and traceable at any date."""
    return _candidates(
        rows,
        ready=np.ones(len(rows), dtype=np.bool_),
        ready_reason=[""] * len(rows),
        status=[Status.VALID.value] * len(rows),
        status_reason=["proposed: assumed traceable"] * len(rows),
    )


def _candidates(
    rows: Sequence[CapabilityRow],
    *,
    ready: BoolArray,
    ready_reason: list[str],
    status: list[str],
    status_reason: list[str],
) -> Candidates:
    def floats(name: str) -> FloatArray:
        return np.array([getattr(r, name) for r in rows], dtype=np.float64)

    return Candidates(
        standard_id=np.array([r.standard_id for r in rows], dtype=np.int64),
        standard=[r.standard for r in rows],
        level=[r.level for r in rows],
        kind=[r.quantity for r in rows],
        range_min=floats("range_min"),
        range_max=floats("range_max"),
        u_abs=floats("u_abs"),
        u_rel=floats("u_rel"),
        k=floats("k"),
        ready=ready,
        traceable=np.array([s in TRACEABLE_STATUSES for s in status], dtype=np.bool_),
        ready_reason=ready_reason,
        status=status,
        status_reason=status_reason,
        range_min_given=[r.range_min_given for r in rows],
        range_max_given=[r.range_max_given for r in rows],
        u_abs_given=[r.u_abs_given for r in rows],
        u_rel_given=[r.u_rel_given for r in rows],
    )
