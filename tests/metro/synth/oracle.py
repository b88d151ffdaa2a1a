"""A test oracle for generated bundles: re-reads the CSV files and re-implements DESIGN.md's
rules (unit conversion through pint plus the project's own scales, adequacy, soundness, status,
impact, coverage) with plain floats, independently of the generator's own ``trace`` module."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pint

from metro.model.levels import PUBLIC_LEVELS
from metro.quantity_kinds import kinds
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


