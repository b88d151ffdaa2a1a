"""Keyword-only factories for bundle rows and a writer for small hand-built bundles.

Each factory returns one row as a dict with every contract column; tests override only what
matters to them. ``small_province()`` is a complete, valid little province.
"""

from __future__ import annotations

import csv
from pathlib import Path

from metro.bundle.contract import FILES, OPTIONAL


def organization(
    *, code: str, name: str | None = None, kind: str = "institute", region: str = "430000"
) -> dict[str, str]:
    return {"code": code, "name": name or f"机构 {code}", "kind": kind, "region": region}


def standard(
    *,
    code: str,
    owner: str,
    level: str = "public_highest",
    name: str | None = None,
    exam_cert: str | None = None,
    exam_valid_from: str = "2022-01-01",
    exam_valid_until: str = "2027-12-31",
    status: str = "active",
) -> dict[str, str]:
    public = level in ("public_highest", "public_secondary")
    return {
        "code": code,
        "name": name or f"标准装置 {code}",
        "owner": owner,
        "level": level,
        "exam_cert": exam_cert
        if exam_cert is not None
        else (f"[2022]湘量标证字第{code}号" if public else ""),
        "exam_valid_from": exam_valid_from if public else "",
        "exam_valid_until": exam_valid_until if public else "",
        "status": status,
    }


def capability(
    *,
    standard: str,
    quantity: str = "pressure",
    range_min: str = "0 MPa",
    range_max: str = "60 MPa",
    u_abs: str = "",
    u_rel: str = "0.02 %",
    k: str = "2",
) -> dict[str, str]:
    return {
        "standard": standard,
        "quantity": quantity,
        "range_min": range_min,
        "range_max": range_max,
        "u_abs": u_abs,
        "u_rel": u_rel,
        "k": k,
    }


def instrument(
    *,
    code: str,
    owner: str,
    quantity: str = "pressure",
    name: str | None = None,
    range_min: str = "0 MPa",
    range_max: str = "10 MPa",
    mpe_abs: str = "",
    mpe_rel: str = "1.6 %",
    mandatory: str = "true",
    interval_months: str = "12",
    usage: str = "",
) -> dict[str, str]:
    return {
        "code": code,
        "name": name or f"压力表 {code}",
        "owner": owner,
        "quantity": quantity,
        "range_min": range_min,
        "range_max": range_max,
        "mpe_abs": mpe_abs,
        "mpe_rel": mpe_rel,
        "mandatory": mandatory,
        "interval_months": interval_months,
        "usage": usage,
    }


def certificate(
    *,
    number: str,
    issuer: str,
    subject: str,
    references: str,
    calibrated_on: str = "2025-03-01",
    valid_until: str = "2026-02-28",
    kind: str = "verification",
    conclusion: str = "pass",
    status: str = "valid",
    reason: str = "",
    supersedes: str = "",
) -> dict[str, str]:
    return {
        "number": number,
        "issuer": issuer,
        "kind": kind,
        "subject": subject,
        "calibrated_on": calibrated_on,
        "valid_until": valid_until,
        "conclusion": conclusion,
        "references": references,
        "status": status,
        "reason": reason,
        "supersedes": supersedes,
    }


def result(
    *,
    certificate: str,
    nominal: str = "10 MPa",
    measured: str = "10.002 MPa",
    u: str = "0.002 MPa",
    k: str = "2",
) -> dict[str, str]:
    return {"certificate": certificate, "nominal": nominal, "measured": measured, "u": u, "k": k}


def demand(
    *,
    code: str,
    quantity: str = "pressure",
    range_min: str = "0 MPa",
    range_max: str = "10 MPa",
    mpe_abs: str = "",
    mpe_rel: str = "0.4 %",
    region: str = "430100",
    count: str = "120",
    field: str = "",
) -> dict[str, str]:
    return {
        "code": code,
        "quantity": quantity,
        "range_min": range_min,
        "range_max": range_max,
        "mpe_abs": mpe_abs,
        "mpe_rel": mpe_rel,
        "region": region,
        "count": count,
        "field": field,
    }


