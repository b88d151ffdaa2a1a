"""Accounts service: users, sign-in with throttling, bearer tokens, API keys, stored secrets.

Verbs take a connection and, for writes, the ``actor`` and ``now``; nothing here commits and
nothing reads the clock. The rules (usernames, roles per organization kind, the throttle's
delays, the API key format) live in :mod:`metro.model.account`.

Decisions where the design is silent:

* Passwords are hashed with argon2id through pwdlib (its recommended parameters); a hash made
  with older parameters is replaced on the next successful sign-in. An unknown username costs
  the same argon2 verification as a known one, so timing does not tell which names exist.
* :func:`sign_in` *returns* a failure instead of raising it: the failure count it wrote must be
  committed by the caller even though the request fails.
* Bearer tokens are JWT (HS256) with ``sub`` = username, ``iat`` and ``exp``; they live
  ``TOKEN_LIFETIME`` (one hour). The expiry is checked against ``now`` given by the caller,
  not against PyJWT's clock. A disabled user's tokens stop working at once (the user is read
  on every request).
* API keys are stored as the SHA-256 of the whole key: the secret has 256 random bits, so a
  slow hash would only slow every machine request down. Revoked keys stay stored.
* Secrets (``token_signing``, ``verification_code``) are 32 random bytes, URL-safe base64,
  created on first use and kept in the ``secrets`` table.
* Every account write (user created, key created, key revoked) is in the change log with its
  actor; a password hash or key secret is never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import jwt
from pwdlib import PasswordHash
from sqlalchemy import Connection

from metro.errors import Conflict, InvalidInput, MetroError, NotFound
from metro.model.account import (
    NewUser,
    Principal,
    ThrottleScope,
    TooManyAttempts,
    Unauthenticated,
    UserRole,
    check_password,
    failures_after,
    join_api_key,
    split_api_key,
    throttle_wait,
)
from metro.model.actor import Actor
from metro.repositories import accounts as repo
from metro.repositories import changes
from metro.repositories import organizations as orgs

TOKEN_LIFETIME: Final = timedelta(hours=1)
TOKEN_SIGNING: Final = "token_signing"
VERIFICATION_CODE: Final = "verification_code"
_ALGORITHM: Final = "HS256"

_hasher = PasswordHash.recommended()
# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH: Final = _hasher.hash("metro-no-such-user")


@dataclass(frozen=True, slots=True)
class UserInfo:
    username: str
    organization: str
    role: str
    created_at: datetime
    disabled: bool

    def as_json(self) -> dict[str, object]:
        return {
            "username": self.username,
            "organization": self.organization,
            "role": self.role,
            "created_at": self.created_at.isoformat(),
            "disabled": self.disabled,
        }


@dataclass(frozen=True, slots=True)
class Token:
    access_token: str
    expires_in: int
    token_type: str = "bearer"


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in attempt: a principal, or the error to raise after commit."""

    principal: Principal | None
    error: MetroError | None


def _principal(row: repo.UserRow, key_prefix: str | None = None) -> Principal:
    role: UserRole = row.role  # type: ignore[assignment]  # the column's CHECK holds it
    return Principal(
        username=row.username,
        role=role,
        organization=row.organization,
        organization_id=row.organization_id,
        organization_kind=row.organization_kind,
        key_prefix=key_prefix,
    )


def _info(row: repo.UserRow) -> UserInfo:
    return UserInfo(row.username, row.organization, row.role, row.created_at, row.disabled)


# --- users ----------------------------------------------------------------------------------


def create_user(
    conn: Connection,
    *,
    actor: Actor,
    now: datetime,
    username: str,
    organization: str,
    role: str,
    password: str,
) -> UserInfo:
    """A new account; 409 when the username is taken, 422 for a bad name, role or password."""
    found = orgs.find(conn, organization)
    if found is None:
        raise InvalidInput(f"organization {organization!r}: no organization has this code")
    org_id, org = found
    new = NewUser(username=username, organization=org.code, organization_kind=org.kind, role=role)
    check_password(password)
    if repo.user(conn, new.username) is not None:
        raise Conflict(f"username {new.username!r} is taken")
    repo.insert_user(
        conn,
        username=new.username,
        organization_id=org_id,
        role=new.role,
        password_hash=_hasher.hash(password),
        created_at=now,
    )
    after = {"username": new.username, "organization": org.code, "role": new.role}
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="create",
        object_type="user",
        object_key=new.username,
        after=after,
    )
    row = repo.user(conn, new.username)
    assert row is not None
    return _info(row)


def list_users(conn: Connection) -> list[UserInfo]:
    return [_info(r) for r in repo.users(conn)]


def user_exists(conn: Connection, username: str) -> bool:
    return repo.user(conn, username) is not None


def new_password() -> str:
    """A generated password (printed once by the CLI): 16 URL-safe characters."""
    return _secrets.token_urlsafe(12)


# --- sign-in and throttling -----------------------------------------------------------------


def _waiting(conn: Connection, scope: ThrottleScope, key: str, now: datetime) -> timedelta:
    state = repo.throttle(conn, scope, key)
    if state is None:
        return timedelta(0)
    return throttle_wait(scope, state[0], state[1], now)


def _fail(conn: Connection, scope: ThrottleScope, key: str, now: datetime) -> None:
    state = repo.throttle(conn, scope, key)
    failures, last = state if state else (0, None)
    repo.set_throttle(conn, scope, key, failures_after(scope, failures, last, now), now)


