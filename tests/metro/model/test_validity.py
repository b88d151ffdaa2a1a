"""Until when a certificate is in date: one reading (metro.model.validity), scalar ≡ array, and
the engine's per-asset walk, bulk pass and due list all read it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from metro.db.models import Certificate
from metro.model.validity import add_months, in_force_until, in_force_until_days
from metro.repositories.traceability import NO_DAY, from_day, to_day
from metro.traceability import Status, due_list, province_status, status_of
from tests import factories as f
from tests.metro.traceability.province import cert, load, public

days = st.dates(date(1990, 1, 1), date(2060, 12, 31))


@settings(max_examples=500, deadline=None)
@given(cal=days, months=st.one_of(st.none(), st.integers(-2, 120)),
       stated=st.one_of(st.none(), st.integers(0, 800)),
       conclusion=st.sampled_from(["pass", "none", "fail"]), instrument=st.booleans())
def test_array_form_is_the_scalar_form(cal: date, months: int | None, stated: int | None,
                                       conclusion: str, instrument: bool) -> None:
    until = None if stated is None else cal + timedelta(days=stated)
    one = in_force_until(conclusion=conclusion, valid_until=until, calibrated_on=cal,
                         interval_months=months, of_instrument=instrument)
    if instrument:  # the bulk form serves the instrument leaves
        arr = in_force_until_days(
            fail=np.array([conclusion == "fail"], dtype=np.int64),
            valid_until=np.array([NO_DAY if until is None else to_day(until)]),
            calibrated_on=np.array([to_day(cal)]),
            interval_months=np.array([months or 0]),
            no_day=NO_DAY,
        )
        assert (None if arr[0] == NO_DAY else from_day(int(arr[0]))) == one


def test_the_reading() -> None:
    def until(**kw: Any) -> date | None:
        base: dict[str, Any] = dict(conclusion="pass", valid_until=None,
                                    calibrated_on=date(2025, 1, 31), interval_months=1,
                                    of_instrument=True)
        return in_force_until(**{**base, **kw})

    assert until() == date(2025, 2, 27)  # 2025-01-31 + 1 month = 02-28 (clamped), day before
    assert until(calibrated_on=date(2025, 3, 15), interval_months=12) == date(2026, 3, 14)
    assert until(valid_until=date(2025, 6, 30)) == date(2025, 6, 30)  # stated wins
    assert until(interval_months=None) is None  # without either: on no day
    assert until(conclusion="fail") is None
    assert until(of_instrument=False) is None  # standards state their end date
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def province(certificates: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    return {
        "organizations.csv": [f.organization(code="NIM", kind="nmi"), f.organization(code="CSIM"),
                              f.organization(code="ENT1", kind="enterprise")],
        "standards.csv": [f.standard(code="NIM-P", owner="NIM", level="primary"),
                          public(code="S", exam_valid_from="2020-01-01")],
        "capabilities.csv": [f.capability(standard="NIM-P", range_max="100 MPa",
                                          u_rel="0.002 %"),
                             f.capability(standard="S", range_max="60 MPa", u_rel="0.05 %")],
        "instruments.csv": [f.instrument(code=c, owner="ENT1") for c in ("G1", "G2")],
        "certificates.csv": certificates,
    }


def test_the_engine_reads_the_interval_kept_with_the_certificate(db: Any, tmp_path: Path) -> None:
    load(db, tmp_path, province([
        cert(number="S-1", subject="S", references="NIM-P", calibrated_on="2024-01-10",
             valid_until="2026-01-09", issuer="CSIM"),
        f.certificate(number="G1-a", issuer="CSIM", kind="calibration", subject="G1",
                      references="S", calibrated_on="2024-03-01", valid_until="",
                      conclusion="none"),
        f.certificate(number="G2-a", issuer="CSIM", kind="calibration", subject="G2",
                      references="S", calibrated_on="2024-03-01", valid_until="",
                      conclusion="none"),
    ]))
    with db.engine.begin() as conn:  # the interval in force when recorded (the write path's)
        conn.execute(update(Certificate).where(Certificate.number == "G1-a")
                     .values(interval_months=12))
        conn.execute(update(Certificate).where(Certificate.number == "G2-a")
                     .values(interval_months=None))
    last = date(2025, 2, 28)
    with db.engine.connect() as conn:
        for at, word in ((last, Status.DUE_SOON), (last + timedelta(days=1), Status.OVERDUE),
                         (date(2024, 6, 1), Status.VALID)):
            one = status_of(conn, "G1", at)
            state = province_status(conn, at)
            (bulk,) = [r for r in state.instrument_records(conn) if r.asset == "G1"]
            assert (one.status, one.due) == (bulk.status, bulk.due) == (word, last), at
        # without an interval kept: in date on no day
        g2 = status_of(conn, "G2", date(2024, 3, 1))
        assert (g2.status, g2.due) == (Status.OVERDUE, None)
        due = {i.asset: i.due for i in due_list(conn, date(2025, 2, 1), 30)}
        assert due.get("G1") == last and "G2" not in due
