"""Export then load into an empty database gives the same bundle, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime

from metro.bundle.contract import FILES
from metro.bundle.export import export_bundle
from metro.bundle.load import load_bundle
from tests import factories as f

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def test_export_of_a_load_is_the_bundle_and_loads_again_identically(db, tmp_path, sqlite_template):
    import shutil

    from metro.db.engine import make_engine

    province = f.small_province()
    # Two issuers using the same number: results.csv must qualify it, and still round-trip.
    province["certificates.csv"].append(
        f.certificate(
            number="HN2025-002",
            issuer="CSIM",
            subject="G-002",
            references="CS-P1",
            calibrated_on="2025-07-01",
            valid_until="2026-06-30",
        )
    )
    for r in province["results.csv"]:
        r["certificate"] = "HNIMT#HN2025-002"
    province["results.csv"].append(
        f.result(certificate="CSIM#HN2025-002", nominal="1 MPa", measured="1.01 MPa", u="", k="")
    )
    src = f.write_bundle(tmp_path / "src", province)
    with db.engine.begin() as conn:
        load_bundle(conn, src, actor="t", now=NOW)
    with db.engine.connect() as conn:
        export_bundle(conn, tmp_path / "out1")
    for name in FILES:
        assert (tmp_path / "out1" / name).read_text("utf-8") == (src / name).read_text("utf-8"), (
            name
        )

    fresh = tmp_path / "fresh.db"
    shutil.copy(sqlite_template, fresh)
    eng = make_engine(f"sqlite:///{fresh}")
    with eng.begin() as conn:
        load_bundle(conn, tmp_path / "out1", actor="t", now=NOW)
    with eng.connect() as conn:
        export_bundle(conn, tmp_path / "out2")
    eng.dispose()
    for name in FILES:
        assert (tmp_path / "out2" / name).read_bytes() == (tmp_path / "out1" / name).read_bytes()
