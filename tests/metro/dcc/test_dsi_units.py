"""D-SI unit strings both ways: prefixes, powers, offsets, %RH, relative values, refusals."""

from __future__ import annotations

import math

import pytest

from metro.dcc.dsi_units import from_dsi, is_dsi, parse_dsi, relative_factor, to_dsi
from metro.dcc.errors import DsiUnitError
from metro.quantity_kinds import kinds
from metro.unit_registry import BARE_SCALES
from metro.units import canonical, parse_unit


@pytest.mark.parametrize(
    ("unit", "kind", "dsi"),
    [
        ("mm", "length", r"\milli\metre"),
        ("kg", "mass", r"\kilogram"),
        ("mg/L", "mass_concentration", r"\milli\gram\litre\tothe{-1}"),
        ("K", "temperature", r"\kelvin"),
        ("degC", "temperature", r"\degreecelsius"),
        ("MPa", "pressure", r"\mega\pascal"),
        ("m^3/h", "volume_flow", r"\metre\tothe{3}\hour\tothe{-1}"),
        ("mm^2/s", "kinematic_viscosity", r"\milli\metre\tothe{2}\second\tothe{-1}"),
        ("N*m", "torque", r"\newton\metre"),
        ("kW*h", "electrical_energy", r"\kilo\watt\hour"),
        ("umol/mol", "gas_amount_fraction", r"\micro\mole\mole\tothe{-1}"),
        ("mSv/h", "dose_rate", r"\milli\sievert\hour\tothe{-1}"),
        ("%", "spectral_transmittance", r"\percent"),
        ("%RH", "relative_humidity", r"\percent"),
        ("D", "vertex_power", r"\metre\tothe{-1}"),
        ("arcsec", "plane_angle", r"\arcsecond"),
        ("Gohm", "insulation_resistance", r"\giga\ohm"),
    ],
)
def test_units_with_a_dsi_form_are_written_as_given(unit: str, kind: str, dsi: str) -> None:
    got = to_dsi(unit, kind)
    assert got.text == dsi
    assert (got.scale, got.offset, got.converted) == (1.0, 0.0, False)
    assert is_dsi(got.text)


@pytest.mark.parametrize(
    ("dsi", "kind", "unit"),
    [
        (r"\milli\metre", "length", "mm"),
        (r"\metre\per\second", "velocity", "m/s"),
        (r"\metre\second\tothe{-2}", "acceleration", "m/s^2"),
        (r"\second\tothe{-1}", "frequency", "s^-1"),
        (r"\kilo\metre\tothe{3}", "volume", "km^3"),
        (r"\degreecelsius", "temperature", "degC"),
        (r"\percent", "relative_humidity", "%RH"),
        (r"\micro\mole\mole\tothe{-1}", "gas_amount_fraction", "umol/mol"),
    ],
)
def test_dsi_strings_read_as_metro_units(dsi: str, kind: str, unit: str) -> None:
    assert from_dsi(dsi, kind) == (unit, 1.0)
    canonical(f"1 {unit}", kind)  # metro accepts the unit for the kind


def test_relative_humidity_as_a_fraction_reads_in_per_cent() -> None:
    unit, factor = from_dsi(r"\one", "relative_humidity")
    assert unit == "%RH"
    assert canonical(f"{0.45 * factor} {unit}", "relative_humidity") == pytest.approx(45.0)


def test_a_pure_number_reads_in_the_kinds_relative_unit() -> None:
    unit, factor = from_dsi(r"\one", "spectral_transmittance")
    assert canonical(f"{0.9 * factor} {unit}", "spectral_transmittance") == pytest.approx(
        canonical("90 %", "spectral_transmittance")
    )


@pytest.mark.parametrize(
    ("unit", "kind", "value"),
    [
        ("psi", "pressure", 30.0),
        ("bar", "pressure", 6.0),
        ("inch", "length", 2.0),
        ("kgf", "force", 5.0),
        ("degF", "temperature", 212.0),
    ],
)
def test_non_si_units_convert_to_the_kinds_si_unit(unit: str, kind: str, value: float) -> None:
    got = to_dsi(unit, kind)
    assert got.converted
    back, factor = from_dsi(got.text, kind)
    expected = canonical(f"{value} {unit}", kind)
    assert canonical(f"{got.absolute(value) * factor} {back}", kind) == pytest.approx(expected)


def test_offset_temperature_converts_values_with_and_uncertainties_without_offset() -> None:
    got = to_dsi("degF", "temperature")
    assert got.text == r"\kelvin"
    assert got.absolute(32.0) == pytest.approx(273.15)
    assert got.difference(0.9) == pytest.approx(0.5)
    assert got.difference(0.9) == pytest.approx(
        canonical("0.9 degF", "temperature", difference=True)
    )


def test_relative_values_without_dsi_form_become_scaled_one() -> None:
    got = to_dsi("ppm", "spectral_transmittance")
    assert got.text == r"\one"
    assert got.absolute(20.0) == pytest.approx(2e-5)
    assert relative_factor(r"\percent") == 0.01
    assert relative_factor(r"\one") == 1.0
    with pytest.raises(DsiUnitError, match="relative uncertainty"):
        relative_factor(r"\metre")


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("HRC", "hardness_hrc"),
        ("HRB", "hardness_hrb"),
        ("HV", "hardness_hv"),
        ("HB", "hardness_hb"),
        ("pH", "ph"),
        ("NTU", "turbidity"),
        ("dB", "sound_pressure_level"),
        ("dB", "attenuation"),
        ("r/min", "rotational_speed"),
    ],
)
def test_units_without_a_dsi_form_are_refused_naming_the_unit(unit: str, kind: str) -> None:
    with pytest.raises(DsiUnitError, match=f"unit '{unit}' has no D-SI form"):
        to_dsi(unit, kind)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("metre", "every part starts with a backslash"),
        (r"\metre kg", "unexpected"),
        (r"\foo", r"\\foo is not a D-SI unit"),
        (r"\milli", "without a unit"),
        (r"\kilo\kilogram", "takes no prefix"),
        (r"\milli\percent", "takes no prefix"),
        (r"\kilo\milli\metre", "two prefixes"),
        (r"\tothe{2}", "must follow a unit"),
        (r"\metre\tothe{x}", "must follow a unit and hold a number"),
        (r"\metre\tothe{2}\tothe{2}", "two powers"),
        (r"\decibel", "level without a stated reference"),
        (r"\one\metre", "stands alone"),
        ("", "empty"),
        ("kPa", "every part starts with a backslash"),
    ],
)
def test_bad_dsi_syntax_is_refused_naming_the_string(text: str, why: str) -> None:
    with pytest.raises(DsiUnitError, match=why):
        parse_dsi(text)
    assert not is_dsi(text)


def _catalogue_units() -> list[tuple[str, str]]:
    return [
        (k.code, k.canonical_unit)
        for k in kinds().values()
        if str(parse_unit(k.canonical_unit)) not in BARE_SCALES and k.code != "rotational_speed"
    ]


@pytest.mark.parametrize(("kind", "unit"), _catalogue_units())
def test_every_catalogue_unit_with_a_dsi_form_goes_there_and_back(kind: str, unit: str) -> None:
    got = to_dsi(unit, kind)
    assert is_dsi(got.text)
    back, factor = from_dsi(got.text, kind)
    for value in (0.0, 1.5, -40.0):
        there = canonical(f"{value} {unit}", kind)
        again = canonical(f"{got.absolute(value) * factor} {back}", kind)
        assert math.isclose(again, there, rel_tol=1e-12, abs_tol=1e-12)
