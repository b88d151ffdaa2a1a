"""Benchmark of the traceability engine on a synthetic province, as ratios against a floor.

    .venv/bin/python -m bench.traceability [--instruments N] [--seed S] [--work DIR]

Generates a province with ``metro.synth.generate`` (≈5,000 standards and ≈3×N certificates at
N = 10⁶), loads it with ``metro init`` + ``metro load`` into a SQLite file under ``--work``
(both kept and reused on the next run), then measures in one process:

* **floor**: a raw read of the columns the pass needs (instruments, certificates, references,
  the standards layer) through the driver's cursor, rows discarded;
* **province status**: ``province_status(conn, at)``, every standard and instrument at the
  reference date, reads included — target ≤ 2× the floor;
* **per-asset walk**: ``status_of`` (each asset walks its own chain through the database) on a
  random sample, extrapolated to every asset — target ≥ 50× slower than the one pass;
* **peak memory** (``ru_maxrss`` after the pass) — target ≤ 2 GiB;
* **chain explanation** (``explain_chain``, median and worst of a sample) — target ≤ 50 ms;
* **due list** for 30 days (``due_list``: the pass, then the list with codes and owners).

Timings are the best of ``--repeat`` runs. Nothing here asserts: it prints a table.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, func, select

from metro.db.engine import make_engine
from metro.db.models import Certificate, Instrument, Standard
from metro.traceability import due_list, explain_chain, province_status, status_of

T = TypeVar("T")
GIB = 1024**3
FLOOR_SQL = (
    "SELECT id, owner_id, quantity, range_min, range_max, mpe_abs, mpe_rel FROM instruments",
    "SELECT id, subject_instrument_id, calibrated_on, valid_until, conclusion, revoked "
    "FROM certificates",
    "SELECT certificate_id, standard_id, position FROM certificate_references",
    "SELECT id, code, owner_id, level, exam_cert, exam_valid_from, exam_valid_until "
    "FROM standards",
    "SELECT standard_id, quantity, range_min, range_max, u_abs, u_rel, k FROM capabilities",
    "SELECT id, number, issuer_id, subject_standard_id, calibrated_on, valid_until, conclusion, "
    "revoked FROM certificates WHERE subject_standard_id IS NOT NULL",
)


def best(repeat: int, fn: Callable[[], T]) -> tuple[float, T]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out  # type: ignore[return-value]


def prepare(work: Path, seed: int, instruments: int) -> str:
    """Generate and load the province once; later runs reuse the files."""
    from metro.synth import generate

    work.mkdir(parents=True, exist_ok=True)
    bundle = work / f"bundle-{instruments}-{seed}"
    if not (bundle / ".complete").exists():
        print(f"generating {instruments:,} instruments into {bundle} …", flush=True)
        generate(bundle, seed=seed, instruments=instruments)
        (bundle / ".complete").touch()
    db = work / f"metro-{instruments}-{seed}.db"
    url = f"sqlite:///{db}"
    if not (work / f"{db.name}.complete").exists():
        db.unlink(missing_ok=True)
        metro = Path(sys.executable).with_name("metro")
        print(f"loading into {db} (metro init + metro load) …", flush=True)
        for args in (["init"], ["load", str(bundle)]):
            subprocess.run([str(metro), "--db", url, *args], check=True, stdout=subprocess.DEVNULL)
        (work / f"{db.name}.complete").touch()
    else:  # a kept database: bring its schema up to date (cheap when it already is)
        subprocess.run([str(Path(sys.executable).with_name("metro")), "--db", url, "init"],
                       check=True, stdout=subprocess.DEVNULL)
    return url


def floor(engine: Engine) -> int:
    """Raw read of the needed columns through the driver (rows counted, then dropped)."""
    n = 0
    with engine.connect() as conn:
        cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        for sql in FLOOR_SQL:
            cur.execute(sql)
            while rows := cur.fetchmany(50_000):
                n += len(rows)
        cur.close()
    return n


def reference_date(conn: Connection) -> date:
    got = conn.execute(select(func.max(Certificate.calibrated_on))).scalar_one()
    return got if isinstance(got, date) else date.fromisoformat(str(got))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instruments", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--work", type=Path, default=Path("/tmp/metro-trace-bench"))
    ap.add_argument("--at", type=date.fromisoformat, default=None,
                    help="date of the status (default: the latest calibration in the data)")
    ap.add_argument("--sample", type=int, default=300, help="assets walked one by one")
    ap.add_argument("--chains", type=int, default=50, help="chain explanations timed")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()

    url = prepare(args.work, args.seed, args.instruments)
    engine = make_engine(url)
    with engine.connect() as conn:
        at = args.at or reference_date(conn)
        n_std = conn.execute(select(func.count()).select_from(Standard)).scalar_one()
        n_inst = conn.execute(select(func.count()).select_from(Instrument)).scalar_one()
        n_cert = conn.execute(select(func.count()).select_from(Certificate)).scalar_one()
    print(f"province: {n_std:,} standards, {n_inst:,} instruments, {n_cert:,} certificates; "
          f"status at {at}", flush=True)

    t_floor, rows = best(args.repeat, lambda: floor(engine))
    print(f"floor: {t_floor:.2f} s for {rows:,} rows", flush=True)

    def one_pass() -> Any:
        with engine.connect() as conn:
            return province_status(conn, at)

    t_pass, state = best(args.repeat, one_pass)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    counts = {s.value: n for s, n in state.counts().items() if n}
    print(f"province status: {t_pass:.2f} s; {counts}", flush=True)

    # the per-asset walk on a sample, extrapolated to every asset
    rng = random.Random(args.seed)
    with engine.connect() as conn:
        ids = rng.sample(range(len(state.instruments.instrument_id)), min(args.sample, n_inst))
        sample = [state.instruments.instrument_id[i] for i in ids]
        codes = dict(conn.execute(select(Instrument.id, Instrument.code)
                                  .where(Instrument.id.in_([int(i) for i in sample]))).all())
        walk_times, disagree = [], 0
        for iid in sample:
            t0 = time.perf_counter()
            record = status_of(conn, codes[int(iid)], at)
            walk_times.append(time.perf_counter() - t0)
            disagree += record.status is not state.instrument_status(int(iid))
        per_asset = statistics.fmean(walk_times)
        t_walk = per_asset * (n_inst + n_std)

        chain_codes = [codes[int(i)] for i in sample[: args.chains]]
        chain_times = []
        for code in chain_codes:
            t0 = time.perf_counter()
            explain_chain(conn, code, at)
            chain_times.append(time.perf_counter() - t0)

    def due() -> Any:
        with engine.connect() as conn:
            return due_list(conn, at, 30)

    t_due, items = best(1, due)

    chain_median = statistics.median(chain_times)
    rows_out = [
        ("floor: raw read of the needed columns", f"{t_floor:.2f} s", "—", "1.00×"),
        ("whole-province status, one pass", f"{t_pass:.2f} s", "≤ 2× floor",
         f"{t_pass / t_floor:.2f}× floor"),
        (f"per-asset chain walk ({len(sample)} sampled, {per_asset * 1e3:.1f} ms each), "
         "extrapolated", f"{t_walk:,.0f} s", "≥ 50× one pass", f"{t_walk / t_pass:,.0f}×"),
        ("peak memory (ru_maxrss after the pass)", f"{peak / GIB:.2f} GiB", "≤ 2 GiB",
         f"{peak / (2 * GIB):.2f}× limit"),
        (f"chain explanation (median of {len(chain_times)})", f"{chain_median * 1e3:.1f} ms",
         "≤ 50 ms", f"{chain_median / 0.05:.2f}× limit"),
        ("chain explanation (worst)", f"{max(chain_times) * 1e3:.1f} ms", "—", "—"),
        (f"due list, 30 days ({len(items):,} assets)", f"{t_due:.2f} s", "—",
         f"{t_due / t_floor:.2f}× floor"),
    ]
    print()
    print(f"traceability bench: {n_inst:,} instruments, {n_std:,} standards, {n_cert:,} "
          f"certificates, at {at}; per-asset walk and one pass disagree on {disagree} of "
          f"{len(sample)} sampled")
    widths = [max(len(r[i]) for r in rows_out) for i in range(4)]
    header = ("measure", "value", "target", "ratio")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows_out:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
