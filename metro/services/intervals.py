"""Calibration intervals: propose from the as-found history, accept, review (DESIGN.md
"Calibration intervals").

Verbs, one transaction each, never committing:

- :func:`propose` — proposals for one instrument, one owner's instruments or the province by
  A1 (per instrument), A3 or S1 (per group of the same owner and kind). The proposals are
  stored (``interval_proposals``) so that an owner can accept one; nothing else changes.
- :func:`accept` — the owner accepts the latest stored proposal of an instrument: its
  ``interval_months`` changes, the change log gets before/after, ``interval_changes`` records
  the day (A1 replays only results calibrated after it). Certificates keep the interval in
  force when they were recorded, so the new interval governs the next certificate and the
  past is never rewritten.
- :func:`review` — the monthly review: A1 proposals stored for the instruments whose history
  changed since their last stored proposal.
- :func:`propose_table` — A1 for every instrument of a scope as arrays (the bulk path the
  review and the bench use).

Decisions where DESIGN.md is silent (the rules' own decisions are in ``metro.model.intervals``):

- Only certificates calibrated on or before ``at`` count: ``at`` is the day the question is
  asked for, as everywhere else.
- Instruments without ``interval_months`` get no proposal (there is no interval to review);
  naming one is bad input.
- A3 and S1 use every result of the group, whether or not an interval was accepted since
  (A3 counts only those at the group's current interval anyway); A1 starts afresh.
- A group's proposal applies to each member from its own interval: a member keeps its interval
  when the group keeps its, and otherwise gets the group's proposal clamped and, when it is
  mandatory, never above its own interval.
- :func:`accept` takes the instrument's latest stored proposal; it is refused (409) when the
  instrument's interval changed since the proposal was made (propose again). Accepting a
  "keep" proposal is allowed: the owner reviewed the interval, and A1 starts afresh from it.
- The interval change goes through the instruments service's ``update`` (reach check, change
  log ``update`` of ``instrument`` with every field before and after). Accepting a proposal
  that keeps the interval changes no field, so it logs its own ``update`` entry with
  ``interval_months`` before and after and the day accepted.
- :func:`review` only looks at instruments with an interval and at least one as-found result;
  the history key is (certificates, latest certificate, day last accepted, interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from metro.errors import Conflict, InvalidInput, NotFound
from metro.model import intervals as rules
from metro.model.actor import Actor
from metro.model.intervals import Proposal
from metro.repositories import changes
from metro.repositories import instruments as instruments_repo
from metro.repositories import intervals as repo
from metro.repositories.traceability import organization_id
from metro.services import instruments
from metro.services.organizations import require_reach

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_NEVER: Final = -(2**40)  # "never accepted": before every day number


@dataclass(frozen=True, slots=True)
class History:
    """The as-found history of a scope, one row per result (certificates after the first).

    ``asset`` indexes ``instruments``; rows are sorted by (asset, day).
    """

    instruments: repo.InstrumentColumns
    asset: IntArray
    day: IntArray
    months: FloatArray
    in_tolerance: npt.NDArray[np.bool_]
    certificates: IntArray  # per instrument: non-revoked certificates counted
    last_certificate: IntArray  # per instrument: id of its latest certificate (0: none)
    accepted: IntArray  # per instrument: day number last accepted (_NEVER: never)

    def history_key(self, i: int) -> str:
        acc = int(self.accepted[i])
        return (
            f"{int(self.certificates[i])}:{int(self.last_certificate[i])}:"
            f"{'' if acc == _NEVER else acc}:{int(self.instruments.interval[i])}"
        )


def load_history(conn: Connection, scope: repo.Scope, at: date) -> History:
    inst = repo.instruments(conn, scope)
    certs = repo.certificates(conn, scope, until=at)
    pts = repo.points(conn, scope, until=at)
    pos = np.searchsorted(inst.id, certs.instrument_id)
    keep = (
        (pos < len(inst.id))
        & (inst.id[np.minimum(pos, max(len(inst.id) - 1, 0))] == certs.instrument_id)
        if len(inst.id)
        else pos < 0
    )
    pos, day, cid, concl = pos[keep], certs.day[keep], certs.id[keep], certs.conclusion[keep]
    # points → position of their certificate in the sorted certificate columns
    by_id = np.argsort(cid, kind="stable")
    at_cert = np.searchsorted(cid[by_id], pts.certificate_id)
    found_pt = (
        (at_cert < len(cid))
        & (cid[by_id][np.minimum(at_cert, max(len(cid) - 1, 0))] == pts.certificate_id)
        if len(cid)
        else at_cert < 0
    )
    point_cert = by_id[at_cert[found_pt]] if len(cid) else np.empty(0, dtype=np.int64)
    owner_of_point = pos[point_cert]
    found = rules.as_found_bulk(
        concl,
        point_cert.astype(np.int64),
        pts.nominal[found_pt],
        pts.measured[found_pt],
        inst.mpe_abs[owner_of_point],
        inst.mpe_rel[owner_of_point],
    )
    months = rules.history_bulk(pos, day)
    result = ~np.isnan(months) & (found != rules.UNKNOWN)
    n_inst = len(inst.id)
    count = np.bincount(pos, minlength=n_inst).astype(np.int64)
    last = np.zeros(n_inst, dtype=np.int64)
    if len(pos):
        ends = np.r_[pos[1:] != pos[:-1], True]
        last[pos[ends]] = cid[ends]
    accepted = np.full(n_inst, _NEVER, dtype=np.int64)
    for iid, d in repo.accepted_days(conn, scope).items():
        j = int(np.searchsorted(inst.id, iid))
        if j < n_inst and inst.id[j] == iid:
            accepted[j] = d
    return History(
        instruments=inst,
        asset=pos[result],
        day=day[result],
        months=months[result],
        in_tolerance=found[result] == rules.IN_TOLERANCE,
        certificates=count,
        last_certificate=last,
        accepted=accepted,
    )


def _limits(kinds: Sequence[str]) -> tuple[IntArray, IntArray]:
    table = {k: rules.limits_for(k) for k in set(kinds)}
    low = np.array([table[k].low for k in kinds], dtype=np.int64)
    high = np.array([table[k].high for k in kinds], dtype=np.int64)
    return low, high


@dataclass(frozen=True, slots=True)
class A1Table:
    """A1 for every instrument of a scope as arrays, one entry per instrument of ``history``
    (those without an interval have ``current`` -1 and keep it)."""

    history: History
    current: IntArray
    proposed: IntArray
    raw: FloatArray
    n: IntArray
    in_tolerance: IntArray
    target: float

    def proposal(self, i: int, interval: tuple[float, float] | None = None) -> Proposal:
        inst = self.history.instruments
        return rules.a1_proposal(
            str(inst.code[i]),
            int(self.current[i]),
            int(self.n[i]),
            int(self.in_tolerance[i]),
            float(self.raw[i]),
            mandatory=bool(inst.mandatory[i]),
            target=self.target,
            limits=rules.limits_for(str(inst.kind[i])),
            interval=interval,
        )

    def proposals(self, positions: Sequence[int] | IntArray) -> list[Proposal]:
        idx = np.asarray(positions, dtype=np.int64)
        n, x = self.n[idx], self.in_tolerance[idx]
        low, high = rules.clopper_pearson(x, np.maximum(n, 1))
        return [
            self.proposal(int(i), (float(lo), float(hi)))
            for i, lo, hi in zip(idx, np.atleast_1d(low), np.atleast_1d(high), strict=True)
        ]


def a1_table(history: History, *, target: float) -> A1Table:
    """A1 for every instrument of ``history`` in one pass (the bulk form of the staircase)."""
    target = rules.check_target(target)
    inst = history.instruments
    low, high = _limits(list(inst.kind))
    current = inst.interval
    has = current >= 1
    after = history.day > history.accepted[history.asset]
    use = after & has[history.asset]
    asset, ok = history.asset[use], history.in_tolerance[use]
    start = np.where(has, current, 1).astype(np.float64)
    raw = rules.simple_response_bulk(asset, ok, start, target=target, low=low, high=high)
    n = np.bincount(asset, minlength=len(current)).astype(np.int64)
    x = np.bincount(asset, weights=ok.astype(np.float64), minlength=len(current)).astype(np.int64)
    settled = rules.settle_bulk(raw, np.where(has, current, 1), inst.mandatory, low, high)
    proposed = np.where(has & (n > 0), settled, current)
    return A1Table(history, current, proposed, raw, n, x, target)


def propose_table(
    conn: Connection, *, at: date, owner: str | None = None, target: float = rules.DEFAULT_TARGET
) -> A1Table:
    """A1 for every instrument (of ``owner``, when given) as arrays: the province's bulk path."""
    scope = repo.Scope(owner_id=_owner_id(conn, owner)) if owner else repo.Scope()
    return a1_table(load_history(conn, scope, at), target=target)


