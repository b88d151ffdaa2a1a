"""Every kind of bad row is rejected with file, line, column, value and why; nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from metro.bundle.issues import BundleRejected
from metro.bundle.load import load_bundle
from metro.db.models import Certificate, ChangeLog, Organization, Standard
from tests import factories as f

Province = dict[str, list[dict[str, str]]]
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def _set(file: str, index: int, **changes: str) -> Callable[[Province], None]:
    def mutate(p: Province) -> None:
        p[file][index].update(changes)

    return mutate


def _add(file: str, row: dict[str, str]) -> Callable[[Province], None]:
    return lambda p: p[file].append(row)


CASES: dict[str, tuple[Callable[[Province], None], str, int, str, str]] = {
    # name: (mutation, file, line, column, words in why)
    "unknown organization kind": (
        _set("organizations.csv", 1, kind="university"),
        "organizations.csv",
        3,
        "kind",
        "must be one of",
    ),
    "bad region": (
        _set("organizations.csv", 2, region="4301"),
        "organizations.csv",
        4,
        "region",
        "6-digit",
    ),
    "unknown owner": (
        _set("standards.csv", 1, owner="NOBODY"),
        "standards.csv",
        3,
        "owner",
        "unknown organization",
    ),
    "unknown level": (
        _set("standards.csv", 1, level="public_higest"),
        "standards.csv",
        3,
        "level",
        "must be one of",
    ),
    "unknown standard status": (
        _set("standards.csv", 1, status="retired"),
        "standards.csv",
        3,
        "status",
        "must be one of",
    ),
    "public standard without exam dates": (
        _set("standards.csv", 2, exam_valid_until=""),
        "standards.csv",
        4,
        "exam_valid_until",
        "examination certificate",
    ),
    "exam dates reversed": (
        _set("standards.csv", 1, exam_valid_until="2021-01-01"),
        "standards.csv",
        3,
        "exam_valid_until",
        "before exam_valid_from",
    ),
    "bad date": (
        _set("standards.csv", 1, exam_valid_from="2022/01/01"),
        "standards.csv",
        3,
        "exam_valid_from",
        "YYYY-MM-DD",
    ),
    "impossible date": (
        _set("certificates.csv", 0, calibrated_on="2025-02-30"),
        "certificates.csv",
        2,
        "calibrated_on",
        "not a valid date",
    ),
    "unknown capability standard": (
        _add("capabilities.csv", f.capability(standard="NOPE")),
        "capabilities.csv",
        6,
        "standard",
        "unknown standard",
    ),
    "unknown quantity kind": (
        _set("capabilities.csv", 1, quantity="presure"),
        "capabilities.csv",
        3,
        "quantity",
        "unknown quantity kind",
    ),
    "unparsable quantity": (
        _set("capabilities.csv", 1, range_max="sixty MPa"),
        "capabilities.csv",
        3,
        "range_max",
        "sixty",
    ),
    "wrong dimension for the kind": (
        _set("instruments.csv", 0, range_max="10 kg"),
        "instruments.csv",
        2,
        "range_max",
        "[mass]",
    ),
    "range_min above range_max": (
        _set("instruments.csv", 0, range_min="20 MPa"),
        "instruments.csv",
        2,
        "range_min",
        "greater than range_max",
    ),
    "no uncertainty": (
        _set("capabilities.csv", 0, u_abs="", u_rel=""),
        "capabilities.csv",
        2,
        "u_abs",
        "give u_abs, u_rel or both",
    ),
    "relative with a dimension": (
        _set("capabilities.csv", 0, u_rel="0.02 MPa"),
        "capabilities.csv",
        2,
        "u_rel",
        "0.02 MPa",
    ),
    "non-positive k": (_set("capabilities.csv", 0, k="0"), "capabilities.csv", 2, "k", "positive"),
    "no MPE": (
        _set("instruments.csv", 1, mpe_abs="", mpe_rel=""),
        "instruments.csv",
        3,
        "mpe_abs",
        "give mpe_abs, mpe_rel or both",
    ),
    "bad mandatory": (
        _set("instruments.csv", 0, mandatory="maybe"),
        "instruments.csv",
        2,
        "mandatory",
        "true or false",
    ),
    "bad interval": (
        _set("instruments.csv", 0, interval_months="0"),
        "instruments.csv",
        2,
        "interval_months",
        "at least 1",
    ),
    "asset code used twice": (
        _add("instruments.csv", f.instrument(code="HN-P1", owner="ENT1")),
        "instruments.csv",
        4,
        "code",
        "already used by a standard",
    ),
    "duplicate instrument": (
        _add("instruments.csv", f.instrument(code="G-001", owner="ENT1")),
        "instruments.csv",
        4,
        "code",
        "appears twice",
    ),
    "unknown issuer": (
        _set("certificates.csv", 0, issuer="XX"),
        "certificates.csv",
        2,
        "issuer",
        "unknown organization",
    ),
    "unknown certificate kind": (
        _set("certificates.csv", 0, kind="inspection"),
        "certificates.csv",
        2,
        "kind",
        "must be one of",
    ),
    "unknown subject": (
        _set("certificates.csv", 3, subject="G-999"),
        "certificates.csv",
        5,
        "subject",
        "unknown asset",
    ),
    "unknown conclusion": (
        _set("certificates.csv", 3, conclusion="ok"),
        "certificates.csv",
        5,
        "conclusion",
        "must be one of",
    ),
    "unknown certificate status": (
        _set("certificates.csv", 3, status="void"),
        "certificates.csv",
        5,
        "status",
        "must be one of",
    ),
    "valid_until before calibrated_on": (
        _set("certificates.csv", 3, valid_until="2025-04-01"),
        "certificates.csv",
        5,
        "valid_until",
        "before calibrated_on",
    ),
    "pass without valid_until": (
        _set("certificates.csv", 3, valid_until=""),
        "certificates.csv",
        5,
        "valid_until",
        "unless the conclusion is fail",
    ),
    "duplicate number for the same issuer": (
        _add(
            "certificates.csv",
            f.certificate(number="CS2025-002", issuer="CSIM", subject="G-002", references="CS-P1"),
        ),
        "certificates.csv",
        7,
        "number",
        "appears twice",
    ),
    "unknown reference": (
        _set("certificates.csv", 3, references="CS-P1;NOPE"),
        "certificates.csv",
        5,
        "references",
        "unknown standard",
    ),
    "instrument as reference": (
        _set("certificates.csv", 4, references="G-001"),
        "certificates.csv",
        6,
        "references",
        "instrument cannot be",
    ),
    "reference not above subject": (
        _set("certificates.csv", 1, references="ENT1-S"),
        "certificates.csv",
        3,
        "references",
        "does not stand above",
    ),
    "reference of the same level": (
        _set("certificates.csv", 0, references="HN-P1"),
        "certificates.csv",
        2,
        "references",
        "does not stand above",
    ),
    "no reference": (
        _set("certificates.csv", 3, references=""),
        "certificates.csv",
        5,
        "references",
        "no reference standard",
    ),
    "unknown result certificate": (
        _set("results.csv", 0, certificate="ZZ-1"),
        "results.csv",
        2,
        "certificate",
        "unknown certificate",
    ),
    "result of the wrong dimension": (
        _set("results.csv", 0, measured="10 V"),
        "results.csv",
        2,
        "measured",
        "[mass]",
    ),
    "negative count": (_set("demands.csv", 0, count="-3"), "demands.csv", 2, "count", "at least 0"),
    "duplicate demand": (
        _add("demands.csv", f.demand(code="D-001")),
        "demands.csv",
        4,
        "code",
        "appears twice",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_bad_row_is_named(db, tmp_path, name):
    mutate, file, line, column, why = CASES[name]
    province = f.small_province()
    mutate(province)
    with pytest.raises(BundleRejected) as exc, db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", province), actor="t", now=NOW)
    issues = exc.value.issues
    assert any(
        i.file == file and i.line == line and i.column == column and why in i.why for i in issues
    ), [str(i) for i in issues]
    assert len(issues) == 1, [str(i) for i in issues]


def test_a_fail_certificate_may_have_no_valid_until(db, tmp_path):
    province = f.small_province()
    province["certificates.csv"][3].update(conclusion="fail", valid_until="")
    with db.engine.begin() as conn:
        report = load_bundle(conn, f.write_bundle(tmp_path / "b", province), actor="t", now=NOW)
    assert report.counts["certificates.csv"]["created"] == 5
    with db.engine.connect() as conn:
        stored = conn.execute(
            select(Certificate.conclusion, Certificate.valid_until).where(
                Certificate.number == "CS2025-002"
            )
        ).one()
    assert tuple(stored) == ("fail", None)


def test_several_bad_rows_are_all_reported_and_nothing_is_written(db, tmp_path):
    province = f.small_province()
    province["organizations.csv"][3]["kind"] = "company"
    province["capabilities.csv"][2]["range_max"] = "60 kg"
    province["certificates.csv"][4]["valid_until"] = "2020-01-01"
    province["demands.csv"][1]["quantity"] = "temprature"
    with pytest.raises(BundleRejected) as exc, db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", province), actor="t", now=NOW)
    got = {(i.file, i.line, i.column) for i in exc.value.issues}
    assert got == {
        ("organizations.csv", 5, "kind"),
        ("capabilities.csv", 4, "range_max"),
        ("certificates.csv", 6, "valid_until"),
        ("demands.csv", 3, "quantity"),
    }
    message = str(exc.value)
    assert "nothing written" in message and "60 kg" in message and "temprature" in message
    with db.engine.connect() as conn:
        for model in (Organization, Standard, Certificate, ChangeLog):
            assert conn.execute(select(func.count()).select_from(model)).scalar_one() == 0


def test_header_problems_are_reported(db, tmp_path):
    province = f.small_province()
    d = f.write_bundle(tmp_path / "b", province)
    text = (d / "instruments.csv").read_text(encoding="utf-8")
    (d / "instruments.csv").write_text(text.replace("mpe_rel", "mpe_relative", 1), encoding="utf-8")
    (d / "demands.csv").write_bytes(b"code,quantity\nD-1,\xff\xfe pressure\n")
    with pytest.raises(BundleRejected) as exc, db.engine.begin() as conn:
        load_bundle(conn, d, actor="t", now=NOW)
    got = {(i.file, i.column, i.why.split(" ")[0]) for i in exc.value.issues}
    assert ("instruments.csv", "mpe_rel", "column") in got
    assert ("instruments.csv", "mpe_relative", "unknown") in got
    assert any(i.file == "demands.csv" and "UTF-8" in i.why for i in exc.value.issues)
