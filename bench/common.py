"""Shared benchmark helpers: timing, fresh databases, synthetic bundles, and table output."""

from __future__ import annotations

import os
import resource
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from metro.db.engine import make_engine
from metro.db.migrate import upgrade

PG_URL = os.environ.get("METRO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORK = Path(os.environ.get("METRO_BENCH_DIR", "/tmp/metro-bench"))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_bundle(instruments: int, seed: int = 7) -> Path:
    """A synthetic province of ``instruments`` instruments, generated once and cached."""
    from metro.synth import generate

    out = WORK / f"bundle-{instruments}-{seed}"
    if not (out / ".complete").exists():
        shutil.rmtree(out, ignore_errors=True)
        generate(out, seed=seed, instruments=instruments)
        (out / ".complete").touch()
    return out


@contextmanager
def fresh_database(backend: str) -> Iterator[Engine]:
    """A new, migrated, empty database: a SQLite file or a PostgreSQL schema."""
    if backend == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"bench-{uuid.uuid4().hex[:8]}.db"
        eng = make_engine(f"sqlite:///{path}")
        upgrade(eng)
        try:
            yield eng
        finally:
            eng.dispose()
            for p in WORK.glob(path.name + "*"):
                p.unlink()
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = "+".join("-" * (w + 2) for w in widths)
    print(f"\n{title}")
    print(line)
    print(" | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for r in rows:
        print(" | ".join(str(x).rjust(w) for x, w in zip(r, widths, strict=True)))
    print(line)
