"""Certificate histories of standards, their usable windows, numbering and measurement results.

Levels are processed top-down (public_highest → public_secondary → enterprise/department →
working). Each standard is recalibrated every ``interval`` months, a little before its
certificate expires, by references chosen in order of preference (its prefecture institute,
the provincial institute, its owner's own higher standard) among those *usable* on that day:
traceable then, inside their examination period and in service, and adequate with a margin.
NIM's primary standards are the fallback, so regular chains are always sound.

Scenario templates then get their deliberate defects: a seal, an overdue lapse, a ``fail``
(out of tolerance) with an enterprise standard calibrated by it shortly before, a calibration by
a reference whose exam had expired (broken chain), a recalibration gap, a revoked-and-reissued
certificate. After each level the windows in which its standards may serve as references are
recomputed with the DESIGN rules (``trace.Tracer``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date

from metro.model.levels import PUBLIC_LEVELS
from metro.quantity_kinds import get_kind
from metro.synth.dates import Calendar
from metro.synth.model import CertRec, Org, Standard
from metro.synth.scales import Converter, num
from metro.synth.settings import Settings
from metro.synth.standards import Registry
from metro.synth.trace import ROBUST_PASS, Tracer, adequate_for_standard, meets_capability

FOREVER = 10**9


class Numbering:
    """Certificate numbers ``<issuer>-<J|X><year><serial>``: unique per issuer, hence globally."""

    def __init__(self, cal: Calendar) -> None:
        self.cal = cal
        self.counters: dict[tuple[str, str, int], int] = {}

    def next(self, issuer: str, kind: str, day: int) -> str:
        letter = "J" if kind == "verification" else "X"
        year = self.cal.year[day - self.cal.base]
        key = (issuer, letter, year)
        n = self.counters.get(key, 0) + 1
        self.counters[key] = n
        return f"{issuer}-{letter}{year}{n:07d}"


def family_ok(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


class StandardHistory:
    def __init__(
        self,
        settings: Settings,
        orgs: dict[str, Org],
        registry: Registry,
        cal: Calendar,
        tracer: Tracer,
        numbering: Numbering,
        seed: int,
    ) -> None:
        self.settings = settings
        self.orgs = orgs
        self.registry = registry
        self.cal = cal
        self.tracer = tracer
        self.numbering = numbering
        self.rng = random.Random(f"{seed}/standard-history")
        self.ref = settings.reference_date.toordinal()
        self.ratios = tracer.standard_ratios
        self._single: dict[tuple[int, int], bool] = {}
        self._highest = registry.of_level("public_highest")
        self._local: dict[str, list[Standard]] = {}
        for s in registry.of_level("public_secondary"):
            self._local.setdefault(s.prefecture, []).append(s)
        self._own: dict[str, list[Standard]] = {}
        for s in registry.of_level("enterprise_highest", "department_highest"):
            self._own.setdefault(s.owner, []).append(s)
        self._per_cap: dict[tuple[int, int, int], bool] = {}
        sc = settings.scenarios
        self.failed_on = date.fromisoformat(str(sc["out_of_tolerance_on"])).toordinal()
        self.broken_on = date.fromisoformat(str(sc["broken_chain_on"])).toordinal()
        self.gap_from = date.fromisoformat(str(sc["gap_from"])).toordinal()
        self.gap_resumed = date.fromisoformat(str(sc["gap_resumed_on"])).toordinal()
        self.revoke_near = date.fromisoformat(str(sc["revoked_standard_certificate"])).toordinal()

    # -- reference choice ---------------------------------------------------------------

    def _fits_single(self, subject: Standard, cand: Standard) -> bool:
        key = (subject.index, cand.index)
        hit = self._single.get(key)
        if hit is None:
            hit = adequate_for_standard([cand], subject, self.ratios, ROBUST_PASS)
            self._single[key] = hit
        return hit

    def _fits_cap(self, subject: Standard, i: int, cand: Standard) -> bool:
        key = (subject.index, i, cand.index)
        hit = self._per_cap.get(key)
        if hit is None:
            cap = subject.caps[i]
            ratio = self.ratios[cap.kind]
            hit = any(meets_capability(rc, cap, ratio, ROBUST_PASS) for rc in cand.caps)
            self._per_cap[key] = hit
        return hit

    def cover(
        self, subject: Standard, group: Sequence[Standard], day: int
    ) -> list[Standard] | None:
        live = [c for c in group if c.in_window(day)]
        if not live:
            return None
        self.rng.shuffle(live)
        for cand in live:
            if self._fits_single(subject, cand):
                return [cand]
        chosen: list[Standard] = []
        for i in range(len(subject.caps)):
            for cand in live:
                if self._fits_cap(subject, i, cand):
                    if cand not in chosen:
                        chosen.append(cand)
                    break
            else:
                return None
        return chosen

    def groups(self, subject: Standard) -> list[list[Standard]]:
        """Candidate reference groups (one issuer each), most preferred first."""
        kinds = subject.kinds

        def usable(s: Standard) -> bool:
            return (
                s.rank > subject.rank
                and bool(kinds & s.kinds)
                and family_ok(s.family, subject.family)
                and s.status != "revoked"
            )

        highest = [s for s in self._highest if usable(s)]
        local = [s for s in self._local.get(subject.prefecture, []) if usable(s)]
        owner = self.orgs[subject.owner]
        if subject.level == "public_highest":
            return []
        if subject.level == "public_secondary":
            return [highest]
        if subject.level == "working":
            own = [s for s in self._own.get(subject.owner, []) if usable(s)]
            return [own, local, highest]
        if (
            owner.kind == "lab"
            or self.rng.random() >= self.settings.proportions["prefer_prefecture"]
        ):
            return [highest, local]
        return [local, highest]

    def nim(self, subject: Standard) -> list[Standard]:
        out: list[Standard] = []
        for cap in subject.caps:
            p = self.registry.primaries[cap.kind]
            if p not in out:
                out.append(p)
        return out

    def references(
        self, subject: Standard, day: int, groups: list[list[Standard]]
    ) -> list[Standard]:
        for group in groups:
            if group:
                refs = self.cover(subject, group, day)
                if refs:
                    return refs
        return self.nim(subject)

    # -- certificates -------------------------------------------------------------------

    def issue(
        self, subject: Standard, day: int, refs: Sequence[Standard], *, fail: bool = False
    ) -> CertRec:
        issuer = refs[0].owner
        if refs[0].level == "primary" or self.rng.random() < 0.4:
            kind, conclusion = "calibration", "none"
        else:
            kind, conclusion = "verification", "pass"
        if fail:
            conclusion = "fail"
        until = None if fail else self.cal.valid_until(day, subject.interval)
        cert = CertRec(
            number=self.numbering.next(issuer, kind, day),
            issuer=issuer,
            kind=kind,
            subject=subject.code,
            date=day,
            until=until,
            conclusion=conclusion,
            refs=tuple(r.code for r in refs),
        )
        subject.certs.append(cert)
        return cert

    def regular_dates(self, start: int, end: int, interval: int) -> Iterator[int]:
        day = start
        while day <= end:
            yield day
            day = self.cal.plus_months(day, interval) - self.rng.randint(1, 25)

    def chain(self, std: Standard) -> None:
        groups = self.groups(std)
        end = self.ref if std.service_to is None else min(self.ref, std.service_to)
        scenario = std.scenario
        if scenario == "overdue":
            end = date.fromisoformat(str(std.params["last_calibrated"])).toordinal()
        elif scenario == "out_of_tolerance":
            end = self.failed_on - 1
        elif scenario == "broken_chain":
            end = self.broken_on - 1
        if scenario == "gap":
            dates = self.gap_dates(std)
        elif scenario == "impact_child":
            dates = self.impact_child_dates(std)
        else:
            dates = list(self.regular_dates(std.chain_start, end, std.interval))
            if scenario == "overdue" and dates and dates[-1] < end - 60:
                dates.append(end)  # its last (early) recalibration, then nothing
        for day in dates:
            self.issue(std, day, self.references(std, day, groups))
        if scenario == "out_of_tolerance":
            self.issue(std, self.failed_on, self.references(std, self.failed_on, groups), fail=True)
        elif scenario == "broken_chain":
            via = next(
                s
                for s in self.registry.standards
                if s.template == std.params["broken_via"] and s.level in PUBLIC_LEVELS
            )
            self.issue(std, self.broken_on, [via])

    def gap_dates(self, std: Standard) -> list[int]:
        anchor = self.cal.plus_months(self.gap_from, -std.interval)
        back = [anchor]
        while True:
            prev = self.cal.plus_months(back[-1], -std.interval)
            if prev < std.chain_start:
                break
            back.append(prev)
        back.reverse()
        std.chain_start = std.service_from = back[0]
        return back + list(self.regular_dates(self.gap_resumed, self.ref, std.interval))

    def impact_child_dates(self, std: Standard) -> list[int]:
        parent = next(s for s in self.registry.standards if s.scenario == "out_of_tolerance")
        good = max((c for c in parent.certs if c.conclusion != "fail"), key=lambda c: c.date)
        anchor = good.date + (self.failed_on - good.date) // 3
        back = [anchor]
        while True:
            prev = self.cal.plus_months(back[-1], -std.interval)
            if prev < std.chain_start:
                break
            back.append(prev)
        back.reverse()
        std.chain_start = std.service_from = back[0]
        forward = list(self.regular_dates(anchor, self.ref, std.interval))[1:]
        return back + forward

    def revoke_one(self, level: str) -> None:
        pool = [
            s
            for s in self.registry.of_level(level)
            if s.scenario is None and s.status == "active" and s.certs
        ]
        if not pool:
            return
        best: tuple[int, CertRec, Standard] | None = None
        for s in pool:
            for c in s.certs:
                gap = abs(c.date - self.revoke_near)
                if c.conclusion != "fail" and (best is None or gap < best[0]):
                    best = (gap, c, s)
        assert best is not None
        _, cert, std = best
        cert.revoked = True
        reissue = CertRec(
            number=self.numbering.next(cert.issuer, cert.kind, cert.date + 2),
            issuer=cert.issuer,
            kind=cert.kind,
            subject=cert.subject,
            date=cert.date + 2,
            until=cert.until,
            conclusion=cert.conclusion,
            refs=cert.refs,
        )
        std.certs.insert(std.certs.index(cert) + 1, reissue)

    # -- windows ------------------------------------------------------------------------

    def window(self, std: Standard) -> tuple[tuple[int, int], ...]:
        if std.level == "primary":
            return ((-FOREVER, FOREVER),)
        certs = self.tracer.valid_certs(std)
        spans: list[tuple[int, int]] = []
        for i, c in enumerate(certs):
            if c.conclusion == "fail" or c.until is None or not self.tracer.sound(c):
                continue
            end = c.until if i + 1 == len(certs) else min(c.until, certs[i + 1].date - 1)
            if end < c.date:
                continue
            if spans and spans[-1][1] + 1 >= c.date:
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((c.date, end))
        lo = std.service_from
        hi = FOREVER if std.service_to is None else std.service_to
        if std.exam_from is not None and std.exam_until is not None:
            lo, hi = max(lo, std.exam_from), min(hi, std.exam_until)
        elif std.level in PUBLIC_LEVELS:
            return ()
        clipped = [(max(a, lo), min(b, hi)) for a, b in spans]
        return tuple((a, b) for a, b in clipped if a <= b)

    def run(self) -> None:
        for levels in (
            ("public_highest",),
            ("public_secondary",),
            ("enterprise_highest", "department_highest"),
            ("working",),
        ):
            members = self.registry.of_level(*levels)
            for std in members:
                self.chain(std)
            if levels == ("public_secondary",):
                self.revoke_one("public_secondary")
            self.tracer.forget()
            for std in members:
                std.window = self.window(std)
        for p in self.registry.of_level("primary"):
            p.window = ((-FOREVER, FOREVER),)


def results_rows(registry: Registry, seed: int) -> Iterator[tuple[str, str, str, str, str]]:
    """3 measurement points per (non-revoked) standard certificate: nominal, measured, u, k."""
    rng = random.Random(f"{seed}/results")
    by_code = registry.by_code
    converters: dict[str, Converter] = {}
    for std in registry.standards:
        for cert in std.certs:
            if cert.revoked:
                continue
            cap = std.caps[0]
            conv = converters.get(cap.kind)
            if conv is None:
                conv = converters[cap.kind] = Converter(get_kind(cap.kind).canonical_unit)
            ref_cap = next(
                (c for r in cert.refs for c in by_code[r].caps if c.kind == cap.kind), None
            )
            lo_u = conv.to_unit(cap.lo, cap.unit)
            hi_u = conv.to_unit(cap.hi, cap.unit)
            for frac in (0.1, 0.5, 1.0):
                x_u = float(num(lo_u + frac * (hi_u - lo_u), 3))
                x = conv.value(x_u, cap.unit)
                u_subj = cap.a2 + cap.b2 * abs(x)
                if cert.conclusion == "fail":
                    dev = u_subj * rng.uniform(2.5, 4.0) * (1 if rng.random() < 0.5 else -1)
                else:
                    dev = rng.gauss(0.0, u_subj / 4.0)
                u_ref = (ref_cap.a2 + ref_cap.b2 * abs(x)) if ref_cap else u_subj / 3.0
                yield (
                    cert.number,
                    f"{num(x_u)} {cap.unit}",
                    f"{num(x_u + conv.to_unit(dev, cap.unit, difference=True), 8)} {cap.unit}",
                    f"{num(conv.to_unit(u_ref, cap.unit, difference=True), 2)} {cap.unit}",
                    "2",
                )
