"""metro.units: spellings, scales, offset units, relative forms, errors, hot-path caching."""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metro import units
from metro.errors import InvalidInput, MetroError, NotFound
from metro.quantity_kinds import QuantityKind, get_kind, kinds
from metro.units import (
    UnitError,
    UnitMismatch,
    canonical,
    converter,
    dimension,
    format_quantity,
    parse_quantity,
    parse_unit,
    relative,
    ureg,
)


def approx(expected: float) -> Any:
    return pytest.approx(expected, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# The registry


def test_one_registry_is_pints_application_registry() -> None:
    assert isinstance(ureg, pint.UnitRegistry)
    assert pint.get_application_registry().get() is ureg
    assert parse_unit("kPa")._REGISTRY is ureg


# ---------------------------------------------------------------------------------------------
# parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.02 kPa", (0.02, "kPa")),
        ("-40 degC", (-40.0, "degC")),
        ("-40 °C", (-40.0, "°C")),
        ("−40 °C", (-40.0, "°C")),  # U+2212 minus sign
        ("20\u00a0°C", (20.0, "°C")),  # no-break space
        ("1.5e-3 V", (1.5e-3, "V")),
        ("1.5E+3 V", (1.5e3, "V")),
        ("100MPa", (100.0, "MPa")),
        ("20 %RH", (20.0, "%RH")),
        ("7.00 pH", (7.0, "pH")),
        ("45 HRC", (45.0, "HRC")),
        ("+5 mm", (5.0, "mm")),
        (".5 V", (0.5, "V")),
        ("5. V", (5.0, "V")),
        ("  3 K  ", (3.0, "K")),
        ("7", (7.0, "")),
        ("1e5kPa", (1e5, "kPa")),
        ("3 W/(m*K)", (3.0, "W/(m*K)")),
    ],
)
def test_parse_quantity(text: str, expected: tuple[float, str]) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc kPa", "number"),
        ("kPa", "number"),
        ("nan kPa", "nan"),
        ("inf kPa", "inf"),
        ("-inf kPa", "inf"),
        ("NaN", "nan"),
        ("1e999 kPa", "not finite"),
        ("1,5 kPa", "decimal separator"),
        ("1 000 kPa", "digit grouping"),
        ("1.5.3 kPa", "one number"),
        ("- 5 kPa", "number"),
        ("5 -3 kPa", "one number"),
        ("1_000 kPa", "number"),
        ("١٢ kPa", "number"),  # non-ASCII digits that float() would accept
    ],
)
def test_parse_quantity_rejects(text: str, why: str) -> None:
    with pytest.raises(UnitError) as err:
        parse_quantity(text)
    assert repr(text) in str(err.value)
    assert why in str(err.value)
    assert err.value.text == text


@pytest.mark.parametrize("text", ["abc kPa", "", "1,5 kPa", "nan kPa", "inf kPa", "1e999 kPa"])
def test_canonical_and_relative_reject_malformed_numbers(text: str) -> None:
    with pytest.raises(UnitError, match=r"kPa|empty"):
        canonical(text, "pressure")
    # the unit cache being warm must not let a bad number through the fast path
    canonical("1 kPa", "pressure")
    with pytest.raises(UnitError):
        canonical(text, "pressure")
    with pytest.raises(UnitError):
        relative(text.replace("kPa", "%"))


# ---------------------------------------------------------------------------------------------
# Offset units: absolute vs difference


@pytest.mark.parametrize(
    ("text", "difference", "kelvin"),
    [
        ("-40 degC", False, 233.15),
        ("-40 °C", False, 233.15),
        ("-40 ℃", False, 233.15),
        ("0 degC", False, 273.15),
        ("0.05 degC", False, 273.2),
        ("32 degF", False, 273.15),
        ("212 °F", False, 373.15),
        ("-40 degF", False, 233.15),
        ("300 K", False, 300.0),
        ("0.9 degF", True, 0.5),
        ("1.8 °F", True, 1.0),
        ("0.05 degC", True, 0.05),
        ("0.05 ℃", True, 0.05),
        ("0.05 delta_degC", True, 0.05),
        ("2 K", True, 2.0),
        ("300 K", True, 300.0),
    ],
)
def test_temperature_absolute_vs_difference(text: str, difference: bool, kelvin: float) -> None:
    assert canonical(text, "temperature", difference=difference) == approx(kelvin)


