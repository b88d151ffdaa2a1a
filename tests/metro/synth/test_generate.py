"""Tests of the bundle generator (metro.synth), checked with an independent oracle (oracle.py)."""

from __future__ import annotations

import csv
import filecmp
import re
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from metro.model.levels import LEVEL_RANK, PUBLIC_LEVELS
from metro.quantity_kinds import disciplines, kinds
from metro.synth import generate
from metro.synth.generate import generate_bundle
from metro.synth.writer import HEADERS
from tests.metro.synth.oracle import (
    REF,
    ROOT,
    SEED_BUNDLE,
    SETTINGS,
    Bundle,
    Rules,
    diff,
    load,
    rel,
    value,
)

# ------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(out, seed=11, instruments=400, settings=SETTINGS)
    return out


@pytest.fixture(scope="module")
def seed_bundle() -> Bundle:
    return load(SEED_BUNDLE)


# ------------------------------------------------------------------------------------------
# determinism and scale
# ------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    counts_a = generate(a, seed=5, instruments=300, settings=SETTINGS)
    counts_b = generate(b, seed=5, instruments=300, settings=SETTINGS)
    assert counts_a == counts_b
    for name in HEADERS:
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes(), name


def test_other_seed_differs(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=5, instruments=300, settings=SETTINGS)
    generate(tmp_path / "b", seed=6, instruments=300, settings=SETTINGS)
    assert (tmp_path / "a/instruments.csv").read_bytes() != (
        tmp_path / "b/instruments.csv"
    ).read_bytes()


@pytest.mark.parametrize("n", [120, 1234])
def test_instrument_count_is_the_scale_knob(tmp_path: Path, n: int) -> None:
    counts = generate(tmp_path, seed=3, instruments=n, settings=SETTINGS)
    assert counts["instruments"] == n
    for name in HEADERS:
        with (tmp_path / f"{name}.csv").open(encoding="utf-8") as f:
            assert sum(1 for _ in f) - 1 == counts[name], name


def test_committed_seed_bundle_is_reproducible(tmp_path: Path) -> None:
    readme = (ROOT / "seed_data" / "README.md").read_text(encoding="utf-8")
    m = re.search(r"--seed (\d+) --instruments (\d+)", readme)
    assert m, "seed_data/README.md must state the regeneration command"
    generate(tmp_path, seed=int(m.group(1)), instruments=int(m.group(2)), settings=SETTINGS)
    _, mismatch, errors = filecmp.cmpfiles(
        SEED_BUNDLE, tmp_path, [f"{n}.csv" for n in HEADERS], shallow=False
    )
    assert not mismatch and not errors


