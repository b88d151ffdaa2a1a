"""Issue 9 item 3 and the certificate rules at load: SQLite and PostgreSQL accept the same data.

Each bad cell is one row error naming file, line, column and why — never a driver traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from metro.bundle.issues import BundleRejected
from metro.bundle.load import load_bundle
from metro.db.models import Certificate
from metro.model.fields import MAX_INT
from tests import factories as f

NOW = datetime(2026, 11, 26, tzinfo=UTC)
Province = dict[str, list[dict[str, str]]]


def _set(file: str, index: int, **changes: str) -> Callable[[Province], None]:
    def mutate(p: Province) -> None:
        p[file][index].update(changes)

    return mutate


CASES: dict[str, tuple[Callable[[Province], None], str, int, str, str]] = {
    "a 300-character name": (
        _set("organizations.csv", 1, name="名" * 300),
        "organizations.csv",
        3,
        "name",
        "longer than the 200 allowed",
    ),
    "a NUL byte in a name": (
        _set("standards.csv", 1, name="标准\x00装置"),
        "standards.csv",
        3,
        "name",
        "NUL",
    ),
    "a code longer than its column": (
        _set("demands.csv", 0, code="D" * 65),
        "demands.csv",
        2,
        "code",
        "longer than the 64 allowed",
    ),
    "a count over 2^31-1": (
        _set("demands.csv", 0, count=str(MAX_INT + 1)),
        "demands.csv",
        2,
        "count",
        f"at most {MAX_INT}",
    ),
    "an interval of a thousand years": (
        _set("instruments.csv", 0, interval_months="12000"),
        "instruments.csv",
        2,
        "interval_months",
        "at most 1200",
    ),
    "1e308 MPa overflows": (
        _set("capabilities.csv", 1, range_max="1e308 MPa"),
        "capabilities.csv",
        3,
        "range_max",
        "not a finite number",
    ),
    "inf is refused": (
        _set("instruments.csv", 1, range_max="inf MPa"),
        "instruments.csv",
        3,
        "range_max",
        "inf",
    ),
    "zero uncertainty of a standard": (
        _set("capabilities.csv", 2, u_abs="0 MPa", u_rel=""),
        "capabilities.csv",
        4,
        "u_abs",
        "no metrology standard has U = 0",
    ),
    "zero uncertainty of a result": (
        _set("results.csv", 0, u="0 MPa"),
        "results.csv",
        2,
        "u",
        "U = 0",
    ),
    "a verification concluding none": (
        _set("certificates.csv", 1, conclusion="none"),
        "certificates.csv",
        3,
        "conclusion",
        "pass or fail",
    ),
    "a certificate dated after the load": (
        _set("certificates.csv", 3, calibrated_on="2026-11-27", valid_until="2027-11-26"),
        "certificates.csv",
        5,
        "calibrated_on",
        "after the day it is recorded",
    ),
    "a reason on a valid certificate": (
        _set("certificates.csv", 3, reason="typo"),
        "certificates.csv",
        5,
        "reason",
        "only for a revoked",
    ),
    "a certificate superseding itself": (
        _set("certificates.csv", 3, supersedes="CS2025-002"),
        "certificates.csv",
        5,
        "supersedes",
        "cannot replace itself",
    ),
    "superseding an unknown number": (
        _set("certificates.csv", 3, supersedes="CS2024-999"),
        "certificates.csv",
        5,
        "supersedes",
        "no certificate CS2024-999 of the same issuer",
    ),
    "superseding another issuer's number": (
        _set("certificates.csv", 3, supersedes="HN2025-002"),
        "certificates.csv",
        5,
        "supersedes",
        "of the same issuer",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_bad_cell_is_one_row_error(db, tmp_path, name):
    mutate, file, line, column, why = CASES[name]
    province = f.small_province()
    mutate(province)
    with pytest.raises(BundleRejected) as exc, db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", province), actor="t", now=NOW)
    issues = exc.value.issues
    assert [(i.file, i.line, i.column) for i in issues] == [(file, line, column)], [
        str(i) for i in issues
    ]
    assert why in issues[0].why


def test_an_instruments_calibration_may_leave_its_end_to_the_interval(db, tmp_path):
    province = f.small_province()
    province["certificates.csv"][4]["valid_until"] = ""  # ENT2025-001: calibration of G-002
    with db.engine.begin() as conn:
        report = load_bundle(conn, f.write_bundle(tmp_path / "b", province), actor="t", now=NOW)
    assert report.counts["certificates.csv"]["created"] == 5
    with db.engine.connect() as conn:
        kept = conn.execute(
            select(
                Certificate.valid_until, Certificate.interval_months, Certificate.recorded_on
            ).where(Certificate.number == "ENT2025-001")
        ).one()
    # The interval in force and the day of recording are kept with the certificate.
    assert tuple(kept) == (None, 12, NOW.date())


def test_a_standards_calibration_states_its_end(db, tmp_path):
    province = f.small_province()
    province["certificates.csv"][0]["valid_until"] = ""  # HN2025-001: calibration of HN-P1
    with pytest.raises(BundleRejected) as exc, db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", province), actor="t", now=NOW)
    assert [(i.line, i.column) for i in exc.value.issues] == [(2, "valid_until")]
