"""Instruments (工作计量器具) and their certificates, streamed straight to the CSV writers.

Each instrument template expands into *variants* (one per range) with precomputed strings and
canonical floats. For every variant the standards adequate for it (with a margin) are found once
and grouped the way an owner looks for a lab: its prefecture institute, the provincial
institute, accredited labs, other prefectures, its own standards. The hot loop then only draws
random numbers, walks a few short tuples and writes rows: no pint, no dates, no hashing of
floats. Enterprises own blocks of instruments whose template mix follows their industry.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from metro.quantity_kinds import get_kind
from metro.synth.certificates import Numbering, family_ok
from metro.synth.dates import Calendar
from metro.synth.drift import Drift
from metro.synth.model import Standard
from metro.synth.organizations import Directory
from metro.synth.scales import Converter, quantity, relative, split
from metro.synth.settings import Settings
from metro.synth.standards import Registry
from metro.synth.supervision import MandatoryCases, usage_of
from metro.synth.trace import ROBUST_PASS, meets_instrument

Writer = Any  # csv writer (``writerow`` only)


@dataclass(frozen=True, slots=True)
class Variant:
    index: int
    template: int
    name: str
    kind: str
    lo: float
    hi: float
    mpe_a: float
    mpe_b: float
    lo_s: str
    hi_s: str
    mpe_a_s: str
    mpe_b_s: str
    interval: int
    mandatory: float
    family: str | None


def build_variants(settings: Settings) -> list[Variant]:
    out: list[Variant] = []
    for t in settings.instruments:
        conv = Converter(get_kind(t.quantity).canonical_unit)
        for (lo, hi), mpe_abs in zip(t.ranges, t.mpe_abs, strict=True):
            mpe_a_s = ""
            mpe_a = 0.0
            if mpe_abs:
                number, unit = split(mpe_abs)
                mpe_a = conv.difference(number, unit)
                mpe_a_s = mpe_abs
            elif t.mpe_fs is not None:
                mpe_a_s = quantity(t.mpe_fs * (hi - lo), t.unit, 4)
                number, unit = split(mpe_a_s)
                mpe_a = conv.difference(number, unit)
            mpe_b = relative(t.mpe_rel) if t.mpe_rel else 0.0
            out.append(
                Variant(
                    index=len(out),
                    template=t.index,
                    name=t.name,
                    kind=t.quantity,
                    lo=conv.value(lo, t.unit),
                    hi=conv.value(hi, t.unit),
                    mpe_a=mpe_a,
                    mpe_b=mpe_b,
                    lo_s=quantity(lo, t.unit),
                    hi_s=quantity(hi, t.unit),
                    mpe_a_s=mpe_a_s,
                    mpe_b_s=t.mpe_rel or "",
                    interval=t.interval,
                    mandatory=t.mandatory,
                    family=t.family,
                )
            )
    return out


def fits(std: Standard, v: Variant, ratio: float, slack: float = ROBUST_PASS) -> bool:
    return family_ok(std.family, v.family) and any(
        meets_instrument(c, v.kind, v.lo, v.hi, v.mpe_a, v.mpe_b, ratio, slack) for c in std.caps
    )


class Candidates:
    """Per variant: adequate standards grouped by who would calibrate with them."""

    def __init__(
        self,
        variants: Sequence[Variant],
        registry: Registry,
        orgs: Directory,
        ratios: dict[str, float],
    ) -> None:
        self.ratios = ratios
        self.variants = variants
        self.standards = registry.standards
        org_kind = {o.code: o.kind for o in orgs.all}
        by_kind: dict[str, list[Standard]] = {}
        for s in registry.standards:
            if s.level == "primary" or s.status == "revoked":
                continue
            for k in s.kinds:
                by_kind.setdefault(k, []).append(s)
        prefs = list(orgs.prefecture_institutes)
        self.local: list[dict[str, tuple[int, ...]]] = []
        self.others: list[dict[str, tuple[int, ...]]] = []
        self.highest: list[tuple[int, ...]] = []
        self.labs: list[tuple[int, ...]] = []
        self.private: dict[str, list[Standard]] = {}
        for s in registry.standards:
            if s.level not in ("primary", "public_highest", "public_secondary"):
                self.private.setdefault(s.owner, []).append(s)
        for v in variants:
            ratio = ratios[v.kind]
            fit = [s for s in by_kind.get(v.kind, []) if fits(s, v, ratio)]
            secondary = [s for s in fit if s.level == "public_secondary"]
            self.highest.append(tuple(s.index for s in fit if s.level == "public_highest"))
            self.labs.append(
                tuple(
                    s.index
                    for s in fit
                    if s.level not in ("public_highest", "public_secondary")
                    and org_kind.get(s.owner) == "lab"
                )
            )
            self.local.append(
                {p: tuple(s.index for s in secondary if s.prefecture == p) for p in prefs}
            )
            self.others.append(
                {p: tuple(s.index for s in secondary if s.prefecture != p) for p in prefs}
            )
        self._own: dict[tuple[str, int], tuple[int, ...]] = {}

    def own(self, owner: str, v: int) -> tuple[int, ...]:
        key = (owner, v)
        hit = self._own.get(key)
        if hit is None:
            variant = self.variants[v]
            ratio = self.ratios[variant.kind]
            hit = tuple(s.index for s in self.private.get(owner, ()) if fits(s, variant, ratio))
            self._own[key] = hit
        return hit


@dataclass(slots=True)
class Streams:
    instruments: Writer
    certificates: Writer
    counts: dict[str, int]


class InstrumentWriter:
    """Writes instrument rows and their certificate chains."""

    def __init__(
        self,
        settings: Settings,
        orgs: Directory,
        registry: Registry,
        cal: Calendar,
        numbering: Numbering,
        variants: Sequence[Variant],
        cands: Candidates,
        seed: int,
        streams: Streams,
    ) -> None:
        self.settings = settings
        self.orgs = orgs
        self.cal = cal
        self.numbering = numbering
        self.variants = variants
        self.cands = cands
        self.streams = streams
        self.rng = random.Random(f"{seed}/instruments")
        self.ref = settings.reference_date.toordinal()
        self.start = settings.history_start.toordinal()
        self.serial = 0
        std = registry.standards
        self.win = [s.window for s in std]
        self.owner = [s.owner for s in std]
        self.code = [s.code for s in std]
        self.drift = Drift(settings, variants, seed)
        self.usage = [usage_of(v.name, v.kind) for v in variants]
        self.cases = MandatoryCases(seed)

    def next_code(self) -> str:
        self.serial += 1
        return f"INS{self.serial:07d}"

    def write_instrument(self, code: str, v: Variant, owner: str, mandatory: bool) -> None:
        self.streams.instruments.writerow(
            (
                code,
                v.name,
                owner,
                v.kind,
                v.lo_s,
                v.hi_s,
                v.mpe_a_s,
                v.mpe_b_s,
                "true" if mandatory else "false",
                v.interval,
                self.usage[v.index] if mandatory else "",
            )
        )
        self.streams.counts["instruments"] += 1

    def write_cert(
        self,
        subject: str,
        day: int,
        until: int | None,
        std: int,
        kind: str,
        conclusion: str,
        *,
        revoked: bool = False,
    ) -> None:
        issuer = self.owner[std]
        cal = self.cal
        self.streams.certificates.writerow(
            (
                self.numbering.next(issuer, kind, day),
                issuer,
                kind,
                subject,
                cal.iso[day - cal.base],
                "" if until is None else cal.iso[until - cal.base],
                conclusion,
                self.code[std],
                "revoked" if revoked else "valid",
            )
        )
        self.streams.counts["certificates"] += 1

    def run(self, progress: Callable[[str, int], None] | None) -> None:
        p = self.settings.proportions
        rng = self.rng
        rnd = rng.random
        randint = rng.randint
        ref, start = self.ref, self.start
        span = ref - start
        cal = self.cal
        base = cal.base
        win = self.win
        variants = self.variants
        cands = self.cands
        p_never, p_new, p_lapsed = p["never_calibrated"], p["new_instruments"], p["lapsed"]
        p_late, p_fail, p_scrap = p["late"], p["verification_fail"], p["scrapped_after_fail"]
        p_revoked, p_pass = p["revoked"], p["calibration_pass"]
        p_own, p_lab = p["prefer_own_standard"], p["prefer_lab"]
        write_cert = self.write_cert
        write_instrument = self.write_instrument
        drift = self.drift
        cases = self.cases
        groups: Sequence[tuple[int, ...]]
        mandatory_kind = "verification"
        shift = {m: cal.shift_table(m) for m in sorted({v.interval for v in variants})}
        tables = self._industry_tables()
        empty: tuple[int, ...] = ()

        def pick(groups: Sequence[tuple[int, ...]], day: int) -> int:
            for g in groups:
                n = len(g)
                if not n:
                    continue
                first = int(rnd() * n) if n > 1 else 0
                for j in range(n):
                    s = g[(first + j) % n]
                    for a, b in win[s]:
                        if a <= day <= b:
                            return s
            return -1

        done = 0
        for ent in self.orgs.enterprises:
            if not ent.size:
                continue
            cum, total, vlist = tables[ent.industry or ""]
            pref = ent.prefecture
            for _ in range(ent.size):
                v = vlist[bisect_right(cum, rnd() * total)]
                mandatory = rnd() < v.mandatory
                code = self.next_code()
                write_instrument(code, v, ent.code, mandatory)
                done += 1
                if progress is not None and done % 100_000 == 0:
                    progress("instruments", done)
                if rnd() < p_never:
                    continue
                months = v.interval
                table = shift[months]
                if rnd() < p_new:
                    day = start + int(rnd() * span)
                else:
                    day = start + int(rnd() * months * 30.4)
                lapse = start + int(rnd() * span) if rnd() < p_lapsed else ref + 1
                vi = v.index
                local = cands.local[vi][pref]
                highest = cands.highest[vi]
                others = cands.others[vi][pref]
                labs = cands.labs[vi]
                own = cands.own(ent.code, vi) if ent.code in cands.private else empty
                misses = 0
                drifting = drift.enabled and drift.drifts(vi)
                previous: int | None = None
                while day <= ref:
                    if mandatory:  # now and then a lab, or a calibration (supervision)
                        groups, mandatory_kind = cases.draw((local, highest, others), labs)
                    elif own and rnd() < p_own:
                        groups = (own, local, highest, labs, others)
                    elif rnd() < p_lab:
                        groups = (labs, local, highest, others, own)
                    else:
                        groups = (local, highest, labs, others, own)
                    s = pick(groups, day)
                    if s < 0:
                        misses += 1
                        if misses > 6:
                            break
                        day += 30
                        continue
                    misses = 0
                    if drifting:  # as found: R(t) = e^(−λt) since the previous calibration
                        kind = "verification" if mandatory else "calibration"
                        if drift.out_of_tolerance(vi, previous, day):
                            write_cert(code, day, None, s, kind, "fail")
                            previous, day = day, day + randint(7, 40)
                            continue
                        conclusion = "pass"
                    elif mandatory:
                        kind = mandatory_kind
                        if rnd() < p_fail:
                            write_cert(code, day, None, s, kind, "fail")
                            if rnd() < p_scrap:
                                break
                            day += randint(7, 40)
                            continue
                        conclusion = "pass"
                    else:
                        kind = "calibration"
                        conclusion = "pass" if rnd() < p_pass else "none"
                    until = table[day - base] - 1
                    if rnd() < p_revoked:
                        write_cert(code, day, until, s, kind, conclusion, revoked=True)
                    write_cert(code, day, until, s, kind, conclusion)
                    previous = day
                    # next calibration: a little before expiry, or late (a lapse in validity)
                    late = rnd() < p_late
                    day = until + randint(5, 90) if late else until + 1 - randint(1, 20)
                    if day > lapse:
                        break
        if progress is not None:
            progress("instruments", done)

    def _industry_tables(self) -> dict[str, tuple[list[float], float, list[Variant]]]:
        per_template: dict[int, list[Variant]] = {}
        for v in self.variants:
            per_template.setdefault(v.template, []).append(v)
        out: dict[str, tuple[list[float], float, list[Variant]]] = {}
        for ind in self.settings.industries:
            vlist: list[Variant] = []
            weights: list[float] = []
            for t in self.settings.instruments:
                w = t.weights.get(ind.key, 0.0)
                if w <= 0:
                    continue
                group = per_template[t.index]
                for v in group:
                    vlist.append(v)
                    weights.append(w / len(group))
            cum = list(accumulate(weights))
            out[ind.key] = (cum[:-1], cum[-1], vlist)
        return out


def template_weights(settings: Settings) -> dict[int, float]:
    """Overall popularity of each instrument template (industry mix applied)."""
    share = {i.key: i.weight for i in settings.industries}
    total_by_industry = {
        i.key: sum(t.weights.get(i.key, 0.0) for t in settings.instruments) or 1.0
        for i in settings.industries
    }
    return {
        t.index: sum(w / total_by_industry[k] * share[k] for k, w in t.weights.items())
        for t in settings.instruments
    }
