"""The what-if planner: proposals and what they close; greedy suggestions that do raise the rate."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from metro.bundle.issues import BundleRejected
from metro.coverage.planner import plan_additions, suggest
from metro.coverage.proposals import read_proposals, write_proposals
from metro.coverage.report import compute_coverage
from metro.errors import InvalidInput
from tests.metro.coverage.builders import AT, MPA, cap, coverage, items, need

HEADER = "standard,quantity,range_min,range_max,u_abs,u_rel,k\n"


def proposals_file(tmp_path, body: str, name: str = "plan.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_proposal_closes_the_items_it_meets(tmp_path):
    before = coverage(
        [
            need(code="p100", hi=100 * MPA, count=30),
            need(code="p10", count=50),  # covered already
            need(code="t", kind="temperature", lo=300, hi=400, mpe_abs=0.3, mpe_rel=0, count=5),
        ],
        [cap()],
    )
    assert before.overall.covered_items == 1
    proposals = read_proposals(
        proposals_file(
            tmp_path,
            "NEW-P,pressure,0 MPa,160 MPa,,0.01 %,2\n"
            "NEW-T,temperature,0 degC,200 degC,0.2 K,,2\n",  # U 0.2 K > 0.3 K / 3: closes nothing
        )
    )
    plan = plan_additions(before, proposals)
    closes = {p.standard: p.closes for p in plan.proposals}
    assert closes == {"NEW-P": ["p100"], "NEW-T": []}
    assert plan.proposals[0].closes_weight == 30
    a = plan.after.overall
    assert (a.covered_items, a.covered_weight) == (2, 80)
    assert [g.demand for g in plan.after.gaps] == ["t"]
    out = plan.as_dict()
    assert out["before"]["covered_weight"] == 50 and out["after"]["covered_weight"] == 80
    assert out["proposals"][0]["range_max"] == "160 MPa"


def test_an_item_already_covered_is_not_closed_again(tmp_path):
    before = coverage([need()], [cap()])
    plan = plan_additions(
        before, read_proposals(proposals_file(tmp_path, "X,pressure,0 MPa,60 MPa,,0.01 %,\n"))
    )
    assert plan.proposals[0].closes == []
    assert plan.after.overall == before.overall


def _gappy(seed: int):
    rng = np.random.default_rng(seed)
    codes = ["pressure", "mass", "dc_voltage", "length"]
    needs = [
        need(
            code=f"D{i}",
            kind=codes[int(rng.integers(len(codes)))],
            lo=0.0,
            hi=float(rng.choice([1.0, 2.5, 10.0, 60.0, 400.0])),
            mpe_abs=float(rng.choice([0.0, 0.001])),
            mpe_rel=float(rng.choice([1e-3, 4e-3, 1.6e-2])),
            region=str(rng.choice(["430100", "430200"])),
            count=int(rng.integers(1, 100)),
        )
        for i in range(150)
    ]
    caps = [cap(sid=1, kind="pressure", hi=10.0, u_rel=1e-3)]
    return needs, coverage(needs, caps)


@pytest.mark.parametrize("seed", range(4))
def test_suggestions_raise_the_weighted_rate_when_added(seed, tmp_path):
    _, before = _gappy(seed)
    assert before.overall.weighted_rate < 0.95
    road = suggest(before, 5)
    assert 1 <= len(road.suggestions) <= 5
    reached = [before.overall.covered_weight] + [s.reached.covered_weight for s in road.suggestions]
    assert all(b > a for a, b in itertools.pairwise(reached)), reached
    # Greedy: each closes at least as much weight as the next.
    gains = [s.capability.closes_weight for s in road.suggestions]
    assert gains == sorted(gains, reverse=True)
    # Written out and read back, the suggestions give exactly the rate they promised.
    path = tmp_path / "road.csv"
    write_proposals(path, road.capability_rows())
    plan = plan_additions(before, read_proposals(path))
    assert plan.after.overall == road.suggestions[-1].reached
    assert plan.proposals[0].closes == road.suggestions[0].capability.closes
    # And a full recomputation with them as candidates agrees.
    again = compute_coverage(
        before.items, before.candidates.concat(plan_candidates(path)), at=before.at
    )
    assert again.overall == road.suggestions[-1].reached


def plan_candidates(path):
    from metro.coverage.candidates import proposed_candidates

    return proposed_candidates(read_proposals(path))


@pytest.mark.parametrize("seed", range(3))
def test_the_first_suggestion_beats_any_capability_cut_to_one_gap(seed):
    # For each gap item, the capability that fits it exactly (its range, U = MPE/3): the
    # greedy's first suggestion closes at least as much weight as the best of those.
    _, before = _gappy(seed)
    exact = []
    for i in np.flatnonzero(~before.result.covered).tolist():
        it = before.items
        exact.append(
            cap(
                sid=-1,
                standard=f"FIT-{it.code[i]}",
                kind=it.kind[i],
                lo=float(it.range_min[i]),
                hi=float(it.range_max[i]),
                u_abs=float(it.mpe_abs[i]) / 3,
                u_rel=float(it.mpe_rel[i]) / 3,
                level="proposed",
            )
        )
    best_fit = max(p.closes_weight for p in plan_additions(before, exact).proposals)
    first = suggest(before, 1).suggestions[0]
    assert first.capability.closes_weight >= best_fit > 0


def test_suggestions_are_written_in_the_seed_items_units():
    before = coverage(
        [need(code="a", kind="dc_voltage", lo=0.0, hi=10.0, mpe_rel=1e-4, count=9)], [cap()]
    )
    before.items.range_min_given[0] = "0 V"
    before.items.range_max_given[0] = "10 V"
    before.items.mpe_rel_given[0] = "100 ppm"
    (s,) = suggest(before, 3).suggestions
    c = s.capability
    assert (c.quantity, c.range_min, c.range_max, c.u_abs, c.u_rel, c.k) == (
        "dc_voltage",
        "0 V",
        "10 V",
        "",
        "33.3 ppm",  # 100 ppm / 3, rounded down
        "2",
    )
    assert c.closes == ["a"]
    assert s.reached.weighted_rate == 1.0


def test_nothing_to_suggest_when_everything_is_covered():
    road = suggest(coverage([need()], [cap()]), 3)
    assert road.suggestions == []
    assert road.after == road.before.overall


# --- the proposals file ----------------------------------------------------------------------


def test_bad_proposals_are_all_reported_with_file_line_column_value_and_why(tmp_path):
    path = proposals_file(
        tmp_path,
        "A,pressure,0 MPa,10 kg,,0.01 %,2\n"  # line 2: range_max not a pressure
        "B,no_such_kind,0 MPa,10 MPa,,0.01 %,2\n"  # line 3: unknown kind
        "C,pressure,10 MPa,1 MPa,,0.01 %,2\n"  # line 4: range order
        "D,pressure,0 MPa,10 MPa,,,2\n"  # line 5: no uncertainty
        "E,pressure,0 MPa,10 MPa,,0.01 %,-1\n"  # line 6: k
        ",pressure,0 MPa,10 MPa,,0.01 %,2\n",  # line 7: no standard code
    )
    with pytest.raises(BundleRejected) as e:
        read_proposals(path)
    got = [(i.file, i.line, i.column, i.value) for i in e.value.issues]
    assert got == [
        ("plan.csv", 2, "range_max", "10 kg"),
        ("plan.csv", 3, "quantity", "no_such_kind"),
        ("plan.csv", 4, "range_min", "10 MPa"),
        ("plan.csv", 5, "u_abs", ""),
        ("plan.csv", 6, "k", "-1"),
        ("plan.csv", 7, "standard", ""),
    ]
    assert all(i.why for i in e.value.issues)


def test_a_proposals_file_needs_the_capabilities_columns(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("standard,quantity,range_max,colour\nA,pressure,1 MPa,red\n", "utf-8")
    with pytest.raises(BundleRejected) as e:
        read_proposals(path)
    assert {(i.line, i.column) for i in e.value.issues} == {
        (1, "range_min"),
        (1, "u_abs"),
        (1, "u_rel"),
        (1, "k"),
        (1, "colour"),
    }


@pytest.mark.parametrize("content", [None, HEADER, b"\xff\xfe\x00bad"])
def test_missing_empty_or_unreadable_proposals_are_bad_input(tmp_path, content):
    path = tmp_path / "p.csv"
    if isinstance(content, str):
        path.write_text(content, "utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InvalidInput):
        read_proposals(path)


def test_proposals_are_assumed_examined_and_traceable(tmp_path):
    from metro.coverage.candidates import proposed_candidates

    (row,) = read_proposals(proposals_file(tmp_path, "N,pressure,0 MPa,60 MPa,,0.01 %,\n"))
    assert (row.exam_cert, row.exam_valid_until) == (None, None)
    proposed = proposed_candidates([row])
    assert proposed.ready[0] and proposed.traceable[0]
    assert compute_coverage(items(need()), proposed, at=AT).overall.covered_items == 1


# --- priority fields (--priority-weight) ------------------------------------------------------


def _two_fields():
    return coverage(
        [
            need(code="plain", kind="mass", lo=0.0, hi=1.0, mpe_rel=1e-3, count=50),
            need(
                code="med",
                kind="temperature",
                lo=300,
                hi=400,
                mpe_abs=0.3,
                mpe_rel=0,
                count=30,
                field="medical",
            ),
        ],
        [cap()],
    )


def test_the_priority_weight_decides_the_choice_not_the_rates():
    before = _two_fields()
    (plain,) = suggest(before, 1).suggestions
    assert plain.capability.closes == ["plain"]
    assert plain.closes_weighted == plain.capability.closes_weight == 50
    (med,) = suggest(before, 1, priority_weight=2).suggestions  # 30 × 2 = 60 > 50
    assert med.capability.closes == ["med"]
    assert (med.capability.closes_weight, med.closes_weighted) == (30, 60.0)
    assert med.reached.covered_weight == 30  # rates stay unweighted
    assert med.reached.weighted_rate == 30 / 80
    out = suggest(before, 2, priority_weight=2).as_dict()
    assert out["priority_weight"] == 2
    assert [s["closes_weighted"] for s in out["suggestions"]] == [60.0, 50.0]
    assert out["after"]["covered_weight"] == 80


def test_a_weight_below_one_disfavours_the_priority_fields():
    (s,) = suggest(_two_fields(), 1, priority_weight=0.5).suggestions
    assert s.capability.closes == ["plain"]


@pytest.mark.parametrize("w", [0.0, -1.0, float("nan"), float("inf")])
def test_the_priority_weight_must_be_above_zero(w):
    with pytest.raises(ValueError, match="priority weight"):
        suggest(_two_fields(), 1, priority_weight=w)


@pytest.mark.parametrize("seed", range(3))
def test_weighted_suggestions_still_give_what_they_promise(seed, tmp_path):
    needs, _ = _gappy(seed)
    fields = ["medical", "", "environment", ""]
    needs = [{**n, "field": fields[i % 4]} for i, n in enumerate(needs)]
    before = coverage(needs, [cap(sid=1, kind="pressure", hi=10.0, u_rel=1e-3)])
    road = suggest(before, 5, priority_weight=3)
    weighted = [s.closes_weighted for s in road.suggestions]
    assert weighted == sorted(weighted, reverse=True)
    for s in road.suggestions:
        closed = [i for i, c in enumerate(before.items.code) if c in set(s.capability.closes)]
        has = sum(int(before.items.count[i]) for i in closed if before.items.field[i])
        assert s.closes_weighted == pytest.approx(s.capability.closes_weight + 2 * has)
    path = tmp_path / "road.csv"
    write_proposals(path, road.capability_rows())
    plan = plan_additions(before, read_proposals(path))
    assert plan.after.overall == road.after
