"""Orchestration: settings → organizations → standards → histories → instruments → demands.

Every phase draws from its own ``random.Random(f"{seed}/<phase>")``, so the output depends only
on the seed, the arguments and the settings file; nothing reads the clock or iterates a set.
Instruments and their certificates are streamed; everything else is small enough to hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from metro.errors import InvalidInput
from metro.model.statuses import Status
from metro.quantity_kinds import kinds
from metro.synth.certificates import Numbering, StandardHistory, results_rows
from metro.synth.dates import Calendar
from metro.synth.demands import DemandPlan, design_demands
from metro.synth.instruments import Candidates, InstrumentWriter, Streams, build_variants
from metro.synth.organizations import build_organizations
from metro.synth.scenarios import SCRIPTED_INSTRUMENTS, scripted_instruments, write_scripted
from metro.synth.settings import load_settings
from metro.synth.standards import Registry, build_standards
from metro.synth.supervision import authorization_rows, field_of
from metro.synth.trace import Tracer
from metro.synth.writer import BundleWriter

MIN_INSTRUMENTS = 50
Progress = Callable[[str, int], None]

# status at the reference date each scenario standard must end up with
_EXPECTED = {
    "out_of_tolerance": Status.FAILED,
    "overdue": Status.OVERDUE,
    "broken_chain": Status.UNTRACEABLE,
    "impact_child": Status.SUSPECT,
}


@dataclass(frozen=True, slots=True)
class Report:
    counts: dict[str, int]
    demand: DemandPlan


def _check_scenarios(registry: Registry, tracer: Tracer, ref: int) -> None:
    for std in registry.standards:
        expected = _EXPECTED.get(std.scenario or "")
        if expected is not None and tracer.status(std, ref) != expected:
            got = tracer.status(std, ref)
            raise RuntimeError(
                f"scenario {std.scenario} on {std.code}: status {got}, want {expected}"
            )
        if std.scenario == "exam_expired" and tracer.exam_ok(std, ref):
            raise RuntimeError(f"scenario exam_expired on {std.code}: exam still valid")


def generate_bundle(
    out_dir: Path,
    *,
    seed: int,
    instruments: int,
    settings: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Write a bundle and return row counts plus the designed demand coverage."""
    if instruments < MIN_INSTRUMENTS:
        raise InvalidInput(f"instruments must be at least {MIN_INSTRUMENTS}")
    cfg = load_settings(settings)

    def tell(stage: str, count: int) -> None:
        if progress is not None:
            progress(stage, count)

    cal = Calendar(
        cfg.history_start - timedelta(days=900), cfg.reference_date + timedelta(days=900)
    )
    regular = instruments - SCRIPTED_INSTRUMENTS
    orgs = build_organizations(cfg, seed, regular)
    tell("organizations", len(orgs.all))
    registry = build_standards(cfg, orgs, cal, seed, instruments)
    tell("standards", len(registry.standards))
    catalogue = kinds()
    tracer = Tracer(
        registry.standards,
        {k: v.standard_ratio for k, v in catalogue.items()},
        {k: v.instrument_ratio for k, v in catalogue.items()},
        cfg.due_soon_days,
    )
    numbering = Numbering(cal)
    org_by_code = orgs.by_code()
    StandardHistory(cfg, org_by_code, registry, cal, tracer, numbering, seed).run()
    ref = cfg.reference_date.toordinal()
    _check_scenarios(registry, tracer, ref)
    tell("standard certificates", sum(len(s.certs) for s in registry.standards))

    variants = build_variants(cfg)
    ratios = {k: v.instrument_ratio for k, v in catalogue.items()}
    cands = Candidates(variants, registry, orgs, ratios)
    scripted = scripted_instruments(cfg, orgs, registry, cands, variants)
    plan = design_demands(cfg, registry, tracer, variants, seed, instruments)

    with BundleWriter(out_dir) as w:
        for o in orgs.all:
            w.row("organizations", (o.code, o.name, o.kind, o.region))
        for s in registry.standards:
            w.row(
                "standards",
                (
                    s.code,
                    s.name,
                    s.owner,
                    s.level,
                    s.exam_cert,
                    "" if s.exam_from is None else cal.day(s.exam_from).isoformat(),
                    "" if s.exam_until is None else cal.day(s.exam_until).isoformat(),
                    s.status,
                ),
            )
        for s in registry.standards:
            for c in s.caps:
                w.row("capabilities", (s.code, c.kind, c.lo_s, c.hi_s, c.a_s, c.b_s, c.k_s))
        for s in registry.standards:
            for cert in s.certs:
                w.row(
                    "certificates",
                    (
                        cert.number,
                        cert.issuer,
                        cert.kind,
                        cert.subject,
                        cal.text(cert.date),
                        "" if cert.until is None else cal.text(cert.until),
                        cert.conclusion,
                        ";".join(cert.refs),
                        "revoked" if cert.revoked else "valid",
                    ),
                )
        for result in results_rows(registry, seed):
            w.row("results", result)
        streams = Streams(w.writers["instruments"], w.writers["certificates"], w.counts)
        writer = InstrumentWriter(
            cfg, orgs, registry, cal, numbering, variants, cands, seed, streams
        )
        write_scripted(scripted, writer)
        writer.run(progress)
        for row in plan.rows:
            w.row("demands", (*row, field_of(row[1])))
        for auth in authorization_rows(orgs.labs, registry.standards, cfg.history_start,
                                       cfg.reference_date):
            w.row("authorizations", auth)
        tell("demands", len(plan.rows))
        counts = dict(w.counts)
    return Report(counts=counts, demand=plan)


def generate(
    out_dir: Path,
    *,
    seed: int,
    instruments: int,
    settings: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write a province bundle to ``out_dir``; return the number of data rows per file."""
    return generate_bundle(
        out_dir, seed=seed, instruments=instruments, settings=settings, progress=progress
    ).counts
