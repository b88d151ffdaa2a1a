"""Issue 9 item 1: a load never changes an issued certificate; it may revoke and supersede."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from metro.bundle.export import export_bundle
from metro.bundle.issues import BundleRejected
from metro.bundle.load import load_bundle
from metro.db.engine import make_engine
from metro.db.models import Certificate, ChangeLog, Result
from metro.model.actor import Actor
from tests import factories as f

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def load(engine, directory, actor="t"):
    with engine.begin() as conn:
        return load_bundle(conn, directory, actor=actor, now=NOW)


def stored(engine, number):
    with engine.connect() as conn:
        return conn.execute(
            select(
                Certificate.conclusion,
                Certificate.revoked,
                Certificate.revoked_reason,
                Certificate.subject_instrument_id,
            ).where(Certificate.number == number)
        ).one()


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"conclusion": "fail"}, "conclusion"),
        ({"subject": "G-002"}, "subject"),
        ({"calibrated_on": "2025-05-02"}, "calibrated_on"),
        ({"valid_until": "2026-05-30"}, "valid_until"),
        ({"kind": "calibration", "conclusion": "none"}, "kind"),
        ({"references": "HN-P1"}, "references"),
    ],
)
def test_a_load_cannot_change_an_issued_certificate(db, tmp_path, change, column):
    province = f.small_province()
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    before = stored(db.engine, "CS2025-002")
    province["certificates.csv"][3].update(change)
    with pytest.raises(BundleRejected) as exc:
        load(db.engine, f.write_bundle(tmp_path / "b", province))
    issues = [i for i in exc.value.issues if i.file == "certificates.csv"]
    assert [(i.line, i.column) for i in issues] == [(5, column)], [str(i) for i in issues]
    assert "CSIM#CS2025-002" in issues[0].why
    assert "revoke it and issue a new number" in issues[0].why
    assert stored(db.engine, "CS2025-002") == before


def test_fail_cannot_become_pass(db, tmp_path):
    province = f.small_province()
    province["certificates.csv"][3].update(conclusion="fail")
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    province["certificates.csv"][3].update(conclusion="pass")
    with pytest.raises(BundleRejected):
        load(db.engine, f.write_bundle(tmp_path / "b", province))
    assert stored(db.engine, "CS2025-002").conclusion == "fail"


def test_a_revoked_certificate_cannot_be_unrevoked(db, tmp_path):
    province = f.small_province()
    province["certificates.csv"][3].update(status="revoked", reason="wrong gauge")
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    province["certificates.csv"][3].update(status="valid", reason="")
    with pytest.raises(BundleRejected) as exc:
        load(db.engine, f.write_bundle(tmp_path / "b", province))
    assert [i.column for i in exc.value.issues] == ["status"]
    assert stored(db.engine, "CS2025-002").revoked is True


def test_a_load_revokes_with_a_reason_and_logs_it(db, tmp_path):
    province = f.small_province()
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    province["certificates.csv"][3].update(status="revoked", reason="gauge swapped")
    report = load(db.engine, f.write_bundle(tmp_path / "b", province), actor=Actor("user:ops"))
    assert report.counts["certificates.csv"]["updated"] == 1
    assert stored(db.engine, "CS2025-002")[1:3] == (True, "gauge swapped")
    with db.engine.connect() as conn:
        entry = conn.execute(
            select(ChangeLog.actor, ChangeLog.before, ChangeLog.after).where(
                ChangeLog.object_key == "CSIM#CS2025-002"
            )
        ).one()
    assert entry.actor == "user:ops"
    assert (entry.before["status"], entry.after["status"]) == ("valid", "revoked")
    assert entry.after["reason"] == "gauge swapped"


def test_an_old_bundle_without_the_optional_columns_leaves_a_revocation_alone(db, tmp_path):
    province = f.small_province()
    province["certificates.csv"][3].update(status="revoked", reason="gauge swapped")
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    province["certificates.csv"][3].update(reason="")
    report = load(db.engine, f.write_bundle(tmp_path / "b", province))
    assert report.counts["certificates.csv"]["unchanged"] == 5
    assert stored(db.engine, "CS2025-002")[1:3] == (True, "gauge swapped")


def test_results_are_checked_against_the_subject_the_bundle_gives(db, tmp_path):
    province = f.small_province()
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    province["instruments.csv"].append(
        f.instrument(
            code="T-001",
            owner="ENT1",
            quantity="temperature",
            range_min="0 degC",
            range_max="100 degC",
            mpe_abs="0.5 K",
            mpe_rel="",
        )
    )
    province["certificates.csv"][1]["subject"] = "T-001"  # HN2025-002 carries the results
    with pytest.raises(BundleRejected) as exc:
        load(db.engine, f.write_bundle(tmp_path / "b", province))
    got = {(i.file, i.column) for i in exc.value.issues}
    assert ("certificates.csv", "subject") in got
    assert ("results.csv", "nominal") in got  # MPa points for a thermometer


def test_results_of_an_issued_certificate_cannot_change(db, tmp_path):
    province = f.small_province()
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    province["results.csv"][1]["measured"] = "60.02 MPa"
    with pytest.raises(BundleRejected) as exc:
        load(db.engine, f.write_bundle(tmp_path / "b", province))
    assert [(i.file, i.line, i.column) for i in exc.value.issues] == [
        ("results.csv", 2, "certificate")
    ]
    assert "HNIMT#HN2025-002" in exc.value.issues[0].why
    assert "revoke it and issue a new number" in exc.value.issues[0].why
    with db.engine.connect() as conn:
        measured = conn.execute(select(Result.measured_given).order_by(Result.id)).scalars()
        assert list(measured) == ["10.002 MPa", "60.01 MPa"]


def _revoke_and_supersede(province):
    province["certificates.csv"][3].update(status="revoked", reason="superseded by CS2025-003")
    province["certificates.csv"].append(
        f.certificate(
            number="CS2025-003",
            issuer="CSIM",
            subject="G-001",
            references="CS-P1",
            calibrated_on="2025-05-01",
            valid_until="2026-04-30",
            supersedes="CS2025-002",
        )
    )


def test_revocations_and_supersessions_survive_export_and_load(db, tmp_path, sqlite_template):
    province = f.small_province()
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    _revoke_and_supersede(province)
    load(db.engine, f.write_bundle(tmp_path / "b", province))
    with db.engine.connect() as conn:
        export_bundle(conn, tmp_path / "out")
    header = (tmp_path / "out" / "certificates.csv").read_text("utf-8").splitlines()[0]
    assert header.endswith(",status,reason,supersedes")

    fresh = tmp_path / "fresh.db"
    shutil.copy(sqlite_template, fresh)
    eng = make_engine(f"sqlite:///{fresh}")
    try:
        load(eng, tmp_path / "out")
        old = aliased(Certificate)
        with eng.connect() as conn:
            link = conn.execute(
                select(Certificate.number, old.number).join(
                    old, old.id == Certificate.supersedes_id
                )
            ).all()
        assert link == [("CS2025-003", "CS2025-002")]
        assert stored(eng, "CS2025-002")[1:3] == (True, "superseded by CS2025-003")
        with eng.connect() as conn:
            export_bundle(conn, tmp_path / "out2")
    finally:
        eng.dispose()
    for name in ("certificates.csv", "results.csv"):
        assert (tmp_path / "out2" / name).read_bytes() == (tmp_path / "out" / name).read_bytes()


def test_a_later_supersedes_of_a_stored_certificate_is_an_edit(db, tmp_path):
    province = f.small_province()
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    province["certificates.csv"][4]["supersedes"] = "CS2025-001"  # ENT2025-001, issuer ENT1
    with pytest.raises(BundleRejected) as exc:
        load(db.engine, f.write_bundle(tmp_path / "b", province))
    assert [i.column for i in exc.value.issues] == ["supersedes"]


def test_export_leaves_out_optional_columns_nobody_uses(db, tmp_path):
    load(db.engine, f.write_bundle(tmp_path / "a", f.small_province()))
    with db.engine.connect() as conn:
        export_bundle(conn, tmp_path / "out")
    header = (tmp_path / "out" / "certificates.csv").read_text("utf-8").splitlines()[0]
    assert header.endswith(",references,status")


def test_a_labs_bundle_holds_only_its_own_certificates_citing_its_own_standards(db, tmp_path):
    province = f.small_province()
    load(db.engine, f.write_bundle(tmp_path / "a", province))
    lab = Actor("user:cs", role="lab", organization="CSIM")
    later = {
        "certificates.csv": [
            f.certificate(
                number="CS2026-001",
                issuer="CSIM",
                subject="G-002",
                references="HN-P1",
                calibrated_on="2026-03-01",
                valid_until="2027-02-28",
            ),
            f.certificate(
                number="HN2026-001",
                issuer="HNIMT",
                subject="G-002",
                references="HN-P1",
                calibrated_on="2026-03-01",
                valid_until="2027-02-28",
            ),
            f.certificate(
                number="CS2026-002",
                issuer="CSIM",
                subject="G-002",
                references="CS-P1",
                calibrated_on="2026-03-01",
                valid_until="2027-02-28",
            ),
        ]
    }
    with pytest.raises(BundleRejected) as exc:
        load(db.engine, f.write_bundle(tmp_path / "b", later), actor=lab)
    assert [(i.line, i.column) for i in exc.value.issues] == [
        (2, "references"),
        (3, "issuer"),
        (3, "references"),
    ]
    del later["certificates.csv"][:2]
    report = load(db.engine, f.write_bundle(tmp_path / "c", later), actor=lab)
    assert report.counts["certificates.csv"]["created"] == 1
