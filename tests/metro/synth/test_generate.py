"""Tests of the bundle generator (metro.synth).

The oracle below re-reads the CSV files and re-implements DESIGN.md's rules (unit conversion
through pint plus the project's own scales, adequacy, soundness, status, impact, coverage) with
plain floats, independently of the generator's own ``trace`` module.
"""

from __future__ import annotations

import csv
import filecmp
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path

import pint
import pytest

from metro.levels import LEVEL_RANK, PUBLIC_LEVELS
from metro.quantity_kinds import disciplines, kinds
from metro.synth import generate
from metro.synth.generate import generate_bundle
from metro.synth.writer import HEADERS

ROOT = Path(__file__).resolve().parents[3]
SEED_BUNDLE = ROOT / "seed_data" / "hunan"
SETTINGS = ROOT / "seed_data" / "hunan.toml"
REF = date(2026, 11, 26)
LEAD = 30
TOL = 1e-9

# ------------------------------------------------------------------------------------------
# oracle: units
# ------------------------------------------------------------------------------------------

CUSTOM = {"%RH", "HRC", "HRB", "HV", "HB", "pH", "NTU", "D", "dB", "r/min"}


@cache
def _ureg() -> pint.UnitRegistry:
    return pint.UnitRegistry()


@cache
def _affine(unit: str, canonical: str) -> tuple[float, float]:
    """value_canonical = scale * value + offset (offset only for absolute temperatures)."""
    if unit in CUSTOM or canonical in CUSTOM:
        assert unit == canonical, f"{unit!r} is not {canonical!r}"
        return 1.0, 0.0
    ureg = _ureg()
    assert ureg.Unit(unit).dimensionality == ureg.Unit(canonical).dimensionality, (unit, canonical)
    zero = ureg.Quantity(0.0, unit).to(canonical).magnitude
    one = ureg.Quantity(1.0, unit).to(canonical).magnitude
    return one - zero, zero


def _parts(text: str) -> tuple[float, str]:
    number, unit = text.split(" ", 1)
    return float(number), unit


def value(text: str, kind: str) -> float:
    number, unit = _parts(text)
    scale, offset = _affine(unit, kinds()[kind].canonical_unit)
    return number * scale + offset


def diff(text: str, kind: str) -> float:
    if not text:
        return 0.0
    number, unit = _parts(text)
    return number * _affine(unit, kinds()[kind].canonical_unit)[0]


def rel(text: str) -> float:
    if not text:
        return 0.0
    number, _, unit = text.partition(" ")
    return float(number) * {"": 1.0, "%": 1e-2, "ppm": 1e-6}[unit]


# ------------------------------------------------------------------------------------------
# oracle: the bundle and the DESIGN rules
# ------------------------------------------------------------------------------------------


@dataclass
class Cap:
    kind: str
    lo: float
    hi: float
    a2: float
    b2: float


@dataclass
class Cert:
    number: str
    issuer: str
    kind: str
    subject: str
    day: date
    until: date | None
    conclusion: str
    refs: list[str]
    revoked: bool


@dataclass
class Bundle:
    path: Path
    rows: dict[str, list[dict[str, str]]]
    standards: dict[str, dict[str, str]] = field(default_factory=dict)
    instruments: dict[str, dict[str, str]] = field(default_factory=dict)
    caps: dict[str, list[Cap]] = field(default_factory=lambda: defaultdict(list))
    certs: dict[str, list[Cert]] = field(default_factory=lambda: defaultdict(list))
    all_certs: list[Cert] = field(default_factory=list)