# ------------------------------------------------------------------------------------------
# validity rules the loader enforces
# ------------------------------------------------------------------------------------------

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_valid(b: Bundle) -> None:
    rows = b.rows
    orgs = {r["code"]: r for r in rows["organizations"]}
    assert len(orgs) == len(rows["organizations"])
    for r in rows["organizations"]:
        assert r["kind"] in {"bureau", "nmi", "institute", "lab", "enterprise"}
        assert re.fullmatch(r"\d{6}", r["region"])
    codes = [r["code"] for r in rows["standards"]] + [r["code"] for r in rows["instruments"]]
    assert len(codes) == len(set(codes))
    for r in rows["standards"]:
        assert r["owner"] in orgs
        assert r["level"] in LEVEL_RANK
        assert r["status"] in {"active", "sealed", "revoked"}
        if r["level"] in PUBLIC_LEVELS:
            assert r["exam_cert"] and r["exam_valid_from"] <= r["exam_valid_until"]
        for col in ("exam_valid_from", "exam_valid_until"):
            assert not r[col] or ISO.match(r[col])
        assert b.caps[r["code"]], f"{r['code']} has no capability"
    for r in rows["capabilities"]:
        kind = r["quantity"]
        assert r["standard"] in b.standards
        assert value(r["range_min"], kind) <= value(r["range_max"], kind)
        assert r["u_abs"] or r["u_rel"]
        assert float(r["k"]) > 0
    for r in rows["instruments"]:
        kind = r["quantity"]
        assert r["owner"] in orgs
        assert value(r["range_min"], kind) <= value(r["range_max"], kind)
        diff(r["mpe_abs"], kind)
        rel(r["mpe_rel"])
        assert r["mpe_abs"] or r["mpe_rel"]
        assert r["mandatory"] in {"true", "false"}
        assert r["interval_months"] in {"6", "12", "24"}
    numbers: set[tuple[str, str]] = set()
    for c in b.all_certs:
        assert (c.issuer, c.number) not in numbers
        numbers.add((c.issuer, c.number))
        assert c.issuer in orgs
        assert c.kind in {"verification", "calibration"}
        assert c.conclusion in {"pass", "fail", "none"}
        assert c.day <= REF
        subject_level = b.standards[c.subject]["level"] if c.subject in b.standards else None
        assert c.subject in b.standards or c.subject in b.instruments
        assert subject_level != "primary"
        assert c.refs, c.number
        for r in c.refs:
            assert r in b.standards, r
            rank = LEVEL_RANK[subject_level] if subject_level else 0
            assert LEVEL_RANK[b.standards[r]["level"]] > rank, (c.number, r)
        if c.until is None:
            assert c.conclusion == "fail"
        else:
            assert c.until >= c.day
    cert_numbers = {c.number for c in b.all_certs}
    for r in rows["results"]:
        assert r["certificate"] in cert_numbers
        assert float(r["k"]) > 0
    demand_codes = [r["code"] for r in rows["demands"]]
    assert len(demand_codes) == len(set(demand_codes))
    for r in rows["demands"]:
        kind = r["quantity"]
        assert value(r["range_min"], kind) <= value(r["range_max"], kind)
        assert re.fullmatch(r"43\d{4}", r["region"])
        assert int(r["count"]) >= 1
        assert r["mpe_abs"] or r["mpe_rel"]
    for name, header in HEADERS.items():
        with (b.path / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == list(header)


def test_small_bundle_is_valid(small: Path) -> None:
    check_valid(load(small))


def test_seed_bundle_is_valid(seed_bundle: Bundle) -> None:
    check_valid(seed_bundle)


def test_quantity_strings_are_ascii(seed_bundle: Bundle) -> None:
    for name in ("capabilities", "instruments", "results", "demands"):
        for r in seed_bundle.rows[name]:
            for col in (
                "range_min",
                "range_max",
                "u_abs",
                "u_rel",
                "mpe_abs",
                "mpe_rel",
                "nominal",
                "measured",
                "u",
            ):
                assert r.get(col, "").isascii(), (name, col, r[col])


def test_units_agree_with_metro_units_when_available(seed_bundle: Bundle) -> None:
    # No skip: a rename of metro.units or of these helpers must fail here, not pass silently.
    import metro.units as units

    assert hasattr(units, "canonical"), "metro.units.canonical() is gone: update this test"
    assert hasattr(units, "relative"), "metro.units.relative() is gone: update this test"
    seen: set[tuple[str, str, bool]] = set()
    for r in (
        seed_bundle.rows["capabilities"]
        + seed_bundle.rows["instruments"]
        + seed_bundle.rows["demands"]
    ):
        kind = r["quantity"]
        for col, is_diff in (
            ("range_min", False),
            ("range_max", False),
            ("u_abs", True),
            ("mpe_abs", True),
        ):
            text = r.get(col, "")
            if not text or (text, kind, is_diff) in seen:
                continue
            seen.add((text, kind, is_diff))
            mine = diff(text, kind) if is_diff else value(text, kind)
            theirs = float(units.canonical(text, kind, difference=is_diff))
            assert theirs == pytest.approx(mine, rel=1e-9, abs=1e-300), (text, kind)
        for col in ("u_rel", "mpe_rel"):
            if r.get(col):
                assert float(units.relative(r[col])) == pytest.approx(rel(r[col]), rel=1e-12)


# ------------------------------------------------------------------------------------------
# content of the seed bundle
# ------------------------------------------------------------------------------------------


def test_seed_sizes_and_organizations(seed_bundle: Bundle) -> None:
    rows = seed_bundle.rows
    kinds_of_org = Counter(r["kind"] for r in rows["organizations"])
    assert kinds_of_org["nmi"] == 1 and kinds_of_org["bureau"] == 1
    assert kinds_of_org["institute"] == 15
    assert kinds_of_org["lab"] >= 3
    assert kinds_of_org["enterprise"] >= 50
    regions = {r["region"] for r in rows["organizations"] if r["kind"] == "institute"}
    assert regions >= {
        "430000",
        "430100",
        "430200",
        "430300",
        "430400",
        "430500",
        "430600",
        "430700",
        "430800",
        "430900",
        "431000",
        "431100",
        "431200",
        "431300",
        "433100",
    }
    public = [r for r in rows["standards"] if r["level"] in PUBLIC_LEVELS]
    assert len(public) >= 300
    assert len(rows["instruments"]) >= 2000
    assert len(rows["demands"]) >= 300
    public_disciplines = {
        kinds()[c.kind].discipline for r in public for c in seed_bundle.caps[r["code"]]
    }
    assert public_disciplines == set(disciplines())
    owners = {r["code"]: r for r in rows["organizations"]}
    for r in public:
        owner = owners[r["owner"]]
        assert owner["kind"] == "institute"
        assert (owner["region"] == "430000") == (r["level"] == "public_highest")
    for r in rows["standards"]:
        if r["level"] == "primary":
            assert r["owner"] == "NIM" and not seed_bundle.certs.get(r["code"])
    levels = Counter(r["level"] for r in rows["standards"])
    assert levels["enterprise_highest"] and levels["department_highest"] and levels["working"]


def test_seed_history_and_deliberate_defects(seed_bundle: Bundle) -> None:
    b = seed_bundle
    rules = Rules(b)
    certs = b.all_certs
    assert min(c.day for c in certs if c.subject in b.instruments) <= date(2023, 11, 26)
    # exam certificates: some expire within 6 months, one or two have expired, some sealed
    until = [
        date.fromisoformat(r["exam_valid_until"])
        for r in b.rows["standards"]
        if r["exam_valid_until"]
    ]
    assert any(REF <= u <= REF + timedelta(days=183) for u in until)
    assert 1 <= sum(1 for u in until if u < REF) <= 2
    assert any(r["status"] == "sealed" for r in b.rows["standards"])
    # revoked certificates, usually followed by a reissue
    revoked = [c for c in certs if c.revoked]
    assert revoked
    reissued = sum(1 for c in revoked if any(x.day >= c.day for x in b.certs[c.subject]))
    assert reissued >= len(revoked) * 0.8
    # failed certificates, some without valid_until
    assert any(c.conclusion == "fail" and c.until is None for c in certs)
    statuses = Counter(rules.status(code, REF) for code in b.instruments)
    assert statuses["overdue"] > 0 and statuses["never_calibrated"] > 0
    assert statuses["failed"] > 0 and statuses["untraceable"] > 0 and statuses["suspect"] > 0
    assert statuses["valid"] > len(b.instruments) * 0.6
    # a standard with a gap between two calibrations, used inside the gap
    gap_uses = []
    for code, lst in b.certs.items():
        if code not in b.standards:
            continue
        for c1, c2 in pairwise(lst):
            if c1.until is not None and c2.day > c1.until + timedelta(days=1):
                gap_uses += [c for c in certs if code in c.refs and c1.until < c.day < c2.day]
    assert gap_uses
    # an inadequate reference (U too large for the instrument's MPE)
    assert any(
        c.subject in b.instruments and not c.revoked and not rules.adequate(c) for c in certs
    )


def test_seed_out_of_tolerance_public_standard_has_deep_impact(seed_bundle: Bundle) -> None:
    rules = Rules(seed_bundle)
    failed = [
        code
        for code, s in seed_bundle.standards.items()
        if s["level"] in PUBLIC_LEVELS
        and any(c.conclusion == "fail" and c.day.year == 2026 for c in seed_bundle.certs[code])
    ]
    assert failed
    depth = max((max(rules.impact(code).values(), default=0) for code in failed), default=0)
    assert depth >= 2


def test_seed_public_standards_are_mostly_traceable(seed_bundle: Bundle) -> None:
    rules = Rules(seed_bundle)
    public = [c for c, s in seed_bundle.standards.items() if s["level"] in PUBLIC_LEVELS]
    statuses = Counter(rules.status(code, REF) for code in public)
    assert statuses["valid"] + statuses["due_soon"] >= len(public) * 0.95
    assert statuses["failed"] >= 1 and statuses["untraceable"] >= 1 and statuses["overdue"] >= 1


def test_seed_coverage_is_just_below_target(seed_bundle: Bundle) -> None:
    items, covered, weight, covered_weight, reasons = Rules(seed_bundle).coverage(REF)
    assert 0.93 <= covered / items < 0.95
    assert 0.93 <= covered_weight / weight < 0.95
    for reason in ("no_standard", "range", "uncertainty", "standard_expired", "untraceable"):
        assert reasons[reason] >= 2, reasons


def test_generator_design_matches_oracle(tmp_path: Path) -> None:
    report = generate_bundle(tmp_path, seed=2018, instruments=600, settings=SETTINGS)
    b = load(tmp_path)
    items, covered, weight, covered_weight, reasons = Rules(b).coverage(REF)
    plan = report.demand
    assert (items, covered, weight, covered_weight) == (
        plan.items,
        plan.covered_items,
        plan.weight,
        plan.covered_weight,
    )
    assert dict(reasons) == plan.reasons