def authorization(
    *,
    organization: str,
    quantity: str = "pressure",
    valid_from: str = "2025-01-01",
    valid_until: str = "2027-12-31",
) -> dict[str, str]:
    return {
        "organization": organization,
        "quantity": quantity,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def small_province() -> dict[str, list[dict[str, str]]]:
    """NIM → provincial public standard → prefecture public standard → enterprise → gauges."""
    return {
        "organizations.csv": [
            organization(code="NIM", name="中国计量科学研究院", kind="nmi", region="110000"),
            organization(code="HNIMT", name="湖南省计量检测研究院"),
            organization(code="CSIM", name="长沙市计量检定测试所", region="430100"),
            organization(
                code="ENT1", name="湖南某某机械有限公司", kind="enterprise", region="430102"
            ),
        ],
        "standards.csv": [
            standard(code="NIM-P", owner="NIM", level="primary"),
            standard(code="HN-P1", owner="HNIMT", level="public_highest"),
            standard(code="CS-P1", owner="CSIM", level="public_secondary"),
            standard(code="ENT1-S", owner="ENT1", level="enterprise_highest"),
        ],
        "capabilities.csv": [
            capability(standard="NIM-P", range_max="100 MPa", u_rel="0.002 %"),
            capability(standard="HN-P1", range_max="60 MPa", u_rel="0.01 %"),
            capability(standard="CS-P1", range_max="60 MPa", u_rel="0.05 %"),
            capability(standard="ENT1-S", range_max="25 MPa", u_rel="0.1 %"),
        ],
        "instruments.csv": [
            instrument(code="G-001", owner="ENT1"),
            instrument(code="G-002", owner="ENT1", range_max="1.6 MPa", mpe_rel="2.5 %"),
        ],
        "certificates.csv": [
            certificate(
                number="HN2025-001",
                issuer="HNIMT",
                subject="HN-P1",
                references="NIM-P",
                kind="calibration",
                conclusion="none",
                valid_until="2027-02-28",
            ),
            certificate(number="HN2025-002", issuer="HNIMT", subject="CS-P1", references="HN-P1"),
            certificate(
                number="CS2025-001",
                issuer="CSIM",
                subject="ENT1-S",
                references="CS-P1",
                calibrated_on="2025-04-01",
                valid_until="2026-03-31",
            ),
            certificate(
                number="CS2025-002",
                issuer="CSIM",
                subject="G-001",
                references="CS-P1",
                calibrated_on="2025-05-01",
                valid_until="2026-04-30",
            ),
            certificate(
                number="ENT2025-001",
                issuer="ENT1",
                subject="G-002",
                references="ENT1-S",
                kind="calibration",
                conclusion="none",
                calibrated_on="2025-06-01",
                valid_until="2026-05-31",
            ),
        ],
        "results.csv": [
            result(certificate="HN2025-002"),
            result(certificate="HN2025-002", nominal="60 MPa", measured="60.01 MPa", u="0.006 MPa"),
        ],
        "demands.csv": [
            demand(code="D-001"),
            demand(
                code="D-002",
                quantity="temperature",
                range_min="-40 degC",
                range_max="150 degC",
                mpe_abs="0.9 degF",
                mpe_rel="",
                region="430200",
                count="35",
            ),
        ],
        # no authorization: the institutes verify by statute (an empty file, as export writes)
        "authorizations.csv": [],
    }


def write_bundle(directory: Path, files: dict[str, list[dict[str, str]]]) -> Path:
    """Write the files; optional columns only when some row has a value (as export does)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        optional = OPTIONAL.get(name, ())
        columns = [c for c in FILES[name] if c not in optional or any(r.get(c) for r in rows)]
        with (directory / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(
                f, fieldnames=columns, lineterminator="\n", extrasaction="ignore"
            )
            w.writeheader()
            w.writerows(rows)
    return directory
