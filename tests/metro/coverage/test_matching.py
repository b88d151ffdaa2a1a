"""The five checks, every gap reason, their precedence and the closest candidate."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from metro.coverage import matching
from metro.coverage.candidates import build_candidates
from metro.coverage.matching import match, match_reference, needs_of, offers_of
from metro.coverage.report import compute_coverage
from tests.metro.coverage.builders import AT, MPA, cap, coverage, items, need


def only_gap(report):
    assert len(report.gaps) == 1, report.gaps
    return report.gaps[0]


def test_a_public_standard_of_the_kind_in_range_and_good_enough_covers():
    report = coverage([need()], [cap()])
    assert report.overall.covered_items == 1
    assert report.gaps == []
    assert report.candidates.standard[report.result.best[0]] == "S1"


def test_no_standard_when_no_candidate_has_the_kind():
    report = coverage([need(kind="temperature", lo=233.15, hi=423.15, mpe_abs=0.5)], [cap()])
    gap = only_gap(report)
    assert (gap.reason, gap.candidate) == ("no_standard", None)
    assert "temperature" in gap.detail


@pytest.mark.parametrize(
    "level", ["primary", "department_highest", "enterprise_highest", "working"]
)
def test_standards_that_are_not_public_never_count(level):
    report = coverage([need()], [cap(level=level)])
    assert only_gap(report).reason == "no_standard"


@pytest.mark.parametrize("level", ["public_highest", "public_secondary"])
def test_both_public_levels_count(level):
    assert coverage([need()], [cap(level=level)]).overall.covered_items == 1


def test_a_kind_sharing_the_dimension_does_not_count():
    report = coverage([need(kind="ac_voltage", hi=100, mpe_rel=0.01)], [
        cap(kind="dc_voltage", hi=1000, u_rel=1e-6)
    ])  # fmt: skip
    assert only_gap(report).reason == "no_standard"


@pytest.mark.parametrize(
    ("lo", "hi", "covered"),
    [
        (0.0, 60 * MPA, True),  # exactly the capability's range
        (0.0, 60.000001 * MPA, False),  # just above the top
        (-1.0, 10 * MPA, False),  # just below the bottom
        (5 * MPA, 6 * MPA, True),
    ],
)
def test_range_must_contain_the_demand_range(lo, hi, covered):
    report = coverage([need(lo=lo, hi=hi)], [cap(lo=0.0, hi=60 * MPA, u_rel=1e-5)])
    assert report.overall.covered_items == int(covered)
    if not covered:
        assert only_gap(report).reason == "range"


@pytest.mark.parametrize(
    ("u_rel", "k", "covered"),
    [
        (2e-4, 2.0, True),  # U = MPE / 3 exactly (0.06 % / 3 = 0.02 %)
        (2.0001e-4, 2.0, False),
        (3e-4, 3.0, True),  # 0.03 % at k = 3 is 0.02 % at k = 2
        (3e-4, 2.0, False),
    ],
)
def test_uncertainty_scaled_to_k2_must_be_a_third_of_the_mpe(u_rel, k, covered):
    report = coverage([need(mpe_rel=6e-4)], [cap(u_rel=u_rel, k=k)])
    assert report.overall.covered_items == int(covered)
    if not covered:
        assert only_gap(report).reason == "uncertainty"


def test_uncertainty_is_checked_at_zero_when_the_range_holds_it():
    # A relative MPE allows nothing at 0: an absolute U term fails there, not at the ends.
    relative_only = need(lo=-1 * MPA, hi=1 * MPA, mpe_rel=0.01)
    symmetric = cap(lo=-60 * MPA, u_abs=1.0, u_rel=0.0)
    assert only_gap(coverage([relative_only], [symmetric])).reason == "uncertainty"
    # The same U away from 0 is fine: |x| ≥ 0.5 MPa allows 0.01 × 0.5 MPa / 3 ≫ 1 Pa.
    away = need(lo=0.5 * MPA, hi=1 * MPA, mpe_rel=0.01)
    assert coverage([away], [symmetric]).overall.covered_items == 1


def test_the_ratio_comes_from_the_kind(monkeypatch):
    from metro.quantity_kinds import QuantityKind, kinds

    pressure = kinds()["pressure"]
    assert pressure.instrument_ratio == 3
    monkeypatch.setitem(
        kinds(), "pressure", QuantityKind(**{**_fields(pressure), "instrument_ratio": 2.0})
    )
    from metro.coverage import demand

    demand.kind_table.cache_clear()
    try:
        # U = MPE/2.5: inadequate at ratio 3, adequate at ratio 2.
        assert coverage([need(mpe_rel=1e-3)], [cap(u_rel=4e-4)]).overall.covered_items == 1
    finally:
        demand.kind_table.cache_clear()


def _fields(k):
    return {name: getattr(k, name) for name in k.__dataclass_fields__}


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"exam_until": date(2025, 6, 30)}, "expired 2025-06-30"),
        ({"exam_from": date(2025, 10, 1)}, "valid only from 2025-10-01"),
        ({"status": "sealed"}, "standard is sealed, not active"),
        ({"status": "revoked"}, "standard is revoked, not active"),
        ({"exam_cert": None}, "no examination certificate"),
    ],
)
def test_standard_expired_when_not_active_with_a_valid_examination(changes, fragment):
    gap = only_gap(coverage([need()], [cap(**changes)]))
    assert gap.reason == "standard_expired"
    assert fragment in gap.detail
    assert gap.candidate == "S1"


def test_examination_valid_on_its_last_day():
    assert coverage([need()], [cap(exam_until=AT)]).overall.covered_items == 1


@pytest.mark.parametrize("word", ["valid", "due_soon"])
def test_valid_and_due_soon_standards_cover(word):
    report = coverage([need()], [cap()], {1: (word, "certificate C")})
    assert report.overall.covered_items == 1


@pytest.mark.parametrize(
    "word", ["never_calibrated", "failed", "overdue", "untraceable", "suspect"]
)
def test_other_statuses_are_untraceable_with_the_engines_reason(word):
    gap = only_gap(coverage([need()], [cap()], {1: (word, "certificate HN2025-002 says so")}))
    assert gap.reason == "untraceable"
    assert gap.detail == f"S1: {word}: certificate HN2025-002 says so"


def test_a_standard_without_a_status_is_untraceable():
    report = compute_coverage(items(need()), build_candidates([cap(sid=7)], AT, {}), at=AT)
    gap = only_gap(report)
    assert gap.reason == "untraceable"
    assert "no status" in gap.detail


# --- precedence: the check that failed for the candidate that passed most checks ------------


def test_uncertainty_beats_range():
    caps = [cap(sid=1, hi=5 * MPA, u_rel=1e-6), cap(sid=2, hi=60 * MPA, u_rel=1e-2)]
    gap = only_gap(coverage([need()], caps))
    assert (gap.reason, gap.candidate) == ("uncertainty", "S2")


def test_standard_expired_beats_uncertainty():
    caps = [cap(sid=1, u_rel=1e-2), cap(sid=2, exam_until=date(2025, 1, 1))]
    gap = only_gap(coverage([need()], caps))
    assert (gap.reason, gap.candidate) == ("standard_expired", "S2")


def test_untraceable_beats_standard_expired():
    caps = [cap(sid=1, exam_until=date(2025, 1, 1)), cap(sid=2)]
    gap = only_gap(coverage([need()], caps, {2: ("overdue", "certificate X")}))
    assert (gap.reason, gap.candidate) == ("untraceable", "S2")


def test_check_four_comes_before_check_five_on_one_standard():
    gap = only_gap(
        coverage([need()], [cap(exam_until=date(2025, 1, 1))], {1: ("failed", "certificate X")})
    )
    assert gap.reason == "standard_expired"


def test_one_good_candidate_is_enough_whatever_the_others():
    caps = [
        cap(sid=1, hi=5 * MPA),
        cap(sid=2, u_rel=1e-2),
        cap(sid=3, status="sealed"),
        cap(sid=4),
        cap(sid=5),
    ]
    report = coverage([need()], caps, {5: ("overdue", "X")})
    assert report.gaps == []
    assert report.candidates.standard[report.result.best[0]] == "S4"


def test_the_closest_candidate_by_range_and_by_uncertainty():
    by_range = [cap(sid=1, hi=40 * MPA), cap(sid=2, hi=60 * MPA), cap(sid=3, hi=20 * MPA)]
    assert only_gap(coverage([need(hi=100 * MPA)], by_range)).candidate == "S2"
    by_u = [cap(sid=1, u_rel=5e-3), cap(sid=2, u_rel=2e-3), cap(sid=3, u_rel=4e-3)]
    assert only_gap(coverage([need()], by_u)).candidate == "S2"


# --- the vectorized matcher is the nested loop ------------------------------------------------


def _random_case(seed: int, n: int = 300, m: int = 60):
    rng = np.random.default_rng(seed)
    kinds = ["pressure", "mass", "temperature", "dc_voltage"]
    ladder = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
    caps = [
        cap(
            sid=j + 1,
            kind=kinds[int(rng.integers(len(kinds)))],
            lo=float(-rng.choice([0, 1, 5])),
            hi=float(rng.choice(ladder)),
            u_abs=float(rng.choice([0.0, 1e-3, 1e-2])),
            u_rel=float(rng.choice([0.0, 1e-4, 1e-3, 5e-3])),
            k=float(rng.choice([2.0, 3.0])),
            status="active" if rng.random() < 0.9 else "sealed",
        )
        for j in range(m)
    ]
    statuses = {j + 1: ("valid" if rng.random() < 0.85 else "overdue", "x") for j in range(m)}
    needs = [
        need(
            code=f"D{i}",
            kind=[*kinds, "length"][int(rng.integers(len(kinds) + 1))],  # no length standard
            lo=float(-rng.choice([0, 0, 1, 5, 10])),
            hi=float(rng.choice(ladder)) * float(rng.choice([0.5, 1.0])),
            mpe_abs=float(rng.choice([0.0, 0.01, 0.1])),
            mpe_rel=float(rng.choice([0.0, 1e-3, 1e-2, 4e-2])),
            count=int(rng.integers(0, 50)),
        )
        for i in range(n)
    ]
    needs.append(dict(needs[0], code="DUP"))  # the same profile twice
    return items(*needs), build_candidates(caps, AT, statuses)


@pytest.mark.parametrize("seed", range(8))
def test_vectorized_matcher_equals_the_nested_loop(seed, monkeypatch):
    demand, candidates = _random_case(seed)
    n, o = needs_of(demand), offers_of(candidates)
    expected = match_reference(n, o)
    assert set(expected.score.tolist()) >= {0, 5}, "the case should hold covered and no_standard"
    for block in (matching.BLOCK, 7):  # 7 pairs per block forces many small blocks
        monkeypatch.setattr(matching, "BLOCK", block)
        got = match(n, o)
        np.testing.assert_array_equal(got.score, expected.score)
        np.testing.assert_array_equal(got.best, expected.best)
    by_kind = match_reference(n, o, by_kind=True)
    np.testing.assert_array_equal(by_kind.best, expected.best)


def test_no_items_and_no_candidates():
    empty = items()
    report = coverage([], [cap()])
    assert report.overall.rate is None and report.overall.weighted_rate is None
    assert len(match(needs_of(empty), offers_of(build_candidates([], AT, {}))).score) == 0
    assert only_gap(coverage([need()], [])).reason == "no_standard"
