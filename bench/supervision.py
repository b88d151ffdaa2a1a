"""Benchmark of legal-metrology supervision as a ratio to the traceability pass it reuses.

    .venv/bin/python -m bench.supervision [--instruments N] [--seed S] [--work DIR]

The province is generated and loaded as ``bench/traceability.py`` does, into ``--work`` (kept
and reused on the next run). Measured in one process, the best of ``--repeat`` runs, the
floor and the reports alternating (a busy machine slows them alike):

* **floor**: the traceability pass, ``province_status(conn, at)`` — every asset's status;
* **supervision**: ``metro.services.supervision.report`` at the same date — the same pass,
  the mandatory instruments' certificates, flags, rates by prefecture, and every flagged
  instrument with its reason — target ≤ 1.2× the floor;
* the same report grouped by quantity and by usage (the grouping is a small part).

Nothing here asserts: it prints a table.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.common import print_table
from bench.traceability import prepare, reference_date
from metro.db.engine import make_engine
from metro.db.models import Certificate, Instrument
from metro.model.actor import SYSTEM_SCHEDULER
from metro.services.supervision import report
from metro.traceability import province_status

TARGET = 1.2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instruments", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--work", type=Path, default=Path("/tmp/metro-supervision-bench"))
    ap.add_argument("--at", type=date.fromisoformat, default=None)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()

    url = prepare(args.work, args.seed, args.instruments)
    engine = make_engine(url)
    with engine.connect() as conn:
        at = args.at or reference_date(conn)
        n_inst = conn.execute(select(func.count()).select_from(Instrument)).scalar_one()
        n_mand = conn.execute(select(func.count()).select_from(Instrument)
                              .where(Instrument.mandatory.is_(True))).scalar_one()
        n_cert = conn.execute(select(func.count()).select_from(Certificate)).scalar_one()
    print(f"province: {n_inst:,} instruments ({n_mand:,} mandatory), {n_cert:,} certificates; "
          f"at {at}", flush=True)

    def floor() -> Any:
        with engine.connect() as conn:
            return province_status(conn, at)

    def supervise(by: str) -> Callable[[], Any]:
        def run() -> Any:
            with engine.connect() as conn:
                return report(conn, actor=SYSTEM_SCHEDULER, at=at, by=by)
        return run

    # floor and supervision alternate, so that a busy machine slows both alike; CPU time
    # (this process: SQLite runs inside it) is reported too, as it varies less than wall time
    names = ("floor", "region", "quantity", "usage")
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    results: dict[str, Any] = {}
    for _ in range(args.repeat):
        for name in names:
            fn = floor if name == "floor" else supervise(name)
            t0, c0 = time.perf_counter(), time.process_time()
            results[name] = fn()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    w0, c0 = min(wall["floor"]), min(cpu["floor"])
    rows: list[list[Any]] = [
        ["traceability pass (floor)", f"{w0:.2f}", "1.00", f"{c0:.2f}", "1.00", "", ""]]
    for by in names[1:]:
        w, c, rep = min(wall[by]), min(cpu[by]), results[by]
        rows.append([f"supervision --by {by}", f"{w:.2f}", f"{w / w0:.2f}", f"{c:.2f}",
                     f"{c / c0:.2f}", f"≤ {TARGET}",
                     f"rate {rep.rate:.3f}, {len(rep.flags):,} flagged" if rep.rate is not None
                     else "no mandatory instrument"])
    print_table(f"supervision of {n_inst:,} instruments (best of {args.repeat})",
                ["what", "wall s", "× floor", "cpu s", "× floor", "target", "result"], rows)


if __name__ == "__main__":
    main()
