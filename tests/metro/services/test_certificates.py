"""The certificate service: record, revoke, supersede; never edit an issued certificate."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from metro.db.models import Certificate as CertificateTable
from metro.errors import Conflict, InvalidInput, NotFound
from metro.model.actor import SYSTEM_LOAD, Actor
from metro.model.certificate import Certificate, ResultPoint
from metro.model.fields import InvalidField
from metro.repositories import certificates as repo
from metro.repositories import changes
from metro.repositories import instruments as instruments_repo
from metro.services import certificates, instruments
from tests.metro.services.conftest import NOW

CSIM = Actor("user:cs", role="lab", organization="CSIM")
HNIMT = Actor("user:hn", role="lab", organization="HNIMT")


def gauge_certificate(**over) -> Certificate:
    fields = {
        "number": "CS2026-100",
        "issuer": "CSIM",
        "kind": "verification",
        "subject": "G-002",
        "calibrated_on": date(2026, 11, 20),
        "valid_until": date(2027, 11, 19),
        "conclusion": "pass",
        "references": ("CS-P1",),
    }
    fields.update(over)
    return Certificate(**fields)


def test_record_stores_recorded_day_interval_and_logs_the_actor(province):
    with province.engine.begin() as conn:
        out = certificates.record(conn, actor=CSIM, now=NOW, certificate=gauge_certificate())
        assert out.recorded_on == NOW.date()
        assert out.interval_months == 12
        _, stored = repo.find(conn, "CSIM", "CS2026-100")
        assert stored == out
        log = changes.entries(conn, object_type="certificate", object_key="CSIM#CS2026-100")
    assert [(e["actor"], e["action"], e["before"]) for e in log] == [("user:cs", "create", None)]
    assert log[0]["after"]["subject"] == "G-002"
    assert log[0]["after"]["references"] == "CS-P1"


def test_interval_in_force_is_kept_when_the_instrument_changes(province):
    with province.engine.begin() as conn:
        certificates.record(
            conn,
            actor=CSIM,
            now=NOW,
            certificate=gauge_certificate(valid_until=None, kind="calibration"),
        )
        _, inst = instruments_repo.find(conn, "G-002")
        instruments.update(
            conn, actor=SYSTEM_LOAD, now=NOW, instrument=replace(inst, interval_months=6)
        )
        _, stored = repo.find(conn, "CSIM", "CS2026-100")
        _, inst = instruments_repo.find(conn, "G-002")
    assert (stored.interval_months, inst.interval_months) == (12, 6)


def test_a_certificate_dated_after_the_day_it_is_recorded_is_refused(province):
    future = NOW.date() + timedelta(days=1)
    with pytest.raises(InvalidField) as exc, province.engine.begin() as conn:
        certificates.record(
            conn, actor=CSIM, now=NOW, certificate=gauge_certificate(calibrated_on=future)
        )
    assert exc.value.field == "calibrated_on" and "after the day it is recorded" in exc.value.why


def test_a_verification_concluding_none_is_refused():
    with pytest.raises(InvalidField) as exc:
        gauge_certificate(conclusion="none")
    assert exc.value.field == "conclusion" and "pass or fail" in exc.value.why


def test_a_verification_states_its_end_date():
    with pytest.raises(InvalidField) as exc:
        gauge_certificate(valid_until=None)
    assert exc.value.field == "valid_until"


def test_a_lab_cites_only_its_own_standards(province):
    with pytest.raises(InvalidField) as exc, province.engine.begin() as conn:
        certificates.record(
            conn, actor=CSIM, now=NOW, certificate=gauge_certificate(references=("HN-P1",))
        )
    assert exc.value.field == "references" and exc.value.value == "HN-P1"
    assert "own" in exc.value.why
    # Another organization's standard is answered like a code nobody has: no existence leaks.
    with pytest.raises(InvalidField) as unknown, province.engine.begin() as conn:
        certificates.record(
            conn, actor=CSIM, now=NOW, certificate=gauge_certificate(references=("NOPE-1",))
        )
    assert unknown.value.why == exc.value.why


def test_the_bureau_may_name_any_organizations_standards(province):
    bureau = Actor("user:b", role="bureau", organization="HNQTS")
    with province.engine.begin() as conn:
        out = certificates.record(
            conn, actor=bureau, now=NOW, certificate=gauge_certificate(references=("HN-P1",))
        )
    assert out.references == ("HN-P1",)


def test_a_lab_records_only_as_itself(province):
    with pytest.raises(NotFound), province.engine.begin() as conn:
        certificates.record(conn, actor=HNIMT, now=NOW, certificate=gauge_certificate())


def test_reference_must_stand_above_the_subject(province):
    # ENT1-S (enterprise_highest) cannot calibrate CS-P1 (public_secondary).
    bureau = Actor("user:b", role="bureau")
    cert = gauge_certificate(subject="CS-P1", references=("ENT1-S",), valid_until=date(2027, 1, 1))
    with pytest.raises(InvalidField) as exc, province.engine.begin() as conn:
        certificates.record(conn, actor=bureau, now=NOW, certificate=cert)
    assert "does not stand above" in exc.value.why


def test_unknown_subject_is_not_found(province):
    with pytest.raises(NotFound), province.engine.begin() as conn:
        certificates.record(
            conn, actor=CSIM, now=NOW, certificate=gauge_certificate(subject="NOPE")
        )


def test_a_standards_certificate_states_its_end_date(province):
    cert = gauge_certificate(subject="ENT1-S", valid_until=None, kind="calibration")
    with pytest.raises(InvalidField) as exc, province.engine.begin() as conn:
        certificates.record(conn, actor=CSIM, now=NOW, certificate=cert)
    assert exc.value.field == "valid_until"


def test_results_must_be_of_the_subjects_kind(province):
    point = ResultPoint.from_text(
        quantity="temperature", nominal="20 degC", measured="20.1 degC", u="0.05 K", k="2"
    )
    with pytest.raises(InvalidField) as exc, province.engine.begin() as conn:
        certificates.record(
            conn, actor=CSIM, now=NOW, certificate=gauge_certificate(results=(point,))
        )
    assert exc.value.field == "results" and "pressure" in exc.value.why


def test_results_are_stored_with_the_certificate(province):
    point = ResultPoint.from_text(
        quantity="pressure", nominal="1 MPa", measured="1.001 MPa", u="0.0004 MPa", k="2"
    )
    with province.engine.begin() as conn:
        certificates.record(
            conn, actor=CSIM, now=NOW, certificate=gauge_certificate(results=(point,))
        )
        _, stored = repo.find(conn, "CSIM", "CS2026-100")
    assert stored.results == (point,)
    assert stored.results[0].nominal == pytest.approx(1e6)


def test_recording_an_issued_number_again_is_a_conflict_naming_the_change(province):
    with province.engine.begin() as conn:
        certificates.record(conn, actor=CSIM, now=NOW, certificate=gauge_certificate())
    with pytest.raises(Conflict) as exc, province.engine.begin() as conn:
        certificates.record(
            conn, actor=CSIM, now=NOW, certificate=gauge_certificate(conclusion="fail")
        )
    assert "CSIM#CS2026-100" in exc.value.message and "conclusion" in exc.value.message
    assert "revoke it and issue a new number" in exc.value.message
    with pytest.raises(Conflict) as exc, province.engine.begin() as conn:
        certificates.record(conn, actor=CSIM, now=NOW, certificate=gauge_certificate())
    assert "already recorded" in exc.value.message


def test_revoke_keeps_the_certificate_void_with_its_reason(province):
    with province.engine.begin() as conn:
        certificates.record(conn, actor=CSIM, now=NOW, certificate=gauge_certificate())
        later = NOW + timedelta(hours=1)
        out = certificates.revoke(
            conn, actor=CSIM, now=later, issuer="CSIM", number="CS2026-100", reason="wrong gauge"
        )
        assert out.revoked and out.revoked_reason == "wrong gauge"
        _, stored = repo.find(conn, "CSIM", "CS2026-100")
        log = changes.entries(conn, object_type="certificate", object_key="CSIM#CS2026-100")
    assert stored == out
    assert [e["action"] for e in log] == ["create", "revoke"]
    assert log[1]["before"]["status"] == "valid"
    assert log[1]["after"] == {**log[1]["before"], "status": "revoked", "reason": "wrong gauge"}
    with pytest.raises(Conflict), province.engine.begin() as conn:
        certificates.revoke(
            conn, actor=CSIM, now=NOW, issuer="CSIM", number="CS2026-100", reason="again"
        )


def test_revoke_needs_a_reason_and_the_issuer(province):
    with pytest.raises(InvalidInput), province.engine.begin() as conn:
        certificates.revoke(
            conn, actor=CSIM, now=NOW, issuer="CSIM", number="CS2025-002", reason=" "
        )
    with pytest.raises(NotFound), province.engine.begin() as conn:
        certificates.revoke(
            conn, actor=CSIM, now=NOW, issuer="HNIMT", number="HN2025-002", reason="not mine"
        )


def test_supersede_records_the_new_and_revokes_the_old(province):
    new = gauge_certificate(
        number="CS2025-002b",
        subject="G-001",
        calibrated_on=date(2025, 5, 1),
        valid_until=date(2026, 4, 30),
    )
    with province.engine.begin() as conn:
        out = certificates.supersede(
            conn, actor=CSIM, now=NOW, number="CS2025-002", certificate=new
        )
        _, old = repo.find(conn, "CSIM", "CS2025-002")
        new_id, stored = repo.find(conn, "CSIM", "CS2025-002b")
        old_id = conn.execute(
            select(CertificateTable.id).where(CertificateTable.number == "CS2025-002")
        ).scalar_one()
        link = conn.execute(
            select(CertificateTable.supersedes_id).where(CertificateTable.id == new_id)
        ).scalar_one()
    assert out.supersedes == "CS2025-002" == stored.supersedes
    assert old.revoked and old.revoked_reason == "superseded by CS2025-002b"
    assert link == old_id
    with pytest.raises(Conflict), province.engine.begin() as conn:
        certificates.supersede(
            conn, actor=CSIM, now=NOW, number="CS2025-002", certificate=replace(new, number="x")
        )


def test_nothing_is_written_when_a_write_is_refused(province):
    with pytest.raises(InvalidField), province.engine.begin() as conn:
        certificates.record(
            conn, actor=CSIM, now=NOW, certificate=gauge_certificate(references=("HN-P1",))
        )
    with province.engine.connect() as conn:
        assert repo.find(conn, "CSIM", "CS2026-100") is None
        assert changes.entries(conn, object_type="certificate") == []
