"""Standards and their capabilities: NIM primaries, public, enterprise, department, working.

- ``primary`` (计量基准): one per quantity kind any template uses, owned by NIM, range covering
  every template's range and U at most a fifth of the best template's.
- ``public_highest``: each template once at the provincial institute; ``public_secondary``: at
  ``round(share·14)`` prefecture institutes (or the template's ``holders``). Extra copies of
  non-scenario templates bring the count up to the scaled target (capped near 3,000).
- enterprise/department/working: drawn by template weight, owned by enterprises of a matching
  industry (bigger ones more often), labs or sector stations; scenario templates once each.

It also decides examination certificates (考核证书: code, 4-year validity), the service period
(from the exam or the first calibration) and seals a few public standards.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from metro.model.levels import PUBLIC_LEVELS
from metro.quantity_kinds import get_kind
from metro.synth.dates import Calendar, add_months
from metro.synth.model import Cap, Org, Standard
from metro.synth.organizations import Directory
from metro.synth.scales import Converter, num, quantity, relative, split
from metro.synth.settings import CapSpec, Settings, StandardTemplate

CODE_PREFIX = {
    "primary": "PRI",
    "public_highest": "PH",
    "public_secondary": "PS",
    "enterprise_highest": "EH",
    "department_highest": "DH",
    "working": "WS",
}
UNIQUE_SCENARIOS = frozenset(
    {"sealed", "overdue", "out_of_tolerance", "broken_chain", "exam_expired", "gap", "impact_child"}
)
_CN_NUM = "一二三四五六七八九十"


@dataclass(slots=True)
class Registry:
    """All standards in generation order (rank high → low) and the lookups used later."""

    standards: list[Standard]
    primaries: dict[str, Standard]  # kind -> NIM primary
    by_code: dict[str, Standard] = field(default_factory=dict)

    def of_level(self, *levels: str) -> list[Standard]:
        return [s for s in self.standards if s.level in levels]


def make_cap(spec: CapSpec) -> Cap:
    kind = get_kind(spec.quantity)
    conv = Converter(kind.canonical_unit)
    a = 0.0
    if spec.u_abs:
        number, unit = split(spec.u_abs)
        a = conv.difference(number, unit)
    b = relative(spec.u_rel) if spec.u_rel else 0.0
    return Cap(
        kind=spec.quantity,
        lo=conv.value(spec.lo, spec.unit),
        hi=conv.value(spec.hi, spec.unit),
        a=a,
        b=b,
        k=spec.k,
        unit=spec.unit,
        lo_s=quantity(spec.lo, spec.unit),
        hi_s=quantity(spec.hi, spec.unit),
        a_s=spec.u_abs or "",
        b_s=spec.u_rel or "",
        k_s=num(spec.k),
    )


def _rel_text(b: float) -> str:
    return f"{num(b * 1e6, 3)} ppm" if b < 1e-4 else f"{num(b * 100, 3)} %"


def _primary_cap(kind_code: str, caps: Sequence[Cap]) -> Cap:
    kind = get_kind(kind_code)
    conv = Converter(kind.canonical_unit)
    unit = caps[0].unit
    lo = min(c.lo for c in caps)
    hi = max(c.hi for c in caps)
    a = min(c.a2 for c in caps) / 5.0
    b = min(c.b2 for c in caps) / 5.0
    if a == 0.0 and b == 0.0:
        raise ValueError(f"cannot size a primary standard for {kind_code}")
    lo_u = conv.to_unit(lo, unit)
    hi_u = conv.to_unit(hi, unit)
    finest = min((c for c in caps if c.a_s), key=lambda c: c.a2, default=None)
    a_unit = split(finest.a_s)[1] if finest else unit
    a_s = quantity(conv.to_unit(a, a_unit, difference=True), a_unit, 3) if a else ""
    a_back = conv.difference(*split(a_s)) if a else 0.0
    b_s = _rel_text(b) if b else ""
    b_back = relative(b_s) if b else 0.0
    return Cap(
        kind=kind_code,
        lo=conv.value(float(num(lo_u)), unit),
        hi=conv.value(float(num(hi_u)), unit),
        a=a_back,
        b=b_back,
        k=2.0,
        unit=unit,
        lo_s=quantity(lo_u, unit),
        hi_s=quantity(hi_u, unit),
        a_s=a_s,
        b_s=b_s,
        k_s="2",
    )


def public_target(settings: Settings, instruments: int) -> int:
    s = settings.scale
    return min(
        int(s["public_cap"]), round(s["public_base"] + instruments * s["public_per_instrument"])
    )


def enterprise_standard_target(settings: Settings, instruments: int) -> int:
    s = settings.scale
    return max(
        int(s["min_enterprise_standards"]),
        round(instruments * s["enterprise_standards_per_instrument"]),
    )


class _Builder:
    def __init__(self, settings: Settings, orgs: Directory, cal: Calendar, rng: random.Random):
        self.settings = settings
        self.orgs = orgs
        self.cal = cal
        self.rng = rng
        self.standards: list[Standard] = []
        self.serial: dict[str, int] = {}
        self.names: dict[tuple[str, str], int] = {}
        self.exam_serial: dict[str, int] = {}
        self.ref = settings.reference_date.toordinal()
        self.start = settings.history_start.toordinal()
        self.four_years_before = add_months(settings.reference_date, -48).toordinal()

    def add(
        self,
        template: StandardTemplate | None,
        name: str,
        owner: Org,
        level: str,
        caps: tuple[Cap, ...],
        *,
        interval: int = 12,
    ) -> Standard:
        prefix = CODE_PREFIX[level]
        n = self.serial.get(prefix, 0) + 1
        self.serial[prefix] = n
        discipline = get_kind(caps[0].kind).discipline
        key = (owner.code, name)
        copies = self.names.get(key, 0) + 1
        self.names[key] = copies
        shown = name if copies == 1 else f"{name}({_CN_NUM[min(copies, 10) - 1]})"
        if copies > 10:
            shown = f"{name}({copies})"
        std = Standard(
            index=len(self.standards),
            code=f"{prefix}-{discipline}-{n:05d}",
            name=shown,
            owner=owner.code,
            level=level,
            caps=caps,
            interval=template.interval if template else interval,
            family=template.family if template else None,
            template=template.name if template else name,
            scenario=template.scenario if template else None,
            params=dict(template.params) if template else {},
            prefecture=owner.prefecture,
        )
        self.standards.append(std)
        return std

    # -- examination certificates and service periods ---------------------------------

    def exam_code(self, std: Standard, year: int, owner: Org) -> str:
        if std.level == "public_highest":
            authority = "湘量标证字"
        elif std.level == "public_secondary":
            authority = f"{owner.short}量标证字"
        else:
            short = (
                self.orgs.prefecture_institutes[owner.prefecture].short
                if owner.prefecture
                else "湘"
            )
            authority = f"{short}量标企证字"
        key = f"{year}{authority}"
        n = self.exam_serial.get(key, 0) + 1
        self.exam_serial[key] = n
        return f"[{year}]{authority}第{n:04d}号"

    def set_exam(self, std: Standard, owner: Org, valid_from: int) -> None:
        std.exam_from = valid_from
        std.exam_until = add_months(date.fromordinal(valid_from), 48).toordinal() - 1
        std.exam_cert = self.exam_code(std, date.fromordinal(valid_from).year, owner)

    def public_periods(self, std: Standard, owner: Org) -> None:
        rng, p = self.rng, self.settings.proportions
        soon_lo, soon_hi = self.four_years_before + 1, self.four_years_before + 182
        if std.scenario == "exam_expired":
            until = date.fromisoformat(str(std.params["exam_until"]))
            self.set_exam(std, owner, add_months(until, -48).toordinal() + 1)
            late = False
        else:
            r = rng.random()
            forced = std.scenario in UNIQUE_SCENARIOS
            if not forced and r < p["public_exam_expiring_soon"]:
                self.set_exam(std, owner, rng.randint(soon_lo, soon_hi))
                late = False
            elif not forced and r < p["public_exam_expiring_soon"] + p["public_established_late"]:
                self.set_exam(std, owner, rng.randint(self.start + 1, self.ref - 45))
                late = True
            else:
                self.set_exam(std, owner, rng.randint(soon_hi + 1, self.start))
                late = False
        assert std.exam_from is not None
        if late:
            std.chain_start = std.exam_from - rng.randint(15, 60)
        elif std.level == "public_highest":
            std.chain_start = self.start - rng.randint(60, 420)
        else:
            std.chain_start = self.start - rng.randint(0, 360)
        std.service_from = max(std.chain_start, std.exam_from)

    def private_periods(self, std: Standard, owner: Org) -> None:
        rng, p = self.rng, self.settings.proportions
        if std.scenario in UNIQUE_SCENARIOS or rng.random() < 0.8:
            std.chain_start = self.start - rng.randint(0, 330)
        else:
            std.chain_start = rng.randint(self.start, self.ref - 60)
        std.service_from = std.chain_start
        if std.level in ("enterprise_highest", "department_highest") and (
            rng.random() < p["enterprise_exam"]
        ):
            valid_from = max(std.chain_start + rng.randint(10, 40), self.four_years_before + 30)
            self.set_exam(std, owner, valid_from)
            std.service_from = max(std.chain_start, valid_from)


def _pick_weighted(rng: random.Random, items: Sequence[Org], weights: Sequence[float]) -> Org:
    cum = list(accumulate(weights))
    return items[min(bisect_right(cum, rng.random() * cum[-1]), len(items) - 1)]


def build_standards(
    settings: Settings, orgs: Directory, cal: Calendar, seed: int, instruments: int
) -> Registry:
    rng = random.Random(f"{seed}/standards")
    b = _Builder(settings, orgs, cal, rng)
    templates = settings.standards
    caps_of = {t.index: tuple(make_cap(c) for c in t.caps) for t in templates}

    # NIM primaries, one per kind in use
    by_kind: dict[str, list[Cap]] = {}
    for t in templates:
        for c in caps_of[t.index]:
            by_kind.setdefault(c.kind, []).append(c)
    primaries: dict[str, Standard] = {}
    for kind_code, caps in by_kind.items():
        kind = get_kind(kind_code)
        std = b.add(
            None, f"{kind.name_zh}计量基准", orgs.nmi, "primary", (_primary_cap(kind_code, caps),)
        )
        primaries[kind_code] = std

    prefs = list(orgs.prefecture_institutes.values())
    pref_weight = {p.code: p.weight for p in settings.prefectures}

    # public standards from templates
    highest_t = [t for t in templates if t.level == "public_highest"]
    secondary_t = [t for t in templates if t.level == "public_secondary"]
    for t in highest_t:
        b.add(t, t.name, orgs.province, "public_highest", caps_of[t.index])
    for t in secondary_t:
        if t.holders:
            holders = [orgs.prefecture_institutes[h] for h in t.holders]
        else:
            count = round(t.share * len(prefs))
            pool = list(prefs)
            holders = []
            for _ in range(min(count, len(pool))):
                pick = _pick_weighted(rng, pool, [pref_weight[p.prefecture] for p in pool])
                pool.remove(pick)
                holders.append(pick)
            holders.sort(key=lambda o: o.code)
        for owner in holders:
            b.add(t, t.name, owner, "public_secondary", caps_of[t.index])

    target = public_target(settings, instruments)
    current = sum(1 for s in b.standards if s.level in PUBLIC_LEVELS)
    extra_h = [t for t in highest_t if t.scenario is None]
    extra_s = [t for t in secondary_t if t.scenario is None and not t.holders]
    h_cum = list(accumulate(1.0 for _ in extra_h))
    s_cum = list(accumulate(t.share for t in extra_s))
    while current < target:
        if rng.random() < settings.scale["extra_public_highest_share"]:
            t = extra_h[min(bisect_right(h_cum, rng.random() * h_cum[-1]), len(extra_h) - 1)]
            b.add(t, t.name, orgs.province, "public_highest", caps_of[t.index])
        else:
            t = extra_s[min(bisect_right(s_cum, rng.random() * s_cum[-1]), len(extra_s) - 1)]
            owner = _pick_weighted(rng, prefs, [pref_weight[p.prefecture] for p in prefs])
            b.add(t, t.name, owner, "public_secondary", caps_of[t.index])
        current += 1

    # enterprise, department and working standards
    private_t = [t for t in templates if t.level not in PUBLIC_LEVELS]
    regular = [t for t in private_t if t.scenario is None]
    by_sector: dict[str, list[Org]] = {}
    for o in orgs.labs:
        if o.sector:
            by_sector.setdefault(o.sector, []).append(o)
    plain_labs = [o for o in orgs.labs if o.role == "lab"]
    by_industry: dict[str, list[Org]] = {}
    for e in orgs.enterprises:
        by_industry.setdefault(e.industry or "", []).append(e)

    def owner_for(t: StandardTemplate) -> Org | None:
        options: list[tuple[str, float]] = []
        for role in t.owners:
            if role == "enterprise":
                options.append((role, 3.0))
            elif (role == "lab" and plain_labs) or (
                role.startswith("sector:") and by_sector.get(role.split(":", 1)[1])
            ):
                options.append((role, 1.0))
        if not options:
            return None
        cum = list(accumulate(w for _, w in options))
        role = options[min(bisect_right(cum, rng.random() * cum[-1]), len(options) - 1)][0]
        if role == "lab":
            return plain_labs[rng.randrange(len(plain_labs))]
        if role.startswith("sector:"):
            group = by_sector[role.split(":", 1)[1]]
            return group[rng.randrange(len(group))]
        pool = [e for ind in t.industries for e in by_industry.get(ind, [])]
        if not pool:
            return None
        return _pick_weighted(rng, pool, [1.0 + e.size for e in pool])

    for t in private_t:
        if t.scenario is not None:
            role = t.owners[0].split(":", 1)[1]
            b.add(t, t.name, orgs.anchors[role], t.level, caps_of[t.index])
    wanted = enterprise_standard_target(settings, instruments)
    w_cum = list(accumulate(t.weight for t in regular))
    made = 0
    attempts = 0
    while made < wanted and attempts < wanted * 20:
        attempts += 1
        t = regular[min(bisect_right(w_cum, rng.random() * w_cum[-1]), len(regular) - 1)]
        candidate = owner_for(t)
        if candidate is None or ((candidate.code, t.name) in b.names and attempts < wanted * 10):
            continue
        b.add(t, t.name, candidate, t.level, caps_of[t.index])
        made += 1

    # periods, exams, sealing
    org_by_code = orgs.by_code()
    for std in b.standards:
        if std.level == "primary":
            std.chain_start = std.service_from = -(10**9)
            continue
        owner = org_by_code[std.owner]
        if std.level in PUBLIC_LEVELS:
            b.public_periods(std, owner)
        else:
            b.private_periods(std, owner)
        if std.scenario == "sealed":
            std.status = "sealed"
            std.service_to = date.fromisoformat(str(std.params["sealed_on"])).toordinal()
    sealable = [
        s
        for s in b.standards
        if s.level == "public_secondary" and s.scenario is None and s.service_from < b.ref - 400
    ]
    n_sealed = round(len(sealable) * settings.proportions["sealed_public"])
    for std in rng.sample(sealable, min(n_sealed, len(sealable))):
        std.status = "sealed"
        std.service_to = rng.randint(max(std.service_from + 200, b.ref - 540), b.ref - 30)

    order = {
        "primary": 0,
        "public_highest": 1,
        "public_secondary": 2,
        "enterprise_highest": 3,
        "department_highest": 3,
        "working": 4,
    }
    ordered = sorted(b.standards, key=lambda s: (order[s.level], s.index))
    for i, std in enumerate(ordered):
        std.index = i
    registry = Registry(standards=ordered, primaries=primaries)
    registry.by_code = {s.code: s for s in ordered}
    return registry
