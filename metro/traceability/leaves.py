"""Instrument leaves in bulk: every instrument's status at a date in one vectorised pass.

Instruments are never graph nodes (10⁶ networkx nodes cost ~1 GiB). Their certificates are
arrays sorted by (instrument, calibrated_on, id), so the certificate that speaks for every
instrument at t is one ``np.searchsorted``. The references of those certificates are gathered
from the reference table sorted by (certificate, position); each (certificate, reference) pair
is looked up in the :class:`~metro.traceability.timetable.Timetable` (was the reference
traceable on the calibration day? its examination certificate valid? was the day inside a
tainted window?), and adequacy is checked for every (pair, capability of the instrument's kind)
with :func:`metro.model.adequacy.meets_arrays`. A certificate's last day in force is the model's
reading (:func:`metro.model.validity.in_force_until_days`: ``valid_until``, else the interval kept
with the certificate). The words follow
:func:`~metro.traceability.status.asset_status` exactly; the property tests hold them together.

Cost: one sort of the certificates (done once by :meth:`Leaves.build`, shared between dates),
then O(n log n) array work per date. Reasons are not built here: see
:meth:`metro.traceability.province.ProvinceStatus.records`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from metro.model.adequacy import k2, meets_arrays
from metro.model.statuses import CODE, Status
from metro.model.validity import in_force_until_days
from metro.quantity_kinds import kinds
from metro.repositories.leaf_arrays import (
    CertificateArrays,
    InstrumentArrays,
    ReferenceArrays,
    kind_codes,
)
from metro.repositories.traceability import NO_DAY
from metro.traceability.timetable import TRACEABLE, Timetable, keys

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _sorted_by(*columns: IntArray) -> IntArray:
    """Indices sorting by the columns, last column first (np.lexsort), skipped when sorted."""
    n = len(columns[0])
    if n < 2:
        return np.arange(n)
    primary = columns[-1]
    diffs = np.diff(primary)
    if np.all(diffs > 0):
        return np.arange(n)
    return np.lexsort(columns)


def _ranges(starts: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """For ranges ``starts[i] : starts[i] + counts[i]``: (owner i, index) of every element."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    if total == 0:
        return owner, np.empty(0, dtype=np.int64)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(starts, counts) + offsets


@dataclass(frozen=True, slots=True)
class Leaves:
    """Instrument arrays, their certificates sorted for speaking lookups, and the references."""

    instruments: InstrumentArrays
    cert_key: IntArray
    cert_id: IntArray
    cert_instrument: IntArray
    cert_calibrated: IntArray
    cert_until: IntArray
    cert_fail: IntArray
    cert_issuer: IntArray
    cert_facts: IntArray  # the leaf_arrays *_BIT flags
    ref_certificate: IntArray
    ref_standard: IntArray
    ratio: FloatArray  # instrument_ratio by kind index; the last entry (index -1) is NaN

    @classmethod
    def build(
        cls, instruments: InstrumentArrays, certs: CertificateArrays, refs: ReferenceArrays
    ) -> Leaves:
        key = keys(certs.instrument_id, certs.calibrated_on)
        order = _sorted_by(certs.id, key)
        rorder = _sorted_by(refs.position, refs.certificate_id)
        fail = certs.fail  # derived from the facts bits: computed once here
        catalogue = kinds()
        ratio = np.array([catalogue[k].instrument_ratio for k in kind_codes()] + [np.nan])
        return cls(
            instruments=instruments,
            cert_key=key[order],
            cert_id=certs.id[order],
            cert_instrument=certs.instrument_id[order],
            cert_calibrated=certs.calibrated_on[order],
            cert_until=in_force_until_days(
                fail=fail, valid_until=certs.valid_until,
                calibrated_on=certs.calibrated_on, interval_months=certs.interval_months,
                no_day=NO_DAY,
            )[order],
            cert_fail=fail[order],
            cert_issuer=certs.issuer_id[order],
            cert_facts=certs.facts[order],
            ref_certificate=refs.certificate_id[rorder],
            ref_standard=refs.standard_id[rorder],
            ratio=ratio,
        )


