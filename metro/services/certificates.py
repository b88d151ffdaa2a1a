"""Certificates: record, revoke, supersede. An issued certificate is never edited.

``record`` checks, beyond what the certificate checks of itself (metro.model.certificate):

- the issuer exists, and an actor other than the bureau, an admin or metro itself records only
  its own organization's certificates (another issuer answers as not found);
- the subject is any registered asset, named by code (a customer brings the asset);
- the references are the issuer's own standards, unless the actor is the bureau or metro
  itself (DESIGN.md "Settled readings"), and each stands above the subject (metro.levels);
  only a primary standard may name no reference;
- the certificate is not dated after the day it is recorded (``now``); a standard's
  certificate states its end date unless it concludes ``fail``;
- result points are of the subject's kind (an instrument's kind, a standard's capabilities);
- its number is new for the issuer: an existing number is a ``Conflict`` (409), saying what
  would change — an issued certificate may only be revoked or superseded.

It stores the day it was recorded and the subject instrument's ``interval_months`` in force,
so a later change of interval never rewrites what the certificate said. A certificate is
judged on its calibration day by the traceability rules, whenever it is recorded.

Decisions (DESIGN.md is silent): revoking needs a non-empty reason; a revoked certificate
cannot be revoked again, nor superseded twice (both ``Conflict``); the superseded certificate
is revoked with the reason "superseded by NUMBER".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from metro.errors import Conflict, InvalidInput, NotFound
from metro.model import fields as f
from metro.model.actor import Actor
from metro.model.certificate import (
    Certificate,
    edit_refusal,
    issued_change,
    recorded_problem,
    valid_until_problem,
)
from metro.model.levels import stands_above
from metro.repositories import certificates as repo
from metro.repositories import changes, counters
from metro.repositories import instruments as instruments_repo
from metro.repositories import standards as standards_repo
from metro.services.organizations import owner_id, require_reach


def record(
    conn: Connection, *, actor: Actor, now: datetime, certificate: Certificate
) -> Certificate:
    """Store a new certificate; returns it as stored (with ``recorded_on``, the interval)."""
    c = certificate
    require_reach(actor, c.issuer, f"organization {c.issuer}")
    issuer_id = owner_id(conn, c.issuer, field="issuer")
    stored = repo.find(conn, c.issuer, c.number)
    if stored is not None:
        field = issued_change(stored[1], c)
        if field is None:
            raise Conflict(f"certificate {c.key} is already recorded")
        raise Conflict(edit_refusal(c.key, field))
    why = recorded_problem(c.calibrated_on, now.date())
    if why:
        raise f.InvalidField("calibrated_on", c.calibrated_on.isoformat(), why)

    std = standards_repo.find(conn, c.subject)
    inst = None if std is not None else instruments_repo.find(conn, c.subject)
    if std is None and inst is None:
        raise NotFound(f"subject {c.subject!r}: no registered standard or instrument has this code")
    why = valid_until_problem(
        c.calibrated_on,
        c.valid_until,
        c.conclusion,
        kind=c.kind,
        subject_is_standard=std is not None,
    )
    if why:
        raise f.InvalidField("valid_until", c.valid_until, why)
    subject_level = std[1].level if std is not None else None
    reference_ids = _references(conn, actor, c, subject_level)
    kinds = repo.subject_kinds(
        conn,
        standard_id=std[0] if std is not None else None,
        instrument_id=inst[0] if inst is not None else None,
    )
    for point in c.results:
        if point.quantity not in kinds:
            raise f.InvalidField(
                "results",
                point.nominal_given,
                f"a {point.quantity} point; subject {c.subject} measures "
                f"{', '.join(kinds) or 'no kind'}",
            )

    supersedes_id = None
    if c.supersedes is not None:
        old = repo.find(conn, c.issuer, c.supersedes)
        if old is None:
            raise NotFound(f"supersedes {c.supersedes!r}: no certificate of {c.issuer} has it")
        supersedes_id = old[0]
        later = repo.superseded_by(conn, old[0])
        if later is not None:
            raise Conflict(f"certificate {old[1].key} is already superseded by {later}")

    c = replace(
        c,
        recorded_on=now.date(),
        interval_months=inst[1].interval_months if inst is not None else None,
    )
    change_id = changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="create",
        object_type="certificate",
        object_key=c.key,
        after=c.as_log(),
    )
    repo.insert_one(
        conn,
        c,
        issuer_id=issuer_id,
        subject_standard_id=std[0] if std is not None else None,
        subject_instrument_id=inst[0] if inst is not None else None,
        reference_ids=reference_ids,
        supersedes_id=supersedes_id,
        change_id=change_id,
    )
    if std is not None:  # a standard's certificate is part of the cached standards layer
        counters.bump_standards(conn)
    return c


def _references(
    conn: Connection, actor: Actor, c: Certificate, subject_level: str | None
) -> list[int]:
    if not c.references:
        if subject_level == "primary":
            return []
        raise f.InvalidField("references", "", "no reference standard named")
    found = standards_repo.find_many(conn, list(c.references))
    ids: list[int] = []
    for code in c.references:
        ref = found.get(code)
        if ref is not None and not actor.sees_everything and ref[1].owner != c.issuer:
            # The same answer as for an unknown code: another organization's standard does not
            # reveal that it exists (the 404 rule).
            ref = None
        if ref is None:
            if actor.sees_everything:
                why = (
                    "an instrument cannot be a reference standard"
                    if instruments_repo.find(conn, code) is not None
                    else "unknown standard code"
                )
            else:
                why = f"no standard of {c.issuer} has this code: a lab cites only its own"
            raise f.InvalidField("references", code, why)
        sid, std = ref
        if not stands_above(std.level, subject_level):
            raise f.InvalidField(
                "references",
                code,
                f"reference {code} ({std.level}) does not stand above subject "
                f"{c.subject} ({subject_level or 'instrument'})",
            )
        ids.append(sid)
    return ids


def _issued(conn: Connection, actor: Actor, issuer: str, number: str) -> tuple[int, Certificate]:
    found = repo.find(conn, issuer, number)
    if found is None:
        raise NotFound(f"certificate {issuer}#{number}: not found")
    require_reach(actor, issuer, f"certificate {issuer}#{number}")
    return found


def get(conn: Connection, *, issuer: str, number: str) -> Certificate:
    """One certificate with its results (revoked ones too); who may read it is the policy's."""
    found = repo.find(conn, issuer, number)
    if found is None:
        raise NotFound(f"certificate {issuer}#{number}: not found")
    return found[1]


