"""Benchmark of DCC export and validation, as ratios to lxml's own parse of the same files.

    .venv/bin/python -m bench.dcc [--count N] [--db URL]

Loads the Hunan seed into a fresh SQLite file (or uses ``--db``), picks the certificates whose
every result point has a D-SI form (the others are refused by design), and exports ``--count``
(default 10⁴) DCCs, cycling through them. Measured in one process, each phase over all N:

* **floor**: ``lxml.etree.fromstring`` of the N exported files (the cheapest thing any reader
  of these files does) — 1.00×;
* **read**: the certificate with its subject, issuer, references and results (Core selects);
* **build + serialize**: the DCC element tree and its UTF-8 bytes;
* **validate, libxml2**: what ``export`` runs on every file it writes;
* **export (service)**: ``metro.services.dcc.export``, i.e. all of the above, end to end;
* over a sample of ``--sample`` files (default 1,000; pure Python is slow), as a ratio of the
  per-file time to the per-file floor: **validate, xmlschema** (the import's validator, whose
  messages name line and rule) and **import read** (``metro.dcc.reader.read``: parse, validate,
  map).

Not part of CI; nothing asserts, it prints a table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import WORK, print_table  # noqa: E402
from metro.bundle.load import load_bundle  # noqa: E402
from metro.db.engine import make_engine  # noqa: E402
from metro.db.migrate import upgrade  # noqa: E402
from metro.dcc import export as dcc_export  # noqa: E402
from metro.dcc.errors import DccExportError  # noqa: E402
from metro.dcc.reader import read  # noqa: E402
from metro.dcc.schemas import libxml2_errors, schema  # noqa: E402
from metro.model.actor import cli_actor  # noqa: E402
from metro.repositories import dcc as repo  # noqa: E402
from metro.services import dcc  # noqa: E402


def _seed_db() -> str:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "dcc-seed.db"
    done = WORK / "dcc-seed.complete"
    if not done.exists():
        path.unlink(missing_ok=True)
        eng = make_engine(f"sqlite:///{path}")
        upgrade(eng)
        with eng.begin() as conn:
            load_bundle(conn, ROOT / "seed_data" / "hunan", actor="bench", now=datetime.now(UTC))
        eng.dispose()
        done.touch()
    return f"sqlite:///{path}"


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    eng = make_engine(args.db or _seed_db())
    actor = cli_actor("bench")
    schema("3.2.0")  # built once per process, not part of any phase
    with eng.connect() as conn:
        exportable: list[tuple[str, str]] = []
        for issuer, number in repo.certificate_keys(conn):
            try:
                dcc.export(conn, actor=actor, issuer=issuer, number=number)
            except DccExportError:
                continue
            exportable.append((issuer, number))
            if len(exportable) >= args.count:
                break
        keys = [exportable[i % len(exportable)] for i in range(args.count)]
        n = len(keys)

        t_read, records = _time(
            lambda: [repo.certificate(conn, issuer=i, number=x) for i, x in keys]
        )
        speaking = [dcc._speaking_numbers(conn, r) for r in records]
        t_build, trees = _time(
            lambda: [
                dcc_export.build(r, s, software_version="bench")
                for r, s in zip(records, speaking, strict=True)
            ]
        )
        t_bytes, files = _time(lambda: [dcc_export.to_bytes(t) for t in trees])
        t_floor, _ = _time(lambda: [etree.fromstring(f) for f in files])
        t_libxml2, _ = _time(lambda: [libxml2_errors(t, "3.2.0") for t in trees])
        t_export, _ = _time(
            lambda: [dcc.export(conn, actor=actor, issuer=i, number=x) for i, x in keys]
        )
    m = min(args.sample, n)
    xsd = schema("3.2.0")
    t_xmlschema, _ = _time(lambda: [xsd.is_valid(t) for t in trees[:m]])
    t_import, _ = _time(lambda: [read(f) for f in files[:m]])
    size = sum(len(f) for f in files) / n

    def row(name: str, t: float, count: int) -> list[Any]:
        per = t / count
        return [name, f"{count:,}", f"{t:.2f}", f"{per * 1e3:.3f}", f"{per / (t_floor / n):.1f}×"]

    print_table(
        f"DCC export of {n:,} certificates ({len(exportable):,} distinct, {size / 1024:.1f} KiB "
        "each on average), ratio to lxml's parse of the same files",
        ["phase", "files", "total s", "ms / file", "ratio"],
        [
            row("floor: lxml parse", t_floor, n),
            row("read (Core selects)", t_read, n),
            row("build + serialize", t_build + t_bytes, n),
            row("validate, libxml2 (export)", t_libxml2, n),
            row("export (service, end to end)", t_export, n),
            row("validate, xmlschema (import)", t_xmlschema, m),
            row("import read (parse+validate+map)", t_import, m),
        ],
    )


if __name__ == "__main__":
    main()
