"""Loading bundles: a valid province, idempotence, updates, and the change log."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from metro.bundle.load import load_bundle
from metro.db.models import (
    Capability,
    Certificate,
    CertificateReference,
    ChangeLog,
    Demand,
    Instrument,
    Result,
    Standard,
)
from metro.errors import InvalidInput
from tests import factories as f

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def load(db, directory: Path):
    with db.engine.begin() as conn:
        return load_bundle(conn, directory, actor="test", now=NOW)


def count(db, model) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_small_province_loads_with_canonical_values(db, tmp_path):
    report = load(db, f.write_bundle(tmp_path / "b", f.small_province()))
    assert report.counts["certificates.csv"]["created"] == 5
    assert count(db, CertificateReference) == 5
    with db.engine.connect() as conn:
        cap = conn.execute(
            select(Capability.range_max, Capability.u_rel, Capability.k, Capability.range_max_given)
            .join(Standard)
            .where(Standard.code == "HN-P1")
        ).one()
        assert cap == (pytest.approx(60e6), pytest.approx(1e-4), 2.0, "60 MPa")
        d = conn.execute(
            select(Demand.range_min, Demand.mpe_abs).where(Demand.code == "D-002")
        ).one()
        # A range converts as an absolute temperature, an MPE as a difference.
        assert d.range_min == pytest.approx(233.15)
        assert d.mpe_abs == pytest.approx(0.5)
        g2 = conn.execute(
            select(Instrument.mpe_rel, Instrument.mandatory).where(Instrument.code == "G-002")
        ).one()
        assert g2 == (pytest.approx(0.025), True)


def test_loading_the_same_bundle_twice_changes_nothing(db, tmp_path):
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    load(db, bundle)
    before = {
        m: count(db, m) for m in (Standard, Capability, Instrument, Certificate, Result, Demand)
    }
    report = load(db, bundle)
    after = {m: count(db, m) for m in before}
    assert after == before
    for name, c in report.counts.items():
        assert c["created"] == 0 and c["updated"] == 0, name
        assert c["unchanged"] == c["rows"], name
    with db.engine.connect() as conn:
        actions = conn.execute(
            select(ChangeLog.action).where(ChangeLog.action != "create")
        ).scalars()
        assert sorted(actions) == ["load", "load"]


def test_a_changed_row_updates_and_logs_before_and_after(db, tmp_path):
    province = f.small_province()
    load(db, f.write_bundle(tmp_path / "a", province))
    province["certificates.csv"][3]["status"] = "revoked"
    province["standards.csv"][1]["exam_valid_until"] = "2028-12-31"
    report = load(db, f.write_bundle(tmp_path / "b", province))
    assert report.counts["certificates.csv"]["updated"] == 1
    assert report.counts["standards.csv"]["updated"] == 1
    with db.engine.connect() as conn:
        assert (
            conn.execute(
                select(Certificate.revoked).where(Certificate.number == "CS2025-002")
            ).scalar_one()
            is True
        )
        entry = conn.execute(
            select(ChangeLog.object_key, ChangeLog.before, ChangeLog.after, ChangeLog.actor).where(
                ChangeLog.object_type == "certificate", ChangeLog.action == "update"
            )
        ).one()
        assert entry.object_key == "CSIM#CS2025-002"
        assert entry.before["status"] == "valid" and entry.after["status"] == "revoked"
        assert entry.actor == "test"


def test_capabilities_named_again_replace_the_set(db, tmp_path):
    province = f.small_province()
    load(db, f.write_bundle(tmp_path / "a", province))
    only = {
        "capabilities.csv": [
            f.capability(standard="HN-P1", range_max="100 MPa", u_rel="0.01 %"),
            f.capability(
                standard="HN-P1",
                quantity="force",
                range_min="0 kN",
                range_max="100 kN",
                u_rel="0.05 %",
            ),
        ]
    }
    load(db, f.write_bundle(tmp_path / "b", only))
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(Capability.quantity, Capability.range_max_given)
            .join(Standard)
            .where(Standard.code == "HN-P1")
            .order_by(Capability.id)
        ).all()
        assert rows == [("pressure", "100 MPa"), ("force", "100 kN")]
        assert count(db, Capability) == 5  # the other standards' capabilities are untouched


def test_incremental_bundle_refers_to_stored_objects(db, tmp_path):
    load(db, f.write_bundle(tmp_path / "a", f.small_province()))
    later = {
        "certificates.csv": [
            f.certificate(
                number="CS2026-010",
                issuer="CSIM",
                subject="G-001",
                references="CS-P1",
                calibrated_on="2026-04-20",
                valid_until="2027-04-19",
            ),
        ],
        "results.csv": [f.result(certificate="CS2026-010", nominal="5 MPa", measured="5.01 MPa")],
    }
    report = load(db, f.write_bundle(tmp_path / "b", later))
    assert report.counts["certificates.csv"]["created"] == 1
    assert count(db, Certificate) == 6
    assert count(db, Result) == 3


def test_results_for_a_number_two_issuers_use_need_the_issuer(db, tmp_path):
    province = f.small_province()
    province["certificates.csv"].append(
        f.certificate(number="HN2025-002", issuer="CSIM", subject="G-002", references="CS-P1")
    )
    bundle = f.write_bundle(tmp_path / "a", province)
    from metro.bundle.issues import BundleRejected

    with pytest.raises(BundleRejected) as exc:
        load(db, bundle)
    assert [(i.file, i.column) for i in exc.value.issues] == [("results.csv", "certificate")] * 2
    for r in province["results.csv"]:
        r["certificate"] = "HNIMT#HN2025-002"
    load(db, f.write_bundle(tmp_path / "b", province))
    assert count(db, Result) == 2


def test_missing_files_are_skipped_but_an_empty_folder_is_an_error(db, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput, match="holds none of the bundle files"):
        load(db, tmp_path / "empty")
    with pytest.raises(InvalidInput, match="does not exist"):
        load(db, tmp_path / "nowhere")


def test_excel_bom_and_blank_lines_are_accepted(db, tmp_path):
    d = tmp_path / "b"
    d.mkdir()
    with (d / "organizations.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "kind", "region"])
        w.writerow(["HNIMT", "湖南省计量检测研究院", "institute", "430000"])
        w.writerow([])
    report = load(db, d)
    assert report.counts["organizations.csv"]["created"] == 1
