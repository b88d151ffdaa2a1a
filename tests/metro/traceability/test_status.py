"""Status words and reasons on the hand-built province: bulk pass and per-asset walk agree."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Connection

from metro.errors import NotFound
from metro.traceability import Status, province_status, standard_statuses, status_of
from tests.metro.traceability.province import T

EXPECTED = {
    "NIM-P": "valid",
    "NIM-V": "valid",
    "NIM-T": "valid",
    "HN-P1": "valid",  # a revoked fail certificate is ignored
    "CS-P1": "valid",
    "CS-OLD": "overdue",
    "CS-F": "failed",
    "CS-EXAM": "valid",  # its own status does not depend on its examination certificate
    "CS-NOEXAM": "valid",
    "CS-NEW": "never_calibrated",
    "V-STD": "valid",
    "T-STD": "valid",
    "ENT-F": "suspect",  # calibrated with CS-F before CS-F failed
    "WK-1": "untraceable",  # calibrated with CS-OLD after CS-OLD's certificate ran out
    "G-001": "valid",
    "G-SOON": "due_soon",
    "G-OVER": "overdue",
    "G-FAIL": "failed",
    "G-NEVER": "never_calibrated",  # its only certificate is dated after T
    "G-REV": "valid",  # the later fail is revoked
    "G-AFTER": "valid",  # CS-OLD expired after it was used
    "G-BEFORE": "untraceable",  # CS-OLD had expired when it was used
    "G-F-EARLY": "suspect",  # used CS-F while HN-020 (the last good one) spoke
    "G-F-LATE": "untraceable",  # used CS-F after its fail, HN-020 still in date
    "G-F-OLD": "valid",  # used CS-F before its last good calibration
    "G-F-DEEP": "suspect",  # depth 2, through ENT-F
    "G-EXAM": "untraceable",
    "G-NOEXAM": "untraceable",
    "G-NOCERT": "untraceable",
    "G-WK": "untraceable",
    "G-MULTI": "untraceable",  # two references, one broken
    "G-BIG": "untraceable",
    "G-PSI": "valid",
    "G-PSI-BIG": "untraceable",
    "DMM-1": "untraceable",  # 20 ppm where 16.7 ppm is needed
    "DMM-2": "valid",
    "TH-1": "valid",
    "TH-2": "untraceable",  # 0.5 °F MPE: needs 0.0926 K, has 0.1 K
}

REASONS = {
    "G-BEFORE": ["reference CS-OLD's certificate HN-010 had expired on 2025-02-01",
                 "valid until 2025-01-09"],
    "G-F-LATE": ["reference CS-F had failed on 2025-05-01", "HN-021"],
    "G-EXAM": ["CS-EXAM's examination certificate", "not valid on 2025-03-01",
               "2020-01-01 … 2024-12-31"],
    "G-NOEXAM": ["CS-NOEXAM (public_secondary) has no examination certificate"],
    "G-NOCERT": ["CS-NEW had no certificate on or before 2025-03-01"],
    "G-WK": ["WK-1's certificate CS-031 is unsound",
             "CS-OLD's certificate HN-010 had expired on 2025-02-01"],
    "G-MULTI": ["reference CS-OLD"],
    "G-BIG": ["no reference capability covers pressure", "100 MPa", "CS-P1 0 Pa … 60 MPa"],
    "G-PSI-BIG": ["no reference capability covers pressure", "68.9 MPa"],
    "DMM-1": ["V-STD U 20 ppm where ≤ 16.7 ppm was needed"],
    "TH-2": ["T-STD U 0.1 K where ≤ 0.0926 K was needed"],
    "G-F-EARLY": ["while certificate HN-020 spoke", "CS-F failed on 2025-05-01", "depth 1"],
    "G-F-DEEP": ["used ENT-F", "suspect certificate CS-030", "depth 2"],
    "ENT-F": ["HN-020", "depth 1"],
    "G-SOON": ["CS-101", "2025-07-19", "18 days"],
    "G-OVER": ["CS-102", "2025-04-30"],
    "G-FAIL": ["CS-103", "concludes fail"],
    "G-NEVER": ["no certificate calibrated on or before 2025-07-01"],
    "NIM-P": ["primary"],
}


def test_every_word_in_the_whole_province_pass(hand_built: Connection) -> None:
    records = {r.asset: r for r in province_status(hand_built, T).records(hand_built)}
    assert {code: r.status.value for code, r in records.items()} == EXPECTED
    assert {s.value for s in Status} == set(EXPECTED.values())


def test_per_asset_walk_gives_the_same_records(hand_built: Connection) -> None:
    bulk = {r.asset: r for r in province_status(hand_built, T).records(hand_built)}
    for code in EXPECTED:
        assert status_of(hand_built, code, T) == bulk[code], code


@pytest.mark.parametrize("code", sorted(REASONS))
def test_reasons_name_the_link_and_the_numbers(hand_built: Connection, code: str) -> None:
    reason = status_of(hand_built, code, T).reason
    for part in REASONS[code]:
        assert part in reason, (code, reason)


def test_due_is_the_speaking_certificates_valid_until(hand_built: Connection) -> None:
    assert status_of(hand_built, "G-SOON", T).due == date(2025, 7, 19)
    assert status_of(hand_built, "G-NEVER", T).due is None
    assert status_of(hand_built, "NIM-P", T).due is None
    assert status_of(hand_built, "G-FAIL", T).due is None


def test_lead_days_move_the_due_soon_boundary(hand_built: Connection) -> None:
    # G-SOON runs out on 2025-07-19: 18 days after T
    assert status_of(hand_built, "G-SOON", T, lead_days=17).status is Status.VALID
    assert status_of(hand_built, "G-SOON", T, lead_days=18).status is Status.DUE_SOON
    state = province_status(hand_built, T, lead_days=17)
    assert state.counts()[Status.DUE_SOON] == 0


def test_status_depends_on_the_date_asked(hand_built: Connection) -> None:
    # before CS-F failed, nothing is suspect and its uses are traceable
    before = T.replace(month=4, day=30)
    assert status_of(hand_built, "CS-F", before).status is Status.VALID
    assert status_of(hand_built, "G-F-EARLY", before).status is Status.VALID
    assert status_of(hand_built, "ENT-F", before).status is Status.VALID
    state = province_status(hand_built, before)
    assert state.counts()[Status.SUSPECT] == 0
    # the day after G-001's certificate runs out it is overdue
    assert status_of(hand_built, "G-001", date(2026, 5, 1)).status is Status.OVERDUE
    assert status_of(hand_built, "G-001", date(2026, 4, 30)).status is Status.DUE_SOON


def test_a_later_fail_ends_traceability_on_its_day(hand_built: Connection) -> None:
    fail_day = date(2025, 5, 1)
    assert status_of(hand_built, "CS-F", fail_day - timedelta(days=1)).status is Status.VALID
    assert status_of(hand_built, "CS-F", fail_day).status is Status.FAILED


def test_standard_statuses_for_the_coverage_engine(hand_built: Connection) -> None:
    statuses = standard_statuses(hand_built, T)
    by_code = {r.asset: r.status.value for r in statuses.values()}
    assert by_code == {k: v for k, v in EXPECTED.items() if k in by_code}
    assert len(by_code) == 14
    one = next(iter(statuses))
    assert standard_statuses(hand_built, T, [one]) == {one: statuses[one]}


def test_unknown_asset_is_named(hand_built: Connection) -> None:
    with pytest.raises(NotFound, match="'NOPE'"):
        status_of(hand_built, "NOPE", T)
