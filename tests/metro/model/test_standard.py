"""Standard validates itself: level, public examination certificate, exam dates, status."""

from __future__ import annotations

from datetime import date

import pytest

from metro.model.fields import InvalidField
from metro.model.standard import Standard


def public(**over) -> Standard:
    fields = {
        "code": "HN-P1",
        "name": "压力标准装置",
        "owner": "HNIMT",
        "level": "public_highest",
        "exam_cert": "[2022]湘量标证字第1号",
        "exam_valid_from": date(2022, 1, 1),
        "exam_valid_until": date(2027, 12, 31),
    }
    return Standard(**{**fields, **over})


def test_a_public_standard_with_its_examination_certificate():
    assert public().is_public and public().status == "active"


def test_a_working_standard_needs_no_examination_certificate():
    s = Standard(code="W", name="w", owner="ENT1", level="working")
    assert not s.is_public


@pytest.mark.parametrize("missing", ["exam_cert", "exam_valid_from", "exam_valid_until"])
def test_a_public_standard_without_its_examination_is_refused(missing):
    with pytest.raises(InvalidField) as exc:
        public(**{missing: None})
    assert exc.value.field == missing and "考核证书" in exc.value.why


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"level": "national"}, "level"),
        ({"status": "lost"}, "status"),
        ({"exam_valid_until": date(2021, 12, 31)}, "exam_valid_until"),
        ({"exam_cert": "c" * 101}, "exam_cert"),
        ({"name": "n" * 201}, "name"),
        ({"code": ""}, "code"),
    ],
)
def test_each_refusal_names_its_field(over, field):
    with pytest.raises(InvalidField) as exc:
        public(**over)
    assert exc.value.field == field


def test_the_change_log_form_is_text():
    assert public().as_log()["exam_valid_until"] == "2027-12-31"
