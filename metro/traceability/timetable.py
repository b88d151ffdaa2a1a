"""The standards layer flattened into sorted numpy arrays, for the instrument leaves.

For every standard, a step function of the day: from each key day on, the standard's state
(traceable, no certificate, failed, expired, unsound) and the certificate speaking for it. All
steps of all standards sit in one array sorted by ``key = standard_id · 2³² + day + 2³¹``, so the
state of *n* (standard, day) pairs is one ``np.searchsorted`` — the per-standard timelines and
bisect of the design, done for a million instruments at once. The states are exactly
:meth:`Judge.traceable_on <metro.traceability.soundness.Judge.traceable_on>` (the tests hold
them together); examination certificates (as the model's :func:`~metro.model.examination.window`
of valid days) and capabilities come as dense per-standard arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from metro.repositories.leaf_arrays import kind_codes
from metro.repositories.traceability import to_day
from metro.traceability.soundness import Judge

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

OFFSET: Final = 2**31
FIRST: Final = -(2**31)  # a day before every date
LAST: Final = 2**31 - 1

TRACEABLE: Final = 0
NO_CERTIFICATE: Final = 1
FAILED: Final = 2
EXPIRED: Final = 3
UNSOUND: Final = 4


def keys(standard_ids: IntArray, days: IntArray) -> IntArray:
    return (standard_ids << 32) + days + OFFSET


@dataclass(frozen=True, slots=True)
class Timetable:
    step_key: IntArray
    step_state: IntArray
    step_certificate: IntArray  # the certificate speaking from that step on, -1 if none
    standard_id: IntArray  # sorted ids; position = dense index
    exam_from: IntArray  # the examination window's first and last day (FIRST…LAST: always;
    exam_until: IntArray  # LAST…FIRST: never), from metro.model.examination.window
    cap_start: IntArray  # capabilities of dense standard i: cap_*[cap_start[i]:cap_end[i]]
    cap_end: IntArray
    cap_kind: IntArray
    cap_lo: FloatArray
    cap_hi: FloatArray
    cap_u_abs: FloatArray
    cap_u_rel: FloatArray
    cap_k: FloatArray

    @classmethod
    def build(cls, judge: Judge) -> Timetable:
        graph = judge.graph
        kinds = {code: i for i, code in enumerate(kind_codes())}
        key: list[int] = []
        state: list[int] = []
        cert_of: list[int] = []

        def step(sid: int, day: int, st: int, cid: int) -> None:
            key.append((sid << 32) + day + OFFSET)
            state.append(st)
            cert_of.append(cid)

        ids = graph.ids()
        exam_from, exam_until = [], []
        cap_start, cap_end = [], []
        caps: list[tuple[int, float, float, float, float, float]] = []
        for sid in ids:
            s = graph.standard(sid)
            w = s.exam_window()
            if w.first is not None and w.last is not None:
                exam_from.append(to_day(w.first))
                exam_until.append(to_day(w.last))
            else:
                exam_from.append(FIRST if w.always else LAST)
                exam_until.append(LAST if w.always else FIRST)
            cap_start.append(len(caps))
            caps.extend(
                (kinds.get(c.quantity, -1), c.range_min, c.range_max, c.u_abs, c.u_rel, c.k)
                for c in graph.capabilities(sid)
            )
            cap_end.append(len(caps))
            if s.level == "primary":
                step(sid, FIRST, TRACEABLE, -1)
                continue
            step(sid, FIRST, NO_CERTIFICATE, -1)
            certs = graph.timeline(sid).certificates
            for i, c in enumerate(certs):
                day = to_day(c.calibrated_on)
                if c.conclusion == "fail":
                    step(sid, day, FAILED, c.id)
                    continue
                step(sid, day, UNSOUND if judge.soundness(c) else TRACEABLE, c.id)
                last = c.in_force_until
                ends = to_day(last) + 1 if last else day
                nxt = to_day(certs[i + 1].calibrated_on) if i + 1 < len(certs) else None
                if nxt is None or nxt > ends:
                    step(sid, ends, EXPIRED, c.id)
        cap = np.array(caps, dtype=np.float64).reshape(-1, 6)
        i8 = np.int64
        return cls(
            step_key=np.array(key, dtype=i8),
            step_state=np.array(state, dtype=i8),
            step_certificate=np.array(cert_of, dtype=i8),
            standard_id=np.array(ids, dtype=i8),
            exam_from=np.array(exam_from, dtype=i8),
            exam_until=np.array(exam_until, dtype=i8),
            cap_start=np.array(cap_start, dtype=i8),
            cap_end=np.array(cap_end, dtype=i8),
            cap_kind=cap[:, 0].astype(i8),
            cap_lo=cap[:, 1].copy(),
            cap_hi=cap[:, 2].copy(),
            cap_u_abs=cap[:, 3].copy(),
            cap_u_rel=cap[:, 4].copy(),
            cap_k=cap[:, 5].copy(),
        )

    def step(self, standard_ids: IntArray, days: IntArray) -> IntArray:
        """Index of the step in force for each (standard, day) pair."""
        return np.searchsorted(self.step_key, keys(standard_ids, days), side="right") - 1

    def dense(self, standard_ids: IntArray) -> IntArray:
        return np.searchsorted(self.standard_id, standard_ids)

    def exam_ok(self, dense: IntArray, days: IntArray) -> BoolArray:
        """Examination certificate valid on the day (the model's window: where the standard has
        or needs one)."""
        return (self.exam_from[dense] <= days) & (days <= self.exam_until[dense])

    def tainted(self, certificate_ids: IntArray) -> BoolArray:
        """Per step: is the speaking certificate one of ``certificate_ids`` (a window)?"""
        return np.isin(self.step_certificate, certificate_ids) & (self.step_certificate >= 0)

