"""Instrument validates itself; ``from_text`` converts through the one unit registry."""

from __future__ import annotations

import pytest

from metro.model.fields import InvalidField
from metro.model.instrument import Instrument


def gauge(**over) -> Instrument:
    fields = {
        "code": "G-001",
        "name": "压力表",
        "owner": "ENT1",
        "quantity": "pressure",
        "range_min": "0 MPa",
        "range_max": "10 MPa",
        "mpe_rel": "1.6 %",
        "mandatory": True,
        "interval_months": 12,
    }
    return Instrument.from_text(**{**fields, **over})


def test_from_text_keeps_the_given_and_the_canonical_values():
    g = gauge()
    assert (g.range_max_given, g.range_max, g.mpe_rel) == ("10 MPa", pytest.approx(1e7), 0.016)
    assert g.mpe_abs_given is None and g.mpe_abs == 0.0


@pytest.mark.parametrize(
    ("over", "field", "why"),
    [
        ({"quantity": "presure"}, "quantity", "must be one of"),
        ({"range_max": "10 kg"}, "range_max", ""),
        ({"range_max": "1e308 MPa"}, "range_max", "finite"),
        ({"range_min": "20 MPa"}, "range_min", "greater than range_max"),
        ({"mpe_rel": None}, "mpe_abs", "give mpe_abs, mpe_rel or both"),
        ({"mpe_abs": "-1 kPa"}, "mpe_abs", "negative"),
        ({"interval_months": 0}, "interval_months", "at least 1"),
        ({"interval_months": 2**31}, "interval_months", "at most 1200"),
        ({"name": "x" * 201}, "name", "longer"),
        ({"code": "G\x00"}, "code", "NUL"),
        ({"usage": "fun"}, "usage", "must be one of"),
    ],
)
def test_each_refusal_names_field_and_why(over, field, why):
    with pytest.raises(InvalidField) as exc:
        gauge(**over)
    assert exc.value.field == field and why in exc.value.why
