"""Adequacy has one home: every user agrees with metro.model.adequacy on random cases.

Users: the array form (instrument leaves), traceability's ``match`` (status and chain),
coverage check 3 (the matcher and its plain-loop oracle), the planner's ``closes`` and the
synthetic generator's ``within``/``contains``. Cases are drawn near the decision boundary (U a
hair under or over the limit, ranges touching) so that a second tolerance or a different point
set would show.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metro.coverage.candidates import build_candidates
from metro.coverage.matching import MET, closes, match, match_reference, needs_of, offers_of
from metro.errors import InvalidInput
from metro.model import adequacy as rule
from metro.model.capability import CapabilityRow, InstrumentRow
from metro.quantity_kinds import get_kind
from metro.synth.model import Cap
from metro.synth.trace import contains as synth_contains
from metro.synth.trace import meets_instrument
from metro.traceability.adequacy import match as trace_match
from metro.traceability.adequacy import meets_arrays as trace_meets_arrays
from tests.metro.coverage.builders import items

KIND = "pressure"
AT = date(2025, 9, 1)

# values on a coarse grid around the boundary: exact ties, and ties in another spelling
scale = st.sampled_from([1.0, 1e3, 1e6, 0.01])
ends = st.sampled_from([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0])
wiggle = st.sampled_from([0.0, 1e-12, -1e-12, 1e-10, -1e-10, 1e-8, -1e-8, 1e-3, -1e-3])


@st.composite
def cases(draw: st.DrawFn) -> tuple[InstrumentRow, CapabilityRow]:
    s = draw(scale)
    lo, hi = sorted((draw(ends) * s, draw(ends) * s))
    mpe_abs = draw(st.sampled_from([0.0, 0.003, 0.03])) * s
    mpe_rel = draw(st.sampled_from([0.0, 0.004, 0.016]))
    if mpe_abs == 0 and mpe_rel == 0:
        mpe_rel = 0.004
    ratio = get_kind(KIND).instrument_ratio
    k = draw(st.sampled_from([2.0, 3.0, 1.0]))
    # a capability whose U at k = 2 sits at the limit, times (1 + wiggle)
    frac = draw(st.sampled_from([1.0, 0.5, 0.0]))
    w = 1.0 + draw(wiggle)
    u_abs = mpe_abs / ratio * frac * w * k / 2.0
    u_rel = mpe_rel / ratio * (1.0 if frac == 0.0 else frac) * w * k / 2.0
    span = max(abs(lo), abs(hi), s)
    clo = lo - draw(st.sampled_from([0.0, 1.0])) * span * draw(wiggle)
    chi = hi + draw(st.sampled_from([0.0, 1.0])) * span * draw(wiggle)
    clo, chi = min(clo, chi), max(clo, chi)
    inst = InstrumentRow(1, "I", 1, "O", KIND, lo, hi, mpe_abs, mpe_rel)
    cap = CapabilityRow(1, 7, KIND, clo, chi, u_abs, u_rel, k, standard="S7",
                        level="public_highest", exam_cert="E", exam_valid_from=date(2020, 1, 1),
                        exam_valid_until=date(2030, 1, 1))
    return inst, cap


def oracle(inst: InstrumentRow, cap: CapabilityRow) -> bool:
    """DESIGN.md's words with exact fractions-free arithmetic: the ends and 0 inside, tolerance
    1e-9 relative — within float error of the model (used only far from the boundary)."""
    ratio = get_kind(KIND).instrument_ratio
    points = [inst.range_min, inst.range_max]
    if inst.range_min < 0 < inst.range_max:
        points.append(0.0)
    if cap.range_min > inst.range_min or cap.range_max < inst.range_max:
        return False
    return all(
        (cap.u_abs + cap.u_rel * abs(x)) * 2 / cap.k <= (inst.mpe_abs + inst.mpe_rel * abs(x))
        / ratio for x in points
    )


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_array_form_is_the_scalar_form(case: tuple[InstrumentRow, CapabilityRow]) -> None:
    inst, cap = case
    need = rule.instrument_need(inst)
    one = np.array([1.0])
    arrays = rule.meets_arrays(
        lo=one * need.range_min, hi=one * need.range_max, limit_abs=one * need.limit_abs,
        limit_rel=one * need.limit_rel, cap_lo=one * cap.range_min, cap_hi=one * cap.range_max,
        cap_a2=one * cap.a2, cap_b2=one * cap.b2,
    )
    stored = trace_meets_arrays(
        lo=one * need.range_min, hi=one * need.range_max, limit_abs=one * need.limit_abs,
        limit_rel=one * need.limit_rel, cap_lo=one * cap.range_min, cap_hi=one * cap.range_max,
        cap_u_abs=one * cap.u_abs, cap_u_rel=one * cap.u_rel, cap_k=one * cap.k,
    )
    assert bool(arrays[0]) == bool(stored[0]) == rule.meets(need, cap)


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_traceability_match_is_the_model(case: tuple[InstrumentRow, CapabilityRow]) -> None:
    inst, cap = case
    need = rule.instrument_need(inst)
    m = trace_match(need, cap.standard_id, cap)
    assert (m is not None and m.ok) == rule.meets(need, cap) == rule.adequate_for_instrument(
        inst, cap)


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_coverage_check_3_is_the_model(case: tuple[InstrumentRow, CapabilityRow]) -> None:
    """A demand item is an instrument's need: the item passes checks 2 and 3 exactly when the
    model says the capability meets the instrument (checks 4 and 5 pass here)."""
    inst, cap = case
    demand = items({"code": "D1", "kind": KIND, "lo": inst.range_min, "hi": inst.range_max,
                    "mpe_abs": inst.mpe_abs, "mpe_rel": inst.mpe_rel, "region": "430100",
                    "count": 1})
    candidates = build_candidates([cap], AT, {cap.standard_id: ("valid", "")})
    needs, offers = needs_of(demand), offers_of(candidates)
    expected = rule.meets(rule.instrument_need(inst), cap)
    assert (match(needs, offers).score[0] == MET) == expected
    assert (match_reference(needs, offers).score[0] == MET) == expected
    assert (len(closes(needs, offers)[0]) == 1) == expected


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_the_generator_reads_the_model(case: tuple[InstrumentRow, CapabilityRow]) -> None:
    inst, cap = case
    synth_cap = Cap(KIND, cap.range_min, cap.range_max, cap.u_abs, cap.u_rel, cap.k, "Pa",
                    "", "", "", "", "")
    ratio = get_kind(KIND).instrument_ratio
    got = meets_instrument(synth_cap, KIND, inst.range_min, inst.range_max, inst.mpe_abs,
                           inst.mpe_rel, ratio)
    assert got == rule.meets(rule.instrument_need(inst), cap)
    _, t_max = rule.extent(inst.range_min, inst.range_max)
    start_by, end_by = rule.range_bounds(inst.range_min, inst.range_max, t_max)
    assert synth_contains(synth_cap, inst.range_min, inst.range_max) == bool(
        rule.contains(cap.range_min, cap.range_max, start_by, end_by))


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_the_model_says_what_the_design_says(case: tuple[InstrumentRow, CapabilityRow]) -> None:
    """Away from the 1e-9 band the model is DESIGN.md's rule read literally."""
    inst, cap = case
    need = rule.instrument_need(inst)
    loose = rule.meets(need, cap, tolerance=1e-6)
    strict = rule.meets(need, cap, tolerance=-1e-6)
    if loose == strict:  # not on the boundary
        assert rule.meets(need, cap) == oracle(inst, cap) == strict


