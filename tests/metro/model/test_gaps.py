"""Gap reasons and the order of the five checks have one home (metro.model.gaps): coverage's
scores and the generator's designed gaps read it."""

from __future__ import annotations

import pytest

from metro.coverage import matching
from metro.model.gaps import MET, REASONS, GapReason, reason_for
from metro.synth import settings as synth_settings
from tests.metro.coverage.builders import cap, coverage, need


def test_reasons_in_check_order() -> None:
    assert REASONS == ("no_standard", "range", "uncertainty", "standard_expired", "untraceable")
    assert [reason_for(s) for s in range(MET)] == [r.value for r in GapReason]
    assert reason_for(MET) is None
    with pytest.raises(ValueError, match="coverage score 6"):
        reason_for(6)


def test_every_user_reads_the_home() -> None:
    assert matching.REASONS is REASONS and synth_settings.GAP_REASONS is REASONS
    assert (matching.NO_STANDARD, matching.RANGE, matching.UNCERTAINTY, matching.EXPIRED,
            matching.UNTRACEABLE, matching.MET) == (0, 1, 2, 3, 4, 5)


@pytest.mark.parametrize(
    ("capability", "words", "reason"),
    [
        (dict(kind="temperature", lo=233.15, hi=400.0), None, "no_standard"),
        (dict(hi=5e6), None, "range"),
        (dict(u_rel=0.01), None, "uncertainty"),
        (dict(status="sealed"), None, "standard_expired"),
        (dict(), ("overdue", "certificate C was valid until 2025-01-01"), "untraceable"),
    ],
)
def test_a_gap_says_the_check_that_failed(capability: dict[str, object],
                                          words: tuple[str, str] | None, reason: str) -> None:
    c = cap(**capability)  # type: ignore[arg-type]
    report = coverage([need()], [c], {c.standard_id: words} if words else None)
    (gap,) = report.gaps
    assert gap.reason == reason == reason_for(int(report.result.score[0]))
