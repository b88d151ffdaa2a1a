"""Instruments: register and update (including the calibration interval), logged with the actor.

Changing ``interval_months`` never rewrites the past: a certificate keeps the interval in force
when it was recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from metro.errors import Conflict, NotFound
from metro.model.actor import Actor
from metro.model.fields import as_log
from metro.model.instrument import Instrument
from metro.repositories import changes
from metro.repositories import instruments as repo
from metro.repositories import standards as standards_repo
from metro.services.organizations import owner_id, require_reach


def register(conn: Connection, *, actor: Actor, now: datetime, instrument: Instrument) -> int:
    """Store a new instrument of ``instrument.owner``; asset codes are unique."""
    require_reach(actor, instrument.owner, f"organization {instrument.owner}")
    oid = owner_id(conn, instrument.owner)
    if repo.find(conn, instrument.code) is not None:
        raise Conflict(f"instrument {instrument.code!r} already exists")
    if standards_repo.find(conn, instrument.code) is not None:
        raise Conflict(f"code {instrument.code!r} is a standard's; asset codes are unique")
    change_id = changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="create",
        object_type="instrument",
        object_key=instrument.code,
        after=as_log(instrument),
    )
    return repo.insert_one(conn, instrument, owner_id=oid, change_id=change_id)


def update(conn: Connection, *, actor: Actor, now: datetime, instrument: Instrument) -> None:
    """Replace the stored fields of the instrument with this code."""
    found = repo.find(conn, instrument.code)
    if found is None:
        raise NotFound(f"instrument {instrument.code!r}: not found")
    id_, before = found
    require_reach(actor, before.owner, f"instrument {instrument.code}")
    require_reach(actor, instrument.owner, f"organization {instrument.owner}")
    if before == instrument:
        return
    repo.update_one(conn, id_, instrument, owner_id=owner_id(conn, instrument.owner))
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="update",
        object_type="instrument",
        object_key=instrument.code,
        before=as_log(before),
        after=as_log(instrument),
    )
