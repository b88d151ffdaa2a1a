"""Certificate and its result points validate themselves; the rules of an issued certificate."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from metro.model.certificate import (
    Certificate,
    ResultPoint,
    issued_change,
    issued_difference,
    recorded_problem,
    valid_until_problem,
)
from metro.model.fields import InvalidField


def cert(**over) -> Certificate:
    fields = {
        "number": "CS2025-002",
        "issuer": "CSIM",
        "kind": "verification",
        "subject": "G-001",
        "calibrated_on": date(2025, 5, 1),
        "valid_until": date(2026, 4, 30),
        "conclusion": "pass",
        "references": ("CS-P1",),
    }
    return Certificate(**{**fields, **over})


def point(**over) -> ResultPoint:
    fields = {
        "quantity": "pressure",
        "nominal": "10 MPa",
        "measured": "10.002 MPa",
        "u": "0.002 MPa",
        "k": "2",
    }
    return ResultPoint.from_text(**{**fields, **over})


def test_a_valid_certificate_and_its_key():
    assert cert().key == "CSIM#CS2025-002"


@pytest.mark.parametrize(
    ("over", "field", "why"),
    [
        ({"conclusion": "none"}, "conclusion", "pass or fail"),
        ({"conclusion": "ok"}, "conclusion", "must be one of"),
        ({"kind": "inspection"}, "kind", "must be one of"),
        ({"valid_until": date(2025, 4, 30)}, "valid_until", "before calibrated_on"),
        ({"valid_until": None}, "valid_until", "unless the conclusion is fail"),
        ({"references": ("CS-P1", "CS-P1")}, "references", "named twice"),
        ({"subject": "CS-P1", "valid_until": date(2026, 1, 1)}, "references", "itself"),
        ({"number": "N" * 81}, "number", "longer"),
        ({"revoked_reason": "why"}, "reason", "only for a revoked"),
        ({"supersedes": "CS2025-002"}, "supersedes", "cannot replace itself"),
        ({"recorded_on": date(2025, 4, 30)}, "calibrated_on", "after the day it is recorded"),
        ({"interval_months": 0}, "interval_months", "at least 1"),
    ],
)
def test_each_refusal_names_field_and_why(over, field, why):
    with pytest.raises(InvalidField) as exc:
        cert(**over)
    assert exc.value.field == field and why in exc.value.why


def test_a_fail_and_an_instruments_calibration_may_leave_valid_until_empty():
    assert cert(conclusion="fail", valid_until=None).valid_until is None
    assert cert(kind="calibration", conclusion="none", valid_until=None).valid_until is None


def test_a_standards_certificate_states_its_end_date():
    assert valid_until_problem(
        date(2025, 1, 1), None, "pass", kind="calibration", subject_is_standard=True
    )
    assert (
        valid_until_problem(
            date(2025, 1, 1), None, "fail", kind="calibration", subject_is_standard=True
        )
        is None
    )


def test_recorded_the_same_day_is_fine_the_day_before_is_not():
    assert recorded_problem(date(2025, 5, 1), date(2025, 5, 1)) is None
    assert "after the day it is recorded" in (
        recorded_problem(date(2025, 5, 2), date(2025, 5, 1)) or ""
    )


def test_result_points_refuse_zero_uncertainty_and_bad_k():
    with pytest.raises(InvalidField, match="U = 0"):
        point(u="0 MPa")
    with pytest.raises(InvalidField) as exc:
        point(k="0")
    assert exc.value.field == "k"
    with pytest.raises(InvalidField, match="finite"):
        point(nominal="1e308 MPa")
    assert point().nominal == pytest.approx(1e7)


def test_revoking_is_not_an_edit_but_anything_else_is():
    stored = cert(results=(point(),))
    assert issued_change(stored, replace(stored, revoked=True, revoked_reason="x")) is None
    assert issued_change(stored, replace(stored, conclusion="fail")) == "conclusion"
    assert issued_change(stored, replace(stored, subject="G-002")) == "subject"
    assert issued_change(stored, replace(stored, references=("HN-P1",))) == "references"
    assert issued_change(stored, replace(stored, results=())) == "results"
    assert issued_change(stored, replace(stored, results=()), results=False) is None
    revoked = replace(stored, revoked=True, revoked_reason="x")
    assert issued_change(revoked, stored) == "status"
    assert issued_change(revoked, replace(revoked, revoked_reason="y")) == "reason"
    assert issued_change(stored, replace(stored, supersedes="CS2024-001")) == "supersedes"


def test_an_empty_optional_column_keeps_what_is_stored():
    before = {"kind": "verification", "status": "revoked", "reason": "x", "supersedes": "A"}
    after = {**before, "reason": "", "supersedes": ""}
    assert issued_difference(before, after) is None
