"""Concurrent requests over a small connection pool (``api/deps.py``, ``api/app.py``).

A request takes its connection on the event loop after one of the app's permits; there are
fewer permits than the pool holds, so many requests at once over a two-connection pool queue
for permits instead of waiting inside worker threads for a connection that only the event
loop could give back (which, with a synchronous dependency, stalled until the pool's
timeout).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.pool import NullPool, StaticPool

from api.app import CONNECTION_SLOTS, connection_slots, create_app, pool_size
from metro.db.engine import make_engine
from metro.repositories.counters import bump_standards
from metro.traceability.cache import layers_built
from tests.api.conftest import PASSWORD, make_api
from tests.conftest import Database


def test_permits_stay_below_what_the_pool_holds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert connection_slots(make_engine(url, pool_size=2, max_overflow=0)) == 1
    assert connection_slots(make_engine(url, pool_size=3, max_overflow=2)) == 4
    assert connection_slots(make_engine(url, pool_size=50, max_overflow=0)) == CONNECTION_SLOTS
    assert connection_slots(make_engine(url, poolclass=NullPool)) == CONNECTION_SLOTS
    assert connection_slots(make_engine("sqlite://", poolclass=StaticPool)) == CONNECTION_SLOTS
    # a served process's pool never makes a permit, a thread or the scheduler wait
    assert pool_size() > CONNECTION_SLOTS


def test_many_requests_at_once_over_a_two_connection_pool(
    db: Database, tmp_path: Path
) -> None:
    api = make_api(db, tmp_path)
    small = make_engine(db.url, pool_size=2, max_overflow=0, pool_timeout=5)
    app = create_app(small, clock=api.clock)
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {_token(client)}"}
        urls = ["/api/v1/instruments/G-001", "/api/v1/instruments", "/api/v1/standards"] * 16
        with ThreadPoolExecutor(max_workers=24) as pool:
            answers = list(pool.map(lambda u: client.get(u, headers=headers).status_code, urls))
    small.dispose()
    assert answers == [200] * len(urls)


def test_a_status_lookup_reads_a_handful_of_rows(api) -> None:
    """The hot path of issue 10 item 10: once the standards layer is built, one lookup is
    four statements — the account with the signing key, the instrument, the layer's counter,
    the instrument's certificates with their references — not a query per link of its
    chain."""
    statements: list[str] = []
    headers = api.headers("bureau")
    assert api.client.get("/api/v1/instruments/G-001", headers=headers).status_code == 200

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(api.db.engine, "before_cursor_execute", count)
    try:
        r = api.client.get("/api/v1/instruments/G-201", headers=headers)
    finally:
        event.remove(api.db.engine, "before_cursor_execute", count)
    assert r.status_code == 200 and r.json()["chain"]["links"]
    assert len(statements) <= 4, "\n".join(s.split("WHERE")[-1] for s in statements)


def _token(client: TestClient) -> str:
    r = client.post("/api/v1/auth/token", data={"username": "bureau", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def test_a_lookup_after_a_standards_write_rebuilds_the_layer(api) -> None:
    headers = api.headers("bureau")
    assert api.client.get("/api/v1/instruments/G-001", headers=headers).status_code == 200
    built = layers_built()
    with api.db.engine.begin() as conn:
        bump_standards(conn)  # what a write to a standard or its certificate does
    r = api.client.get("/api/v1/instruments/G-001", headers=headers)
    assert r.status_code == 200 and r.json()["status"]
    assert layers_built() == built + 1
