"""Status reasons read back into their templates (metro.model.reasons)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from metro.model import reasons as r
from metro.model.statuses import Status
from metro.traceability.status import simple_reason

AT = date(2026, 11, 26)


@pytest.mark.parametrize("template", r.TEMPLATES)
def test_every_template_reads_back_what_it_wrote(template: str) -> None:
    fields = {name: f"<{name}>" for name in re.findall(r"\{(\w+)\}", template)}
    if "status" in fields:
        fields["status"] = "due_soon"
    if "reason" in fields:
        fields["reason"] = r.VALID_UNTIL.format(number="C-1", valid_until="2027-01-01")
    assert r.parse(template.format(**fields)) == (template, fields)


@pytest.mark.parametrize(
    ("status", "number", "until", "template"),
    [
        (Status.NEVER_CALIBRATED, None, None, r.NO_CERTIFICATE),
        (Status.FAILED, "C-1", None, r.CONCLUDES_FAIL),
        (Status.VALID, "C-1", None, r.NO_VALID_UNTIL),
        (Status.OVERDUE, "C-1", date(2026, 1, 1), r.WAS_VALID_UNTIL),
        (Status.DUE_SOON, "C-1", date(2026, 12, 6), r.DUE_SOON),  # not taken for VALID_UNTIL
        (Status.VALID, "C-1", date(2027, 6, 1), r.VALID_UNTIL),
    ],
)
def test_the_engines_simple_reasons_read_back(status, number, until, template) -> None:
    said = simple_reason(status, number, date(2025, 6, 1), until, AT)
    found = r.parse(said)
    assert found is not None and found[0] == template


def test_a_chain_reason_reads_part_by_part() -> None:
    said = r.SEPARATOR.join([
        r.TRACEABLE.format(roots="NIM-P1, NIM-P2", paths=2),
        r.PROPAGATED_U.format(u="0.02 %"),
        r.WITH_STATUS.format(status="due_soon", reason=r.DUE_SOON.format(
            number="HN-1", valid_until="2026-12-06", days=10)),
    ])
    found = [r.parse(p) for p in r.parts(said)]
    assert [f[0] for f in found if f] == [r.TRACEABLE, r.PROPAGATED_U, r.WITH_STATUS]
    assert found[0] is not None and found[0][1] == {"roots": "NIM-P1, NIM-P2", "paths": "2"}


def test_the_reference_template_comes_before_the_bare_code() -> None:
    said = r.REFERENCE_NO_CERTIFICATE.format(code="HN-P1", day="2026-01-01")
    assert r.parse(said) == (r.REFERENCE_NO_CERTIFICATE, {"code": "HN-P1", "day": "2026-01-01"})


def test_a_reason_no_template_words_is_none() -> None:
    assert r.parse("U 20 ppm where ≤ 16.7 ppm was needed") is None
    assert r.parse("unknown_word: something") is None  # {status} takes status codes only
