"""Benchmark of the HTTP API (issue 10 item 10), as ratios against floors of the same run.

    .venv/bin/python -m bench.api [--db URL | --instruments N] [--clients 32] [--seconds 10]
                                  [--workers 1] [--port P]

Without ``--db`` a synthetic province of ``--instruments`` instruments is generated and loaded
into a SQLite file under ``$METRO_BENCH_DIR`` (kept and reused). A bench account (bureau) and an
enterprise account are created when missing; ``metro serve`` runs in a child process on
127.0.0.1, and ``--clients`` threads of this process call it for ``--seconds`` each phase:

* **trivial**: ``GET /api/health`` — the floor of the app's own overhead;
* **status lookups**: ``GET /api/v1/instruments/{code}`` on random instruments (status, due,
  reason and chain) — targets: throughput ≥ 25 % of the trivial endpoint's, p99 ≤ 3× its p99;
* **enterprise board**: ``GET /api/v1/instruments?owner=…&limit=1000`` as the owner of the
  most instruments (topped up to 1,000 instruments when it has fewer, see :func:`_fill_board`),
  over one kept-alive client (best of five after a first call), against the floor of reading
  those instruments' certificate rows in SQL — target ≤ 5× the floor.

Each phase is measured in steady state: the server builds the standards layer when it starts
(``metro serve``), and a short warm-up precedes each phase.

Nothing here asserts: it prints a table.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import WORK, print_table, synthetic_bundle
from metro.db.engine import make_engine
from metro.db.models import Certificate, Instrument, Organization

PASSWORD = "bench-password"
BOARD = 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database(args: argparse.Namespace) -> str:
    if args.db:
        return str(args.db)
    path = WORK / f"api-{args.instruments}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        bundle = synthetic_bundle(args.instruments)
        metro = [sys.executable, "-m", "metro", "--db", url]
        subprocess.run([*metro, "init"], check=True)
        subprocess.run([*metro, "load", str(bundle)], check=True)
    return url


def _accounts(url: str) -> tuple[str, list[str]]:
    """The busiest enterprise (its code) and a sample of instrument codes; accounts made."""
    from datetime import UTC, datetime

    from metro.model.actor import Actor
    from metro.services import accounts

    eng = make_engine(url)
    now = datetime.now(UTC)
    with eng.begin() as conn:
        bureau = conn.execute(
            select(Organization.code).where(Organization.kind == "bureau")
        ).scalar_one()
        owner = conn.execute(
            select(Organization.code)
            .join(Instrument, Instrument.owner_id == Organization.id)
            .group_by(Organization.code)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
        for name, org, role in (("bench", bureau, "bureau"), ("bench-ent", owner, "enterprise")):
            if not accounts.user_exists(conn, name):
                accounts.create_user(
                    conn,
                    actor=Actor("system:bench"),
                    now=now,
                    username=name,
                    organization=org,
                    role=role,
                    password=PASSWORD,
                )
        _fill_board(conn, owner, now)
        codes = list(conn.execute(select(Instrument.code).limit(20000)).scalars())
    eng.dispose()
    return owner, codes


def _fill_board(conn: Any, owner: str, now: Any) -> None:
    """Give the enterprise ``BOARD`` instruments: below 10⁶ instruments no owner has that many
    (the busiest of the 10⁵ province has under 300). Others' instruments move to it through
    the instrument service (logged, as a real transfer would be); the bench database is the
    bench's own."""
    from dataclasses import replace

    from metro.model.actor import SYSTEM_LOAD
    from metro.repositories import instruments as instruments_repo
    from metro.services import instruments

    owner_id = select(Organization.id).where(Organization.code == owner).scalar_subquery()
    have = conn.execute(
        select(func.count()).select_from(Instrument).where(Instrument.owner_id == owner_id)
    ).scalar_one()
    if have >= BOARD:
        return
    moving = (
        conn.execute(
            select(Instrument.code)
            .where(Instrument.owner_id != owner_id)
            .order_by(Instrument.id)
            .limit(BOARD - have)
        )
        .scalars()
        .all()
    )
    for code in moving:
        found = instruments_repo.find(conn, code)
        assert found is not None
        moved = replace(found[1], owner=owner)
        instruments.update(conn, actor=SYSTEM_LOAD, now=now, instrument=moved)


