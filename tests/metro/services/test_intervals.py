"""The interval service: propose (stored, nothing changed), accept (logged, next certificate),
the monthly review, on every test backend."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from metro.bundle.load import load_bundle
from metro.db.models import Certificate as CertificateTable
from metro.db.models import Instrument, IntervalChange, IntervalProposal
from metro.errors import Conflict, InvalidInput, NotFound
from metro.model import intervals as rules
from metro.model.actor import Actor
from metro.repositories import changes
from metro.services import intervals
from tests.metro.services.interval_province import FAILS, YEARS, interval_province

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
AT = date(2026, 11, 26)
OWNER = Actor("user:ent1", role="enterprise", organization="ENT1")
OTHER = Actor("user:cs", role="lab", organization="CSIM")


@pytest.fixture
def history(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(conn, interval_province(tmp_path / "b"), actor="t", now=NOW)
    return db


def by_subject(proposals):
    return {p.subject: p for p in proposals}


def interval_of(conn, code: str) -> int:
    return conn.execute(
        select(Instrument.interval_months).where(Instrument.code == code)
    ).scalar_one()


def test_a1_per_instrument_from_the_as_found_history(history) -> None:
    with history.engine.begin() as conn:
        got = by_subject(intervals.propose(conn, actor=OWNER, at=AT, owner="ENT1"))
    n = len(YEARS) - 1
    ok = got["A-OK"]
    assert (ok.n, ok.in_tolerance, ok.proposed_months) == (n, n, math.floor(12 * 1.1**n))
    assert got["A-MAND"].proposed_months == 12  # mandatory: never lengthened
    # B-01's results in date order, replayed by the scalar rule
    b01 = [(1, y) not in FAILS for y in YEARS[1:]]
    assert got["B-01"] == rules.simple_response("B-01", b01, current=12)
    # A-NONE: 'none' certificates judged by their points; 2023 is 2 % off with MPE 1 %
    assert (got["A-NONE"].n, got["A-NONE"].in_tolerance) == (3, 2)
    # G-001 has one certificate: no result yet
    assert got["G-001"].n == 0 and got["G-001"].proposed_months == 12


def test_propose_stores_proposals_and_changes_no_interval(history) -> None:
    with history.engine.begin() as conn:
        shown = intervals.propose(conn, actor=OWNER, at=AT, owner="ENT1", method="a1")
        stored = conn.execute(select(func.count()).select_from(IntervalProposal)).scalar_one()
        assert stored == len(shown)
        assert interval_of(conn, "A-OK") == 12
        assert changes.entries(conn, object_type="instrument") == []


def test_a3_and_s1_answer_per_group(history) -> None:
    with history.engine.begin() as conn:
        a3 = by_subject(intervals.propose(conn, actor=OWNER, at=AT, owner="ENT1", method="a3"))
        s1 = by_subject(intervals.propose(conn, actor=OWNER, at=AT, owner="ENT1", method="s1"))
        one = intervals.propose(conn, actor=OWNER, at=AT, asset="B-03", method="a3")
    pressure = a3["ENT1/pressure"]
    results = (len(YEARS) - 1) * 10  # A-OK, A-MAND, B-01 … B-08
    fails = sum(1 for _, y in FAILS if y > YEARS[0])
    assert (pressure.n, pressure.in_tolerance) == (results, results - fails)
    r_hat = (results - fails) / results
    assert pressure.unrounded == pytest.approx(12 * math.log(0.9) / math.log(r_hat))
    assert a3["ENT1/dc_voltage"].reason.startswith("insufficient history")
    assert s1["ENT1/pressure"].rate is not None and s1["ENT1/pressure"].proposed_months < 12
    # one asset: its share of the group's proposal
    assert one[0].subject == "B-03" and one[0].group == "ENT1/pressure"
    assert one[0].proposed_months == pressure.proposed_months


def test_accept_changes_the_interval_logs_it_and_governs_the_next_certificate(history) -> None:
    from metro.model.certificate import Certificate
    from metro.services import certificates

    with history.engine.begin() as conn:
        intervals.propose(conn, actor=OWNER, at=AT, asset="A-OK")
        before_certs = dict(
            conn.execute(select(CertificateTable.id, CertificateTable.interval_months)).all()
        )
        done = intervals.accept(conn, actor=OWNER, now=NOW, asset="A-OK")
        assert (done.before_months, done.after_months) == (12, math.floor(12 * 1.1**6))
        assert interval_of(conn, "A-OK") == done.after_months
        log = changes.entries(conn, object_type="instrument", object_key="A-OK")
        assert log[-1]["id"] == done.change and log[-1]["actor"] == OWNER.name
        assert log[-1]["before"]["interval_months"] == 12
        assert log[-1]["after"]["interval_months"] == done.after_months
        assert conn.execute(select(IntervalChange.accepted_on)).scalar_one() == NOW.date()
        # the past is never rewritten
        after_certs = dict(
            conn.execute(select(CertificateTable.id, CertificateTable.interval_months)).all()
        )
        assert after_certs == before_certs

    later = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)
    lab = Actor("user:cs", role="lab", organization="CSIM")
    with history.engine.begin() as conn:
        stored = certificates.record(
            conn,
            actor=lab,
            now=later,
            certificate=Certificate(
                number="CS2026-900",
                issuer="CSIM",
                kind="calibration",
                subject="A-OK",
                calibrated_on=date(2026, 12, 15),
                valid_until=None,
                conclusion="pass",
                references=("CS-P1",),
            ),
        )
        assert stored.interval_months == done.after_months
        # A1 starts afresh from the accepted interval: one result since, in tolerance
        again = intervals.propose(conn, actor=OWNER, at=date(2026, 12, 31), asset="A-OK")[0]
        assert again.current_months == done.after_months and again.n == 1
        assert again.proposed_months == math.floor(done.after_months * 1.1)


def test_accept_refuses_stale_missing_and_foreign(history) -> None:
    with history.engine.begin() as conn:
        with pytest.raises(InvalidInput, match="no interval proposal"):
            intervals.accept(conn, actor=OWNER, now=NOW, asset="B-02")
        intervals.propose(conn, actor=OWNER, at=AT, asset="B-02")
        with pytest.raises(NotFound):
            intervals.accept(conn, actor=OTHER, now=NOW, asset="B-02")
        intervals.accept(conn, actor=OWNER, now=NOW, asset="B-02")
        with pytest.raises(Conflict, match="propose again"):
            intervals.accept(conn, actor=OWNER, now=NOW, asset="B-02")
        with pytest.raises(NotFound, match="NOPE"):
            intervals.propose(conn, actor=OWNER, at=AT, asset="NOPE")
        with pytest.raises(InvalidInput, match="standard"):
            intervals.propose(conn, actor=OWNER, at=AT, asset="CS-P1")
        with pytest.raises(NotFound, match="owner 'NOBODY'"):
            intervals.propose(conn, actor=OWNER, at=AT, owner="NOBODY")
        with pytest.raises(InvalidInput, match="method"):
            intervals.propose(conn, actor=OWNER, at=AT, owner="ENT1", method="b2")


def test_mandatory_instrument_is_never_lengthened_by_any_method(history) -> None:
    with history.engine.begin() as conn:
        for method in ("a1", "a3", "s1"):
            p = intervals.propose(conn, actor=OWNER, at=AT, asset="A-MAND", method=method)[0]
            assert p.proposed_months <= 12
            intervals.accept(conn, actor=OWNER, now=NOW, asset="A-MAND")
            assert interval_of(conn, "A-MAND") <= 12


def test_accepting_a_keep_is_logged_and_restarts_a1(history) -> None:
    with history.engine.begin() as conn:
        p = intervals.propose(conn, actor=OWNER, at=AT, asset="A-MAND")[0]
        assert p.change == "keep"
        done = intervals.accept(conn, actor=OWNER, now=NOW, asset="A-MAND")
        assert done.before_months == done.after_months == 12
        assert changes.entries(conn, object_type="instrument", object_key="A-MAND")
        again = intervals.propose(conn, actor=OWNER, at=AT, asset="A-MAND")[0]
        assert again.n == 0


def test_only_certificates_up_to_at_count(history) -> None:
    with history.engine.begin() as conn:
        p = intervals.propose(conn, actor=OWNER, at=date(2022, 12, 31), asset="A-OK")[0]
    assert p.n == 3  # 2020, 2021, 2022 after the first of 2019


def test_review_stores_only_changed_histories(history) -> None:
    with history.engine.begin() as conn:
        first = intervals.review(conn, actor=OWNER, at=AT, now=NOW)
        assert {r.proposal.subject for r in first} >= {"A-OK", "B-01", "A-NONE"}
        assert "G-001" not in {r.proposal.subject for r in first}  # no as-found result
        assert all(r.owner == "ENT1" for r in first)
        assert intervals.review(conn, actor=OWNER, at=AT, now=NOW) == []
        intervals.accept(conn, actor=OWNER, now=NOW, asset="A-OK")
        again = intervals.review(conn, actor=OWNER, at=AT, now=NOW)
        assert [r.proposal.subject for r in again] == ["A-OK"]


def test_bulk_table_matches_per_instrument_proposals(history) -> None:
    with history.engine.begin() as conn:
        table = intervals.propose_table(conn, at=AT)
        shown = by_subject(intervals.propose(conn, actor=OWNER, at=AT, store=False))
    codes = table.history.instruments.code
    for i, code in enumerate(codes):
        if code in shown:
            assert int(table.proposed[i]) == shown[code].proposed_months
            assert int(table.n[i]) == shown[code].n
