"""Bundles uploaded over HTTP (multipart): all-or-nothing, every row error in the 422 body,
labs and the bureau only; and who can calibrate an instrument."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from metro.db.models import Instrument
from tests import factories as f


def _csv(name: str, rows: list[dict[str, str]]) -> tuple[str, tuple[str, bytes, str]]:
    import csv

    from metro.bundle.contract import FILES

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FILES[name], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return ("files", (name, buf.getvalue().encode(), "text/csv"))


def _instruments(api) -> int:
    with api.db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Instrument)).scalar_one()


def test_the_bureau_uploads_a_bundle(api):
    files = [_csv("instruments.csv", [f.instrument(code="G-300", owner="ENT2")])]
    r = api.post("bureau", "/api/v1/bundles", files=files)
    assert r.status_code == 201, r.text
    assert r.json()["files"]["instruments.csv"]["created"] == 1
    assert api.get("ent2", "/api/v1/instruments/G-300").status_code == 200


def test_a_bad_bundle_is_422_with_every_row_error_and_writes_nothing(api):
    before = _instruments(api)
    files = [
        _csv(
            "instruments.csv",
            [
                f.instrument(code="G-301", owner="ENT2"),
                f.instrument(code="G-302", owner="NOPE"),
                f.instrument(code="G-303", owner="ENT2", range_max="10 kg"),
            ],
        )
    ]
    r = api.post("bureau", "/api/v1/bundles", files=files)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert len(r.json()["errors"]) == 2
    assert _instruments(api) == before


def test_an_enterprise_does_not_upload_bundles(api):
    files = [_csv("instruments.csv", [f.instrument(code="G-304", owner="ENT1")])]
    assert api.post("ent1", "/api/v1/bundles", files=files).status_code == 403


def test_a_lab_bundle_holds_only_its_own_certificates(api):
    before = _instruments(api)
    files = [
        _csv(
            "certificates.csv",
            [
                f.certificate(
                    number="HN-X",
                    issuer="HNIMT",
                    subject="G-001",
                    references="HN-P1",
                    calibrated_on="2025-10-01",
                    valid_until="2026-09-30",
                )
            ],
        )
    ]
    r = api.post("lab-cs", "/api/v1/bundles", files=files)
    assert r.status_code in (404, 422), r.text
    assert _instruments(api) == before


def test_providers_nearest_first(api):
    r = api.get("ent1", "/api/v1/instruments/G-001/providers", params={"at": "2025-12-01"})
    assert r.status_code == 200, r.text
    rows = r.json()
    assert rows and {"organization", "standard", "u", "ratio"} <= set(rows[0])
