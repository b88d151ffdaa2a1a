"""`metro status` and `metro chain` name the same fault — the certificate and the reference at
fault — also when no reference has a capability of the subject's kind (issue 9 item 6)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from metro.traceability import Status, explain_chain, province_status, status_of
from tests import factories as f
from tests.metro.traceability.province import cert, load, public

AT = date(2025, 6, 1)


def province() -> dict[str, list[dict[str, str]]]:
    """NIM-P → P (pressure) and T (temperature only) → gauges; T's certificate ran out on
    2024-12-31; W has no certificate at all."""
    return {
        "organizations.csv": [f.organization(code="NIM", kind="nmi"), f.organization(code="CSIM"),
                              f.organization(code="ENT1", kind="enterprise")],
        "standards.csv": [f.standard(code="NIM-P", owner="NIM", level="primary"),
                          public(code="P", exam_valid_from="2020-01-01"),
                          public(code="T", exam_valid_from="2020-01-01"),
                          public(code="W", exam_valid_from="2020-01-01")],
        "capabilities.csv": [
            f.capability(standard="NIM-P", range_max="100 MPa", u_rel="0.002 %"),
            f.capability(standard="NIM-P", quantity="temperature", range_min="0 degC",
                         range_max="300 degC", u_abs="0.01 K", u_rel=""),
            f.capability(standard="P", range_max="60 MPa", u_rel="0.05 %"),
            f.capability(standard="T", quantity="temperature", range_min="0 degC",
                         range_max="300 degC", u_abs="0.05 K", u_rel=""),
            f.capability(standard="W", range_max="60 MPa", u_rel="0.05 %"),
        ],
        "instruments.csv": [f.instrument(code=c, owner="ENT1")
                            for c in ("G-KIND", "G-KIND-EXPIRED", "G-NOCERT", "G-OK")],
        "certificates.csv": [
            cert(number="P-1", subject="P", references="NIM-P", calibrated_on="2024-01-10",
                 valid_until="2026-01-09", issuer="CSIM"),
            cert(number="T-1", subject="T", references="NIM-P", calibrated_on="2023-01-01",
                 valid_until="2024-12-31", issuer="CSIM"),
            # only a temperature standard for a pressure gauge: the kind does not match
            cert(number="G-KIND-1", subject="G-KIND", references="T", calibrated_on="2024-06-01",
                 valid_until="2025-12-31", issuer="CSIM"),
            # the same, on a day T's certificate had run out: the expiry comes first
            cert(number="G-KE-1", subject="G-KIND-EXPIRED", references="T",
                 calibrated_on="2025-02-01", valid_until="2026-01-31", issuer="CSIM"),
            cert(number="G-NC-1", subject="G-NOCERT", references="P;W",
                 calibrated_on="2025-02-01", valid_until="2026-01-31", issuer="CSIM"),
            cert(number="G-OK-1", subject="G-OK", references="P", calibrated_on="2025-02-01",
                 valid_until="2026-01-31", issuer="CSIM"),
        ],
    }


CODES = re.compile(r"\b(?:[A-Z]+(?:-[A-Z0-9]+)*-\d+|NIM-P|[PTW])\b")


@pytest.mark.parametrize(
    ("asset", "certificate", "reference", "why"),
    [
        ("G-KIND", "G-KIND-1", "T", "no reference has a capability of kind pressure"),
        ("G-KIND-EXPIRED", "T-1", "T", "2024-12-31"),
        ("G-NOCERT", "G-NC-1", "W", "W had no certificate"),
    ],
)
def test_status_and_chain_name_the_same_fault(
    db: Any, tmp_path: Path, asset: str, certificate: str, reference: str, why: str
) -> None:
    load(db, tmp_path, province())
    with db.engine.connect() as conn:
        record = status_of(conn, asset, AT)
        (bulk,) = [r for r in province_status(conn, AT).instrument_records(conn)
                   if r.asset == asset]
        chain = explain_chain(conn, asset, AT)
    assert record.status is Status.UNTRACEABLE and chain.traceable is False
    assert bulk.reason == record.reason  # the bulk pass words it by the same rule
    for reason in (record.reason, chain.reason):
        named = set(CODES.findall(reason))
        assert {certificate, reference} <= named, reason
        assert why in reason, reason
    # chain: the link at fault is the certificate named, not another fault of the same chain
    assert chain.reason.startswith(f"first broken link: certificate {certificate} ")


def test_a_sound_chain_has_no_fault(db: Any, tmp_path: Path) -> None:
    load(db, tmp_path, province())
    with db.engine.connect() as conn:
        assert status_of(conn, "G-OK", AT).status is Status.VALID
        assert explain_chain(conn, "G-OK", AT).traceable is True
