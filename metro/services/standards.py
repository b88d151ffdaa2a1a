"""Standards: register, update, seal — and their capabilities — logged with the actor.

A lab writes its own standards; the bureau any organization's (DESIGN.md "Scoping").
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from metro.errors import Conflict, NotFound
from metro.model.actor import Actor
from metro.model.capability import CapabilityRow
from metro.model.standard import Standard, capability_log
from metro.repositories import changes, counters
from metro.repositories import instruments as instruments_repo
from metro.repositories import standards as repo
from metro.services.organizations import owner_id, require_reach


def register(conn: Connection, *, actor: Actor, now: datetime, standard: Standard) -> int:
    """Store a new standard of ``standard.owner``; asset codes are unique."""
    require_reach(actor, standard.owner, f"organization {standard.owner}")
    oid = owner_id(conn, standard.owner)
    if repo.find(conn, standard.code) is not None:
        raise Conflict(f"standard {standard.code!r} already exists")
    if instruments_repo.find(conn, standard.code) is not None:
        raise Conflict(f"code {standard.code!r} is an instrument's; asset codes are unique")
    id_ = repo.insert_one(conn, standard, owner_id=oid)
    counters.bump_standards(conn)  # every standards write: the cached layer is stale
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="create",
        object_type="standard",
        object_key=standard.code,
        after=standard.as_log(),
    )
    return id_


def _stored(conn: Connection, actor: Actor, code: str) -> tuple[int, Standard]:
    found = repo.find(conn, code)
    if found is None:
        raise NotFound(f"standard {code!r}: not found")
    require_reach(actor, found[1].owner, f"standard {code!r}")
    return found


def update(conn: Connection, *, actor: Actor, now: datetime, standard: Standard) -> None:
    """Replace the stored fields of the standard with this code (e.g. new examination dates)."""
    id_, before = _stored(conn, actor, standard.code)
    require_reach(actor, standard.owner, f"organization {standard.owner}")
    if before == standard:
        return
    repo.update_one(conn, id_, standard, owner_id=owner_id(conn, standard.owner))
    counters.bump_standards(conn)
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="update",
        object_type="standard",
        object_key=standard.code,
        before=before.as_log(),
        after=standard.as_log(),
    )


def seal(conn: Connection, *, actor: Actor, now: datetime, code: str) -> Standard:
    """Seal (封存) an active standard: it stays stored but no longer counts as active."""
    _, before = _stored(conn, actor, code)
    if before.status != "active":
        raise Conflict(f"standard {code!r} is {before.status}; only an active one can be sealed")
    after = replace(before, status="sealed")
    update(conn, actor=actor, now=now, standard=after)
    return after


def set_capabilities(
    conn: Connection,
    *,
    actor: Actor,
    now: datetime,
    code: str,
    capabilities: list[CapabilityRow],
) -> None:
    """Replace the standard's capabilities (a set), logged before and after."""
    id_, _ = _stored(conn, actor, code)
    before = [capability_log(c) for c in repo.capabilities(conn, id_)]
    after = [capability_log(c) for c in capabilities]
    if before == after:
        return
    repo.replace_capabilities(conn, id_, capabilities)
    counters.bump_standards(conn)
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="update" if before else "create",
        object_type="capabilities",
        object_key=code,
        before={"capabilities": before} if before else None,
        after={"capabilities": after},
    )
