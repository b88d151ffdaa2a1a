"""Accounts: who may sign in, with which role for which organization, and how failures slow down.

The one home of these rules (the CLI, the HTTP API and the services call them):

- **Usernames** are 3 to 64 characters: lowercase ASCII letters, digits, ``.``, ``_`` and
  ``-``, starting with a letter (they appear in the change log as ``user:NAME`` and in URLs).
- **Passwords** are 8 to 256 characters without NUL (argon2 hashes any length; the upper
  bound only stops a request from making the server hash megabytes).
- **Role and organization** (DESIGN.md "Scoping"): an ``admin`` or ``bureau`` user belongs to
  the ``bureau``, a ``lab`` user to an ``institute`` or ``lab``, an ``enterprise`` user to an
  ``enterprise``. The ``nmi`` holds no accounts (it is not a member of the provincial system).
- **Throttling failed sign-ins**, per account and per address. Decisions (the design only says
  "slowed down"): the first ``FREE_FAILURES`` failures in a row cost nothing (5 for an account,
  20 for an address, which several people may share); after that each attempt must wait
  ``2^(n − free)`` seconds after the last failure, at most 15 minutes. An attempt during the
  wait is refused (429, ``Retry-After``) without checking the password, and does not count. A
  success clears the account's count; an address's count is forgotten one hour after its last
  failure. Nothing ever locks an account for good (which would let anyone lock anyone out).
- **API keys** read ``metro_<prefix>_<secret>``: the prefix (8 hex digits) finds the key and
  names it (``key:PREFIX``), the secret is 32 random bytes (URL-safe base64).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from metro.errors import MetroError
from metro.model.actor import ROLES, Actor
from metro.model.fields import InvalidField

UserRole = Literal["admin", "bureau", "lab", "enterprise"]
ORGANIZATION_KINDS_OF_ROLE: Final[dict[str, tuple[str, ...]]] = {
    "admin": ("bureau",),
    "bureau": ("bureau",),
    "lab": ("institute", "lab"),
    "enterprise": ("enterprise",),
}
_USERNAME: Final = re.compile(r"[a-z][a-z0-9._-]{2,63}")
PASSWORD_MIN: Final = 8
PASSWORD_MAX: Final = 256

ThrottleScope = Literal["user", "address"]
FREE_FAILURES: Final[dict[str, int]] = {"user": 5, "address": 20}
MAX_DELAY: Final = timedelta(minutes=15)
ADDRESS_MEMORY: Final = timedelta(hours=1)

KEY_PREFIX: Final = "metro"
_KEY: Final = re.compile(r"metro_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")


class Unauthenticated(MetroError):
    """No credentials, or credentials that do not sign anybody in (HTTP 401)."""

    status = 401
    title = "Not authenticated"


class TooManyAttempts(MetroError):
    """Too many failed sign-ins: wait ``retry_after`` seconds (HTTP 429)."""

    status = 429
    title = "Too many failed sign-ins"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def username_problem(name: str) -> str | None:
    if not _USERNAME.fullmatch(name):
        return (
            "3 to 64 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter"
        )
    return None


def password_problem(password: str) -> str | None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX or "\x00" in password:
        return f"{PASSWORD_MIN} to {PASSWORD_MAX} characters without NUL"
    return None


def role_problem(role: str, organization_kind: str) -> str | None:
    kinds = ORGANIZATION_KINDS_OF_ROLE.get(role)
    if kinds is None:
        return f"must be one of {', '.join(ROLES)}"
    if organization_kind not in kinds:
        return (
            f"{role} accounts belong to an organization of kind {' or '.join(kinds)}, "
            f"not {organization_kind}"
        )
    return None


@dataclass(frozen=True, slots=True)
class NewUser:
    """An account to create (the password travels apart, hashed by the service)."""

    username: str
    organization: str
    organization_kind: str
    role: str

    def __post_init__(self) -> None:
        why = username_problem(self.username)
        if why:
            raise InvalidField("username", self.username, why)
        why = role_problem(self.role, self.organization_kind)
        if why:
            raise InvalidField("role", self.role, f"{why} ({self.organization})")


def check_password(password: str) -> None:
    why = password_problem(password)
    if why:
        # Never echo the password itself.
        raise InvalidField("password", "…", why)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is signed in: a user, directly (bearer token) or through one of its API keys."""

    username: str
    role: UserRole
    organization: str
    organization_id: int
    organization_kind: str
    key_prefix: str | None = None

    @property
    def actor(self) -> Actor:
        """The actor the services log: ``user:NAME``, or ``key:PREFIX`` for a machine client."""
        name = f"key:{self.key_prefix}" if self.key_prefix else f"user:{self.username}"
        return Actor(name, role=self.role, organization=self.organization)

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "bureau")


def throttle_delay(scope: ThrottleScope, failures: int) -> timedelta:
    """How long after the last failure the next attempt must wait (zero while free)."""
    over = failures - FREE_FAILURES[scope]
    if over < 0:
        return timedelta(0)
    # 2^over seconds; the exponent is capped before it can overflow.
    return min(timedelta(seconds=2 ** min(over, 20)), MAX_DELAY)


def throttle_wait(
    scope: ThrottleScope, failures: int, last_failed_at: datetime, now: datetime
) -> timedelta:
    """What is left of the wait at ``now`` (zero when an attempt may go ahead)."""
    if scope == "address" and now - last_failed_at >= ADDRESS_MEMORY:
        return timedelta(0)
    left = last_failed_at + throttle_delay(scope, failures) - now
    return max(left, timedelta(0))


def failures_after(
    scope: ThrottleScope, failures: int, last_failed_at: datetime | None, now: datetime
) -> int:
    """The count after one more failure at ``now`` (an address forgets after an hour)."""
    if last_failed_at is None or (scope == "address" and now - last_failed_at >= ADDRESS_MEMORY):
        return 1
    return failures + 1


def split_api_key(key: str) -> tuple[str, str]:
    """``(prefix, secret)`` of a key as shown once; anything else signs nobody in."""
    m = _KEY.fullmatch(key.strip())
    if not m:
        raise Unauthenticated("X-API-Key: not a metro API key (metro_<prefix>_<secret>)")
    return m.group(1), m.group(2)


def join_api_key(prefix: str, secret: str) -> str:
    return f"{KEY_PREFIX}_{prefix}_{secret}"
