"""The web app over HTTP: health, the province overview, and one transaction per request
(``api.deps.connection``: committed when the route returns, rolled back when it raises)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select, text

from api.app import create_app
from api.deps import connection
from metro.bundle.load import load_bundle
from metro.db.models import Organization
from tests import factories as f


def test_overview_counts_what_was_loaded(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(
            conn,
            f.write_bundle(tmp_path / "b", f.small_province()),
            actor="t",
            now=datetime(2026, 11, 26, tzinfo=UTC),
        )
    with TestClient(create_app(db.engine)) as client:
        assert client.get("/api/health").json() == {"status": "ok"}
        assert client.get("/api/overview").json() == {
            "organizations": 4,
            "standards": 4,
            "public_standards": 2,
            "instruments": 2,
            "certificates": 5,
            "demands": 2,
        }


def test_unknown_route_is_404(db):
    with TestClient(create_app(db.engine)) as client:
        assert client.get("/api/nothing").status_code == 404


def _organizations(db) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Organization)).scalar_one())


def test_a_request_is_one_transaction_committed_or_rolled_back(db):
    app = create_app(db.engine)
    insert = text(
        "INSERT INTO organizations (code, name, kind, region) VALUES (:c, 'x', 'lab', '430100')"
    )

    @app.post("/test/ok")
    def ok(conn: Connection = Depends(connection)) -> dict[str, bool]:
        assert isinstance(conn, Connection) and conn.in_transaction()
        conn.execute(insert, {"c": "OK1"})
        return {"ok": True}

    @app.post("/test/boom")
    def boom(conn: Connection = Depends(connection)) -> dict[str, bool]:
        conn.execute(insert, {"c": "BOOM1"})
        raise RuntimeError("the route failed after writing")

    before = _organizations(db)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/test/ok").status_code == 200
        assert _organizations(db) == before + 1  # committed when the route returned
        assert client.post("/test/boom").status_code == 500
    assert _organizations(db) == before + 1  # the failed route's write was rolled back
    with db.engine.connect() as conn:
        codes = set(conn.execute(select(Organization.code)).scalars())
    assert "OK1" in codes and "BOOM1" not in codes