def sign_in(
    conn: Connection, *, now: datetime, username: str, password: str, address: str
) -> SignIn:
    """Check a username and password, slowing repeated failures down per account and address.

    Writes the failure counts; the caller commits and then raises ``error`` when there is one.
    """
    wait = max(_waiting(conn, "user", username, now), _waiting(conn, "address", address, now))
    if wait > timedelta(0):
        seconds = max(1, int(wait.total_seconds() + 0.999))
        return SignIn(
            None,
            TooManyAttempts(
                f"too many failed sign-ins for {username!r} or from {address}: "
                f"try again in {seconds} s",
                retry_after=seconds,
            ),
        )
    row = repo.user(conn, username)
    valid, new_hash = _hasher.verify_and_update(password, row.password_hash if row else _DUMMY_HASH)
    if row is None or not valid or row.disabled:
        _fail(conn, "user", username[:100], now)
        _fail(conn, "address", address[:100], now)
        return SignIn(None, Unauthenticated("wrong username or password"))
    if new_hash is not None:
        repo.set_password_hash(conn, row.id, new_hash)
    repo.clear_throttle(conn, "user", username)
    return SignIn(_principal(row), None)


# --- tokens ---------------------------------------------------------------------------------


def secret(conn: Connection, *, name: str, now: datetime) -> str:
    """The stored secret ``name``, generated and kept on first use."""
    value = repo.secret(conn, name)
    if value is not None:
        return value
    return repo.insert_secret_if_absent(conn, name, _secrets.token_urlsafe(32), now)


def issue_token(conn: Connection, *, now: datetime, principal: Principal) -> Token:
    exp = now + TOKEN_LIFETIME
    claims = {"sub": principal.username, "iat": int(now.timestamp()), "exp": int(exp.timestamp())}
    key = secret(conn, name=TOKEN_SIGNING, now=now)
    return Token(jwt.encode(claims, key, algorithm=_ALGORITHM), int(TOKEN_LIFETIME.total_seconds()))


def principal_from_token(conn: Connection, *, now: datetime, token: str) -> Principal:
    """Who the bearer token signs in, after its signature and expiry are checked.

    Every API request asks this, so the account and the signing key are read in one
    statement: the token's subject is read unverified first only to name the account, and
    nothing is decided on it before the signature is checked.
    """
    forged = Unauthenticated("bearer token: not a token signed by this metro")
    try:
        subject = jwt.decode(token, options={"verify_signature": False}).get("sub")
    except jwt.PyJWTError:
        raise forged from None
    row, key = repo.user_and_secret(conn, str(subject), TOKEN_SIGNING)
    try:
        claims = jwt.decode(
            token,
            key or secret(conn, name=TOKEN_SIGNING, now=now),
            algorithms=[_ALGORITHM],
            options={"verify_exp": False, "require": ["sub", "exp"]},
        )
    except jwt.PyJWTError:
        raise forged from None
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= now.timestamp():
        raise Unauthenticated("bearer token: expired; sign in again")
    if row is None or row.disabled:
        raise Unauthenticated("bearer token: the account no longer signs in")
    return _principal(row)


# --- API keys -------------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    conn: Connection, *, actor: Actor, now: datetime, username: str
) -> tuple[str, str]:
    """``(prefix, key)``: the key is shown once here and only its hash is kept."""
    row = repo.user(conn, username)
    if row is None:
        raise NotFound(f"user {username!r}: no such account")
    while True:
        prefix = _secrets.token_hex(4)
        if repo.api_key(conn, prefix) is None:
            break
    key = join_api_key(prefix, _secrets.token_urlsafe(32))
    repo.insert_api_key(
        conn, prefix=prefix, key_hash=_key_hash(key), user_id=row.id, created_at=now
    )
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="create",
        object_type="api_key",
        object_key=prefix,
        after={"prefix": prefix, "user": username},
    )
    return prefix, key


def revoke_api_key(conn: Connection, *, actor: Actor, now: datetime, prefix: str) -> None:
    found = repo.api_key(conn, prefix)
    if found is None:
        raise NotFound(f"API key {prefix!r}: no key has this prefix")
    if found.revoked_at is not None:
        raise Conflict(f"API key {prefix!r} was revoked on {found.revoked_at.isoformat()}")
    repo.revoke_api_key(conn, found.id, now)
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="revoke",
        object_type="api_key",
        object_key=prefix,
        before={"revoked": False},
        after={"revoked": True},
    )


def principal_from_api_key(conn: Connection, *, key: str) -> Principal:
    prefix, _ = split_api_key(key)
    found = repo.api_key(conn, prefix)
    if (
        found is None
        or found.revoked_at is not None
        or not hmac.compare_digest(found.key_hash, _key_hash(key.strip()))
    ):
        raise Unauthenticated("X-API-Key: unknown or revoked key")
    row = repo.user_by_id(conn, found.user_id)
    if row is None or row.disabled:
        raise Unauthenticated("X-API-Key: the key's account no longer signs in")
    return _principal(row, key_prefix=prefix)


# --- change counters ------------------------------------------------------------------------


def change_counter(conn: Connection, name: str) -> int:
    """The current value of a cache's change counter (0 before the first write)."""
    return repo.counter(conn, name)


def bump_change_counter(conn: Connection, name: str) -> None:
    """Called by every write that changes the cached layer ``name`` (same transaction)."""
    repo.bump_counter(conn, name)
