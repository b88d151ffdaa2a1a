"""The choices made where DESIGN.md leaves room (each is documented in its module)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import update

from metro.db.models import Standard
from metro.traceability import Status, impact_report, province_status, status_of
from tests import factories as f
from tests.metro.traceability.province import cert, load, public


def tiny(certificates: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """NIM-P → S (public secondary) → gauges G1, G2, G3, with the certificates given; R is a
    public standard never calibrated."""
    return {
        "organizations.csv": [f.organization(code="NIM", kind="nmi"),
                              f.organization(code="HNIMT"), f.organization(code="CSIM"),
                              f.organization(code="ENT1", kind="enterprise")],
        "standards.csv": [f.standard(code="NIM-P", owner="NIM", level="primary"),
                          public(code="S", exam_valid_from="2020-01-01"),
                          public(code="R", owner="HNIMT", level="public_highest",
                                 exam_valid_from="2020-01-01")],
        "capabilities.csv": [f.capability(standard="NIM-P", range_max="100 MPa",
                                          u_rel="0.002 %"),
                             f.capability(standard="S", range_max="60 MPa", u_rel="0.05 %"),
                             f.capability(standard="R", range_max="60 MPa", u_rel="0.01 %")],
        "instruments.csv": [f.instrument(code=c, owner="ENT1") for c in ("G1", "G2", "G3")],
        "certificates.csv": certificates,
    }


def test_same_day_certificates_the_one_recorded_last_speaks(db: Any, tmp_path: Path) -> None:
    load(db, tmp_path, tiny([
        cert(number="S-1", subject="S", references="NIM-P", calibrated_on="2024-01-10",
             valid_until="2026-01-09"),
        cert(number="G1-a", subject="G1", references="S", calibrated_on="2024-03-01",
             valid_until="2025-02-28"),
        cert(number="G1-b", subject="G1", references="S", calibrated_on="2024-03-01",
             conclusion="fail"),
    ]))
    with db.engine.connect() as conn:
        record = status_of(conn, "G1", date(2024, 6, 1))
        assert (record.status, record.certificate) == (Status.FAILED, "G1-b")
        assert province_status(conn, date(2024, 6, 1)).instrument_status(
            record.asset_id) is Status.FAILED


def test_every_fail_opens_its_window_and_impact_reports_the_latest(db: Any,
                                                                   tmp_path: Path) -> None:
    load(db, tmp_path, tiny([
        cert(number="S-1", subject="S", references="NIM-P", calibrated_on="2023-01-10",
             valid_until="2025-01-09"),
        cert(number="S-F1", subject="S", references="NIM-P", calibrated_on="2023-06-01",
             conclusion="fail"),
        cert(number="S-2", subject="S", references="NIM-P", calibrated_on="2023-07-01",
             valid_until="2025-06-30"),
        cert(number="S-F2", subject="S", references="NIM-P", calibrated_on="2024-06-01",
             conclusion="fail"),
        # used S while S-1 spoke (before the first fail), valid for two years
        cert(number="G1-1", subject="G1", references="S", calibrated_on="2023-03-01",
             valid_until="2025-02-28"),
        # used S while S-2 spoke (before the second fail)
        cert(number="G2-1", subject="G2", references="S", calibrated_on="2024-01-15",
             valid_until="2025-01-14"),
    ]))
    at = date(2024, 7, 1)
    with db.engine.connect() as conn:
        assert status_of(conn, "G1", at).status is Status.SUSPECT
        assert "S-F1" in status_of(conn, "G1", at).reason
        assert status_of(conn, "G2", at).status is Status.SUSPECT
        report = impact_report(conn, "S")
        assert (report.failed_on, report.since) == (date(2024, 6, 1), date(2023, 7, 1))
        assert [c.certificate for c in report.certificates] == ["G2-1"]


def test_without_a_sound_certificate_before_the_fail_nothing_is_suspect(db: Any,
                                                                        tmp_path: Path) -> None:
    load(db, tmp_path, tiny([
        # S-1 is unsound: its reference R had no certificate
        cert(number="S-1", subject="S", references="R", calibrated_on="2023-01-10",
             valid_until="2025-01-09"),
        cert(number="G1-1", subject="G1", references="S", calibrated_on="2023-03-01",
             valid_until="2025-02-28"),
        cert(number="S-F", subject="S", references="NIM-P", calibrated_on="2023-06-01",
             conclusion="fail"),
    ]))
    with db.engine.connect() as conn:
        report = impact_report(conn, "S")
        assert (report.failed_on, report.since, report.certificates) == (
            date(2023, 6, 1), None, ())
        g1 = status_of(conn, "G1", date(2023, 7, 1))
        assert g1.status is Status.UNTRACEABLE and "R had no certificate" in g1.reason


def test_primary_standards_are_valid_whatever_their_certificates(db: Any,
                                                                 tmp_path: Path) -> None:
    load(db, tmp_path, tiny([
        cert(number="N-F", subject="NIM-P", references="", issuer="NIM",
             calibrated_on="2024-01-01", conclusion="fail"),
        cert(number="S-1", subject="S", references="NIM-P", calibrated_on="2024-02-01",
             valid_until="2026-01-31"),
        cert(number="G1-1", subject="G1", references="S", calibrated_on="2024-03-01",
             valid_until="2025-02-28"),
    ]))
    with db.engine.connect() as conn:
        assert status_of(conn, "NIM-P", date(2024, 6, 1)).status is Status.VALID
        assert status_of(conn, "G1", date(2024, 6, 1)).status is Status.VALID
        assert impact_report(conn, "NIM-P").certificates == ()


def test_administrative_status_does_not_enter_traceability(db: Any, tmp_path: Path) -> None:
    load(db, tmp_path, tiny([
        cert(number="S-1", subject="S", references="NIM-P", calibrated_on="2024-02-01",
             valid_until="2026-01-31"),
        cert(number="G1-1", subject="G1", references="S", calibrated_on="2024-03-01",
             valid_until="2025-02-28"),
    ]))
    with db.engine.begin() as conn:
        conn.execute(update(Standard).where(Standard.code == "S").values(status="sealed"))
    with db.engine.connect() as conn:
        assert status_of(conn, "G1", date(2024, 6, 1)).status is Status.VALID
