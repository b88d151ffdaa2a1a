"""The shared field checks: database sizes, 2^31-1, NUL, finite numbers, U = 0."""

from __future__ import annotations

import pytest

from metro.errors import InvalidInput
from metro.model import fields as f


def test_text_within_its_column_is_kept():
    assert f.text("name", "名" * f.NAME_LEN, f.NAME_LEN) == "名" * f.NAME_LEN


@pytest.mark.parametrize(
    ("value", "why"),
    [("x" * 201, "201 characters, longer than the 200 allowed"), ("a\x00b", "NUL"), (" ", "empty")],
)
def test_text_refusals_name_field_value_and_why(value, why):
    with pytest.raises(f.InvalidField) as exc:
        f.text("name", value, f.NAME_LEN)
    assert exc.value.field == "name" and why in exc.value.why
    assert isinstance(exc.value, InvalidInput) and exc.value.status == 422
    assert str(exc.value).startswith("name ")


def test_integers_stop_at_2_31_minus_1():
    assert f.integer("count", f.MAX_INT, minimum=0) == f.MAX_INT
    with pytest.raises(f.InvalidField, match="at most 2147483647"):
        f.integer("count", f.MAX_INT + 1, minimum=0)
    with pytest.raises(f.InvalidField, match="at least 0"):
        f.integer("count", -1, minimum=0)
    with pytest.raises(f.InvalidField, match="whole number"):
        f.integer("count", True, minimum=0)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_numbers_are_finite(value):
    with pytest.raises(f.InvalidField, match="finite"):
        f.number("range_max", value)


def test_1e308_mpa_overflows_once_converted():
    with pytest.raises(f.InvalidField) as exc:
        f.quantity("range_max", "1e308 MPa", "pressure")
    assert exc.value.value == "1e308 MPa" and "finite" in exc.value.why
    assert f.quantity("range_max", "1 MPa", "pressure") == pytest.approx(1e6)


def test_a_quantity_of_the_wrong_dimension_is_refused_with_the_units_reason():
    with pytest.raises(f.InvalidField) as exc:
        f.quantity("range_max", "60 kg", "pressure")
    assert exc.value.field == "range_max" and exc.value.value == "60 kg"


def test_differences_are_not_negative():
    with pytest.raises(f.InvalidField, match="negative"):
        f.quantity("mpe_abs", "-1 kPa", "pressure", difference=True)
    with pytest.raises(f.InvalidField, match="negative"):
        f.fraction("mpe_rel", "-1 %")


def test_zero_uncertainty_is_a_problem_only_when_both_terms_are_zero():
    assert "U = 0" in (f.uncertainty_problem(0.0, 0.0) or "")
    assert f.uncertainty_problem(0.0, 1e-4) is None
    assert f.uncertainty_problem(1.0, 0.0) is None


def test_regions_are_six_digits():
    assert f.region("region", "430100") == "430100"
    for bad in ("4301", "43010a", "４３０１００"):
        with pytest.raises(f.InvalidField, match="6-digit"):
            f.region("region", bad)