def test_difference_changes_only_offset_units() -> None:
    assert converter("degC", "temperature", difference=False) == pytest.approx((1.0, 273.15))
    assert converter("degC", "temperature", difference=True) == (1.0, 0.0)
    scale, offset = converter("degF", "temperature", difference=False)
    assert scale == approx(5 / 9)
    assert offset == approx(255.37222222222223)
    assert converter("degF", "temperature", difference=True) == pytest.approx((5 / 9, 0.0))
    assert converter("kPa", "pressure", difference=True) == converter(
        "kPa", "pressure", difference=False
    )


def test_offset_unit_inside_compound_unit_is_a_difference() -> None:
    assert canonical("0.5 W/(m*degC)", "thermal_conductivity") == pytest.approx(0.5)
    assert canonical("0.5 W/(m·°C)", "thermal_conductivity") == pytest.approx(0.5)


def test_converter_works_on_arrays() -> None:
    np = pytest.importorskip("numpy")
    scale, offset = converter("°C", "temperature", difference=False)
    got = np.array([-40.0, 0.0, 100.0]) * scale + offset
    assert got.tolist() == pytest.approx([233.15, 273.15, 373.15])


# ---------------------------------------------------------------------------------------------
# Relative forms


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("0.5 %", 0.005),
        ("0.5%", 0.005),
        ("0.5 percent", 0.005),
        ("20 ppm", 2e-5),
        ("1 ‰", 0.001),
        ("1 permille", 0.001),
        ("3 ppb", 3e-9),
        ("0.0005", 0.0005),
        ("0", 0.0),
        ("2 umol/mol", 2e-6),
        ("-0.1 %", -0.001),
    ],
)
def test_relative(text: str, fraction: float) -> None:
    assert relative(text) == approx(fraction)


def test_relative_percent_is_exact() -> None:
    assert relative("0.5 %") == 0.005
    assert relative("0.3 %") == 0.003
    assert relative("20 ppm") == 2e-5


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("5 %RH", "[relative_humidity]"),
        ("1 arcsec", "[angle]"),
        ("3 kPa", "[mass]/[length]/[time]^2"),
        ("1 K", "[temperature]"),
        ("1 %FS", "full scale"),
        ("1 ppt", "ambiguous"),
        ("1 pH", "[pH]"),
        ("", "empty"),
    ],
)
def test_relative_rejects(text: str, why: str) -> None:
    with pytest.raises(UnitError) as err:
        relative(text)
    assert repr(text) in str(err.value)
    assert why in str(err.value)


# ---------------------------------------------------------------------------------------------
# Scales: own dimensions, never converting into each other or into percent/henry

SCALES = ["%RH", "pH", "HRC", "HRB", "HV", "HB", "dB", "NTU", "r/min", "Sv"]


@pytest.mark.parametrize(
    ("unit", "dim"),
    [
        ("%RH", "[relative_humidity]"),
        ("pH", "[pH]"),
        ("HRC", "[rockwell_c]"),
        ("HRB", "[rockwell_b]"),
        ("HV", "[vickers]"),
        ("HB", "[brinell]"),
        ("HBW", "[brinell]"),
        ("dB", "[level]"),
        ("dB(A)", "[level]"),
        ("NTU", "[turbidity]"),
        ("r/min", "[rotation]/[time]"),
        ("rpm", "[rotation]/[time]"),
        ("r/s", "[rotation]/[time]"),
        ("Sv", "[dose_equivalent]"),
        ("uSv/h", "[dose_equivalent]/[time]"),
        ("D", "1/[length]"),
        ("kPa", "[mass]/[length]/[time]^2"),
        ("%", "dimensionless"),
        ("arcsec", "[angle]"),
    ],
)
def test_dimension(unit: str, dim: str) -> None:
    assert dimension(unit) == dim


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(SCALES, 2)))
def test_scales_do_not_convert_into_each_other(a: str, b: str) -> None:
    with pytest.raises(pint.DimensionalityError):
        ureg.Quantity(1.0, parse_unit(a)).to(parse_unit(b))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(
    "other", ["percent", "henry", "dimensionless", "1/s", "Hz", "rad/s", "J/kg", "decibel"]
)
def test_scales_do_not_convert_into_pint_units(scale: str, other: str) -> None:
    with pytest.raises(pint.DimensionalityError):
        ureg.Quantity(1.0, parse_unit(scale)).to(ureg.parse_units(other))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("45 HRC", "hardness_hrb"),
        ("45 HRB", "hardness_hrc"),
        ("450 HV", "hardness_hb"),
        ("200 HB", "hardness_hv"),
        ("20 %RH", "spectral_transmittance"),
        ("20 %", "relative_humidity"),
        ("7 pH", "inductance"),
        ("7 pH", "spectral_transmittance"),
        ("5 H", "ph"),
        ("85 dB", "spectral_transmittance"),
        ("5 NTU", "spectral_transmittance"),
        ("1 Hz", "rotational_speed"),
        ("6.283 rad/s", "rotational_speed"),
        ("1 r/s", "frequency"),
        ("3 uGy/h", "dose_rate"),
        ("3 uSv/h", "air_kerma_rate"),
        ("5 %", "plane_angle"),
        ("5 ppm", "plane_angle"),
        ("5 arcsec", "spectral_transmittance"),
        ("5 lx", "luminance"),
        ("5 cd/m^2", "illuminance"),
        ("5 Hz", "activity"),
    ],
)
def test_scales_and_lookalikes_are_rejected_by_kind(text: str, kind: str) -> None:
    with pytest.raises(UnitMismatch):
        canonical(text, kind)


