"""Benchmark of the interval proposals on a synthetic province, as ratios to the traceability pass.

    .venv/bin/python -m bench.intervals [--instruments N] [--seed S] [--work DIR]

Generates a province with drift enabled (the seed settings with ``[drift] enabled = true``:
some instrument templates fail as R(t) = e^(−λt) with a known λ), loads it into a SQLite file
under ``--work`` (both kept and reused on the next run), then measures in one process:

* **traceability pass**: ``province_status(conn, at)`` — the reference (1.00×);
* **A1, every instrument, one pass**: ``propose_table`` — the as-found history read in bulk and
  the staircase replayed for every instrument at once — target ≤ 1× the traceability pass;
* **A1 proposal objects** for every instrument (reasons and Clopper–Pearson intervals);
* **A3** and **S1** over every group (owner and kind) of the province (``propose``, not stored);
* and the drift rates S1 recovers, pooled per drifting template, against the generator's λ.

Timings are the best of ``--repeat`` runs. Nothing here asserts: it prints a table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import func, select

from metro.db.engine import make_engine
from metro.db.models import Certificate, Instrument
from metro.model import intervals as rules
from metro.model.actor import Actor
from metro.services import intervals
from metro.synth.settings import DEFAULT_SETTINGS, load_settings
from metro.traceability import province_status

T = TypeVar("T")
ACTOR = Actor("bench:intervals")


def best(repeat: int, fn: Callable[[], T]) -> tuple[float, T]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out  # type: ignore[return-value]


def drift_settings(work: Path) -> Path:
    text = DEFAULT_SETTINGS.read_text(encoding="utf-8")
    head, sep, tail = text.partition("[drift]")
    path = work / "hunan-drift.toml"
    path.write_text(head + sep + tail.replace("enabled = false", "enabled = true", 1), "utf-8")
    return path


def prepare(work: Path, seed: int, instruments: int) -> tuple[str, Path]:
    from metro.synth import generate

    work.mkdir(parents=True, exist_ok=True)
    settings = drift_settings(work)
    bundle = work / f"bundle-drift-{instruments}-{seed}"
    if not (bundle / ".complete").exists():
        print(f"generating {instruments:,} instruments (drift on) into {bundle} …", flush=True)
        generate(bundle, seed=seed, instruments=instruments, settings=settings)
        (bundle / ".complete").touch()
    db = work / f"metro-drift-{instruments}-{seed}.db"
    url = f"sqlite:///{db}"
    metro = str(Path(sys.executable).with_name("metro"))
    if not (work / f"{db.name}.complete").exists():
        db.unlink(missing_ok=True)
        print(f"loading into {db} …", flush=True)
        for args in (["init"], ["load", str(bundle)]):
            subprocess.run([metro, "--db", url, *args], check=True, stdout=subprocess.DEVNULL)
        (work / f"{db.name}.complete").touch()
    else:
        subprocess.run([metro, "--db", url, "init"], check=True, stdout=subprocess.DEVNULL)
    return url, settings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instruments", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--work", type=Path, default=Path("/tmp/metro-interval-bench"))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()

    url, settings = prepare(args.work, args.seed, args.instruments)
    engine = make_engine(url)
    with engine.connect() as conn:
        at = conn.execute(select(func.max(Certificate.calibrated_on))).scalar_one()
        at = at if isinstance(at, date) else date.fromisoformat(str(at))
        n_inst = conn.execute(select(func.count()).select_from(Instrument)).scalar_one()
        n_cert = conn.execute(select(func.count()).select_from(Certificate)).scalar_one()
    print(f"province: {n_inst:,} instruments, {n_cert:,} certificates; at {at}", flush=True)

    def trace() -> Any:
        with engine.connect() as conn:
            return province_status(conn, at)

    def a1() -> intervals.A1Table:
        with engine.connect() as conn:
            return intervals.propose_table(conn, at=at)

    def group(method: str) -> Callable[[], list[rules.Proposal]]:
        def run() -> list[rules.Proposal]:
            with engine.connect() as conn:
                return intervals.propose(conn, actor=ACTOR, at=at, method=method, store=False)

        return run

    t_trace, _ = best(args.repeat, trace)
    print(f"traceability pass: {t_trace:.2f} s", flush=True)
    t_a1, table = best(args.repeat, a1)
    print(f"A1 table: {t_a1:.2f} s", flush=True)
    everyone = np.flatnonzero(table.current >= 1)
    t_obj, objs = best(1, lambda: table.proposals(everyone))
    t_a3, a3 = best(1, group("a3"))
    t_s1, s1 = best(1, group("s1"))

    changes = {c: int(np.sum(_change(table) == c)) for c in ("shorten", "keep", "lengthen")}
    rows = [
        ("traceability pass (province_status)", f"{t_trace:.2f} s", "—", "1.00×"),
        (
            f"A1, every instrument, one pass ({len(table.current):,})",
            f"{t_a1:.2f} s",
            "≤ 1× traceability",
            f"{t_a1 / t_trace:.2f}×",
        ),
        (f"A1 proposal objects ({len(objs):,})", f"{t_obj:.2f} s", "—", f"{t_obj / t_trace:.2f}×"),
        (
            f"A3 over every group ({len(a3):,} groups)",
            f"{t_a3:.2f} s",
            "—",
            f"{t_a3 / t_trace:.2f}×",
        ),
        (
            f"S1 over every group ({len(s1):,} groups)",
            f"{t_s1:.2f} s",
            "—",
            f"{t_s1 / t_trace:.2f}×",
        ),
    ]
    print()
    print(
        f"interval bench: {n_inst:,} instruments, {n_cert:,} certificates, at {at}; "
        f"A1 proposes {changes}"
    )
    _table(("measure", "value", "target", "ratio"), rows)

    print()
    print("S1 on the drifting templates, pooled per template (all owners):")
    _table(
        ("template", "λ generated", "λ̂ (95 %)", "n", "out", "inside"),
        drift_rows(engine, at, settings),
    )


def _change(table: intervals.A1Table) -> Any:
    return np.where(
        table.proposed > table.current,
        "lengthen",
        np.where(table.proposed < table.current, "shorten", "keep"),
    )


def drift_rows(engine: Any, at: date, settings: Path) -> list[tuple[str, ...]]:
    from metro.repositories import intervals as repo

    drift = load_settings(settings).drift
    out: list[tuple[str, ...]] = []
    with engine.connect() as conn:
        history = intervals.load_history(conn, repo.Scope(), at)
        names = dict(conn.execute(select(Instrument.id, Instrument.name)).all())
    ids = history.instruments.id[history.asset]
    row_name = np.array([names[int(i)] for i in ids], dtype=object)
    for name, lam in drift.items():
        use = row_name == name
        t, y = history.months[use], history.in_tolerance[use]
        p = rules.max_likelihood(name, t, y, current=12)
        if p.rate is None or p.rate_low is None or p.rate_high is None:
            out.append((name, f"{lam:g}", p.reason, str(p.n), str(p.n - p.in_tolerance), "—"))
            continue
        inside = "yes" if p.rate_low <= lam <= p.rate_high else "no"
        out.append(
            (
                name,
                f"{lam:g}",
                f"{p.rate:.4f} [{p.rate_low:.4f}, {p.rate_high:.4f}]",
                f"{p.n:,}",
                f"{p.n - p.in_tolerance:,}",
                inside,
            )
        )
    return out


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
