"""Adequacy of references in canonical units: °F, psi and ppm, k scaling, 0 inside the range."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metro.repositories.traceability import CapabilityRow, InstrumentRow
from metro.traceability.adequacy import (
    assess,
    describe,
    instrument_need,
    match,
    meets_arrays,
    standard_needs,
)
from metro.units import canonical, relative


def cap(quantity: str, lo: str, hi: str, *, u_abs: str = "", u_rel: str = "", k: float = 2.0,
        standard_id: int = 1) -> CapabilityRow:
    return CapabilityRow(
        id=standard_id, standard_id=standard_id, quantity=quantity,
        range_min=canonical(lo, quantity), range_max=canonical(hi, quantity),
        u_abs=canonical(u_abs, quantity, difference=True) if u_abs else 0.0,
        u_rel=relative(u_rel) if u_rel else 0.0, k=k,
    )


def gauge(quantity: str, lo: str, hi: str, *, mpe_abs: str = "", mpe_rel: str = "") -> (
    InstrumentRow
):
    return InstrumentRow(
        id=1, code="I", owner_id=1, owner="O", quantity=quantity,
        range_min=canonical(lo, quantity), range_max=canonical(hi, quantity),
        mpe_abs=canonical(mpe_abs, quantity, difference=True) if mpe_abs else 0.0,
        mpe_rel=relative(mpe_rel) if mpe_rel else 0.0,
    )


def ok(need_of: InstrumentRow, c: CapabilityRow) -> bool:
    m = match(instrument_need(need_of), c.standard_id, c)
    return m is not None and m.ok


def test_fahrenheit_uncertainty_is_a_difference_and_range_an_absolute() -> None:
    thermometer = gauge("temperature", "-40 degF", "212 degF", mpe_abs="0.9 degF")  # 0.5 K
    # 0.3 °F = 1/6 K at k = 2 is exactly MPE/3: met (within the rounding slack)
    assert ok(thermometer, cap("temperature", "-40 degC", "100 degC", u_abs="0.3 degF"))
    assert not ok(thermometer, cap("temperature", "-40 degC", "100 degC", u_abs="0.31 degF"))
    # -40 °F is -40 °C: the same point; 212 °F is 100 °C
    assert ok(thermometer, cap("temperature", "-40 degC", "100 degC", u_abs="0.1 K"))
    assert not ok(thermometer, cap("temperature", "-39 degC", "100 degC", u_abs="0.1 K"))
    assert not ok(thermometer, cap("temperature", "-40 degC", "99 degC", u_abs="0.1 K"))


def test_psi_range_and_relative_mpe() -> None:
    gauge_psi = gauge("pressure", "0 psi", "1000 psi", mpe_rel="0.25 %")  # 6.895 MPa
    assert ok(gauge_psi, cap("pressure", "0 MPa", "6.9 MPa", u_rel="0.08 %"))
    assert not ok(gauge_psi, cap("pressure", "0 MPa", "6.8 MPa", u_rel="0.08 %"))
    assert not ok(gauge_psi, cap("pressure", "0 MPa", "6.9 MPa", u_rel="0.1 %"))


def test_ppm_with_the_numbers_in_the_reason() -> None:
    dmm = gauge("dc_voltage", "0 V", "10 V", mpe_rel="50 ppm")
    assert ok(dmm, cap("dc_voltage", "0 V", "1000 V", u_rel="16 ppm"))
    bad = cap("dc_voltage", "0 V", "1000 V", u_rel="20 ppm")
    verdict = assess(instrument_need(dmm), [(7, bad)])
    assert not verdict.ok
    text = describe(verdict, lambda sid: f"STD{sid}")
    assert "STD7 U 20 ppm where ≤ 16.7 ppm was needed at 10 V" in text
    assert "ratio 2.5, needs 3" in text


def test_coverage_factor_is_scaled_to_two() -> None:
    dmm = gauge("dc_voltage", "0 V", "10 V", mpe_rel="50 ppm")
    # 24 ppm at k = 3 is 16 ppm at k = 2
    assert ok(dmm, cap("dc_voltage", "0 V", "10 V", u_rel="24 ppm", k=3.0))
    assert not ok(dmm, cap("dc_voltage", "0 V", "10 V", u_rel="24 ppm", k=2.0))


def test_zero_inside_the_range_is_checked() -> None:
    meter = gauge("dc_voltage", "-10 V", "10 V", mpe_abs="3 mV", mpe_rel="0.1 %")
    # at ±10 V the limit is (3 mV + 10 mV)/3 = 4.33 mV; at 0 only 1 mV
    assert ok(meter, cap("dc_voltage", "-10 V", "10 V", u_abs="0.9 mV", u_rel="0.03 %"))
    assert not ok(meter, cap("dc_voltage", "-10 V", "10 V", u_abs="1.1 mV", u_rel="0.01 %"))
    # the same reference meets the positive half alone only if 0 is an end: 1.1 mV > 1 mV
    assert not ok(gauge("dc_voltage", "0 V", "10 V", mpe_abs="3 mV", mpe_rel="0.1 %"),
                  cap("dc_voltage", "-10 V", "10 V", u_abs="1.1 mV", u_rel="0.01 %"))


def test_kinds_must_match_even_with_the_same_dimension() -> None:
    acv = gauge("ac_voltage", "0 V", "10 V", mpe_rel="1 %")
    verdict = assess(instrument_need(acv), [(1, cap("dc_voltage", "0 V", "10 V", u_rel="1 ppm"))])
    assert not verdict.ok
    assert "no reference has a capability of kind ac_voltage" in describe(verdict, str)


def test_standard_needs_use_its_own_uncertainty_and_ratio_one() -> None:
    subject = cap("pressure", "0 MPa", "60 MPa", u_rel="0.05 %", k=2.0)
    (need,) = standard_needs([subject])
    assert need.ratio == 1.0
    assert match(need, 2, cap("pressure", "0 MPa", "60 MPa", u_rel="0.05 %")).ok  # type: ignore[union-attr]
    assert not match(need, 2, cap("pressure", "0 MPa", "60 MPa", u_rel="0.06 %")).ok  # type: ignore[union-attr]
    # a subject's 0.06 % stated at k = 3 is 0.04 % at k = 2
    (need3,) = standard_needs([cap("pressure", "0 MPa", "60 MPa", u_rel="0.06 %", k=3.0)])
    assert match(need3, 2, cap("pressure", "0 MPa", "60 MPa", u_rel="0.04 %")).ok  # type: ignore[union-attr]
    assert not match(need3, 2, cap("pressure", "0 MPa", "60 MPa", u_rel="0.041 %")).ok  # type: ignore[union-attr]


def test_ratio_achieved_is_the_worst_point() -> None:
    meter = gauge("dc_voltage", "0 V", "10 V", mpe_abs="1 mV", mpe_rel="0.1 %")
    m = match(instrument_need(meter), 1, cap("dc_voltage", "0 V", "10 V", u_abs="0.1 mV",
                                              u_rel="0.01 %"))
    assert m is not None
    # at 0: 1 mV / 0.1 mV = 10; at 10 V: 11 mV / 1.1 mV = 10
    assert m.ratio == pytest.approx(10.0)


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
positive = st.floats(min_value=0.0, max_value=1e-1, allow_nan=False)


@given(lo=finite, width=st.floats(min_value=0, max_value=1e3), mpe_abs=positive,
       mpe_rel=positive, clo=finite, cwidth=st.floats(min_value=0, max_value=2e3),
       u_abs=positive, u_rel=positive, k=st.sampled_from([1.0, 2.0, 3.0]))
def test_array_rule_agrees_with_the_scalar_rule(
    lo: float, width: float, mpe_abs: float, mpe_rel: float, clo: float, cwidth: float,
    u_abs: float, u_rel: float, k: float,
) -> None:
    inst = InstrumentRow(1, "I", 1, "O", "dc_voltage", lo, lo + width, mpe_abs, mpe_rel)
    c = CapabilityRow(1, 1, "dc_voltage", clo, clo + cwidth, u_abs, u_rel, k)
    need = instrument_need(inst)
    m = match(need, 1, c)
    scalar = m is not None and m.ok
    arrays = meets_arrays(
        lo=np.array([need.range_min]), hi=np.array([need.range_max]),
        limit_abs=np.array([inst.mpe_abs]) / need.ratio,
        limit_rel=np.array([inst.mpe_rel]) / need.ratio,
        cap_lo=np.array([c.range_min]), cap_hi=np.array([c.range_max]),
        cap_u_abs=np.array([c.u_abs]), cap_u_rel=np.array([c.u_rel]), cap_k=np.array([c.k]),
    )
    assert bool(arrays[0]) == scalar
