"""Bundle load throughput against raw bulk inserts of the same rows, in the same run.

    python -m bench.load [--instruments 1000000] [--backend sqlite|postgresql|both]

For each backend: ``metro load`` of a synthetic province into a fresh database (CSV parsing,
every check, unit conversion, bulk writes, change log), then the floor: the very rows it wrote,
read back as tuples and written again into another fresh database with the driver's
executemany (SQLite) or COPY (PostgreSQL) — no parsing, no checks. The ratio raw/ours is the
share of raw speed the loader keeps (target ≥ 0.5).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from bench.common import (
    fresh_database,
    peak_rss_mib,
    print_table,
    synthetic_bundle,
    timed,
)
from metro.bundle.load import load_bundle
from metro.db import bulk
from metro.db.base import Base

TABLES = [
    "organizations",
    "standards",
    "capabilities",
    "instruments",
    "certificates",
    "certificate_references",
    "results",
    "demands",
]


def ours(eng: Engine, bundle: Path) -> tuple[float, int]:
    def run() -> int:
        with eng.begin() as conn:
            report = load_bundle(conn, bundle, actor="bench", now=datetime.now(UTC))
        return sum(c["created"] for c in report.counts.values())

    return timed(run)


def read_back(eng: Engine) -> dict[str, tuple[list[str], list[tuple]]]:
    out = {}
    with eng.connect() as conn:
        for name in TABLES:
            table = Base.metadata.tables[name]
            cols = [c.name for c in table.columns if c.name != "change_id"]
            rows = [tuple(r) for r in conn.execute(select(*[table.c[c] for c in cols]))]
            if conn.dialect.name == "sqlite":
                # Driver form, as the loader hands it over: dates as ISO text.
                rows = [
                    tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in r) for r in rows
                ]
            out[name] = (cols, rows)
    return out


def raw(eng: Engine, data: dict[str, tuple[list[str], list[tuple]]]) -> tuple[float, int]:
    def run() -> int:
        n = 0
        with eng.begin() as conn:
            for name in TABLES:
                cols, rows = data[name]
                n += bulk.insert_rows(conn, Base.metadata.tables[name], cols, rows)
        return n

    return timed(run)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instruments", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    t_gen, bundle = timed(lambda: synthetic_bundle(args.instruments))
    lines = sum(max(0, len(p.read_text("utf-8").splitlines()) - 1) for p in bundle.glob("*.csv"))
    print(f"bundle: {bundle} ({lines:,} CSV rows; generated or found in {t_gen:.1f} s)")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        with fresh_database(backend) as eng:
            t_ours, written = ours(eng, bundle)
            data = read_back(eng)
        with fresh_database(backend) as eng:
            t_raw, _ = raw(eng, data)
        del data
        rows.append(
            [
                backend,
                f"{written:,}",
                f"{t_ours:.1f}",
                f"{written / t_ours:,.0f}",
                f"{t_raw:.1f}",
                f"{written / t_raw:,.0f}",  # the same bundle rows, for a like-for-like rate
                f"{t_raw / t_ours:.2f}",
            ]
        )
    print_table(
        f"bundle load, {args.instruments:,} instruments (target: ours/raw speed ≥ 0.50)",
        ["backend", "rows", "metro load s", "rows/s", "raw bulk s", "raw rows/s", "ratio"],
        rows,
    )
    print(f"peak RSS {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
