"""Queries of accounts: users, API keys, login throttle rows, secrets and change counters.

Datetimes come back timezone-aware in UTC on both backends (SQLite hands back naive ones).
Secrets and counters are created race-free: two worker processes starting at once both try
the insert inside a savepoint and the loser reads the winner's row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from metro.db.models import ApiKey, ChangeCounter, LoginThrottle, Organization, Secret, User


def _utc(d: datetime) -> datetime:
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    username: str
    role: str
    organization_id: int
    organization: str
    organization_kind: str
    password_hash: str
    created_at: datetime
    disabled: bool


_USER_COLUMNS = (
    User.id,
    User.username,
    User.role,
    User.organization_id,
    Organization.code,
    Organization.kind,
    User.password_hash,
    User.created_at,
    User.disabled,
)


def _user(r: Any) -> UserRow:
    return UserRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _utc(r[7]), bool(r[8]))


def _users() -> Any:
    return select(*_USER_COLUMNS).join(Organization, Organization.id == User.organization_id)


@cache
def _lookups() -> tuple[Any, Any, Any, Any]:
    """Built once: every signed-in request runs them (user by name, secret, counter, the user
    with a secret), and building a select costs several times what SQLite takes to answer
    it."""
    secret = select(Secret.value).where(Secret.name == bindparam("name"))
    by_name = _users().where(User.username == bindparam("username"))
    return (
        by_name,
        secret,
        select(ChangeCounter.value).where(ChangeCounter.name == bindparam("name")),
        by_name.add_columns(secret.scalar_subquery()),
    )


def insert_user(
    conn: Connection,
    *,
    username: str,
    organization_id: int,
    role: str,
    password_hash: str,
    created_at: datetime,
) -> int:
    return int(
        conn.execute(
            insert(User)
            .values(
                username=username,
                organization_id=organization_id,
                role=role,
                password_hash=password_hash,
                created_at=created_at,
                disabled=False,
            )
            .returning(User.id)
        ).scalar_one()
    )


def user(conn: Connection, username: str) -> UserRow | None:
    r = conn.execute(_lookups()[0], {"username": username}).first()
    return None if r is None else _user(r)


def user_and_secret(
    conn: Connection, username: str, secret_name: str
) -> tuple[UserRow | None, str | None]:
    """The user and the stored secret ``secret_name`` in one round trip (the secret is None
    when there is no such user: read it alone then)."""
    r = conn.execute(_lookups()[3], {"username": username, "name": secret_name}).first()
    return (None, None) if r is None else (_user(r), r[9])


def user_by_id(conn: Connection, user_id: int) -> UserRow | None:
    r = conn.execute(_users().where(User.id == user_id)).first()
    return None if r is None else _user(r)


def users(conn: Connection) -> list[UserRow]:
    return [_user(r) for r in conn.execute(_users().order_by(User.username))]


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))


# --- API keys -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    id: int
    prefix: str
    key_hash: str
    user_id: int
    created_at: datetime
    revoked_at: datetime | None


def insert_api_key(
    conn: Connection, *, prefix: str, key_hash: str, user_id: int, created_at: datetime
) -> int:
    return int(
        conn.execute(
            insert(ApiKey)
            .values(prefix=prefix, key_hash=key_hash, user_id=user_id, created_at=created_at)
            .returning(ApiKey.id)
        ).scalar_one()
    )


def api_key(conn: Connection, prefix: str) -> ApiKeyRow | None:
    r = conn.execute(
        select(
            ApiKey.id,
            ApiKey.prefix,
            ApiKey.key_hash,
            ApiKey.user_id,
            ApiKey.created_at,
            ApiKey.revoked_at,
        ).where(ApiKey.prefix == prefix)
    ).first()
    if r is None:
        return None
    return ApiKeyRow(r[0], r[1], r[2], r[3], _utc(r[4]), _utc(r[5]) if r[5] else None)


def revoke_api_key(conn: Connection, key_id: int, at: datetime) -> None:
    conn.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=at))


# --- login throttle -------------------------------------------------------------------------


def throttle(conn: Connection, scope: str, key: str) -> tuple[int, datetime] | None:
    """``(failures, last_failed_at)`` of an account or address, or None when it has none."""
    r = conn.execute(
        select(LoginThrottle.failures, LoginThrottle.last_failed_at).where(
            LoginThrottle.scope == scope, LoginThrottle.key == key
        )
    ).first()
    return None if r is None else (int(r[0]), _utc(r[1]))


def set_throttle(conn: Connection, scope: str, key: str, failures: int, at: datetime) -> None:
    done = conn.execute(
        update(LoginThrottle)
        .where(LoginThrottle.scope == scope, LoginThrottle.key == key)
        .values(failures=failures, last_failed_at=at)
    )
    if done.rowcount == 0:
        conn.execute(
            insert(LoginThrottle).values(scope=scope, key=key, failures=failures, last_failed_at=at)
        )


def clear_throttle(conn: Connection, scope: str, key: str) -> None:
    conn.execute(
        delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    )


# --- secrets and change counters ------------------------------------------------------------


def secret(conn: Connection, name: str) -> str | None:
    return conn.execute(_lookups()[1], {"name": name}).scalar_one_or_none()


def insert_secret_if_absent(conn: Connection, name: str, value: str, at: datetime) -> str:
    """Store ``value`` under ``name`` unless a value is there already; return the stored one."""
    try:
        with conn.begin_nested():
            conn.execute(insert(Secret).values(name=name, value=value, created_at=at))
    except IntegrityError:
        pass
    stored = secret(conn, name)
    assert stored is not None
    return stored


def counter(conn: Connection, name: str) -> int:
    value = conn.execute(_lookups()[2], {"name": name}).scalar_one_or_none()
    return int(value or 0)


def bump_counter(conn: Connection, name: str) -> None:
    done = conn.execute(
        update(ChangeCounter)
        .where(ChangeCounter.name == name)
        .values(value=ChangeCounter.value + 1)
    )
    if done.rowcount == 0:
        try:
            with conn.begin_nested():
                conn.execute(insert(ChangeCounter).values(name=name, value=1))
        except IntegrityError:  # another transaction created it meanwhile
            conn.execute(
                update(ChangeCounter)
                .where(ChangeCounter.name == name)
                .values(value=ChangeCounter.value + 1)
            )
