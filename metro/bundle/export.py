"""Write the database as a province bundle (``metro export DIR``).

``load`` of an export into an empty database gives the same rows back, so the same statuses and
coverage: quantities are written exactly as they were given. Optional columns (DESIGN.md's
contract: certificates' ``reason`` and ``supersedes``) are written only when some row has a
value, so revocations and supersessions survive export → load.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection

from metro.bundle import rows
from metro.bundle.contract import FILES, OPTIONAL
from metro.bundle.load_authorizations import authorization_rows

_WRITERS: dict[str, Callable[[Connection], Iterator[tuple[int, rows.Row]]]] = {
    "organizations.csv": rows.organization_rows,
    "standards.csv": rows.standard_rows,
    "capabilities.csv": rows.capability_rows,
    "instruments.csv": rows.instrument_rows,
    "certificates.csv": rows.certificate_rows,
    "results.csv": rows.result_rows,
    "demands.csv": rows.demand_rows,
    "authorizations.csv": authorization_rows,
}


def export_bundle(conn: Connection, out_dir: Path) -> dict[str, int]:
    """Write every bundle file into ``out_dir`` (created if missing); returns rows per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, columns in FILES.items():
        n = 0
        # Optional columns (at the end) only when some row has a value: old readers see the
        # files they know.
        used = rows.optional_columns_used(conn, name)
        optional = OPTIONAL.get(name, ())
        keep = [i for i, c in enumerate(columns) if c not in optional or c in used]
        width = len(keep) if len(keep) < len(columns) else None
        with (out_dir / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow([columns[i] for i in keep])
            for _, row in _WRITERS[name](conn):
                w.writerow(row if width is None else [row[i] for i in keep])
                n += 1
        counts[name] = n
    return counts
