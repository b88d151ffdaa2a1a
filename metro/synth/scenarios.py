"""Scripted instruments that make the deliberate defects visible from below.

- two pressure gauges calibrated with the enterprise standard during its recalibration gap;
- torque wrenches calibrated with the enterprise torque standard after it was calibrated by the
  public standard later found out of tolerance (impact depth 2), and one wrench calibrated by
  that public standard directly (depth 1);
- conductivity meters calibrated by the public standard whose last calibration used a reference
  with an expired exam certificate (broken chain);
- 6½-digit multimeters calibrated with a prefecture standard whose U is too large for their MPE
  (e.g. 20 ppm where ≤ 16.7 ppm is needed).

Each scripted instrument has explicit certificate dates and references; the chosen references
are checked so the defect is the intended one and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from metro.synth.instruments import Candidates, InstrumentWriter, Variant, fits
from metro.synth.model import Standard
from metro.synth.organizations import Directory
from metro.synth.settings import Settings
from metro.synth.standards import Registry
from metro.synth.supervision import MANDATORY_SCRIPTED
from metro.synth.trace import ROBUST_FAIL, contains

SCRIPTED_INSTRUMENTS = 10


@dataclass(frozen=True, slots=True)
class Scripted:
    owner: str
    variant: Variant
    mandatory: bool
    certs: tuple[tuple[int, Standard], ...]  # (calibrated_on, reference)


def _variant_for(variants: list[Variant], std: Standard, ratios: dict[str, float]) -> Variant:
    """The first fitting variant with a yearly (or longer) interval, so that a certificate
    issued in 2026 still speaks at the reference date."""
    fitting = [v for v in variants if v.kind in std.kinds and fits(std, v, ratios[v.kind])]
    if not fitting:
        raise RuntimeError(f"no instrument template fits scenario standard {std.code} {std.name}")
    return min(fitting, key=lambda v: (v.interval < 12, v.index))


def _inadequate_pair(
    variants: list[Variant],
    registry: Registry,
    kind: str,
    prefecture: str,
    ratios: dict[str, float],
    ref: int,
) -> tuple[Variant, Standard]:
    secondaries = [
        s
        for s in registry.of_level("public_secondary")
        if kind in s.kinds and s.status == "active" and s.window and s.window[-1][1] >= ref - 200
    ]
    secondaries.sort(key=lambda s: (s.prefecture != prefecture, s.index))
    for s in secondaries:
        for v in variants:
            if v.kind != kind:
                continue
            caps = [c for c in s.caps if c.kind == kind and contains(c, v.lo, v.hi)]
            if caps and not fits(s, v, ratios[kind], ROBUST_FAIL):
                return v, s
    raise RuntimeError(f"no {kind} instrument template is too fine for a public secondary standard")


def _inside(std: Standard, wanted: int) -> int:
    """The day in ``std``'s usable window closest to ``wanted``."""
    best = None
    for a, b in std.window:
        day = min(max(wanted, a), b)
        if best is None or abs(day - wanted) < abs(best - wanted):
            best = day
    if best is None:
        raise RuntimeError(f"scenario standard {std.code} is never usable")
    return best


def scripted_instruments(
    settings: Settings,
    orgs: Directory,
    registry: Registry,
    cands: Candidates,
    variants: list[Variant],
) -> list[Scripted]:
    ratios = cands.ratios
    sc = settings.scenarios
    ref = settings.reference_date.toordinal()
    gap_from = date.fromisoformat(str(sc["gap_from"])).toordinal()
    resumed = date.fromisoformat(str(sc["gap_resumed_on"])).toordinal()
    broken_on = date.fromisoformat(str(sc["broken_chain_on"])).toordinal()
    by_scenario = {s.scenario: s for s in registry.standards if s.scenario}
    out: list[Scripted] = []

    gap_std = by_scenario["gap"]
    v = _variant_for(variants, gap_std, ratios)
    middle = gap_from + (resumed - gap_from) // 2
    for shift in (0, -25):
        out.append(
            Scripted(
                orgs.anchors["gap"].code,
                v,
                False,
                (
                    (_inside(gap_std, middle - 365 + shift), gap_std),
                    (middle + shift, gap_std),
                ),
            )
        )

    parent = by_scenario["out_of_tolerance"]
    child = by_scenario["impact_child"]
    failed_on = date.fromisoformat(str(sc["out_of_tolerance_on"])).toordinal()
    from_parent = max(
        (c for c in child.certs if parent.code in c.refs and c.date < failed_on),
        key=lambda c: c.date,
    )
    v = _variant_for(variants, child, ratios)
    for offset in (15, 120, 250):
        day = min(from_parent.date + offset, ref)
        out.append(
            Scripted(
                orgs.anchors["impact"].code,
                v,
                False,
                (
                    (_inside(child, day - 365), child),
                    (day, child),
                ),
            )
        )
    good = max((c for c in parent.certs if c.conclusion != "fail"), key=lambda c: c.date)
    v = _variant_for(variants, parent, ratios)
    out.append(
        Scripted(
            orgs.anchors["impact_direct"].code,
            v,
            "impact_direct" in MANDATORY_SCRIPTED,
            (
                (_inside(parent, good.date - 300), parent),
                (min(max(good.date + 30, ref - 325), failed_on - 1), parent),
            ),
        )
    )

    broken = by_scenario["broken_chain"]
    v = _variant_for(variants, broken, ratios)
    for offset in (8, 25):
        out.append(
            Scripted(
                orgs.anchors["broken"].code,
                v,
                "broken" in MANDATORY_SCRIPTED,
                (
                    (_inside(broken, broken_on - 330), broken),
                    (min(broken_on + offset, ref), broken),
                ),
            )
        )

    owner = orgs.anchors["inadequate"]
    v, coarse = _inadequate_pair(
        variants, registry, str(sc["inadequate_kind"]), owner.prefecture, ratios, ref
    )
    for wanted in (ref - 250, ref - 160):
        out.append(Scripted(owner.code, v, False, ((_inside(coarse, wanted), coarse),)))
    if len(out) != SCRIPTED_INSTRUMENTS:
        raise RuntimeError("scripted instrument count out of sync")
    return out


def write_scripted(scripted: list[Scripted], writer: InstrumentWriter) -> None:
    for item in scripted:
        code = writer.next_code()
        writer.write_instrument(code, item.variant, item.owner, item.mandatory)
        kind = "verification" if item.mandatory else "calibration"
        conclusion = "pass" if item.mandatory else "none"
        for day, std in item.certs:
            until = writer.cal.valid_until(day, item.variant.interval)
            writer.write_cert(code, day, until, std.index, kind, conclusion)
