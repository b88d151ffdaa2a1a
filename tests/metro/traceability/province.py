"""A hand-built province with every status word and every broken-link reason, and loaders.

``T`` is the date the tests ask about. The comments say what each asset is for; the expected
words live in the tests, next to the rule they check.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import delete, update

from metro.bundle.load import load_bundle
from metro.db.models import (
    Capability,
    Certificate,
    CertificateReference,
    Demand,
    Instrument,
    Organization,
    Result,
    Standard,
)
from tests import factories as f

T = date(2025, 7, 1)
NOW = datetime(2035, 1, 1, 8, 0, tzinfo=UTC)  # after every calibration (a later date is refused)


def cert(*, number: str, subject: str, references: str, calibrated_on: str,
         valid_until: str = "", issuer: str = "HNIMT", conclusion: str = "pass",
         status: str = "valid") -> dict[str, str]:
    return f.certificate(number=number, issuer=issuer, subject=subject, references=references,
                         calibrated_on=calibrated_on, valid_until=valid_until,
                         conclusion=conclusion, status=status)


def public(*, code: str, owner: str = "CSIM", level: str = "public_secondary",
           exam_valid_from: str = "2022-01-01",
           exam_valid_until: str = "2027-12-31") -> dict[str, str]:
    return f.standard(code=code, owner=owner, level=level, exam_valid_from=exam_valid_from,
                      exam_valid_until=exam_valid_until)


def hand_built() -> dict[str, list[dict[str, str]]]:
    """NIM → HN-P1 → the prefecture standards → gauges, one asset per rule."""
    pressure = f.capability
    return {
        "organizations.csv": [
            f.organization(code="NIM", kind="nmi", region="110000"),
            f.organization(code="HNIMT"),
            f.organization(code="CSIM", region="430100"),
            f.organization(code="ENT1", kind="enterprise", region="430102"),
            f.organization(code="ENT2", kind="enterprise", region="430200"),
        ],
        "standards.csv": [
            f.standard(code="NIM-P", owner="NIM", level="primary"),
            f.standard(code="NIM-V", owner="NIM", level="primary"),
            f.standard(code="NIM-T", owner="NIM", level="primary"),
            public(code="HN-P1", owner="HNIMT", level="public_highest"),
            public(code="CS-P1"),  # healthy
            public(code="CS-OLD"),  # its certificate ran out on 2025-01-09
            public(code="CS-F"),  # found out of tolerance on 2025-05-01
            public(code="CS-EXAM", exam_valid_from="2020-01-01", exam_valid_until="2024-12-31"),
            public(code="CS-NOEXAM"),  # its exam_cert is blanked after loading
            public(code="CS-NEW"),  # never calibrated
            public(code="V-STD"),  # dc voltage, 20 ppm
            public(code="T-STD"),  # temperature, given in °F
            f.standard(code="ENT-F", owner="ENT1", level="enterprise_highest"),
            f.standard(code="WK-1", owner="ENT1", level="working"),
        ],
        "capabilities.csv": [
            pressure(standard="NIM-P", range_max="100 MPa", u_rel="0.002 %"),
            f.capability(standard="NIM-V", quantity="dc_voltage", range_min="0 V",
                         range_max="1000 V", u_rel="1 ppm"),
            f.capability(standard="NIM-T", quantity="temperature", range_min="-100 degC",
                         range_max="500 degC", u_abs="0.01 K", u_rel=""),
            pressure(standard="HN-P1", range_max="60 MPa", u_rel="0.01 %"),
            pressure(standard="CS-P1", range_max="60 MPa", u_rel="0.05 %"),
            pressure(standard="CS-OLD", range_max="60 MPa", u_rel="0.05 %"),
            pressure(standard="CS-F", range_max="60 MPa", u_rel="0.05 %"),
            pressure(standard="CS-EXAM", range_max="60 MPa", u_rel="0.05 %"),
            pressure(standard="CS-NOEXAM", range_max="60 MPa", u_rel="0.05 %"),
            pressure(standard="CS-NEW", range_max="60 MPa", u_rel="0.05 %"),
            f.capability(standard="V-STD", quantity="dc_voltage", range_min="0 V",
                         range_max="1000 V", u_rel="20 ppm"),
            f.capability(standard="T-STD", quantity="temperature", range_min="-40 degF",
                         range_max="300 degF", u_abs="0.18 degF", u_rel=""),
            pressure(standard="ENT-F", range_max="25 MPa", u_rel="0.1 %"),
            pressure(standard="WK-1", range_max="25 MPa", u_rel="0.1 %"),
        ],
        "instruments.csv": [
            f.instrument(code=code, owner=owner)
            for code, owner in (
                ("G-001", "ENT1"), ("G-SOON", "ENT1"), ("G-OVER", "ENT1"), ("G-FAIL", "ENT1"),
                ("G-NEVER", "ENT1"), ("G-REV", "ENT1"), ("G-AFTER", "ENT1"),
                ("G-BEFORE", "ENT1"), ("G-F-EARLY", "ENT2"), ("G-F-LATE", "ENT1"),
                ("G-F-OLD", "ENT1"), ("G-F-DEEP", "ENT2"), ("G-EXAM", "ENT1"),
                ("G-NOEXAM", "ENT1"), ("G-NOCERT", "ENT1"), ("G-WK", "ENT1"),
                ("G-MULTI", "ENT1"),
            )
        ]
        + [
            f.instrument(code="G-BIG", owner="ENT1", range_max="100 MPa"),
            f.instrument(code="G-PSI", owner="ENT1", range_max="1000 psi", mpe_rel="0.25 %"),
            f.instrument(code="G-PSI-BIG", owner="ENT1", range_max="10000 psi"),
            f.instrument(code="DMM-1", owner="ENT1", quantity="dc_voltage", range_min="0 V",
                         range_max="10 V", mpe_rel="50 ppm"),
            f.instrument(code="DMM-2", owner="ENT1", quantity="dc_voltage", range_min="0 V",
                         range_max="10 V", mpe_rel="100 ppm"),
            f.instrument(code="TH-1", owner="ENT1", quantity="temperature",
                         range_min="-40 degC", range_max="100 degC", mpe_abs="0.5 degC",
                         mpe_rel=""),
            f.instrument(code="TH-2", owner="ENT1", quantity="temperature",
                         range_min="-40 degC", range_max="100 degC", mpe_abs="0.5 degF",
                         mpe_rel=""),
        ],
        "certificates.csv": [
            # the provincial standard, calibrated at NIM twice
            cert(number="HN-000", subject="HN-P1", references="NIM-P", issuer="NIM",
                 calibrated_on="2023-03-01", valid_until="2025-02-28"),
            cert(number="HN-001", subject="HN-P1", references="NIM-P", issuer="NIM",
                 calibrated_on="2025-03-01", valid_until="2027-02-28"),
            # a revoked fail is void: HN-P1 stays traceable
            cert(number="HN-R01", subject="HN-P1", references="NIM-P", issuer="NIM",
                 calibrated_on="2025-05-01", conclusion="fail", status="revoked"),
            cert(number="HN-002", subject="CS-P1", references="HN-P1",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="HN-010", subject="CS-OLD", references="HN-P1",
                 calibrated_on="2024-01-10", valid_until="2025-01-09"),
            cert(number="HN-019", subject="CS-F", references="HN-P1",
                 calibrated_on="2024-01-01", valid_until="2024-12-31"),
            cert(number="HN-020", subject="CS-F", references="HN-P1",
                 calibrated_on="2025-01-05", valid_until="2026-01-04"),
            cert(number="HN-021", subject="CS-F", references="HN-P1",
                 calibrated_on="2025-05-01", conclusion="fail"),
            cert(number="HN-040", subject="CS-EXAM", references="HN-P1",
                 calibrated_on="2025-01-10", valid_until="2026-01-09"),
            cert(number="HN-041", subject="CS-NOEXAM", references="HN-P1",
                 calibrated_on="2025-01-10", valid_until="2026-01-09"),
            cert(number="HN-050", subject="V-STD", references="NIM-V", issuer="NIM",
                 calibrated_on="2025-01-10", valid_until="2026-01-09"),
            cert(number="HN-060", subject="T-STD", references="NIM-T", issuer="NIM",
                 calibrated_on="2025-01-10", valid_until="2026-01-09"),
            cert(number="CS-030", subject="ENT-F", references="CS-F", issuer="CSIM",
                 calibrated_on="2025-02-01", valid_until="2026-01-31"),
            cert(number="CS-031", subject="WK-1", references="CS-OLD", issuer="CSIM",
                 calibrated_on="2025-02-01", valid_until="2026-01-31"),
            # instruments
            cert(number="CS-100", subject="G-001", references="CS-P1", issuer="CSIM",
                 calibrated_on="2025-05-01", valid_until="2026-04-30"),
            cert(number="CS-101", subject="G-SOON", references="HN-P1", issuer="CSIM",
                 calibrated_on="2024-07-20", valid_until="2025-07-19"),
            cert(number="CS-102", subject="G-OVER", references="HN-P1", issuer="CSIM",
                 calibrated_on="2024-05-01", valid_until="2025-04-30"),
            cert(number="CS-103", subject="G-FAIL", references="CS-P1", issuer="CSIM",
                 calibrated_on="2025-06-01", conclusion="fail"),
            cert(number="CS-104", subject="G-NEVER", references="CS-P1", issuer="CSIM",
                 calibrated_on="2025-08-01", valid_until="2026-07-31"),
            cert(number="CS-105", subject="G-REV", references="CS-P1", issuer="CSIM",
                 calibrated_on="2025-04-01", valid_until="2026-03-31"),
            cert(number="CS-106", subject="G-REV", references="CS-P1", issuer="CSIM",
                 calibrated_on="2025-06-01", conclusion="fail", status="revoked"),
            cert(number="CS-107", subject="G-AFTER", references="CS-OLD", issuer="CSIM",
                 calibrated_on="2024-12-01", valid_until="2025-11-30"),
            cert(number="CS-108", subject="G-BEFORE", references="CS-OLD", issuer="CSIM",
                 calibrated_on="2025-02-01", valid_until="2026-01-31"),
            cert(number="CS-109", subject="G-F-EARLY", references="CS-F", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-110", subject="G-F-LATE", references="CS-F", issuer="CSIM",
                 calibrated_on="2025-05-15", valid_until="2026-05-14"),
            cert(number="CS-111", subject="G-F-OLD", references="CS-F", issuer="CSIM",
                 calibrated_on="2024-12-01", valid_until="2025-11-30"),
            cert(number="ENT-001", subject="G-F-DEEP", references="ENT-F", issuer="ENT1",
                 calibrated_on="2025-04-01", valid_until="2026-03-31"),
            cert(number="CS-112", subject="G-EXAM", references="CS-EXAM", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-113", subject="G-NOEXAM", references="CS-NOEXAM", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-114", subject="G-NOCERT", references="CS-NEW", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="ENT-002", subject="G-WK", references="WK-1", issuer="ENT1",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-115", subject="G-MULTI", references="CS-P1;CS-OLD", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-116", subject="G-BIG", references="CS-P1", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-117", subject="G-PSI", references="CS-P1", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-118", subject="G-PSI-BIG", references="CS-P1", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-119", subject="DMM-1", references="V-STD", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-120", subject="DMM-2", references="V-STD", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-121", subject="TH-1", references="T-STD", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
            cert(number="CS-122", subject="TH-2", references="T-STD", issuer="CSIM",
                 calibrated_on="2025-03-01", valid_until="2026-02-28"),
        ],
    }


def load(db: object, directory: Path, files: dict[str, list[dict[str, str]]]) -> None:
    """Write ``files`` as a bundle under ``directory`` and load it."""
    engine = db.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        load_bundle(conn, f.write_bundle(directory, files), actor="test", now=NOW)


def load_hand_built(db: object, directory: Path) -> None:
    load(db, directory, hand_built())
    with db.engine.begin() as conn:  # type: ignore[attr-defined]
        # the loader refuses a public standard without one: this one lost it afterwards
        conn.execute(update(Standard).where(Standard.code == "CS-NOEXAM").values(exam_cert=None))


def wipe(db: object) -> None:
    """Delete every row but the (append-only) change log."""
    with db.engine.begin() as conn:  # type: ignore[attr-defined]
        for model in (CertificateReference, Result, Certificate, Instrument, Capability, Demand,
                      Standard, Organization):
            conn.execute(delete(model))
