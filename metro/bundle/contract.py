"""The bundle's files, columns and enumerations, exactly as DESIGN.md's data contract fixes them.

Files are loaded in this order; each refers only to files before it.
"""

from __future__ import annotations

from typing import Final

FILES: Final[dict[str, tuple[str, ...]]] = {
    "organizations.csv": ("code", "name", "kind", "region"),
    "standards.csv": (
        "code",
        "name",
        "owner",
        "level",
        "exam_cert",
        "exam_valid_from",
        "exam_valid_until",
        "status",
    ),
    "capabilities.csv": ("standard", "quantity", "range_min", "range_max", "u_abs", "u_rel", "k"),
    "instruments.csv": (
        "code",
        "name",
        "owner",
        "quantity",
        "range_min",
        "range_max",
        "mpe_abs",
        "mpe_rel",
        "mandatory",
        "interval_months",
    ),
    "certificates.csv": (
        "number",
        "issuer",
        "kind",
        "subject",
        "calibrated_on",
        "valid_until",
        "conclusion",
        "references",
        "status",
    ),
    "results.csv": ("certificate", "nominal", "measured", "u", "k"),
    "demands.csv": (
        "code",
        "quantity",
        "range_min",
        "range_max",
        "mpe_abs",
        "mpe_rel",
        "region",
        "count",
    ),
}

ORGANIZATION_KINDS: Final = ("bureau", "nmi", "institute", "lab", "enterprise")
STANDARD_STATUSES: Final = ("active", "sealed", "revoked")
CERTIFICATE_KINDS: Final = ("verification", "calibration")
CONCLUSIONS: Final = ("pass", "fail", "none")
CERTIFICATE_STATUSES: Final = ("valid", "revoked")
TRUE_WORDS: Final = frozenset({"true", "yes", "1", "y", "t"})
FALSE_WORDS: Final = frozenset({"false", "no", "0", "n", "f"})
REFERENCE_SEPARATOR: Final = ";"
# results.csv names a certificate by number; where the number alone is ambiguous (two issuers
# use it) it is written ISSUER#NUMBER.
QUALIFIER: Final = "#"
