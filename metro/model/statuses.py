"""Status words of an asset at a date and their order: the one home of the words.

DESIGN.md "Asset status at t": the first word that applies wins —
``never_calibrated`` › ``failed`` › ``overdue`` › ``untraceable`` › ``suspect`` › ``due_soon`` ›
``valid``. The position of a word in :data:`ORDER` is its code in bulk arrays. ``valid`` and
``due_soon`` are the words of a traceable asset: coverage check 5, providers and supervision
accept exactly those (:data:`TRACEABLE_STATUSES`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Status(StrEnum):
    NEVER_CALIBRATED = "never_calibrated"
    FAILED = "failed"
    OVERDUE = "overdue"
    UNTRACEABLE = "untraceable"
    SUSPECT = "suspect"
    DUE_SOON = "due_soon"
    VALID = "valid"


#: The words, first that applies first.
ORDER: Final[tuple[Status, ...]] = tuple(Status)
#: A word's code in bulk arrays: its position in :data:`ORDER`.
CODE: Final[dict[Status, int]] = {s: i for i, s in enumerate(ORDER)}
#: The words as plain strings, in order (for CLI choices and tables).
STATUS_WORDS: Final[tuple[str, ...]] = tuple(s.value for s in ORDER)
#: The words of a traceable asset (coverage check 5, providers, supervision).
TRACEABLE_STATUSES: Final[frozenset[str]] = frozenset({Status.VALID.value, Status.DUE_SOON.value})
#: Days before ``valid_until`` from which an asset is ``due_soon`` unless told otherwise.
DEFAULT_LEAD_DAYS: Final = 30


def is_traceable(word: str) -> bool:
    """True for ``valid`` and ``due_soon``."""
    return word in TRACEABLE_STATUSES