def _owner_id(conn: Connection, owner: str) -> int:
    oid = organization_id(conn, owner)
    if oid is None:
        raise NotFound(f"owner {owner!r}: no organization has this code")
    return oid


def _instrument(conn: Connection, asset: str) -> repo.InstrumentRef:
    ref = repo.instrument_ref(conn, asset)
    if ref is None:
        from metro.repositories.traceability import find_asset

        if find_asset(conn, asset) is not None:
            raise InvalidInput(
                f"asset {asset!r}: a standard; intervals are proposed for instruments "
                "(a standard's certificate states its end date)"
            )
        raise NotFound(f"asset {asset!r}: no instrument has this code")
    if ref.interval is None:
        raise InvalidInput(f"asset {asset!r}: has no interval_months to review")
    return ref


def _group_proposals(
    history: History, method: rules.Method, target: float
) -> tuple[list[Proposal], dict[int, Proposal]]:
    """A3/S1 per group (owner/kind): the group proposals and each member's proposal."""
    inst = history.instruments
    keys = np.array([f"{o}/{k}" for o, k in zip(inst.owner, inst.kind, strict=True)], dtype=object)
    groups: list[Proposal] = []
    members: dict[int, Proposal] = {}
    if not len(keys):
        return groups, members
    labels, group_of = np.unique(keys, return_inverse=True)
    order = np.argsort(group_of[history.asset], kind="stable")
    row_group = group_of[history.asset][order]
    bounds = np.searchsorted(row_group, np.arange(len(labels) + 1))
    # members of each group: one sort, not one scan of the province per group
    by_group = np.argsort(group_of, kind="stable")
    member_bounds = np.searchsorted(group_of[by_group], np.arange(len(labels) + 1))
    fit = rules.interval_test if method == "a3" else rules.max_likelihood
    for g, label in enumerate(labels):
        member = by_group[member_bounds[g] : member_bounds[g + 1]]
        intervals = [int(inst.interval[i]) for i in member if inst.interval[i] >= 1]
        if not intervals:
            continue
        rows = order[bounds[g] : bounds[g + 1]]
        kind = str(inst.kind[member[0]])
        proposal = fit(
            str(label),
            history.months[rows],
            history.in_tolerance[rows],
            current=rules.group_interval(intervals),
            target=target,
            limits=rules.limits_for(kind),
        )
        groups.append(proposal)
        for i in member:
            if inst.interval[i] >= 1:
                members[int(i)] = proposal.for_member(
                    str(inst.code[i]),
                    int(inst.interval[i]),
                    mandatory=bool(inst.mandatory[i]),
                    kind=kind,
                )
    return groups, members


