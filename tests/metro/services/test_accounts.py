"""The accounts service and its rules: users, roles per organization kind, sign-in throttling,
tokens, API keys, secrets and change counters (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from metro.bundle.load import load_bundle
from metro.errors import Conflict, InvalidInput, NotFound
from metro.model.account import (
    FREE_FAILURES,
    MAX_DELAY,
    TooManyAttempts,
    Unauthenticated,
    failures_after,
    role_problem,
    throttle_delay,
    throttle_wait,
    username_problem,
)
from metro.model.actor import Actor
from metro.repositories.changes import entries
from metro.services import accounts
from tests import factories as f

NOW = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
ACTOR = Actor("system:test")


@pytest.fixture
def conn(db, tmp_path):
    p = f.small_province()
    p["organizations.csv"].append(f.organization(code="BUR", kind="bureau"))
    with db.engine.begin() as c:
        load_bundle(c, f.write_bundle(tmp_path / "b", p), actor="t", now=NOW)
    with db.engine.begin() as c:
        yield c


def _user(conn, name="ent", org="ENT1", role="enterprise", password="long password"):
    return accounts.create_user(
        conn, actor=ACTOR, now=NOW, username=name, organization=org, role=role, password=password
    )


@pytest.mark.parametrize(
    ("role", "kind", "ok"),
    [
        ("admin", "bureau", True),
        ("bureau", "bureau", True),
        ("lab", "institute", True),
        ("lab", "lab", True),
        ("enterprise", "enterprise", True),
        ("lab", "enterprise", False),
        ("lab", "nmi", False),
        ("enterprise", "lab", False),
        ("bureau", "institute", False),
        ("root", "bureau", False),
    ],
)
def test_role_belongs_to_an_organization_kind(role, kind, ok):
    assert (role_problem(role, kind) is None) is ok


@pytest.mark.parametrize("name", ["ab", "Alice", "1abc", "a b", "a" * 65, "é-user", ""])
def test_bad_usernames(name):
    assert username_problem(name)


def test_throttle_delay_doubles_after_the_free_failures_and_is_capped():
    free = FREE_FAILURES["user"]
    assert [throttle_delay("user", n) for n in range(free)] == [timedelta(0)] * free
    assert [throttle_delay("user", free + i).total_seconds() for i in range(4)] == [1, 2, 4, 8]
    assert throttle_delay("user", 10_000) == MAX_DELAY


def test_an_address_forgets_after_an_hour_an_account_does_not():
    last = NOW - timedelta(hours=2)
    assert throttle_wait("address", 1000, last, NOW) == timedelta(0)
    assert failures_after("address", 1000, last, NOW) == 1
    assert failures_after("user", 1000, last, NOW) == 1001


def test_create_user_logs_without_the_password(conn):
    info = _user(conn)
    assert (info.username, info.organization, info.role) == ("ent", "ENT1", "enterprise")
    [entry] = entries(conn, object_type="user", object_key="ent")
    assert entry["actor"] == "system:test"
    assert "long password" not in str(entry) and "argon2" not in str(entry)


def test_create_user_refusals(conn):
    _user(conn)
    with pytest.raises(Conflict):
        _user(conn)
    with pytest.raises(InvalidInput, match="role"):
        _user(conn, name="x-lab", role="lab")
    with pytest.raises(InvalidInput, match="organization"):
        _user(conn, name="nowhere", org="NOPE")
    with pytest.raises(InvalidInput, match="password") as e:
        _user(conn, name="shorty", password="short")
    assert "short" not in str(e.value).replace("password", "")


def test_sign_in_and_token_round_trip(conn):
    _user(conn)
    ok = accounts.sign_in(conn, now=NOW, username="ent", password="long password", address="a")
    assert ok.error is None and ok.principal is not None
    assert ok.principal.actor.name == "user:ent" and ok.principal.actor.organization == "ENT1"
    token = accounts.issue_token(conn, now=NOW, principal=ok.principal)
    assert accounts.principal_from_token(conn, now=NOW, token=token.access_token) == ok.principal
    later = NOW + accounts.TOKEN_LIFETIME
    with pytest.raises(Unauthenticated, match="expired"):
        accounts.principal_from_token(conn, now=later, token=token.access_token)
    with pytest.raises(Unauthenticated):
        accounts.principal_from_token(conn, now=NOW, token=token.access_token + "x")


@pytest.mark.parametrize(
    ("claims", "key", "why"),
    [
        ({"sub": "ent"}, "another metro's key", "not a token signed by this metro"),
        ({"sub": "nobody"}, "another metro's key", "not a token signed by this metro"),
        ({"sub": "nobody"}, None, "no longer signs in"),  # signed here, account gone
        ({}, None, "not a token signed by this metro"),  # no subject
    ],
)
def test_a_token_is_judged_on_its_signature_before_its_subject(conn, claims, key, why):
    _user(conn)
    exp = int((NOW + accounts.TOKEN_LIFETIME).timestamp())
    ours = accounts.secret(conn, name=accounts.TOKEN_SIGNING, now=NOW)
    token = jwt.encode({**claims, "exp": exp}, key or ours, algorithm="HS256")
    with pytest.raises(Unauthenticated, match=why):
        accounts.principal_from_token(conn, now=NOW, token=token)


def test_sign_in_failures_are_counted_and_slowed(conn):
    _user(conn)
    for _ in range(FREE_FAILURES["user"]):
        bad = accounts.sign_in(conn, now=NOW, username="ent", password="nope", address="a")
        assert isinstance(bad.error, Unauthenticated)
    held = accounts.sign_in(conn, now=NOW, username="ent", password="long password", address="b")
    assert isinstance(held.error, TooManyAttempts) and held.error.retry_after == 1
    ok = accounts.sign_in(
        conn, now=NOW + timedelta(seconds=1), username="ent", password="long password", address="b"
    )
    assert ok.principal is not None


def test_api_keys(conn):
    _user(conn)
    prefix, key = accounts.create_api_key(conn, actor=ACTOR, now=NOW, username="ent")
    p = accounts.principal_from_api_key(conn, key=key)
    assert p.actor.name == f"key:{prefix}"
    accounts.revoke_api_key(conn, actor=ACTOR, now=NOW, prefix=prefix)
    with pytest.raises(Unauthenticated):
        accounts.principal_from_api_key(conn, key=key)
    with pytest.raises(Conflict):
        accounts.revoke_api_key(conn, actor=ACTOR, now=NOW, prefix=prefix)
    with pytest.raises(NotFound):
        accounts.revoke_api_key(conn, actor=ACTOR, now=NOW, prefix="00000000")
    assert [e["action"] for e in entries(conn, object_type="api_key")] == ["create", "revoke"]


def test_secrets_are_made_once(conn):
    a = accounts.secret(conn, name=accounts.TOKEN_SIGNING, now=NOW)
    assert accounts.secret(conn, name=accounts.TOKEN_SIGNING, now=NOW) == a
    assert accounts.secret(conn, name=accounts.VERIFICATION_CODE, now=NOW) != a


def test_change_counter(conn):
    start = accounts.change_counter(conn, "standards")  # the fixture's load bumped it once
    accounts.bump_change_counter(conn, "standards")
    accounts.bump_change_counter(conn, "standards")
    assert accounts.change_counter(conn, "standards") == start + 2
    assert accounts.change_counter(conn, "never-bumped") == 0
