"""A browser-like client of the web app: cookies kept, forms posted with their CSRF token.

Builds on ``tests/api/conftest.py``'s small province, its accounts (one per role and
organization, password ``PASSWORD``) and its fixed clock (2025-12-01).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import PASSWORD, Api, make_api
from tests.conftest import Database

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Browser:
    """One signed-in (or anonymous) browser over the app."""

    client: TestClient
    api: Api

    def csrf(self, path: str = "/login") -> str:
        page = self.client.get(path)
        found = _CSRF.search(page.text)
        assert found, f"no CSRF field on {path}"
        return found.group(1)

    def sign_in(self, username: str, password: str = PASSWORD, next: str = "/") -> Any:
        token = self.csrf("/login")
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf": token, "next": next},
            follow_redirects=False,
        )

    def form(self, path: str, data: dict[str, Any], *, page: str = "/", **kw: Any) -> Any:
        return self.client.post(path, data={"csrf": self.csrf(page), **data}, **kw)


def browser_for(api: Api, username: str | None) -> Browser:
    client = TestClient(create_app(api.db.engine, clock=api.clock), follow_redirects=True)
    b = Browser(client, api)
    if username:
        r = b.sign_in(username)
        assert r.status_code == 303, r.text
    return b


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Api]:
    a = make_api(db, tmp_path)
    with a.client:
        yield a
