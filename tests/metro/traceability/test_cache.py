"""The cached standards layer: kept while the change counter stands, rebuilt when a write
through the certificate or standard service, or a bundle load, changes the layer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from metro.bundle.load import load_bundle
from metro.db.engine import make_engine
from metro.db.migrate import upgrade
from metro.model.actor import SYSTEM_LOAD, Actor
from metro.model.capability import CapabilityRow
from metro.model.certificate import Certificate
from metro.repositories.counters import standards_counter
from metro.repositories.traceability import organization_id
from metro.services import certificates, standards
from metro.services.boards import status_counts
from metro.traceability import standard_statuses
from metro.traceability.cache import standards_layer
from metro.traceability.province import instruments_status
from metro.traceability.status import Status
from tests import factories as f

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
AT = date(2025, 12, 1)  # ENT1-S and G-001 in date, CS-P1 traceable
CSIM = Actor("user:cs", role="lab", organization="CSIM")


@pytest.fixture
def province(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", f.small_province()), actor="t", now=NOW)
    return db


def ent1_fails(number: str = "CS2025-900") -> Certificate:
    """A certificate finding ENT1-S (an enterprise standard) out of tolerance."""
    return Certificate(
        number=number,
        issuer="CSIM",
        kind="calibration",
        subject="ENT1-S",
        calibrated_on=date(2025, 11, 1),
        valid_until=None,
        conclusion="fail",
        references=("CS-P1",),
    )


def status(db, code: str) -> Status:
    with db.engine.connect() as conn:
        return {r.asset: r.status for r in standard_statuses(conn, AT).values()}[code]


def layer(db):
    with db.engine.connect() as conn:
        return standards_layer(conn)


def test_the_layer_is_kept_while_nothing_changes(province):
    first = layer(province)
    assert layer(province) is first
    with province.engine.connect() as conn:
        assert first.counter == standards_counter(conn) > 0  # the load bumped it


def test_a_certificate_recorded_and_revoked_through_the_service_invalidates(province):
    assert status(province, "ENT1-S") == Status.VALID
    before = layer(province)
    with province.engine.begin() as conn:
        certificates.record(conn, actor=CSIM, now=NOW, certificate=ent1_fails())
    assert layer(province) is not before
    assert status(province, "ENT1-S") == Status.FAILED
    with province.engine.begin() as conn:
        certificates.revoke(
            conn, actor=CSIM, now=NOW, issuer="CSIM", number="CS2025-900", reason="wrong standard"
        )
    assert status(province, "ENT1-S") == Status.VALID


def test_an_instrument_certificate_leaves_the_layer_but_not_the_leaves(province):
    before = layer(province)
    with province.engine.connect() as conn:
        ent1 = organization_id(conn, "ENT1")
        old = instruments_status(conn, date(2026, 11, 26), owner_id=ent1)
    with province.engine.begin() as conn:
        certificates.record(
            conn,
            actor=CSIM,
            now=NOW,
            certificate=Certificate(
                number="CS2026-901",
                issuer="CSIM",
                kind="verification",
                subject="G-001",
                calibrated_on=date(2026, 1, 10),
                valid_until=date(2027, 1, 9),
                conclusion="pass",
                references=("CS-P1",),
            ),
        )
    with province.engine.connect() as conn:
        new = instruments_status(conn, date(2026, 11, 26), owner_id=ent1)
        assert standards_layer(conn) is before
    iid = int(new.instruments.instrument_id[0])
    assert old.instrument_status(iid) != new.instrument_status(iid)
    assert new.instruments.certificate_id[0] != old.instruments.certificate_id[0]


def test_a_standards_write_invalidates(province):
    before = layer(province)
    with province.engine.begin() as conn:
        standards.set_capabilities(
            conn,
            actor=SYSTEM_LOAD,
            now=NOW,
            code="ENT1-S",
            capabilities=[
                CapabilityRow(
                    id=0,
                    standard_id=0,
                    quantity="pressure",
                    range_min=0.0,
                    range_max=1e6,
                    u_abs=0.0,
                    u_rel=0.002,
                    k=2.0,
                )
            ],
        )
    after = layer(province)
    assert after is not before
    sid = next(i for i in after.graph.ids() if after.graph.code(i) == "ENT1-S")
    assert [c.range_max for c in after.graph.capabilities(sid)] == [1e6]


def test_a_bundle_load_invalidates_once_and_a_repeated_one_not(province, tmp_path: Path):
    before = layer(province)
    bundle = f.write_bundle(
        tmp_path / "fail",
        {
            "certificates.csv": [
                f.certificate(
                    number="CS2025-902",
                    issuer="CSIM",
                    subject="ENT1-S",
                    references="CS-P1",
                    kind="calibration",
                    conclusion="fail",
                    calibrated_on="2025-11-01",
                    valid_until="",
                )
            ]
        },
    )
    with province.engine.connect() as conn:
        counter = standards_counter(conn)
    with province.engine.begin() as conn:
        load_bundle(conn, bundle, actor="t", now=NOW)
    after = layer(province)
    assert after is not before and after.counter == counter + 1
    assert status(province, "ENT1-S") == Status.FAILED
    with province.engine.begin() as conn:
        load_bundle(conn, bundle, actor="t", now=NOW)  # unchanged: nothing written
    assert layer(province) is after


def test_an_uncommitted_write_is_seen_by_its_own_transaction_and_never_cached(province):
    before = layer(province)
    with province.engine.connect() as conn:
        trans = conn.begin()
        certificates.record(conn, actor=CSIM, now=NOW, certificate=ent1_fails())
        mine = standards_layer(conn)
        assert mine is not before and mine.counter == -1
        assert {r.asset: r.status for r in standard_statuses(conn, AT).values()}["ENT1-S"] == (
            Status.FAILED
        )
        trans.rollback()
    assert layer(province) is before
    assert status(province, "ENT1-S") == Status.VALID


def test_a_write_from_another_engine_is_seen(province):
    """Another worker process: its own engine, its own commit; this one compares counters."""
    assert status(province, "ENT1-S") == Status.VALID
    other = make_engine(province.url)
    try:
        with other.begin() as conn:
            certificates.record(conn, actor=CSIM, now=NOW, certificate=ent1_fails())
    finally:
        other.dispose()
    assert status(province, "ENT1-S") == Status.FAILED


def test_each_database_has_its_own_layer(province, tmp_path: Path):
    """Two databases in one process (as two tests), both at the same counter value: one's layer
    never answers for the other."""
    files = f.small_province()
    files["certificates.csv"].append(
        f.certificate(
            number="CS2025-903",
            issuer="CSIM",
            subject="ENT1-S",
            references="CS-P1",
            kind="calibration",
            conclusion="fail",
            calibrated_on="2025-11-01",
            valid_until="",
        )
    )
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        upgrade(other)
        with other.begin() as conn:
            load_bundle(conn, f.write_bundle(tmp_path / "o", files), actor="t", now=NOW)
        second = SimpleNamespace(engine=other)
        assert layer(province).counter == layer(second).counter
        for _ in range(2):
            assert (status(province, "ENT1-S"), status(second, "ENT1-S")) == (
                Status.VALID,
                Status.FAILED,
            )
        with province.engine.connect() as conn:
            counts = status_counts(conn, at=AT, owner="ENT1")
        assert sum(counts.values()) == 2
    finally:
        other.dispose()