def revoke(
    conn: Connection, *, actor: Actor, now: datetime, issuer: str, number: str, reason: str
) -> Certificate:
    """Make an issued certificate void; it stays stored with the reason."""
    f.text("reason", reason, f.REASON_LEN)
    id_, before = _issued(conn, actor, issuer, number)
    if before.revoked:
        raise Conflict(f"certificate {before.key} is already revoked")
    after = replace(before, revoked=True, revoked_reason=reason)
    repo.revoke(conn, id_, reason=reason)
    if standards_repo.find(conn, before.subject) is not None:
        counters.bump_standards(conn)  # the cached standards layer holds this certificate
    changes.append(
        conn,
        actor=actor.name,
        at=now,
        action="revoke",
        object_type="certificate",
        object_key=before.key,
        before=before.as_log(),
        after=after.as_log(),
    )
    return after


def supersede(
    conn: Connection, *, actor: Actor, now: datetime, number: str, certificate: Certificate
) -> Certificate:
    """Record ``certificate`` as replacing the same issuer's ``number``, which is revoked."""
    if certificate.supersedes not in (None, number):
        raise InvalidInput(
            f"supersedes {certificate.supersedes!r}: the certificate replaces {number}"
        )
    _, old = _issued(conn, actor, certificate.issuer, number)
    if old.revoked:
        raise Conflict(f"certificate {old.key} is revoked; a revoked certificate is not replaced")
    new = record(conn, actor=actor, now=now, certificate=replace(certificate, supersedes=number))
    revoke(
        conn,
        actor=actor,
        now=now,
        issuer=old.issuer,
        number=old.number,
        reason=f"superseded by {new.number}",
    )
    return new
