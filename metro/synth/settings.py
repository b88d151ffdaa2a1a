"""The generator's settings: a TOML file (``seed_data/hunan.toml``) read into frozen dataclasses.

Everything that makes the bundle "Hunan" lives in the file: the calendar, the scaling knobs,
the organizations and prefectures, the enterprise name parts, the standard and instrument
templates, the demand gaps and the scenario dates. This module only parses and checks shapes;
quantity strings are checked against the catalogue when the generator builds its objects.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from metro.errors import InvalidInput
from metro.model.gaps import REASONS

DEFAULT_SETTINGS = Path(__file__).resolve().parents[2] / "seed_data" / "hunan.toml"

STANDARD_LEVELS = (
    "public_highest",
    "public_secondary",
    "enterprise_highest",
    "department_highest",
    "working",
)
GAP_REASONS = REASONS  # the gap reasons a designed demand may aim at (metro.model.gaps)


@dataclass(frozen=True, slots=True)
class CapSpec:
    quantity: str
    unit: str
    lo: float
    hi: float
    u_abs: str | None
    u_rel: str | None
    k: float


@dataclass(frozen=True, slots=True)
class StandardTemplate:
    index: int
    name: str
    level: str
    caps: tuple[CapSpec, ...]
    interval: int
    share: float
    weight: float
    holders: tuple[str, ...]
    owners: tuple[str, ...]
    industries: tuple[str, ...]
    family: str | None
    scenario: str | None
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class InstrumentTemplate:
    index: int
    name: str
    quantity: str
    unit: str
    ranges: tuple[tuple[float, float], ...]
    mpe_abs: tuple[str | None, ...]  # one per range
    mpe_fs: float | None
    mpe_rel: str | None
    mandatory: float
    interval: int
    family: str | None
    weights: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Prefecture:
    code: str
    name: str
    short: str
    institute: str
    weight: float
    counties: tuple[tuple[str, str], ...]  # (admin code, place name used in company names)


@dataclass(frozen=True, slots=True)
class FixedOrg:
    code: str
    name: str
    kind: str
    region: str
    role: str
    sector: str | None


@dataclass(frozen=True, slots=True)
class Industry:
    key: str
    weight: float
    words: tuple[str, ...]
    suffixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Anchor:
    role: str
    county: str
    industry: str


@dataclass(frozen=True, slots=True)
class DemandGap:
    reason: str
    quantity: str
    unit: str
    lo: float
    hi: float
    mpe_abs: str | None
    mpe_rel: str | None


@dataclass(frozen=True, slots=True)
class Settings:
    path: Path
    reference_date: date
    history_start: date
    due_soon_days: int
    scale: Mapping[str, float]
    proportions: Mapping[str, float]
    item_rate: float
    weighted_rate: float
    reason_weights: Mapping[str, float]
    scenarios: Mapping[str, Any]
    organizations: tuple[FixedOrg, ...]
    prefectures: tuple[Prefecture, ...]
    brands: tuple[str, ...]
    province_prefix: float
    industries: tuple[Industry, ...]
    anchors: tuple[Anchor, ...]
    standards: tuple[StandardTemplate, ...]
    instruments: tuple[InstrumentTemplate, ...]
    demand_gaps: tuple[DemandGap, ...]
    # Instrument templates that drift (name → λ per month, R(t) = e^(−λt); see synth.drift),
    # applied only when ``drift_enabled`` (``[drift] enabled``): off, the seed is unchanged.
    drift: Mapping[str, float] = field(default_factory=dict)
    drift_enabled: bool = False


def _req(table: Mapping[str, Any], key: str, where: str) -> Any:
    try:
        return table[key]
    except KeyError:
        raise InvalidInput(f"{where}: missing key {key!r}") from None


def _opt_str(table: Mapping[str, Any], key: str) -> str | None:
    value = table.get(key)
    return None if value is None else str(value)


def _cap(raw: Mapping[str, Any], where: str) -> CapSpec:
    return CapSpec(
        quantity=str(_req(raw, "quantity", where)),
        unit=str(_req(raw, "unit", where)),
        lo=float(_req(raw, "min", where)),
        hi=float(_req(raw, "max", where)),
        u_abs=_opt_str(raw, "u_abs"),
        u_rel=_opt_str(raw, "u_rel"),
        k=float(raw.get("k", 2)),
    )


_STANDARD_KEYS = {
    "name",
    "level",
    "caps",
    "interval",
    "share",
    "weight",
    "holders",
    "owners",
    "industries",
    "family",
    "scenario",
}


def _standard(index: int, raw: Mapping[str, Any]) -> StandardTemplate:
    where = f"standard #{index + 1} ({raw.get('name', '?')})"
    level = str(_req(raw, "level", where))
    if level not in STANDARD_LEVELS:
        raise InvalidInput(f"{where}: unknown level {level!r}")
    caps = tuple(_cap(c, where) for c in _req(raw, "caps", where))
    if not caps:
        raise InvalidInput(f"{where}: needs at least one capability")
    return StandardTemplate(
        index=index,
        name=str(_req(raw, "name", where)),
        level=level,
        caps=caps,
        interval=int(raw.get("interval", 12)),
        share=float(raw.get("share", 0.0)),
        weight=float(raw.get("weight", 1.0)),
        holders=tuple(str(h) for h in raw.get("holders", ())),
        owners=tuple(str(o) for o in raw.get("owners", ())),
        industries=tuple(str(i) for i in raw.get("industries", ())),
        family=_opt_str(raw, "family"),
        scenario=_opt_str(raw, "scenario"),
        params={k: v for k, v in raw.items() if k not in _STANDARD_KEYS},
    )


def _instrument(index: int, raw: Mapping[str, Any]) -> InstrumentTemplate:
    where = f"instrument #{index + 1} ({raw.get('name', '?')})"
    ranges = tuple((float(lo), float(hi)) for lo, hi in _req(raw, "ranges", where))
    mpe_abs_raw = raw.get("mpe_abs")
    mpe_abs: tuple[str | None, ...]
    if mpe_abs_raw is None:
        mpe_abs = (None,) * len(ranges)
    elif isinstance(mpe_abs_raw, list):
        if len(mpe_abs_raw) == 1:
            mpe_abs = (str(mpe_abs_raw[0]),) * len(ranges)
        elif len(mpe_abs_raw) == len(ranges):
            mpe_abs = tuple(str(m) for m in mpe_abs_raw)
        else:
            raise InvalidInput(f"{where}: mpe_abs needs one value or one per range")
    else:
        mpe_abs = (str(mpe_abs_raw),) * len(ranges)
    mpe_fs = raw.get("mpe_fs")
    if mpe_abs_raw is None and mpe_fs is None and raw.get("mpe_rel") is None:
        raise InvalidInput(f"{where}: needs mpe_abs, mpe_fs or mpe_rel")
    return InstrumentTemplate(
        index=index,
        name=str(_req(raw, "name", where)),
        quantity=str(_req(raw, "quantity", where)),
        unit=str(_req(raw, "unit", where)),
        ranges=ranges,
        mpe_abs=mpe_abs,
        mpe_fs=None if mpe_fs is None else float(mpe_fs),
        mpe_rel=_opt_str(raw, "mpe_rel"),
        mandatory=float(raw.get("mandatory", 0.0)),
        interval=int(raw.get("interval", 12)),
        family=_opt_str(raw, "family"),
        weights={str(k): float(v) for k, v in raw.get("weights", {}).items()},
    )


def load_settings(path: Path | None = None) -> Settings:
    """Read and shape-check a settings file (default: ``seed_data/hunan.toml``)."""
    path = DEFAULT_SETTINGS if path is None else Path(path)
    if not path.is_file():
        raise InvalidInput(f"settings file {path} does not exist")
    with path.open("rb") as f:
        raw = tomllib.load(f)
    cal = _req(raw, "calendar", str(path))
    coverage = _req(raw, "coverage", str(path))
    names = _req(raw, "enterprise_names", str(path))
    reasons = {str(k): float(v) for k, v in _req(coverage, "reasons", "coverage").items()}
    if sorted(reasons) != sorted(GAP_REASONS):
        raise InvalidInput(f"coverage.reasons must name exactly {', '.join(GAP_REASONS)}")
    settings = Settings(
        path=path,
        reference_date=_req(cal, "reference_date", "calendar"),
        history_start=_req(cal, "history_start", "calendar"),
        due_soon_days=int(cal.get("due_soon_days", 30)),
        scale={str(k): float(v) for k, v in _req(raw, "scale", str(path)).items()},
        proportions={str(k): float(v) for k, v in _req(raw, "proportions", str(path)).items()},
        item_rate=float(_req(coverage, "item_rate", "coverage")),
        weighted_rate=float(_req(coverage, "weighted_rate", "coverage")),
        reason_weights=reasons,
        scenarios=dict(_req(raw, "scenarios", str(path))),
        organizations=tuple(
            FixedOrg(
                code=str(o["code"]),
                name=str(o["name"]),
                kind=str(o["kind"]),
                region=str(o["region"]),
                role=str(o["role"]),
                sector=_opt_str(o, "sector"),
            )
            for o in _req(raw, "organization", str(path))
        ),
        prefectures=tuple(
            Prefecture(
                code=str(p["code"]),
                name=str(p["name"]),
                short=str(p["short"]),
                institute=str(p["institute"]),
                weight=float(p["weight"]),
                counties=tuple(
                    (c.split()[0], c.split()[1]) for c in (str(x) for x in p["counties"])
                ),
            )
            for p in _req(raw, "prefecture", str(path))
        ),
        brands=tuple(str(b) for b in _req(names, "brands", "enterprise_names")),
        province_prefix=float(names.get("province_prefix", 0.0)),
        industries=tuple(
            Industry(
                key=str(i["key"]),
                weight=float(i["weight"]),
                words=tuple(str(w) for w in i["words"]),
                suffixes=tuple(str(s) for s in i["suffixes"]),
            )
            for i in _req(raw, "industry", str(path))
        ),
        anchors=tuple(
            Anchor(role=str(a["role"]), county=str(a["county"]), industry=str(a["industry"]))
            for a in raw.get("anchor", ())
        ),
        standards=tuple(_standard(i, s) for i, s in enumerate(_req(raw, "standard", str(path)))),
        instruments=tuple(
            _instrument(i, s) for i, s in enumerate(_req(raw, "instrument", str(path)))
        ),
        demand_gaps=tuple(
            DemandGap(
                reason=str(g["reason"]),
                quantity=str(g["quantity"]),
                unit=str(g["unit"]),
                lo=float(g["min"]),
                hi=float(g["max"]),
                mpe_abs=_opt_str(g, "mpe_abs"),
                mpe_rel=_opt_str(g, "mpe_rel"),
            )
            for g in raw.get("demand_gap", ())
        ),
        drift={str(k): float(v) for k, v in raw.get("drift", {}).get("rates", {}).items()},
        drift_enabled=bool(raw.get("drift", {}).get("enabled", False)),
    )
    _check(settings)
    return settings


def _check(s: Settings) -> None:
    if not isinstance(s.reference_date, date) or not isinstance(s.history_start, date):
        raise InvalidInput("calendar dates must be TOML dates (YYYY-MM-DD)")
    if (s.reference_date - s.history_start).days < 3 * 365:
        raise InvalidInput("history_start must be at least 3 years before reference_date")
    roles = {o.role for o in s.organizations}
    for needed in ("nmi", "bureau", "province"):
        if needed not in roles:
            raise InvalidInput(f"settings need an organization with role {needed!r}")
    industries = {i.key for i in s.industries}
    for a in s.anchors:
        if a.industry not in industries:
            raise InvalidInput(f"anchor {a.role!r}: unknown industry {a.industry!r}")
    for t in s.instruments:
        unknown = set(t.weights) - industries
        if unknown:
            raise InvalidInput(f"instrument {t.name!r}: unknown industries {sorted(unknown)}")
    names = {t.name for t in s.instruments}
    for name, rate in s.drift.items():
        if name not in names:
            raise InvalidInput(f"drift: unknown instrument template {name!r}")
        if not 0 <= rate < 10:
            raise InvalidInput(f"drift {name!r}: rate {rate} per month must be in [0, 10)")
    for g in s.demand_gaps:
        if g.reason not in GAP_REASONS:
            raise InvalidInput(f"demand_gap {g.quantity!r}: unknown reason {g.reason!r}")
    for reason in GAP_REASONS:
        if not any(g.reason == reason for g in s.demand_gaps):
            raise InvalidInput(f"settings need at least one demand_gap with reason {reason!r}")
