"""The words of status reasons: templates with named fields, in one home.

The engine writes every status reason it composes from these templates (and supervision its
flags' own) (English: what the
CLI and the API answer, unchanged). A page in another language reads a reason back into its
template and fields (:func:`parse`) and words it from its own catalogue, where each template
is a message id; a reason no template matches is shown as written.

A chain's reason joins parts with ``"; "`` (traceable to …; propagated U …; due_soon: …):
:func:`parts` splits them so that each is read on its own. ``{reason}`` is always the last
field of a template and holds another reason (read in turn); ``{status}`` is a status code.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

NO_CERTIFICATE: Final = "no certificate calibrated on or before {at}"
CONCLUDES_FAIL: Final = "certificate {number} of {calibrated_on} concludes fail"
NO_VALID_UNTIL: Final = "certificate {number} gives no valid_until"
WAS_VALID_UNTIL: Final = "certificate {number} was valid until {valid_until}"
DUE_SOON: Final = "certificate {number} is valid until {valid_until} ({days} days left)"
VALID_UNTIL: Final = "certificate {number} is valid until {valid_until}"
TRACEABLE: Final = "traceable to {roots} along {paths} path(s)"
PROPAGATED_U: Final = "propagated U (k=2) {u}"
FIRST_BROKEN: Final = (
    "first broken link: certificate {number} of {subject} (depth {depth}, used on {used_on}): "
    "{reason}"
)
WITH_STATUS: Final = "{status}: {reason}"
# a link's own problems (metro.traceability.chain, .soundness)
LINK_CONCLUDES_FAIL: Final = "certificate {number} concludes fail"
NO_LONGER_IN_FORCE: Final = (
    "certificate {number} was no longer in force on {used_on} (valid until {until})"
)
NO_REFERENCE: Final = "certificate {number} names no reference standard"
REFERENCE_NO_CERTIFICATE: Final = "reference {code} had no certificate on or before {day}"
HAD_NO_CERTIFICATE: Final = "{code} had no certificate on or before {day}"
HAD_FAILED: Final = "{code} had failed on {day} (certificate {number})"
HAD_EXPIRED: Final = "{code}'s certificate {number} had expired on {day} (valid until {until})"
# supervision's own flags (metro.model.supervision.flag_reason)
NO_VERIFICATION_RESULT: Final = (
    "verification {number} of {calibrated_on} states no conclusion: no verification result"
)
CALIBRATION_ONLY: Final = (
    "certificate {number} of {calibrated_on} is a calibration (校准), which does not satisfy "
    "mandatory verification (强制检定)"
)
UNAUTHORIZED: Final = (
    "verification {number} of {calibrated_on} was issued by {issuer}, not authorized to verify "
    "{quantity} on that day"
)

#: Every template, the most specific first (``DUE_SOON`` before ``VALID_UNTIL``, whose
#: pattern would also take a due-soon reason; the reference's before the bare code's).
TEMPLATES: Final = (
    NO_CERTIFICATE, CONCLUDES_FAIL, NO_VALID_UNTIL, WAS_VALID_UNTIL, DUE_SOON, VALID_UNTIL,
    TRACEABLE, PROPAGATED_U, FIRST_BROKEN, WITH_STATUS, LINK_CONCLUDES_FAIL,
    NO_LONGER_IN_FORCE, NO_REFERENCE, REFERENCE_NO_CERTIFICATE, HAD_NO_CERTIFICATE, HAD_FAILED,
    HAD_EXPIRED, NO_VERIFICATION_RESULT, CALIBRATION_ONLY, UNAUTHORIZED,
)
SEPARATOR: Final = "; "
_FIELD = re.compile(r"\{(\w+)\}")
_STATUS_CODES: Final = (
    "valid", "due_soon", "overdue", "failed", "untraceable", "suspect", "never_calibrated",
)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for template in TEMPLATES:
        pattern, at = "", 0
        for m in _FIELD.finditer(template):
            pattern += re.escape(template[at : m.start()])
            name = m.group(1)
            if name == "status":
                pattern += f"(?P<status>{'|'.join(_STATUS_CODES)})"
            elif name == "reason":
                pattern += "(?P<reason>.+)"
            else:
                pattern += f"(?P<{name}>.+?)"
            at = m.end()
        pattern += re.escape(template[at:])
        out.append((template, re.compile(pattern + r"\Z", re.DOTALL)))
    return tuple(out)


def parse(text: str) -> tuple[str, dict[str, str]] | None:
    """``(template, fields)`` of one part of a reason, or None when no template words it."""
    for template, pattern in _patterns():
        m = pattern.match(text)
        if m is not None:
            return template, m.groupdict()
    return None


def parts(reason: str) -> list[str]:
    """The parts of a reason (a chain's reason joins several with ``"; "``)."""
    return reason.split(SEPARATOR)
