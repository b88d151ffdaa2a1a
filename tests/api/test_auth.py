"""Signing in over HTTP: tokens, wrong passwords, throttling, API keys, 401 problems."""

from __future__ import annotations

import itertools

from metro.model.account import FREE_FAILURES
from metro.model.actor import Actor
from metro.services import accounts
from tests.api.conftest import PASSWORD, USERS


def _is_401(r) -> None:
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == "Bearer"
    body = r.json()
    assert body["status"] == 401 and body["title"] and body["detail"] and body["instance"]


def test_every_role_signs_in_and_sees_itself(api):
    for username, (org, role) in USERS.items():
        r = api.sign_in(username)
        assert r.status_code == 200
        token = r.json()
        assert token["token_type"] == "bearer" and token["expires_in"] > 0
        me = api.client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"}
        )
        assert me.json() == {
            "username": username,
            "organization": org,
            "role": role,
            "api_key": None,
        }


def test_wrong_password_and_unknown_user_are_the_same_401(api):
    wrong = api.sign_in("ent1", "not the password")
    unknown = api.sign_in("nobody", "not the password")
    _is_401(wrong)
    _is_401(unknown)
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_no_or_bad_credentials_are_401(api):
    _is_401(api.client.get("/api/v1/me"))
    _is_401(api.client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}))
    _is_401(api.client.get("/api/v1/instruments", headers={"X-API-Key": "metro_0000_x"}))


def test_token_expires(api):
    headers = api.headers("ent1")
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    api.clock.advance(seconds=accounts.TOKEN_LIFETIME.total_seconds() + 1)
    r = api.client.get("/api/v1/me", headers=headers)
    _is_401(r)
    assert "expired" in r.json()["detail"]


def test_repeated_failures_are_slowed_down_per_account(api):
    free = FREE_FAILURES["user"]
    for _ in range(free):
        _is_401(api.sign_in("ent1", "wrong password"))
    # Even the right password waits now, and the wait is announced.
    r = api.sign_in("ent1")
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    wait = int(r.headers["retry-after"])
    assert wait >= 1
    # Another account from the same address is not held up by ent1's failures.
    assert api.sign_in("ent2").status_code == 200
    api.clock.advance(seconds=wait)
    assert api.sign_in("ent1").status_code == 200
    # A success clears the account's count.
    _is_401(api.sign_in("ent1", "wrong password"))
    assert api.sign_in("ent1").status_code == 200


def test_each_further_failure_doubles_the_wait(api):
    for _ in range(FREE_FAILURES["user"]):
        _is_401(api.sign_in("ent2", "wrong password"))
    waits = []
    for _ in range(4):
        probe = api.sign_in("ent2", "wrong password")
        assert probe.status_code == 429
        waits.append(int(probe.headers["retry-after"]))
        api.clock.advance(seconds=waits[-1])
        _is_401(api.sign_in("ent2", "wrong password"))
    assert all(b == 2 * a for a, b in itertools.pairwise(waits))


def test_repeated_failures_from_one_address_are_slowed_down(api):
    free = FREE_FAILURES["address"]
    for i in range(free):
        _is_401(api.sign_in(f"guess{i}", "wrong password"))  # new names: no account throttle
    r = api.sign_in("bureau")
    assert r.status_code == 429


def test_api_key_signs_in_until_revoked(api):
    with api.db.engine.begin() as conn:
        prefix, key = accounts.create_api_key(
            conn, actor=Actor("system:test"), now=api.clock.now, username="lab-hn"
        )
    me = api.client.get("/api/v1/me", headers={"X-API-Key": key})
    assert me.status_code == 200
    assert me.json() == {
        "username": "lab-hn",
        "organization": "HNIMT",
        "role": "lab",
        "api_key": prefix,
    }
    # A key with the right prefix and a wrong secret is refused.
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    _is_401(api.client.get("/api/v1/me", headers={"X-API-Key": forged}))
    with api.db.engine.begin() as conn:
        accounts.revoke_api_key(conn, actor=Actor("system:test"), now=api.clock.now, prefix=prefix)
    _is_401(api.client.get("/api/v1/me", headers={"X-API-Key": key}))


def test_the_stored_key_is_not_the_key(api):
    from sqlalchemy import text

    with api.db.engine.begin() as conn:
        _, key = accounts.create_api_key(
            conn, actor=Actor("system:test"), now=api.clock.now, username="ent1"
        )
        stored = conn.execute(text("SELECT key_hash FROM api_keys")).scalar_one()
        password_hash = conn.execute(
            text("SELECT password_hash FROM users WHERE username = 'ent1'")
        ).scalar_one()
    assert key.split("_")[-1] not in stored and stored != key
    assert PASSWORD not in password_hash and password_hash.startswith("$argon2")


def test_secrets_are_made_on_start_and_kept(api):
    from sqlalchemy import text

    with api.db.engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM secrets")).scalars())
    assert names == {accounts.TOKEN_SIGNING, accounts.VERIFICATION_CODE}
