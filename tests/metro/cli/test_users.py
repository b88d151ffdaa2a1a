"""Account commands through the real CLI: users add/list, keys add/revoke, demo-accounts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from metro.bundle.load import load_bundle
from metro.cli import app
from metro.cli.users import DEMO_ACCOUNTS, demo_password
from tests import factories as f

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def _province(db, tmp_path):
    p = f.small_province()
    p["organizations.csv"] += [
        f.organization(code="HNAMR", kind="bureau"),
        f.organization(code="HNIM"),
        f.organization(code="ENT000010", kind="enterprise", region="430104"),
    ]
    with db.engine.begin() as conn:
        load_bundle(
            conn,
            f.write_bundle(tmp_path / "b", p),
            actor="t",
            now=datetime(2025, 12, 1, tzinfo=UTC),
        )


def _signs_in(db, username: str, password: str) -> bool:
    client = TestClient(create_app(db.engine))
    r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    return r.status_code == 200


def test_users_add_reads_the_password_from_stdin(db, tmp_path):
    _province(db, tmp_path)
    r = run(
        "--db",
        db.url,
        "users",
        "add",
        "alice",
        "--org",
        "ENT1",
        "--role",
        "enterprise",
        input="s3cret-password\n",
    )
    assert r.exit_code == 0, r.output
    assert "s3cret-password" not in r.stdout
    assert _signs_in(db, "alice", "s3cret-password")


def test_users_add_generates_a_password_and_prints_it_once(db, tmp_path):
    _province(db, tmp_path)
    r = run("--db", db.url, "users", "add", "bob", "--org", "CSIM", "--role", "lab", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["organization"] == "CSIM" and out["role"] == "lab"
    assert _signs_in(db, "bob", out["password"])
    listed = json.loads(run("--db", db.url, "users", "list", "--json").stdout)
    assert [u["username"] for u in listed] == ["bob"]
    assert "password" not in listed[0]


def test_users_add_refuses_bad_input_with_exit_1(db, tmp_path):
    _province(db, tmp_path)
    cases = [
        ("carol", "ENT1", "lab"),  # a lab account on an enterprise
        ("Carol!", "ENT1", "enterprise"),  # not a username
        ("carol", "NOPE", "enterprise"),  # unknown organization
        ("carol", "ENT1", "root"),  # unknown role
    ]
    for name, org, role in cases:
        r = run(
            "--db",
            db.url,
            "users",
            "add",
            name,
            "--org",
            org,
            "--role",
            role,
            input="long enough password\n",
        )
        assert r.exit_code == 1, (name, org, role, r.output)
        assert "Traceback" not in r.output
    r = run(
        "--db",
        db.url,
        "users",
        "add",
        "dave",
        "--org",
        "ENT1",
        "--role",
        "enterprise",
        input="short\n",
    )
    assert r.exit_code == 1 and "password" in r.output and "short" not in r.output
    run(
        "--db",
        db.url,
        "users",
        "add",
        "erin",
        "--org",
        "ENT1",
        "--role",
        "enterprise",
        input="long enough password\n",
    )
    again = run(
        "--db",
        db.url,
        "users",
        "add",
        "erin",
        "--org",
        "ENT1",
        "--role",
        "enterprise",
        input="long enough password\n",
    )
    assert again.exit_code == 1 and "taken" in again.output


def test_keys_add_prints_the_key_once_and_revoke_ends_it(db, tmp_path):
    _province(db, tmp_path)
    run(
        "--db",
        db.url,
        "users",
        "add",
        "machine",
        "--org",
        "ENT1",
        "--role",
        "enterprise",
        input="long enough password\n",
    )
    r = run("--db", db.url, "keys", "add", "machine", "--json")
    assert r.exit_code == 0, r.output
    key = json.loads(r.stdout)
    client = TestClient(create_app(db.engine))
    assert client.get("/api/v1/me", headers={"X-API-Key": key["key"]}).status_code == 200
    r = run("--db", db.url, "keys", "revoke", key["prefix"])
    assert r.exit_code == 0, r.output
    assert client.get("/api/v1/me", headers={"X-API-Key": key["key"]}).status_code == 401
    assert run("--db", db.url, "keys", "revoke", key["prefix"]).exit_code == 1
    assert run("--db", db.url, "keys", "add", "nobody").exit_code == 1


def test_demo_accounts_one_per_role_idempotent(db, tmp_path):
    _province(db, tmp_path)
    first = run("--db", db.url, "demo-accounts", "--json")
    assert first.exit_code == 0, first.output
    rows = json.loads(first.stdout)
    assert sorted(r["role"] for r in rows) == ["admin", "bureau", "enterprise", "lab"]
    assert all(r["created"] for r in rows)
    second = json.loads(run("--db", db.url, "demo-accounts", "--json").stdout)
    assert not any(r["created"] for r in second)
    for username, _, _ in DEMO_ACCOUNTS:
        assert _signs_in(db, username, demo_password(username))
    text = run("--db", db.url, "demo-accounts")
    assert "auth/token" in text.stdout
