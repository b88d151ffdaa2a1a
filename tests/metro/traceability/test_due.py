"""Due lists: due by DATE + DAYS, overdue included, failed and never calibrated left out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection

from metro.errors import NotFound
from metro.traceability import due_list, province_status
from tests.metro.traceability.province import T


def test_due_within_30_days(hand_built: Connection) -> None:
    items = due_list(hand_built, T, 30)
    assert [(i.asset, i.status.value) for i in items] == [
        ("CS-OLD", "overdue"), ("G-OVER", "overdue"), ("G-SOON", "due_soon")]
    assert [i.due for i in items] == sorted(i.due for i in items)
    assert items[0].as_json() == {"asset": "CS-OLD", "owner": "CSIM", "due": "2025-01-09",
                                  "status": "overdue"}


def test_due_list_is_the_status_pass_filtered(hand_built: Connection) -> None:
    within = 400
    state = province_status(hand_built, T)
    limit = T + timedelta(days=within)
    expected = {
        r.asset for r in state.records(hand_built)
        if r.due is not None and r.due <= limit
        and r.status.value not in ("failed", "never_calibrated")
    }
    items = due_list(hand_built, T, within)
    assert {i.asset for i in items} == expected
    assert "G-001" in expected and "G-FAIL" not in expected and "NIM-P" not in expected


def test_owner_filter(hand_built: Connection) -> None:
    items = due_list(hand_built, T, 400, owner="ENT2")
    assert {i.asset for i in items} == {"G-F-EARLY", "G-F-DEEP"}
    assert {i.owner for i in items} == {"ENT2"}
    with pytest.raises(NotFound, match="'NOBODY'"):
        due_list(hand_built, T, 30, owner="NOBODY")
