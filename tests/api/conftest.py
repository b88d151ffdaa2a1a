"""An API over a small province with one account per role and organization, a fixed clock.

Organizations (tests.factories.small_province plus a bureau and a second enterprise):
BUR (bureau), HNIMT and CSIM (institutes), ENT1 and ENT2 (enterprises), NIM (nmi). ENT2 owns
G-201, calibrated by HNIMT (so HNIMT may read it and CSIM may not).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from metro.bundle.load import load_bundle
from metro.model.actor import Actor
from metro.services import accounts
from tests import factories as f
from tests.conftest import Database

START = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
# username → (organization, role)
USERS: dict[str, tuple[str, str]] = {
    "admin": ("BUR", "admin"),
    "bureau": ("BUR", "bureau"),
    "lab-hn": ("HNIMT", "lab"),
    "lab-cs": ("CSIM", "lab"),
    "ent1": ("ENT1", "enterprise"),
    "ent2": ("ENT2", "enterprise"),
}


def province() -> dict[str, list[dict[str, str]]]:
    p = f.small_province()
    p["organizations.csv"] += [
        f.organization(code="BUR", name="湖南省市场监督管理局", kind="bureau"),
        f.organization(code="ENT2", name="株洲某某有限公司", kind="enterprise", region="430200"),
    ]
    p["standards.csv"].append(f.standard(code="ENT2-S", owner="ENT2", level="enterprise_highest"))
    p["capabilities.csv"].append(f.capability(standard="ENT2-S", range_max="25 MPa", u_rel="0.1 %"))
    p["instruments.csv"].append(f.instrument(code="G-201", owner="ENT2"))
    p["certificates.csv"] += [
        f.certificate(
            number="HN2025-201",
            issuer="HNIMT",
            subject="G-201",
            references="HN-P1",
            calibrated_on="2025-06-01",
            valid_until="2026-05-31",
        ),
        f.certificate(
            number="HN2025-202",
            issuer="HNIMT",
            subject="ENT2-S",
            references="HN-P1",
            calibrated_on="2025-06-01",
            valid_until="2026-05-31",
        ),
    ]
    return p


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class Api:
    client: TestClient
    db: Database
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)

    def sign_in(self, username: str, password: str = PASSWORD) -> Any:
        return self.client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )

    def headers(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            r = self.sign_in(username)
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def get(self, username: str | None, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers(username) if username else {}, **kw)

    def post(self, username: str | None, url: str, **kw: Any) -> Any:
        return self.client.post(url, headers=self.headers(username) if username else {}, **kw)


def make_api(db: Database, tmp_path: Path) -> Api:
    with db.engine.begin() as conn:
        load_bundle(
            conn,
            f.write_bundle(tmp_path / "bundle", province()),
            actor="t",
            now=START - timedelta(days=1),
        )
        for username, (org, role) in USERS.items():
            accounts.create_user(
                conn,
                actor=Actor("system:test"),
                now=START,
                username=username,
                organization=org,
                role=role,
                password=PASSWORD,
            )
    clock = Clock()
    return Api(TestClient(create_app(db.engine, clock=clock)), db, clock)


@pytest.fixture
def api(db: Database, tmp_path: Path) -> Iterator[Api]:
    a = make_api(db, tmp_path)
    with a.client:
        yield a
