"""Levels and "a reference stands above its subject": one home (metro.model.levels)."""

from __future__ import annotations

import pytest

from metro.model.levels import LEVELS, PUBLIC_LEVELS, stands_above


def test_the_hierarchy() -> None:
    assert LEVELS[0] == "primary" and LEVELS[-1] == "working"
    assert {"public_highest", "public_secondary"} == PUBLIC_LEVELS
    assert stands_above("primary", "public_highest")
    assert stands_above("public_secondary", "enterprise_highest")
    assert not stands_above("department_highest", "enterprise_highest")  # the same rank
    assert not stands_above("public_secondary", "public_highest")


@pytest.mark.parametrize("level", LEVELS)
def test_every_standard_stands_above_an_instrument(level: str) -> None:
    assert stands_above(level, None)