def _d(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def load(path: Path) -> Bundle:
    rows = {}
    for name in HEADERS:
        with (path / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows[name] = list(csv.DictReader(f))
    b = Bundle(path=path, rows=rows)
    b.standards = {r["code"]: r for r in rows["standards"]}
    b.instruments = {r["code"]: r for r in rows["instruments"]}
    for r in rows["capabilities"]:
        k = float(r["k"])
        b.caps[r["standard"]].append(
            Cap(
                r["quantity"],
                value(r["range_min"], r["quantity"]),
                value(r["range_max"], r["quantity"]),
                diff(r["u_abs"], r["quantity"]) * 2 / k,
                rel(r["u_rel"]) * 2 / k,
            )
        )
    for r in rows["certificates"]:
        c = Cert(
            r["number"],
            r["issuer"],
            r["kind"],
            r["subject"],
            date.fromisoformat(r["calibrated_on"]),
            _d(r["valid_until"]),
            r["conclusion"],
            [x for x in r["references"].split(";") if x],
            r["status"] == "revoked",
        )
        b.all_certs.append(c)
        if not c.revoked:
            b.certs[c.subject].append(c)
    for lst in b.certs.values():
        lst.sort(key=lambda c: c.day)
    return b


def _points(lo: float, hi: float) -> list[float]:
    return [lo, hi, 0.0] if lo < 0 < hi else [lo, hi]


def _contains(cap: Cap, lo: float, hi: float) -> bool:
    tol = TOL * max(abs(lo), abs(hi), abs(cap.lo), abs(cap.hi), 1e-300)
    return cap.lo <= lo + tol and cap.hi >= hi - tol


def _small_enough(cap: Cap, lo: float, hi: float, lim_a: float, lim_b: float) -> bool:
    return all(
        cap.a2 + cap.b2 * abs(x) <= (lim_a + lim_b * abs(x)) * (1 + TOL) for x in _points(lo, hi)
    )


class Rules:
    def __init__(self, b: Bundle) -> None:
        self.b = b
        self.sound_memo: dict[int, bool] = {}

    def level(self, code: str) -> str | None:
        s = self.b.standards.get(code)
        return s["level"] if s else None

    def exam_ok(self, code: str, day: date) -> bool:
        s = self.b.standards[code]
        if not s["exam_cert"]:
            return s["level"] not in PUBLIC_LEVELS
        return (
            date.fromisoformat(s["exam_valid_from"])
            <= day
            <= date.fromisoformat(s["exam_valid_until"])
        )

    def speaking(self, code: str, day: date) -> Cert | None:
        out = None
        for c in self.b.certs.get(code, []):
            if c.day <= day:
                out = c
        return out

    def instrument_mpe(self, code: str) -> tuple[str, float, float, float, float]:
        r = self.b.instruments[code]
        kind = r["quantity"]
        return (
            kind,
            value(r["range_min"], kind),
            value(r["range_max"], kind),
            diff(r["mpe_abs"], kind),
            rel(r["mpe_rel"]),
        )

    def adequate(self, cert: Cert) -> bool:
        ref_caps = [c for r in cert.refs for c in self.b.caps[r]]
        ratios = kinds()
        if cert.subject in self.b.instruments:
            kind, lo, hi, ma, mb = self.instrument_mpe(cert.subject)
            ratio = ratios[kind].instrument_ratio
            return any(
                c.kind == kind
                and _contains(c, lo, hi)
                and _small_enough(c, lo, hi, ma / ratio, mb / ratio)
                for c in ref_caps
            )
        for sc in self.b.caps[cert.subject]:
            ratio = ratios[sc.kind].standard_ratio
            if not any(
                c.kind == sc.kind
                and _contains(c, sc.lo, sc.hi)
                and _small_enough(c, sc.lo, sc.hi, sc.a2 / ratio, sc.b2 / ratio)
                for c in ref_caps
            ):
                return False
        return True

    def sound(self, cert: Cert) -> bool:
        key = id(cert)
        if key not in self.sound_memo:
            self.sound_memo[key] = (
                cert.conclusion != "fail"
                and bool(cert.refs)
                and all(
                    self.traceable(r, cert.day) and self.exam_ok(r, cert.day) for r in cert.refs
                )
                and self.adequate(cert)
            )
        return self.sound_memo[key]

    def traceable(self, code: str, day: date) -> bool:
        if self.level(code) == "primary":
            return True
        c = self.speaking(code, day)
        return c is not None and c.until is not None and c.until >= day and self.sound(c)

    def latest_fail(self, code: str, day: date) -> Cert | None:
        fails = [c for c in self.b.certs.get(code, []) if c.conclusion == "fail" and c.day <= day]
        return fails[-1] if fails else None

    def suspect(self, cert: Cert, day: date, depth: int = 0) -> bool:
        for r in cert.refs:
            f = self.latest_fail(r, day)
            if f is not None and cert.day < f.day:
                g = self.speaking(r, f.day - timedelta(days=1))
                if g is not None and self.sound(g) and g.day <= cert.day:
                    return True
            spoke = self.speaking(r, cert.day)
            if spoke is not None and depth < 10 and self.suspect(spoke, day, depth + 1):
                return True
        return False

    def status(self, code: str, day: date) -> str:
        if self.level(code) == "primary":
            return "valid"
        c = self.speaking(code, day)
        if c is None:
            return "never_calibrated"
        if c.conclusion == "fail":
            return "failed"
        if c.until is None or c.until < day:
            return "overdue"
        if not self.sound(c):
            return "untraceable"
        if self.suspect(c, day):
            return "suspect"
        if c.until <= day + timedelta(days=LEAD):
            return "due_soon"
        return "valid"

    def coverage(self, day: date) -> tuple[int, int, int, int, Counter[str]]:
        public = [code for code, s in self.b.standards.items() if s["level"] in PUBLIC_LEVELS]
        statuses = {code: self.status(code, day) for code in public}
        items = covered = weight = covered_weight = 0
        reasons: Counter[str] = Counter()
        for d in self.b.rows["demands"]:
            kind = d["quantity"]
            lo, hi = value(d["range_min"], kind), value(d["range_max"], kind)
            ratio = kinds()[kind].instrument_ratio
            ma, mb = diff(d["mpe_abs"], kind) / ratio, rel(d["mpe_rel"]) / ratio
            best = 0
            for code in public:
                s = self.b.standards[code]
                for cap in self.b.caps[code]:
                    if cap.kind != kind:
                        continue
                    passed = 1
                    if _contains(cap, lo, hi):
                        passed = 2
                        if _small_enough(cap, lo, hi, ma, mb):
                            passed = 3
                            if s["status"] == "active" and self.exam_ok(code, day):
                                passed = 4
                                if statuses[code] in ("valid", "due_soon"):
                                    passed = 5
                    best = max(best, passed)
            count = int(d["count"])
            items += 1
            weight += count
            if best == 5:
                covered += 1
                covered_weight += count
            else:
                reasons[
                    ["no_standard", "range", "uncertainty", "standard_expired", "untraceable"][best]
                ] += 1
        return items, covered, weight, covered_weight, reasons

    def impact(self, standard: str) -> dict[str, int]:
        """Certificate number -> depth, for the latest fail of ``standard``."""
        fail = self.latest_fail(standard, date.max)
        assert fail is not None
        good = self.speaking(standard, fail.day - timedelta(days=1))
        assert good is not None and self.sound(good)
        users: dict[str, list[Cert]] = defaultdict(list)
        for lst in self.b.certs.values():
            for c in lst:
                for r in c.refs:
                    users[r].append(c)
        depth: dict[str, int] = {}
        frontier = [(standard, good.day, fail.day, 1)]
        while frontier:
            ref, start, end, level = frontier.pop()
            for c in users[ref]:
                if start <= c.day < end and c.number not in depth:
                    depth[c.number] = level
                    if c.subject in self.b.standards:
                        later = [x for x in self.b.certs[c.subject] if x.day > c.day]
                        stop = later[0].day if later else date.max
                        frontier.append((c.subject, c.day, stop, level + 1))
        return depth


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
    units = pytest.importorskip("metro.units")
    if not hasattr(units, "canonical") or not hasattr(units, "relative"):
        pytest.skip("metro.units has no canonical()/relative() yet")
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