def test_one_tolerance_for_range_and_uncertainty() -> None:
    """−40 °C reached as 233.15 K and as a conversion from °F is the same point."""
    from_f = (-40.0 - 32.0) * 5.0 / 9.0 + 273.15
    inst = InstrumentRow(1, "T", 1, "O", "temperature", 233.15, 373.15, 0.5, 0.0)
    cap = CapabilityRow(1, 1, "temperature", from_f, 373.15, 0.1, 0.0, 2.0)
    assert from_f != 233.15 and rule.adequate_for_instrument(inst, cap)
    # U exactly at the limit is adequate; 1e-6 over it is not
    ratio = get_kind("temperature").instrument_ratio
    at_limit = CapabilityRow(1, 1, "temperature", 200.0, 400.0, 0.5 / ratio, 0.0, 2.0)
    over = CapabilityRow(1, 1, "temperature", 200.0, 400.0, 0.5 / ratio * (1 + 1e-6), 0.0, 2.0)
    assert rule.adequate_for_instrument(inst, at_limit)
    assert not rule.adequate_for_instrument(inst, over)


def test_another_kind_never_meets() -> None:
    inst = InstrumentRow(1, "V", 1, "O", "ac_voltage", 0.0, 10.0, 0.0, 0.01)
    cap = CapabilityRow(1, 1, "dc_voltage", 0.0, 1000.0, 0.0, 1e-6, 2.0)
    assert not rule.adequate_for_instrument(inst, cap)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("range", dict(range_min=2.0, range_max=1.0)),
        ("k", dict(k=0.0)),
        ("u_abs", dict(u_abs=-1.0)),
        ("u_rel", dict(u_rel=float("nan"))),
        ("range_max", dict(range_max=float("inf"))),
    ],
)
def test_a_capability_validates_itself(field: str, values: dict[str, float]) -> None:
    base = dict(id=1, standard_id=1, quantity=KIND, range_min=0.0, range_max=1.0, u_abs=0.1,
                u_rel=0.0, k=2.0)
    with pytest.raises(InvalidInput, match="capability"):
        CapabilityRow(**{**base, **values})  # type: ignore[arg-type]


def test_an_instrument_and_a_need_validate_themselves() -> None:
    with pytest.raises(InvalidInput, match="instrument I"):
        InstrumentRow(1, "I", 1, "O", KIND, 0.0, 1.0, -0.1, 0.0)
    with pytest.raises(InvalidInput, match="need of pressure"):
        rule.Need("instrument", KIND, 0.0, 1.0, 0.1, 0.0, 0.0)
