"""Demand item validates itself."""

from __future__ import annotations

import pytest

from metro.model.demand import Demand
from metro.model.fields import InvalidField


def item(**over) -> Demand:
    fields = {
        "code": "D-001",
        "quantity": "temperature",
        "range_min": "-40 degC",
        "range_max": "150 degC",
        "mpe_abs": "0.9 degF",
        "mpe_rel": None,
        "region": "430100",
        "count": 120,
    }
    return Demand.from_text(**{**fields, **over})


def test_a_range_converts_as_absolute_and_an_mpe_as_a_difference():
    d = item()
    assert d.range_min == pytest.approx(233.15) and d.mpe_abs == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"count": -1}, "count"),
        ({"count": 2**31}, "count"),
        ({"region": "4301"}, "region"),
        ({"field": "space"}, "field"),
        ({"mpe_abs": None}, "mpe_abs"),
        ({"code": "D" * 65}, "code"),
        ({"range_max": "-50 degC"}, "range_min"),
    ],
)
def test_each_refusal_names_its_field(over, field):
    with pytest.raises(InvalidField) as exc:
        item(**over)
    assert exc.value.field == field


def test_a_priority_field_is_kept():
    assert item(field="medical").field == "medical"