# ---------------------------------------------------------------------------------------------
# Every catalogue kind


@pytest.mark.parametrize("kind", list(kinds().values()), ids=lambda k: k.code)
def test_every_kind_canonical_unit_converts_to_itself(kind: QuantityKind) -> None:
    assert converter(kind.canonical_unit, kind, difference=False) == (1.0, 0.0)
    assert converter(kind.canonical_unit, kind.code, difference=True) == (1.0, 0.0)
    assert canonical(f"1.25 {kind.canonical_unit}", kind) == 1.25
    assert canonical(f"-3e-7 {kind.canonical_unit}", kind.code, difference=True) == -3e-7
    dimension(kind.canonical_unit)  # describable


# ---------------------------------------------------------------------------------------------
# Wrong dimension


@pytest.mark.parametrize(
    ("text", "kind", "unit", "got", "expected"),
    [
        ("5 kg", "pressure", "kg", "[mass]", "[mass]/[length]/[time]^2"),
        ("20 %", "relative_humidity", "%", "dimensionless", "[relative_humidity]"),
        ("1 Hz", "rotational_speed", "Hz", "1/[time]", "[rotation]/[time]"),
        ("3 uGy/h", "dose_rate", "uGy/h", "[length]^2/[time]^3", "[dose_equivalent]/[time]"),
        ("5 %", "plane_angle", "%", "dimensionless", "[angle]"),
        ("20 degC", "dc_voltage", "degC", "[temperature]", "[mass]*[length]^2/[time]^3/[current]"),
        ("5 lx", "luminance", "lx", "[luminosity]*[angle]^2/[length]^2", "[luminosity]/[length]^2"),
        ("5 C", "temperature", "C", "[current]*[time]", "[temperature]"),
    ],
)
def test_wrong_dimension_names_value_unit_kind_and_both_dimensions(
    text: str, kind: str, unit: str, got: str, expected: str
) -> None:
    with pytest.raises(UnitMismatch) as err:
        canonical(text, kind)
    message = str(err.value)
    for part in (repr(text), repr(unit), kind, got, expected):
        assert part in message
    e = err.value
    assert (e.unit, e.kind, e.got, e.expected) == (unit, kind, got, expected)
    assert isinstance(e, UnitError)
    assert isinstance(e, InvalidInput)
    assert isinstance(e, ValueError)
    assert isinstance(e, MetroError)
    assert e.status == 422
    assert e.message == message
    # a cached refusal still names the new text
    other = text.replace(text.split()[0], "7.5", 1)
    with pytest.raises(UnitMismatch, match=re.escape(repr(other))):
        canonical(other, kind)


def test_converter_mismatch_names_unit_and_kind() -> None:
    with pytest.raises(UnitMismatch) as err:
        converter("kg", "pressure", difference=False)
    assert "'kg'" in str(err.value)
    assert "pressure" in str(err.value)


def test_unknown_kind() -> None:
    with pytest.raises(NotFound):
        canonical("1 Pa", "no_such_kind")


