"""Status words and their order have one home: every user reads metro.model.statuses."""

from __future__ import annotations

from metro.cli.trace import COLOURS
from metro.coverage import status as coverage_status
from metro.model import statuses
from metro.model.statuses import ORDER, STATUS_WORDS, TRACEABLE_STATUSES, Status, is_traceable
from metro.traceability import status as trace_status
from metro.traceability.leaves import CODE as LEAF_CODE


def test_the_words_in_their_order() -> None:
    assert STATUS_WORDS == ("never_calibrated", "failed", "overdue", "untraceable", "suspect",
                            "due_soon", "valid")
    assert [s.value for s in ORDER] == list(STATUS_WORDS)
    assert {"valid", "due_soon"} == TRACEABLE_STATUSES
    assert [w for w in STATUS_WORDS if is_traceable(w)] == ["due_soon", "valid"]


def test_every_user_reads_the_home() -> None:
    assert trace_status.Status is Status and trace_status.ORDER is ORDER
    assert LEAF_CODE is statuses.CODE
    assert coverage_status.STATUS_WORDS is STATUS_WORDS
    assert coverage_status.TRACEABLE_STATUSES is TRACEABLE_STATUSES
    assert set(COLOURS) == set(STATUS_WORDS)
