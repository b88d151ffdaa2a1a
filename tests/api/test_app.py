"""The web app over HTTP: health, the province overview and the home page."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from api.app import create_app
from metro.bundle.load import load_bundle
from tests import factories as f


def test_overview_counts_what_was_loaded(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(
            conn,
            f.write_bundle(tmp_path / "b", f.small_province()),
            actor="t",
            now=datetime(2026, 11, 26, tzinfo=UTC),
        )
    client = TestClient(create_app(db.engine))
    assert client.get("/api/health").json() == {"status": "ok"}
    assert client.get("/api/overview").json() == {
        "organizations": 4,
        "standards": 4,
        "public_standards": 2,
        "instruments": 2,
        "certificates": 5,
        "demands": 2,
    }
    page = client.get("/")
    assert page.status_code == 200
    assert "社会公用计量标准" in page.text and "<td>5</td>" in page.text


def test_unknown_route_is_404(db):
    assert TestClient(create_app(db.engine)).get("/api/nothing").status_code == 404