def _board_floor(url: str, owner: str) -> float:
    """Best time to read the certificate rows of the owner's first 1,000 instruments."""
    eng = make_engine(url)
    best = float("inf")
    with eng.connect() as conn:
        ids = list(
            conn.execute(
                select(Instrument.id)
                .join(Organization, Organization.id == Instrument.owner_id)
                .where(Organization.code == owner)
                .order_by(Instrument.code)
                .limit(BOARD)
            ).scalars()
        )
        for _ in range(5):
            t0 = time.perf_counter()
            conn.execute(
                select(Certificate.__table__).where(Certificate.subject_instrument_id.in_(ids))
            ).fetchall()
            best = min(best, time.perf_counter() - t0)
    eng.dispose()
    return best


def _load(base: str, token: str, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(seed: int) -> None:
        nonlocal errors
        rnd = random.Random(seed)
        mine: list[float] = []
        bad = 0
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                r = client.get(rnd.choice(paths))
                mine.append(time.perf_counter() - t0)
                bad += r.status_code != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return {
        "n": len(latencies),
        "rps": len(latencies) / elapsed,
        "p99": p99,
        "errors": errors,
        "median": statistics.median(latencies) if latencies else 0.0,
    }


def _token(base: str, username: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    r.raise_for_status()
    return str(r.json()["access_token"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db")
    ap.add_argument("--instruments", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    url = _database(args)
    owner, codes = _accounts(url)
    port = args.port or _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "metro",
            "--db",
            url,
            "serve",
            "--no-scheduler",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        token = _token(base, "bench")
        _load(base, token, ["/api/health"], 2, 1.0)  # warm up
        trivial = _load(base, token, ["/api/health"], args.clients, args.seconds)
        sample = random.Random(1).sample(codes, min(2000, len(codes)))
        paths = [f"/api/v1/instruments/{c}" for c in sample]
        _load(base, token, paths, 2, 1.0)  # warm up the pool's connections and their caches
        lookup = _load(base, token, paths, args.clients, args.seconds)
        ent = _token(base, "bench-ent")
        board_times = []
        # one client, as a dashboard keeps its connection (a new httpx client per call spends
        # ~20 ms building its TLS context, even for http); the first call warms the connection
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {ent}"}, timeout=600
        ) as client:
            for _ in range(6):
                t0 = time.perf_counter()
                r = client.get("/api/v1/instruments", params={"owner": owner, "limit": BOARD})
                board_times.append(time.perf_counter() - t0)
                r.raise_for_status()
        board_times = board_times[1:]
        board = min(board_times)
        floor = _board_floor(url, owner)
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = [
        [
            "trivial /api/health",
            f"{trivial['rps']:.0f}",
            f"{trivial['p99'] * 1000:.1f}",
            "1.00",
            "1.00",
            "floor",
        ],
        [
            "status lookup",
            f"{lookup['rps']:.0f}",
            f"{lookup['p99'] * 1000:.1f}",
            f"{lookup['rps'] / trivial['rps']:.2f}",
            f"{lookup['p99'] / trivial['p99']:.2f}",
            "rps ≥ 0.25, p99 ≤ 3",
        ],
    ]
    print_table(
        f"API at {args.clients} clients, {args.seconds:.0f} s each ({url})",
        ["phase", "req/s", "p99 ms", "rps ratio", "p99 ratio", "target"],
        rows,
    )
    print_table(
        "enterprise board (1,000 instruments)",
        ["what", "seconds", "ratio", "target"],
        [
            ["certificate rows (floor)", f"{floor:.4f}", "1.00", ""],
            [f"GET /api/v1/instruments as {owner}", f"{board:.4f}", f"{board / floor:.1f}", "≤ 5"],
        ],
    )
    if lookup["errors"] or trivial["errors"]:
        print(f"non-200 answers: trivial {trivial['errors']}, lookups {lookup['errors']}")


if __name__ == "__main__":
    main()