def _rows(
    history: History, members: dict[int, Proposal], *, actor: Actor, at: date, now: datetime
) -> list[dict[str, Any]]:
    ids = history.instruments.id
    return [
        {
            "instrument_id": int(ids[i]),
            "method": p.method,
            "target": p.target,
            "at": at,
            "created_at": now,
            "actor": actor.name,
            "group_key": p.group,
            "current_months": p.current_months,
            "proposed_months": p.proposed_months,
            "n": p.n,
            "in_tolerance": p.in_tolerance,
            "reliability": p.reliability,
            "reliability_low": p.low,
            "reliability_high": p.high,
            "reason": p.reason[:500],
            "history_key": history.history_key(i),
        }
        for i, p in members.items()
    ]


def propose(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    now: datetime | None = None,
    asset: str | None = None,
    owner: str | None = None,
    method: str = "a1",
    target: float = rules.DEFAULT_TARGET,
    store: bool = True,
) -> list[Proposal]:
    """Proposals for ``asset``, for ``owner``'s instruments, or for every instrument.

    A1 answers per instrument. A3 and S1 answer per group (``OWNER/kind``), or for ``asset``
    its own share of its group's proposal. Each instrument's proposal is stored (with ``now``,
    default midnight of ``at``) unless ``store`` is false.
    """
    m = rules.check_method(method)
    target = rules.check_target(target)
    if asset is not None and owner is not None:
        raise InvalidInput("give an asset or --owner, not both")
    now = now or datetime.combine(at, datetime.min.time())
    ref = _instrument(conn, asset) if asset is not None else None
    if ref is not None:
        scope = (
            repo.Scope(instrument_id=ref.id)
            if m == "a1"
            else repo.Scope(owner_id=ref.owner_id, kind=ref.kind)
        )
    elif owner is not None:
        scope = repo.Scope(owner_id=_owner_id(conn, owner))
    else:
        scope = repo.Scope()
    history = load_history(conn, scope, at)
    inst = history.instruments
    if m == "a1":
        table = a1_table(history, target=target)
        positions = np.flatnonzero(inst.interval >= 1)
        members = dict(zip((int(i) for i in positions), table.proposals(positions), strict=True))
        shown = list(members.values())
    else:
        shown, members = _group_proposals(history, m, target)
        if ref is not None:
            j = int(np.searchsorted(inst.id, ref.id))
            members = {j: members[j]}
            shown = [members[j]]
    if store:
        repo.add_proposals(conn, _rows(history, members, actor=actor, at=at, now=now))
    return shown