@dataclass(frozen=True, slots=True)
class LeafStatus:
    """One entry per instrument (sorted by id): status code (see ``status.ORDER``), the
    speaking certificate (-1 when none) and its position in the :class:`Leaves` certificate
    arrays (-1 when none), its calibration day and its due day (``NO_DAY`` when none)."""

    instrument_id: IntArray
    owner_id: IntArray
    status: IntArray
    certificate_id: IntArray
    calibrated: IntArray
    due: IntArray
    certificate_position: IntArray


def evaluate(
    leaves: Leaves, table: Timetable, tainted: BoolArray, at: int, lead_days: int
) -> LeafStatus:
    """The status of every instrument on day number ``at``; ``tainted`` flags table steps."""
    inst = leaves.instruments
    n = len(inst.id)
    pos = np.searchsorted(leaves.cert_key, keys(inst.id, np.full(n, at)), side="right") - 1
    has = pos >= 0
    if len(leaves.cert_id):
        has &= leaves.cert_instrument[np.maximum(pos, 0)] == inst.id
    status = np.full(n, CODE[Status.NEVER_CALIBRATED], dtype=np.int64)
    due = np.full(n, NO_DAY, dtype=np.int64)
    calibrated = np.full(n, NO_DAY, dtype=np.int64)
    certificate = np.full(n, -1, dtype=np.int64)
    position = np.full(n, -1, dtype=np.int64)
    spoken = np.flatnonzero(has)
    ci = pos[spoken]
    certificate[spoken] = leaves.cert_id[ci]
    position[spoken] = ci
    until = leaves.cert_until[ci]
    due[spoken] = until
    calibrated[spoken] = leaves.cert_calibrated[ci]
    fail = leaves.cert_fail[ci] == 1
    overdue = ~fail & (until < at)
    live = ~fail & ~overdue
    unsound, suspect = _judge(leaves, table, tainted, spoken[live], ci[live])
    words = np.where(until[live] <= at + lead_days, CODE[Status.DUE_SOON], CODE[Status.VALID])
    words = np.where(suspect, CODE[Status.SUSPECT], words)
    words = np.where(unsound, CODE[Status.UNTRACEABLE], words)
    status[spoken[fail]] = CODE[Status.FAILED]
    status[spoken[overdue]] = CODE[Status.OVERDUE]
    status[spoken[live]] = words
    return LeafStatus(inst.id, inst.owner_id, status, certificate, calibrated, due, position)


def _judge(
    leaves: Leaves, table: Timetable, tainted: BoolArray, where: IntArray, ci: IntArray
) -> tuple[BoolArray, BoolArray]:
    """(unsound, suspect) for the certificates at sorted positions ``ci`` of instruments at
    positions ``where``."""
    inst = leaves.instruments
    m = len(ci)
    days = leaves.cert_calibrated[ci]
    ids = leaves.cert_id[ci]
    starts = np.searchsorted(leaves.ref_certificate, ids, side="left")
    counts = np.searchsorted(leaves.ref_certificate, ids, side="right") - starts
    owner, ridx = _ranges(starts, counts)
    ref = leaves.ref_standard[ridx]
    day = days[owner]
    step = table.step(ref, day)
    dense = table.dense(ref)
    good = (table.step_state[step] == TRACEABLE) & table.exam_ok(dense, day)
    unsound = (np.bincount(owner[~good], minlength=m) > 0) | (counts == 0)
    suspect = np.bincount(owner[tainted[step]], minlength=m) > 0

    cap_starts = table.cap_start[dense]
    pair, cap = _ranges(cap_starts, table.cap_end[dense] - cap_starts)
    row = owner[pair]
    ipos = where[row]
    kind = inst.kind[ipos]
    same = table.cap_kind[cap] == kind
    row, ipos, cap, kind = row[same], ipos[same], cap[same], kind[same]
    ratio = leaves.ratio[kind]
    cap_a2, cap_b2 = k2(table.cap_u_abs[cap], table.cap_u_rel[cap], table.cap_k[cap])
    meets = meets_arrays(
        lo=inst.range_min[ipos],
        hi=inst.range_max[ipos],
        limit_abs=inst.mpe_abs[ipos] / ratio,
        limit_rel=inst.mpe_rel[ipos] / ratio,
        cap_lo=table.cap_lo[cap],
        cap_hi=table.cap_hi[cap],
        cap_a2=cap_a2,
        cap_b2=cap_b2,
    )
    adequate = np.bincount(row[meets], minlength=m) > 0
    return unsound | ~adequate, suspect
