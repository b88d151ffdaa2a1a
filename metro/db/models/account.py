"""Accounts of the HTTP API: users, API keys, login throttle state, secrets, change counters.

* ``users`` — one organization and one role each; the password is stored as an argon2 hash.
* ``api_keys`` — machine clients' keys, stored as a SHA-256 hash of the whole key (a key is
  32 random bytes, so a slow hash adds nothing); the short ``prefix`` finds the row and names
  the key in the change log (``key:PREFIX``). Revoked keys are kept, with the time.
* ``login_throttle`` — failed sign-ins per account (``scope = 'user'``) and per address
  (``'address'``), for slowing repeated failures down (:mod:`metro.model.account`).
* ``secrets`` — the token signing key and the verification-code key, generated on first start
  and kept here, so that ``metro serve`` needs no environment variable and every worker process
  signs with the same key.
* ``change_counters`` — a number per cached layer (``standards``), bumped by every write that
  changes it, so that each worker process knows when its cache is stale.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'bureau', 'lab', 'enterprise')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(Base):
    __tablename__ = "login_throttle"
    __table_args__ = (CheckConstraint("scope IN ('user', 'address')", name="scope"),)

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Secret(Base):
    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChangeCounter(Base):
    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
