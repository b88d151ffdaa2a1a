"""Accepted unit spellings: the traps pint misreads, rejected forms, prefixes."""

from __future__ import annotations

from typing import Any

import pytest

from metro.units import (
    UnitError,
    canonical,
    parse_unit,
    ureg,
)


def approx(expected: float) -> Any:
    return pytest.approx(expected, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# The pint traps


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("20 %RH", "relative_humidity", 20.0),
        ("20 %rh", "relative_humidity", 20.0),
        ("20 % RH", "relative_humidity", 20.0),
        ("7.00 pH", "ph", 7.0),
        ("10 Nm", "torque", 10.0),
        ("10 kNm", "torque", 10_000.0),
        ("10 mNm", "torque", 0.01),
        ("10 N·m", "torque", 10.0),
        ("10 N.m", "torque", 10.0),
        ("1 bar(g)", "pressure", 100_000.0),
        ("1 barg", "pressure", 100_000.0),
        ("1 kPa(g)", "pressure", 1000.0),
        ("1 MPa(a)", "pressure", 1e6),
        ("45 HRC", "hardness_hrc", 45.0),
        ("80 HRB", "hardness_hrb", 80.0),
        ("450 HV", "hardness_hv", 450.0),
        ("200 HB", "hardness_hb", 200.0),
        ("200 HBW", "hardness_hb", 200.0),
        ("1500 r/min", "rotational_speed", 1500.0),
        ("1500 rpm", "rotational_speed", 1500.0),
        ("1500 rev/min", "rotational_speed", 1500.0),
        ("1 r/s", "rotational_speed", 60.0),
        ("1 rps", "rotational_speed", 60.0),
        ("85 dB(A)", "sound_pressure_level", 85.0),
        ("85 dBA", "sound_pressure_level", 85.0),
        ("85 dB(C)", "sound_pressure_level", 85.0),
        ("85 dB", "sound_pressure_level", 85.0),
        ("20 dB", "attenuation", 20.0),
        ("5 NTU", "turbidity", 5.0),
        ("2.5 D", "vertex_power", 2.5),
        ("2.5 dpt", "vertex_power", 2.5),
        ("2.5 m^-1", "vertex_power", 2.5),
        ("10 ppb", "gas_amount_fraction", 0.01),
        ("10 ppm", "gas_amount_fraction", 10.0),
        ("1 kWh", "electrical_energy", 1.0),
    ],
)
def test_trap_spellings_are_read_as_meant(text: str, kind: str, value: float) -> None:
    assert canonical(text, kind) == approx(value)


def test_rotational_speed_units_agree() -> None:
    assert canonical("1 r/s", "rotational_speed") == canonical("60 r/min", "rotational_speed")
    assert canonical("1 r/s", "rotational_speed") == 60.0


def test_dB_A_is_the_dB_scale() -> None:
    assert parse_unit("dB(A)") == parse_unit("dB")
    assert parse_unit("dB") != ureg.parse_units("decibel")  # not pint's logarithmic decibel


@pytest.mark.parametrize(
    ("unit", "why"),
    [
        ("%FS", "full scale"),
        ("% FS", "full scale"),
        ("FS", "full scale"),
        ("ppt", "ambiguous"),
        ("RH", "%RH"),
        ("HV10", "hardness"),
        ("HV0.1", "hardness"),
        ("HR15N", "hardness"),
        ("dBm", "logarithmic"),
        ("dBuV", "logarithmic"),
        ("dBµV", "logarithmic"),
        ("Np", "logarithmic"),
        ("dB(X)", "weighting"),
        ("kg(g)", "pressure"),
        ("bar(x)", "qualifier"),
        ("%rdg", "per cent"),
        ("foo", "not understood"),
        ("kpa", "not understood"),
    ],
)
def test_rejected_spellings(unit: str, why: str) -> None:
    with pytest.raises(UnitError) as err:
        parse_unit(unit)
    assert why in str(err.value)
    with pytest.raises(UnitError) as err2:
        canonical(f"1 {unit}", "pressure")
    assert repr(f"1 {unit}") in str(err2.value)


# ---------------------------------------------------------------------------------------------
# Prefixes and accepted spellings


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("1 kPa", "pressure", 1000.0),
        ("1 hPa", "pressure", 100.0),
        ("1 mbar", "pressure", 100.0),
        ("2 MPa", "pressure", 2e6),
        ("1 MΩ", "dc_resistance", 1e6),
        ("1 MΩ", "insulation_resistance", 1e6),  # U+2126 ohm sign
        ("1 Mohm", "dc_resistance", 1e6),
        ("4.7 kΩ", "dc_resistance", 4700.0),
        ("5 µV", "dc_voltage", 5e-6),  # micro sign
        ("5 μV", "dc_voltage", 5e-6),  # Greek mu
        ("5 uV", "dc_voltage", 5e-6),
        ("2 mg/L", "mass_concentration", 2.0),
        ("2 g/m^3", "mass_concentration", 2.0),
        ("1 um", "length", 0.001),
        ("1 µm", "surface_roughness", 1.0),
        ("3 kHz", "frequency", 3000.0),
        ("2 m³/h", "volume_flow", 2.0),
        ("2 m3/h", "volume_flow", 2.0),
        ("1 L/min", "volume_flow", 0.06),
        ("1 W*h", "electrical_energy", 0.001),
        ("1 mSv/h", "dose_rate", 1e-3),
        ("1 µSv/h", "dose_rate", 1e-6),
        ("1 microsievert/hour", "dose_rate", 1e-6),
        ("1 mGy/h", "air_kerma_rate", 1e-3),
        ("1 °", "plane_angle", 3600.0),
        ("1 ′", "plane_angle", 60.0),
        ("1 ″", "plane_angle", 1.0),
        ("2 m·s⁻²", "acceleration", 2.0),
        ("2 m/s²", "acceleration", 2.0),
        ("1 mm²/s", "kinematic_viscosity", 1.0),
        ("1 mm2/s", "kinematic_viscosity", 1.0),
        ("1 t", "mass", 1000.0),
        ("1 mL", "volume", 0.001),
        ("1 kN", "force", 1000.0),
        ("1 mT", "magnetic_flux_density", 1e-3),
        ("1 mW", "optical_power", 1e-3),
        ("1 ms", "time_interval", 1e-3),
        ("50 %", "spectral_transmittance", 50.0),
        ("0.5 dimensionless", "spectral_transmittance", 50.0),
        ("1 kBq", "activity", 1000.0),
        ("1 mS/cm", "conductivity", 0.1),
    ],
)
def test_prefixes_and_spellings(text: str, kind: str, value: float) -> None:
    assert canonical(text, kind) == approx(value)
