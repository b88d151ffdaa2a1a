"""Organizations: NIM, the bureau, the provincial and prefecture institutes, labs, enterprises.

Fixed bodies come from the settings; the 14 prefecture institutes from the prefecture table;
enterprises are generated: the scenario anchors first (fixed county and industry), then random
ones spread over the counties by prefecture weight, each with an industry, a company-style name
(place + brand + industry word + suffix, unique) and a size (instruments owned) drawn from a
heavy-tailed distribution whose sizes add up exactly to the number of instruments.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from metro.synth.model import Org
from metro.synth.settings import Settings


@dataclass(slots=True)
class Directory:
    """Every organization, plus the lookups the other modules need."""

    all: list[Org]
    nmi: Org
    bureau: Org
    province: Org
    prefecture_institutes: dict[str, Org]  # prefecture code -> institute
    labs: list[Org]  # accredited labs and sector stations (kind lab)
    enterprises: list[Org]
    anchors: dict[str, Org]  # scenario role -> enterprise
    county_prefecture: dict[str, str]

    def by_code(self) -> dict[str, Org]:
        return {o.code: o for o in self.all}


class CountyPicker:
    """Counties weighted by their prefecture's weight (uniform within a prefecture)."""

    def __init__(self, settings: Settings) -> None:
        self.counties: list[tuple[str, str, str]] = []  # (county, place, prefecture)
        weights: list[float] = []
        for p in settings.prefectures:
            for code, place in p.counties:
                self.counties.append((code, place, p.code))
                weights.append(p.weight / len(p.counties))
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> tuple[str, str, str]:
        i = bisect_right(self.cum, rng.random() * self.total)
        return self.counties[min(i, len(self.counties) - 1)]


def enterprise_count(settings: Settings, instruments: int) -> int:
    s = settings.scale
    return max(int(s["min_enterprises"]), round(instruments * s["enterprises_per_instrument"]))


def _sizes(rng: random.Random, count: int, total: int) -> list[int]:
    """Heavy-tailed sizes that add up to exactly ``total``."""
    raw = [min(rng.paretovariate(1.5), 30.0) for _ in range(count)]
    scale = total / sum(raw)
    sizes = [int(r * scale) for r in raw]
    remainder = total - sum(sizes)
    order = sorted(range(count), key=lambda i: (-(raw[i] * scale - sizes[i]), i))
    for i in order[:remainder]:
        sizes[i] += 1
    return sizes


def build_organizations(settings: Settings, seed: int, instruments: int) -> Directory:
    rng = random.Random(f"{seed}/organizations")
    orgs: list[Org] = []
    roles: dict[str, Org] = {}
    labs: list[Org] = []
    county_prefecture = {c: p.code for p in settings.prefectures for c, _ in p.counties}
    for f in settings.organizations:
        org = Org(
            code=f.code,
            name=f.name,
            kind=f.kind,
            region=f.region,
            role=f.role,
            prefecture=county_prefecture.get(f.region, ""),
            sector=f.sector,
        )
        orgs.append(org)
        roles.setdefault(f.role, org)
        if f.kind == "lab":
            labs.append(org)
    institutes: dict[str, Org] = {}
    for p in settings.prefectures:
        org = Org(
            code=f"JL{p.code}",
            name=p.institute,
            kind="institute",
            region=p.code,
            role="prefecture",
            prefecture=p.code,
            short=p.short,
        )
        institutes[p.code] = org
        orgs.append(org)
    roles["province"].short = "湘"

    picker = CountyPicker(settings)
    places = {c: place for p in settings.prefectures for c, place in p.counties}
    industries = settings.industries
    ind_cum = list(accumulate(i.weight for i in industries))
    used: set[str] = set()

    def name_for(place: str, industry_key: str) -> str:
        ind = next(i for i in industries if i.key == industry_key)
        for _ in range(1000):
            prefix = "湖南" if rng.random() < settings.province_prefix else place
            name = (
                f"{prefix}{rng.choice(settings.brands)}{rng.choice(ind.words)}"
                f"{rng.choice(ind.suffixes)}"
            )
            if name not in used:
                used.add(name)
                return name
        serial = len(used) + 1
        name = f"{place}{rng.choice(settings.brands)}{ind.words[0]}{serial}号{ind.suffixes[0]}"
        used.add(name)
        return name

    n = enterprise_count(settings, instruments)
    enterprises: list[Org] = []
    anchors: dict[str, Org] = {}
    for a in settings.anchors:
        org = Org(
            code=f"ENT{len(enterprises) + 1:06d}",
            name=name_for(places[a.county], a.industry),
            kind="enterprise",
            region=a.county,
            role="enterprise",
            prefecture=county_prefecture[a.county],
            industry=a.industry,
        )
        enterprises.append(org)
        anchors[a.role] = org
    while len(enterprises) < n:
        county, place, pref = picker.pick(rng)
        ind = industries[bisect_right(ind_cum, rng.random() * ind_cum[-1])].key
        enterprises.append(
            Org(
                code=f"ENT{len(enterprises) + 1:06d}",
                name=name_for(place, ind),
                kind="enterprise",
                region=county,
                role="enterprise",
                prefecture=pref,
                industry=ind,
            )
        )
    for org, size in zip(enterprises, _sizes(rng, len(enterprises), instruments), strict=True):
        org.size = size
    orgs.extend(enterprises)
    for i, org in enumerate(orgs):
        org.index = i
    return Directory(
        all=orgs,
        nmi=roles["nmi"],
        bureau=roles["bureau"],
        province=roles["province"],
        prefecture_institutes=institutes,
        labs=labs,
        enterprises=enterprises,
        anchors=anchors,
        county_prefecture=county_prefecture,
    )
