"""A small hand-worked province for supervision: one mandatory instrument per flag, worked out
by hand at ``AT`` (the comments say why each instrument gets its flag).

Period of the pass rate: the default, 2025-01-01 … AT. Verifications of mandatory instruments
in it: M01 pass, M03 fail, M06 pass, M07 pass, M08 pass, M09 pass, M10 pass, M11 pass (issued
by the bureau: authorized or not, it counts), M12 pass (M04's is of 2024, M05's is a
calibration, M01's revoked one is void, N01 is not mandatory) → 8 / 9.
Compliant: M01, M07, M12 of 12 mandatory → 3 / 12.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from metro.bundle.load import load_bundle
from tests import factories as f

AT = date(2025, 12, 1)
NOW = datetime(2025, 12, 1, 6, 0, tzinfo=UTC)

EXPECTED_FLAGS = {
    "M02": "never_verified",
    "M03": "failed",
    "M04": "overdue",
    "M05": "calibration_only",
    "M06": "unauthorized",
    "M08": "unauthorized",
    "M09": "untraceable",
    "M10": "suspect",
    "M11": "unauthorized",
}
COMPLIANT = ("M01", "M07", "M12")


def _cert(number: str, subject: str, on: str, until: str, *, issuer: str = "CSIM",
          references: str = "CS-P1", kind: str = "verification", conclusion: str = "pass",
          status: str = "valid") -> dict[str, str]:
    return f.certificate(number=number, issuer=issuer, subject=subject, references=references,
                         calibrated_on=on, valid_until=until, kind=kind, conclusion=conclusion,
                         status=status)


def _gauge(code: str, owner: str, usage: str, *, mandatory: str = "true") -> dict[str, str]:
    return f.instrument(code=code, owner=owner, mandatory=mandatory, usage=usage)


def files() -> dict[str, list[dict[str, str]]]:
    p = f.small_province()
    p["organizations.csv"] += [
        f.organization(code="HNAMR", name="湖南省市场监督管理局", kind="bureau"),
        f.organization(code="ZZIM", name="株洲市计量所", region="430200"),
        f.organization(code="LAB1", name="授权实验室", kind="lab", region="430200"),
        f.organization(code="LAB2", name="未授权实验室", kind="lab", region="430200"),
        f.organization(code="ENT2", name="株洲某医院", kind="enterprise", region="430202"),
    ]
    p["standards.csv"] += [
        f.standard(code="CS-X", owner="CSIM", level="public_secondary"),
        f.standard(code="CS-S2", owner="CSIM", level="public_secondary"),
    ]
    p["capabilities.csv"] += [
        f.capability(standard="CS-X", u_rel="0.05 %"),
        f.capability(standard="CS-S2", u_rel="0.05 %"),
    ]
    # the small province's gauges are not mandatory here: G-001/G-002 stay out of the counts
    for row in p["instruments.csv"]:
        row["mandatory"] = "false"
    p["instruments.csv"] += [
        _gauge("M01", "ENT1", "trade"),
        _gauge("M02", "ENT1", "safety"),
        _gauge("M03", "ENT1", "safety"),
        _gauge("M04", "ENT2", "medical"),
        _gauge("M05", "ENT2", "environment"),
        _gauge("M06", "ENT2", "trade"),
        _gauge("M07", "ENT2", "trade"),
        _gauge("M08", "ENT2", "trade"),
        _gauge("M09", "ENT1", "safety"),
        _gauge("M10", "ENT1", "safety"),
        _gauge("M11", "ENT2", "medical"),
        _gauge("M12", "ENT1", ""),
        _gauge("N01", "ENT1", "trade", mandatory="false"),
    ]
    p["certificates.csv"] += [
        # CS-X was in date until 2025-03-20 only; CS-S2 is found out of tolerance in September
        _cert("HX-1", "CS-X", "2025-03-02", "2025-03-20", issuer="HNIMT", references="HN-P1"),
        _cert("HS-1", "CS-S2", "2025-03-10", "2026-03-09", issuer="HNIMT", references="HN-P1"),
        _cert("HS-2", "CS-S2", "2025-09-01", "", issuer="HNIMT", references="HN-P1",
              conclusion="fail"),
        # M01: verified by a statutory institute, in date → compliant (a revoked one is void)
        _cert("V01", "M01", "2025-05-01", "2026-04-30"),
        _cert("V01-R", "M01", "2025-05-02", "2026-05-01", conclusion="fail", status="revoked"),
        # M02: nothing → never_verified
        # M03: the verification says fail → failed
        _cert("V03", "M03", "2025-03-01", "", conclusion="fail"),
        # M04: last verified in 2024, ran out on 2025-05-31 → overdue
        _cert("V04", "M04", "2024-06-01", "2025-05-31"),
        # M05: calibrated where verification is required → calibration_only
        _cert("C05", "M05", "2025-06-01", "2026-05-31", kind="calibration", conclusion="none"),
        # M06: LAB2 holds no authorization → unauthorized
        _cert("L06", "M06", "2025-04-01", "2026-03-31", issuer="LAB2"),
        # M07: LAB1 on the last day of its authorization (both days count) → compliant
        _cert("L07", "M07", "2025-06-30", "2026-06-29", issuer="LAB1"),
        # M08: LAB1 the day after → unauthorized
        _cert("L08", "M08", "2025-07-01", "2026-06-30", issuer="LAB1"),
        # M09: its reference CS-X was out of date on the day → untraceable
        _cert("V09", "M09", "2025-04-01", "2026-03-31", references="CS-X"),
        # M10: made with CS-S2 before it was found failed → suspect
        _cert("V10", "M10", "2025-04-01", "2026-03-31", references="CS-S2"),
        # M11: "verified" by the bureau, which supervises and never verifies → unauthorized
        _cert("B11", "M11", "2025-04-01", "2026-03-31", issuer="HNAMR"),
        # M12: no usage recorded, verified by the provincial institute, due soon → compliant
        _cert("V12", "M12", "2024-12-20", "2025-12-20", issuer="HNIMT", references="HN-P1"),
        _cert("V12-2", "M12", "2025-03-15", "2025-12-20", issuer="HNIMT", references="HN-P1"),
        # N01 is not mandatory: its failed verification counts nowhere
        _cert("VN1", "N01", "2025-03-01", "", conclusion="fail"),
    ]
    p["authorizations.csv"] = [
        # LAB1 may verify pressure in the first half of 2025 only; LAB2 only mass
        f.authorization(organization="LAB1", quantity="pressure", valid_from="2025-01-01",
                        valid_until="2025-06-30"),
        f.authorization(organization="LAB2", quantity="mass", valid_from="2025-01-01",
                        valid_until="2027-12-31"),
    ]
    return p


def load(
    engine: Engine, tmp_path: Path, bundle: dict[str, list[dict[str, str]]] | None = None
) -> None:
    """Load the province (or another bundle over it) through the bundle loader."""
    rows = files() if bundle is None else bundle
    with engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "supervision", rows), actor="t", now=NOW)
