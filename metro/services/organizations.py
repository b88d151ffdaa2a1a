"""Organizations: register and update, each logged with its actor (who, when, before, after).

Also the write-scope check the other write services share: the bureau, admins and metro itself
write anything; any other actor only its own organization's objects, and another
organization's object is answered as not found (DESIGN.md: 404, never 403).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from metro.errors import Conflict, NotFound
from metro.model.actor import Actor
from metro.model.fields import as_log
from metro.model.organization import Organization
from metro.repositories import changes
from metro.repositories import organizations as repo


def require_reach(actor: Actor, owner: str, what: str) -> None:
    """Refuse, as not found, a write by ``actor`` to an object owned by ``owner``."""
    if not actor.sees_everything and actor.organization != owner:
        raise NotFound(f"{what}: not found")


def owner_id(conn: Connection, code: str, *, field: str = "owner") -> int:
    found = repo.find(conn, code)
    if found is None:
        raise NotFound(f"{field} {code!r}: unknown organization code")
    return found[0]


def register(conn: Connection, *, actor: Actor, now: datetime, organization: Organization) -> int:
    """Store a new organization; its code must be free. Only the bureau registers them."""
    if not actor.sees_everything:
        raise NotFound(f"organization {organization.code}: not found")
    if repo.find(conn, organization.code) is not None:
        raise Conflict(f"organization {organization.code!r} already exists")
    id_ = repo.insert_one(conn, organization)
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="create",
        object_type="organization",
        object_key=organization.code,
        after=as_log(organization),
    )
    return id_


def update(conn: Connection, *, actor: Actor, now: datetime, organization: Organization) -> None:
    """Replace the stored fields of the organization with this code (the code stays)."""
    found = repo.find(conn, organization.code)
    if found is None:
        raise NotFound(f"organization {organization.code!r}: not found")
    require_reach(actor, organization.code, f"organization {organization.code}")
    id_, before = found
    if before == organization:
        return
    repo.update_one(conn, id_, organization)
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="update",
        object_type="organization",
        object_key=organization.code,
        before=as_log(before),
        after=as_log(organization),
    )