@dataclass(frozen=True, slots=True)
class Accepted:
    asset: str
    owner: str
    before_months: int | None
    after_months: int
    method: str
    proposal: int
    accepted_on: date
    change: int

    def as_json(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "owner": self.owner,
            "before_months": self.before_months,
            "interval_months": self.after_months,
            "method": self.method,
            "proposal": self.proposal,
            "accepted_on": self.accepted_on.isoformat(),
            "change": self.change,
            "applies": "from the next certificate; certificates already recorded keep theirs",
        }


def accept(conn: Connection, *, actor: Actor, now: datetime, asset: str) -> Accepted:
    """Accept the latest stored proposal for ``asset``: change its interval, log it."""
    ref = _instrument(conn, asset)
    require_reach(actor, ref.owner, f"instrument {asset}")
    proposal = repo.latest_proposal(conn, ref.id)
    if proposal is None:
        raise InvalidInput(
            f"asset {asset!r}: no interval proposal to accept; run `metro intervals propose` first"
        )
    if proposal.current_months != ref.interval:
        raise Conflict(
            f"asset {asset!r}: proposal {proposal.id} was made for {proposal.current_months} "
            f"months but the interval is now {ref.interval}; propose again"
        )
    after = proposal.proposed_months
    if ref.mandatory and ref.interval is not None and after > ref.interval:
        raise InvalidInput(
            f"asset {asset!r}: mandatory verification period {ref.interval} months cannot be "
            f"lengthened to {after}"
        )
    day = now.date()
    if after != ref.interval:
        # Through the instruments write: it checks the owner's reach and logs before/after.
        found = instruments_repo.find(conn, asset)
        assert found is not None
        instruments.update(
            conn, actor=actor, now=now, instrument=replace(found[1], interval_months=after)
        )
        change_id = int(changes.entries(conn, object_type="instrument", object_key=asset)[-1]["id"])
    else:  # a "keep" accepted: nothing to update, but the review is logged and A1 restarts
        change_id = changes.append(
            conn,
            actor=actor.name,
            at=now,
            action="update",
            object_type="instrument",
            object_key=asset,
            before={"interval_months": ref.interval},
            after={
                "interval_months": after,
                "accepted_on": day.isoformat(),
                "method": proposal.method,
                "proposal": proposal.id,
            },
        )
    repo.add_change(
        conn,
        instrument_id=ref.id,
        accepted_on=day,
        before=ref.interval,
        after=after,
        proposal_id=proposal.id,
        change_id=change_id,
    )
    return Accepted(
        asset, ref.owner, ref.interval, after, proposal.method, proposal.id, day, change_id
    )


@dataclass(frozen=True, slots=True)
class Reviewed:
    """One stored proposal of the review, with its instrument's owner."""

    owner: str
    proposal: Proposal


def review(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    now: datetime,
    target: float = rules.DEFAULT_TARGET,
) -> list[Reviewed]:
    """A1 proposals stored for every instrument whose history changed since its last one."""
    table = a1_table(load_history(conn, repo.Scope(), at), target=target)
    history = table.history
    inst = history.instruments
    seen = repo.latest_history_keys(conn, "a1")
    has_result = np.bincount(history.asset, minlength=len(inst.id)) > 0
    candidates = np.flatnonzero((inst.interval >= 1) & has_result)
    changed = [
        int(i) for i in candidates if seen.get(int(inst.id[i])) != history.history_key(int(i))
    ]
    members = dict(zip(changed, table.proposals(changed), strict=True))
    repo.add_proposals(conn, _rows(history, members, actor=actor, at=at, now=now))
    return [Reviewed(str(inst.owner[i]), p) for i, p in members.items()]
