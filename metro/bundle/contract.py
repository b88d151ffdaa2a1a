"""The bundle's files, columns and enumerations, exactly as DESIGN.md's data contract fixes them.

Files are loaded in this order; each refers only to files before it (a certificate's
``supersedes`` may name a certificate of the same file, before or after it).
"""

from __future__ import annotations

from typing import Final

from metro.model import fields as f

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
        "usage",
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
        "reason",
        "supersedes",
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
        "field",
    ),
    "authorizations.csv": ("organization", "quantity", "valid_from", "valid_until"),
}

# Optional columns, at the end of their file's columns: a bundle without them loads as before
# (their cells read as empty), and export writes them only when some row has a value.
OPTIONAL: Final[dict[str, tuple[str, ...]]] = {
    "certificates.csv": ("reason", "supersedes"),
    "instruments.csv": ("usage",),
    "demands.csv": ("field",),
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

# Free-text cells and the size of the column they are stored in (metro.model.fields): longer
# text or a NUL byte is a row error on every database. Columns checked otherwise (kinds,
# enumerations, dates, codes that must name a known object) are not listed.
_GIVEN = f.GIVEN_LEN
LIMITS: Final[dict[str, dict[str, int]]] = {
    "organizations.csv": {"code": f.CODE_LEN, "name": f.NAME_LEN},
    "standards.csv": {"code": f.CODE_LEN, "name": f.NAME_LEN, "exam_cert": f.EXAM_CERT_LEN},
    "capabilities.csv": {
        "range_min": _GIVEN,
        "range_max": _GIVEN,
        "u_abs": _GIVEN,
        "u_rel": _GIVEN,
        "k": f.K_GIVEN_LEN,
    },
    "instruments.csv": {
        "code": f.CODE_LEN,
        "name": f.NAME_LEN,
        "range_min": _GIVEN,
        "range_max": _GIVEN,
        "mpe_abs": _GIVEN,
        "mpe_rel": _GIVEN,
    },
    "certificates.csv": {
        "number": f.NUMBER_LEN,
        "reason": f.REASON_LEN,
        "supersedes": f.NUMBER_LEN,
    },
    "results.csv": {
        "nominal": _GIVEN,
        "measured": _GIVEN,
        "u": _GIVEN,
        "k": f.K_GIVEN_LEN,
    },
    "demands.csv": {
        "code": f.CODE_LEN,
        "range_min": _GIVEN,
        "range_max": _GIVEN,
        "mpe_abs": _GIVEN,
        "mpe_rel": _GIVEN,
    },
}
