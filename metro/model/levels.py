"""Levels of the traceability hierarchy and the rule that a reference stands above its subject.

High → low: ``primary`` (计量基准, national) › ``public_highest`` (社会公用计量标准 最高) ›
``public_secondary`` (社会公用 次级) › ``department_highest`` / ``enterprise_highest`` (部门/企事业
最高, same rank) › ``working`` (工作标准); instruments (工作计量器具) are below all.
"""

from __future__ import annotations

from typing import Final

LEVEL_RANK: Final[dict[str, int]] = {
    "primary": 5,
    "public_highest": 4,
    "public_secondary": 3,
    "department_highest": 2,
    "enterprise_highest": 2,
    "working": 1,
}
INSTRUMENT_RANK: Final = 0
LEVELS: Final = tuple(LEVEL_RANK)
PUBLIC_LEVELS: Final = frozenset({"public_highest", "public_secondary"})


def stands_above(reference_level: str, subject_level: str | None) -> bool:
    """True when a standard of ``reference_level`` may calibrate a subject of ``subject_level``.

    ``subject_level`` None means an instrument.
    """
    subject_rank = INSTRUMENT_RANK if subject_level is None else LEVEL_RANK[subject_level]
    return LEVEL_RANK[reference_level] > subject_rank
