"""Gap reasons of an uncovered demand item and the order of the five coverage checks.

DESIGN.md "Coverage of the 95 % need": a candidate meets a demand item after five checks, in
order — same kind; a capability range contains the demand range; uncertainty adequate;
``active`` with an examination certificate valid at t; status ``valid`` or ``due_soon``. The
*score* of a candidate is how many checks it passes (1..5, 0 when no candidate has the kind);
an uncovered item's reason is the check that failed for the candidate that passed most:

========  ====================  =============================================================
score     reason                the check that failed
========  ====================  =============================================================
0         ``no_standard``       no candidate of the item's kind
1         ``range``             no capability range contains the demand range
2         ``uncertainty``       U(k=2) above MPE / ratio somewhere on the range
3         ``standard_expired``  not active, or no examination certificate valid at t
4         ``untraceable``       status at t neither ``valid`` nor ``due_soon``
========  ====================  =============================================================
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class GapReason(StrEnum):
    NO_STANDARD = "no_standard"
    RANGE = "range"
    UNCERTAINTY = "uncertainty"
    STANDARD_EXPIRED = "standard_expired"
    UNTRACEABLE = "untraceable"


#: Scores: how many checks a candidate passed, in check order.
NO_STANDARD: Final = 0
RANGE: Final = 1
UNCERTAINTY: Final = 2
EXPIRED: Final = 3
UNTRACEABLE: Final = 4
MET: Final = 5

#: The gap reason of an uncovered item, indexed by its score (0..4).
REASONS: Final[tuple[str, ...]] = tuple(r.value for r in GapReason)


def reason_for(score: int) -> str | None:
    """The gap reason of an item whose best candidate scored ``score``; None when covered."""
    if not NO_STANDARD <= score <= MET:
        raise ValueError(f"coverage score {score}: must be 0 to {MET}")
    return None if score == MET else REASONS[score]
