"""Upgrades of existing public standards (改造提升) beside new ones in ``metro plan --suggest``:
the minimal change (a wider range, or a smaller U), the items it closes, what is never
upgraded, and that ``plan --add`` of the written file gives what was promised."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from metro.cli import app
from metro.coverage.planner import plan_additions, suggest
from metro.coverage.proposals import read_proposals, write_proposals
from tests import factories as f
from tests.metro.coverage.builders import MPA, cap, coverage, need

runner = CliRunner()


def test_a_range_gap_gets_the_range_widened_and_u_kept():
    before = coverage(
        [
            need(code="a", hi=100 * MPA, count=20),
            need(code="b", hi=150 * MPA, count=5),
            need(code="c", count=50),  # covered already
        ],
        [cap(standard="HN-P", hi=60 * MPA, u_rel=1e-4)],
    )
    (s,) = suggest(before, 1).suggestions
    c = s.capability
    assert (s.kind, s.upgrades, s.change) == ("upgrade", "HN-P", "range")
    assert c.standard == "HN-P"
    assert c.closes == ["a", "b"] and c.closes_weight == 25
    assert (c.range_min, c.range_max) == ("0 Pa", "150000000 Pa")
    assert (c.u_abs, c.u_rel, c.k) == ("", "0.0001", "2")  # U as it was
    assert s.was is not None and s.was.startswith("0 Pa..60000000 Pa")
    assert s.reached.covered_weight == 75


def test_an_uncertainty_gap_gets_a_smaller_u_on_the_same_range():
    before = coverage(
        [need(code="a", hi=10 * MPA, mpe_rel=0.001, count=8)],
        [cap(standard="HN-P", hi=60 * MPA, u_rel=1e-3, k=2.0)],
    )
    (s,) = suggest(before, 1).suggestions
    c = s.capability
    assert (s.kind, s.upgrades, s.change) == ("upgrade", "HN-P", "uncertainty")
    # MPE 0.1 % / 3 = 0.0333… %, rounded down to three digits
    assert (c.range_min, c.range_max, c.u_abs, c.u_rel, c.k) == (
        "0 Pa", "60000000 Pa", "", "0.0333 %", "2")  # fmt: skip
    assert c.closes == ["a"]


def test_a_smaller_u_closes_every_item_it_serves_and_the_larger_reduction_wins():
    # U 0.1 % (k = 2) on 0–60 MPa; items ask U ≤ MPE/3: a smaller U for x serves y too.
    before = coverage(
        [
            need(code="x", hi=10 * MPA, mpe_rel=0.0015, count=4),  # asks for 1/2
            need(code="y", hi=10 * MPA, mpe_rel=0.0009, count=6),  # asks for 1/3.33
        ],
        [cap(standard="HN-P", hi=60 * MPA, u_rel=1e-3)],
    )
    (s,) = suggest(before, 1).suggestions
    assert (s.change, sorted(s.capability.closes)) == ("uncertainty", ["x", "y"])
    assert s.capability.u_rel == "0.03 %"


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"exam_until": date(2025, 1, 1)}, "the standard's examination certificate has ended"),
        ({"status": "sealed"}, "the standard is not active"),
    ],
)
def test_a_standard_that_cannot_serve_is_not_upgraded(kw, why):
    before = coverage([need(code="a", hi=100 * MPA)], [cap(standard="HN-P", **kw)])
    (s,) = suggest(before, 1).suggestions
    assert s.kind == "new", why
    assert s.upgrades is None and s.capability.standard == "SUGGESTED-1"


def test_an_untraceable_standard_is_not_upgraded():
    before = coverage(
        [need(code="a", hi=100 * MPA)],
        [cap(sid=7, standard="HN-P")],
        {7: ("overdue", "certificate C was valid until 2025-01-01")},
    )
    assert suggest(before, 1).suggestions[0].kind == "new"


def test_no_range_upgrade_beyond_the_span_or_when_u_would_not_fit():
    far = coverage([need(code="far", hi=1000 * MPA)], [cap(hi=60 * MPA)])  # > 10 × 60 MPa
    assert suggest(far, 1).suggestions[0].kind == "new"
    both = coverage(  # beyond the range and U too large at 100 MPa: two changes, not one
        [need(code="both", hi=100 * MPA, mpe_rel=1e-4)], [cap(hi=60 * MPA, u_rel=1e-4)]
    )
    assert suggest(both, 1).suggestions[0].kind == "new"


def test_on_a_tie_the_upgrade_goes_before_a_new_standard():
    before = coverage([need(code="a", hi=100 * MPA, count=9)], [cap(standard="HN-P")])
    (s,) = suggest(before, 1).suggestions
    assert s.kind == "upgrade"
    assert suggest(before, 1, upgrades=False).suggestions[0].kind == "new"


def test_new_standards_and_upgrades_are_ranked_together_by_closed_weight(tmp_path):
    before = coverage(
        [
            need(code="wide", hi=100 * MPA, count=30),  # range of HN-P
            # no standard of the kind
            need(code="t", kind="temperature", lo=300, hi=400, mpe_abs=0.3, mpe_rel=0, count=50),
            need(code="fine", hi=1 * MPA, mpe_rel=1e-4, count=10),  # U of HN-P
        ],
        [cap(standard="HN-P", hi=60 * MPA, u_rel=1e-4)],
    )
    road = suggest(before, 5)
    got = [(s.kind, s.upgrades, s.change, s.capability.closes) for s in road.suggestions]
    assert got == [
        ("new", None, None, ["t"]),
        ("upgrade", "HN-P", "range", ["wide"]),
        ("upgrade", "HN-P", "uncertainty", ["fine"]),
    ]
    out = road.as_dict()["suggestions"]
    assert [(d["kind"], d["upgrades"]) for d in out] == [
        ("new", None), ("upgrade", "HN-P"), ("upgrade", "HN-P")]  # fmt: skip
    # Written out and added back: exactly what was promised, each row what it promised.
    path = tmp_path / "road.csv"
    write_proposals(path, road.capability_rows())
    rows = read_proposals(path)
    assert [r.standard for r in rows] == ["SUGGESTED-1", "HN-P", "HN-P"]
    plan = plan_additions(before, rows)
    assert plan.after.overall == road.after
    assert [p.closes for p in plan.proposals] == [s.capability.closes for s in road.suggestions]


# --- through the database: suggest, write, add -----------------------------------------------


@pytest.fixture
def url(db, tmp_path):
    province = f.small_province()
    province["demands.csv"] += [
        f.demand(code="D-003", range_max="100 MPa", count="40"),  # beyond 60 MPa
        f.demand(code="D-004", range_max="1 MPa", mpe_rel="0.02 %", count="30"),  # U ≤ 0.00667 %
    ]
    r = runner.invoke(app, ["--db", db.url, "load", str(f.write_bundle(tmp_path / "b", province))])
    assert r.exit_code == 0, r.output
    return db.url


def test_suggested_upgrades_give_what_they_promise_when_added(url, tmp_path):
    r = runner.invoke(app, ["coverage", "--at", "2025-09-01", "--db", url, "--json"])
    gaps = {g["demand"]: g for g in json.loads(r.stdout)["gaps"]}
    assert (gaps["D-003"]["reason"], gaps["D-004"]["reason"]) == ("range", "uncertainty")
    road = tmp_path / "road.csv"
    r = runner.invoke(app, ["plan", "--suggest", "5", "--at", "2025-09-01", "--write", str(road),
                            "--db", url, "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    ups = {s["upgrades"]: s for s in out["suggestions"] if s["kind"] == "upgrade"}
    assert {(s["change"], tuple(s["closes"])) for s in ups.values()} == {
        ("range", ("D-003",)),
        ("uncertainty", ("D-004",)),
    }
    by_change = {s["change"]: s for s in ups.values()}
    assert by_change["range"]["upgrades"] == gaps["D-003"]["candidate"]
    assert by_change["uncertainty"]["upgrades"] == gaps["D-004"]["candidate"]
    assert by_change["range"]["range_max"] == "100 MPa"
    assert by_change["uncertainty"]["u_rel"] == "0.00666 %"
    r = runner.invoke(app, ["plan", "--add", str(road), "--at", "2025-09-01", "--db", url,
                            "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    plan = json.loads(r.stdout)
    assert plan["after"] == out["after"]
    assert [p["closes"] for p in plan["proposals"]] == [s["closes"] for s in out["suggestions"]]
    r = runner.invoke(app, ["plan", "--suggest", "5", "--at", "2025-09-01", "--db", url])
    assert r.exit_code == 0, r.output
    assert "upgrade" in r.stdout and "was" in r.stdout