# ---------------------------------------------------------------------------------------------
# Bare numbers


@pytest.mark.parametrize(
    "kind",
    [
        "ph",
        "hardness_hrc",
        "hardness_hrb",
        "hardness_hv",
        "hardness_hb",
        "turbidity",
        "attenuation",
        "sound_pressure_level",
    ],
)
def test_bare_number_accepted_for_pure_scales(kind: str) -> None:
    assert canonical("7.25", kind) == 7.25
    assert canonical("0.5", kind, difference=True) == 0.5


@pytest.mark.parametrize(
    "kind",
    [
        "pressure",
        "temperature",
        "relative_humidity",
        "spectral_transmittance",
        "plane_angle",
        "gas_amount_fraction",
        "rotational_speed",
        "length",
    ],
)
def test_bare_number_rejected_elsewhere(kind: str) -> None:
    with pytest.raises(UnitError, match=re.escape(f"'0.45': has no unit; kind {kind}")):
        canonical("0.45", kind)


# ---------------------------------------------------------------------------------------------
# format_quantity ↔ parse_quantity


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.02, "kPa", "0.02 kPa"),
        (-40.0, "degC", "-40 degC"),
        (100.0, "MPa", "100 MPa"),
        (1.5e-3, "V", "0.0015 V"),
        (1e-5, "%", "1e-05 %"),
        (1e20, "Pa", "1e+20 Pa"),
        (7.0, "", "7"),
        (233.15, "K", "233.15 K"),
        (20.0, "%RH", "20 %RH"),
    ],
)
def test_format_quantity(value: float, unit: str, text: str) -> None:
    assert format_quantity(value, unit) == text
    assert parse_quantity(text) == (value, unit)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_format_quantity_rejects_non_finite(value: float) -> None:
    with pytest.raises(UnitError):
        format_quantity(value, "Pa")


_UNITS = sorted({k.canonical_unit for k in kinds().values()} | {"°C", "µV", "kPa(g)", ""})


@given(
    value=st.floats(allow_nan=False, allow_infinity=False),
    unit=st.sampled_from(_UNITS),
)
def test_format_parse_round_trip(value: float, unit: str) -> None:
    got_value, got_unit = parse_quantity(format_quantity(value, unit))
    assert got_unit == unit
    assert got_value == value
    assert math.copysign(1.0, got_value) == math.copysign(1.0, value)


@given(value=st.floats(allow_nan=False, allow_infinity=False), kind=st.sampled_from(list(kinds())))
def test_canonical_unit_round_trip_is_exact(value: float, kind: str) -> None:
    text = format_quantity(value, get_kind(kind).canonical_unit)
    assert canonical(text, kind) == value


# ---------------------------------------------------------------------------------------------
# Hot path: no pint after the first call


def test_fast_path_cache_does_not_learn_a_wrong_split() -> None:
    # U+2212 in the exponent: the raw text splits as 5 + "e−3 kPa", the real value is 5e-3 kPa
    assert canonical("5e−3 kPa", "pressure") == approx(5.0)
    assert canonical("7e−3 kPa", "pressure") == approx(7.0)
    assert relative("5e−1 %") == approx(0.005)
    assert relative("7e−1 %") == approx(0.007)


def test_hot_path_does_not_call_pint(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        ("0.02 kPa", "pressure", False),
        ("-40 °C", "temperature", False),
        ("0.9 degF", "temperature", True),
        ("45 HRC", "hardness_hrc", False),
        ("1500 r/min", "rotational_speed", False),
    ]
    first = [canonical(t, k, difference=d) for t, k, d in texts]
    relative("0.5 %")

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("pint called on the hot path")

    monkeypatch.setattr(ureg, "parse_units", boom)
    monkeypatch.setattr(ureg, "Quantity", boom)
    monkeypatch.setattr(ureg, "get_root_units", boom)
    monkeypatch.setattr(units, "get_kind", boom)
    for _ in range(3):
        assert [canonical(t, k, difference=d) for t, k, d in texts] == first
    assert canonical("12.5 kPa", "pressure") == 12_500.0
    assert canonical("12.5 kPa", get_kind("pressure")) == 12_500.0
    assert relative("0.25 %") == 0.0025
    assert converter("kPa", "pressure", difference=False) == (1000.0, 0.0)
