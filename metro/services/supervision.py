"""Legal-metrology supervision (强制检定监管): the compliance and pass rates of the province.

``report(conn, *, actor, at, since=None, by=None)`` answers DESIGN.md's CLI and HTTP contract
``{at, mandatory, compliant, rate, pass_rate, by: [...], flags: [{asset, owner, flag, reason}]}``
for the whole province in one pass: the traceability pass
(:class:`~metro.traceability.province.Province`) gives every instrument's status and speaking
certificate at ``at``; the mandatory instruments, the speaking certificates' facts (by id) and
the pass rate's counts (summed in SQL) are read in bulk (:mod:`metro.repositories.supervision`);
no certificate is read twice into Python. The flags, authorization and rates are the model's
(:mod:`metro.model.supervision`), in their numpy form. Reasons are built for the flagged
instruments only, by the traceability engine's rule for the status words.

Decisions where DESIGN.md is silent:

* ``by=None`` groups by ``region`` (the owner's prefecture city), as the CLI does by default;
  ``by`` groups are sorted by key.
* An actor that does not see everything (a lab, an enterprise) gets the same report restricted
  to the instruments its organization owns; its rates are its own.
* ``since`` after ``at`` is refused (the period would be empty by construction).
* The report also carries ``since``, ``group_by``, the pass rate's ``verifications`` and
  ``passed``, and ``flag_counts``; each ``by`` group has ``{key, name_zh, name_en, mandatory,
  compliant, rate, verifications, passed, pass_rate, flags: {flag: count}}``. Flags are listed
  by owner, then asset. Regions are named in Chinese only (``name_en`` is empty).

Nothing is written: a report is a read, and logs no change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from metro.errors import InvalidInput
from metro.model.actor import Actor
from metro.model.regions import name_of, prefecture_of
from metro.model.supervision import (
    COMPLIANT,
    FLAGS,
    NEVER_AUTHORIZED,
    STATUTORY,
    UNSPECIFIED,
    USAGES,
    Flag,
    authorized_array,
    default_since,
    flag_reason,
    flags_array,
    rate,
)
from metro.quantity_kinds import kinds
from metro.repositories import supervision as repo
from metro.repositories.leaf_arrays import PASS_BIT, VERIFICATION_BIT, kind_codes
from metro.repositories.traceability import NO_DAY, from_day, to_day
from metro.traceability import Province, ProvinceStatus
from metro.traceability.leaves import Leaves

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
GROUPINGS: Final = ("region", "quantity", "usage")


@dataclass(frozen=True, slots=True)
class FlagRecord:
    asset: str
    owner: str
    flag: Flag
    reason: str
    certificate: str | None
    region: str
    quantity: str
    usage: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "owner": self.owner,
            "flag": self.flag.value,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    name_zh: str
    name_en: str
    mandatory: int
    compliant: int
    verifications: int
    passed: int
    flags: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "mandatory": self.mandatory,
            "compliant": self.compliant,
            "rate": rate(self.compliant, self.mandatory),
            "verifications": self.verifications,
            "passed": self.passed,
            "pass_rate": rate(self.passed, self.verifications),
            "flags": self.flags,
        }


@dataclass
class SupervisionReport:
    at: date
    since: date
    group_by: str
    mandatory: int
    compliant: int
    verifications: int
    passed: int
    flag_counts: dict[str, int]
    by: list[Group] = field(default_factory=list)
    flags: list[FlagRecord] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return rate(self.compliant, self.mandatory)

    @property
    def pass_rate(self) -> float | None:
        return rate(self.passed, self.verifications)

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "since": self.since.isoformat(),
            "mandatory": self.mandatory,
            "compliant": self.compliant,
            "rate": self.rate,
            "verifications": self.verifications,
            "passed": self.passed,
            "pass_rate": self.pass_rate,
            "flag_counts": self.flag_counts,
            "group_by": self.group_by,
            "by": [g.as_json() for g in self.by],
            "flags": [f.as_json() for f in self.flags],
        }


@dataclass(frozen=True, slots=True)
class _Facts:
    """Per mandatory instrument: what the flags and groups need."""

    position: IntArray  # in the traceability pass's instrument arrays
    instrument_id: IntArray
    owner_id: IntArray
    kind: IntArray
    usage: IntArray
    flag: IntArray
    certificate: IntArray  # the speaking certificate's id, -1 when none speaks
    issuer: IntArray  # its issuer's id (-1 when none)
    calibrated: IntArray  # its calibration day number
    verification: IntArray  # 1 when it is a verification
    verifications: IntArray  # verifications in the pass rate's period
    passed: IntArray  # of which concluding pass


def report(
    conn: Connection,
    *,
    actor: Actor,
    at: date,
    since: date | None = None,
    by: str | None = None,
) -> SupervisionReport:
    """The supervision report at ``at``; the pass rate over ``[since, at]``."""
    group_by = by or "region"
    if group_by not in GROUPINGS:
        raise InvalidInput(f"by {group_by!r}: must be one of {', '.join(GROUPINGS)}")
    start = since or default_since(at)
    if start > at:
        raise InvalidInput(f"since {start.isoformat()!r}: after at {at.isoformat()}")
    ps = Province.load(conn).status(at)
    orgs = repo.organizations(conn)
    facts = _facts(conn, ps, orgs, start, at)
    if not actor.sees_everything:
        own = [i for i, o in orgs.items() if o.code == actor.organization]
        facts = _Facts(*(a[np.isin(facts.owner_id, own)] for a in _fields(facts)))
    out = SupervisionReport(
        at=at,
        since=start,
        group_by=group_by,
        mandatory=len(facts.flag),
        compliant=int((facts.flag == COMPLIANT).sum()),
        verifications=int(facts.verifications.sum()),
        passed=int(facts.passed.sum()),
        flag_counts=_flag_counts(facts.flag),
    )
    out.by = _groups(group_by, facts, orgs)
    out.flags = _flag_records(conn, ps, facts, orgs)
    return out


def _fields(f: _Facts) -> tuple[IntArray, ...]:
    return (f.position, f.instrument_id, f.owner_id, f.kind, f.usage, f.flag, f.certificate,
            f.issuer, f.calibrated, f.verification, f.verifications, f.passed)


def _take(values: IntArray, at: IntArray, found: BoolArray, default: int) -> IntArray:
    """``values[at]`` where ``found``, ``default`` elsewhere (also when ``values`` is empty)."""
    if not len(values):
        return np.full(len(at), default, dtype=np.int64)
    return np.where(found, values[np.clip(at, 0, len(values) - 1)], default)


def _facts(
    conn: Connection, ps: ProvinceStatus, orgs: dict[int, repo.OrganizationRow],
    start: date, end: date,
) -> _Facts:
    """Every mandatory instrument's facts, from the traceability pass: its speaking
    certificate's issuer, kind and conclusion are in the pass's certificate arrays, and so are
    the period's verifications (revoked ones are not there)."""
    leaf = ps.instruments
    leaves = ps.province.leaves
    mand = repo.mandatory_instruments(conn)
    pos = np.searchsorted(leaf.instrument_id, mand.id)
    cid = leaf.certificate_id[pos]
    cpos = leaf.certificate_position[pos]
    found = cpos >= 0
    facts = _take(leaves.cert_facts, cpos, found, 0)
    issuer = _take(leaves.cert_issuer, cpos, found, -1)
    verification = ((facts & VERIFICATION_BIT) != 0).astype(np.int64)
    calibrated = leaf.calibrated[pos]
    # LeafStatus follows the order of the pass's instrument arrays, which keep the kinds
    kind = ps.province.leaves.instruments.kind[pos]
    top = max(orgs, default=0) + 1
    statutory = np.zeros(top + 1, dtype=bool)  # the last entry stands for "no issuer" (-1)
    barred = np.zeros(top + 1, dtype=bool)
    for o in orgs.values():
        statutory[o.id] = o.kind in STATUTORY
        barred[o.id] = o.kind in NEVER_AUTHORIZED
    auths = repo.authorizations(conn)
    index = repo.kind_index()
    width = len(index) + 1
    allowed = authorized_array(
        statutory=statutory[issuer], barred=barred[issuer],
        key=issuer * width + kind,
        day=np.where(found, calibrated, NO_DAY),
        auth_key=np.array([a.organization_id * width + index.get(a.quantity, -1)
                           for a in auths], dtype=np.int64),
        auth_from=np.array([to_day(a.valid_from) for a in auths], dtype=np.int64),
        auth_until=np.array([to_day(a.valid_until) for a in auths], dtype=np.int64),
    )
    flags = flags_array(
        status=leaf.status[pos],
        verification=verification == 1,
        passed=(facts & PASS_BIT) != 0,
        authorized=allowed,
    )
    verifications, passed = _period(leaves, mand.id, to_day(start), to_day(end))
    return _Facts(
        pos, mand.id, leaf.owner_id[pos], kind, mand.usage, flags, np.where(found, cid, -1),
        issuer, calibrated, verification, verifications, passed,
    )


def _period(
    leaves: Leaves, mandatory: IntArray, start: int, end: int
) -> tuple[IntArray, IntArray]:
    """Per mandatory instrument (``mandatory``: their sorted ids), its verifications calibrated
    on days ``start``…``end`` and how many of them concluded pass (0 and 0 without one)."""
    facts = leaves.cert_facts
    day = leaves.cert_calibrated
    chosen = ((facts & VERIFICATION_BIT) != 0) & (day >= start) & (day <= end)
    instrument = leaves.cert_instrument[chosen]
    at = np.searchsorted(mandatory, instrument)
    hit = at < len(mandatory)
    hit[hit] &= mandatory[at[hit]] == instrument[hit]
    passed = (facts[chosen] & PASS_BIT) != 0
    n = len(mandatory)
    return (
        np.bincount(at[hit], minlength=n).astype(np.int64),
        np.bincount(at[hit], weights=passed[hit], minlength=n).astype(np.int64),
    )


def _region_names(code: str) -> tuple[str, str]:
    # regions are named in Chinese only (metro/data/regions.csv)
    return name_of(code) or "", ""


def _flag_counts(flags: IntArray) -> dict[str, int]:
    n = np.bincount(flags[flags != COMPLIANT], minlength=len(FLAGS))
    return {f.value: int(n[i]) for i, f in enumerate(FLAGS)}


def _group_keys(
    group_by: str, facts: _Facts, orgs: dict[int, repo.OrganizationRow]
) -> tuple[list[str], dict[str, tuple[str, str]]]:
    """The group key of every mandatory instrument and the names of each key."""
    if group_by == "quantity":
        codes = kind_codes()
        catalogue = kinds()
        keys = [codes[k] for k in facts.kind.tolist()]
        return keys, {c: (catalogue[c].name_zh, catalogue[c].name_en) for c in set(keys)}
    if group_by == "usage":
        keys = [repo.USAGE_CODES[u] if u >= 0 else UNSPECIFIED.code for u in facts.usage.tolist()]
        terms = {**USAGES, UNSPECIFIED.code: UNSPECIFIED}
        return keys, {k: (terms[k].name_zh, terms[k].name_en) for k in set(keys)}
    prefecture = {i: prefecture_of(o.region) for i, o in orgs.items()}
    keys = [prefecture[o] for o in facts.owner_id.tolist()]
    return keys, {k: _region_names(k) for k in set(keys)}


def _groups(
    group_by: str, facts: _Facts, orgs: dict[int, repo.OrganizationRow]
) -> list[Group]:
    keys, names = _group_keys(group_by, facts, orgs)
    labels = sorted(names)
    slot = {k: i for i, k in enumerate(labels)}
    g = np.array([slot[k] for k in keys], dtype=np.int64)
    n = len(labels)
    mandatory = np.bincount(g, minlength=n)
    compliant = np.bincount(g[facts.flag == COMPLIANT], minlength=n)
    flagged = facts.flag != COMPLIANT
    per_flag = np.zeros((n, len(FLAGS)), dtype=np.int64)
    np.add.at(per_flag, (g[flagged], facts.flag[flagged]), 1)
    ver = np.bincount(g, weights=facts.verifications, minlength=n)
    ok = np.bincount(g, weights=facts.passed, minlength=n)
    return [
        Group(k, names[k][0], names[k][1], int(mandatory[i]), int(compliant[i]), int(ver[i]),
              int(ok[i]), {f.value: int(per_flag[i, j]) for j, f in enumerate(FLAGS)})
        for i, k in enumerate(labels)
    ]


def _flag_records(
    conn: Connection, ps: ProvinceStatus, facts: _Facts, orgs: dict[int, repo.OrganizationRow]
) -> list[FlagRecord]:
    flagged = np.flatnonzero(facts.flag != COMPLIANT)
    records = ps.instrument_records(conn, facts.position[flagged].tolist())
    codes = kind_codes()
    out: list[FlagRecord] = []
    for i, record in zip(flagged.tolist(), records, strict=True):
        which = FLAGS[int(facts.flag[i])]
        spoke = int(facts.certificate[i]) >= 0
        issuer = orgs[int(facts.issuer[i])].code if spoke else None
        day = from_day(int(facts.calibrated[i])) if spoke else None
        quantity = codes[int(facts.kind[i])]
        reason = flag_reason(
            which, status_reason=record.reason, number=record.certificate, calibrated_on=day,
            verification=bool(facts.verification[i]), issuer=issuer, quantity=quantity,
        )
        owner = orgs[int(facts.owner_id[i])]
        u = int(facts.usage[i])
        out.append(FlagRecord(record.asset, record.owner, which, reason, record.certificate,
                              prefecture_of(owner.region), quantity,
                              repo.USAGE_CODES[u] if u >= 0 else None))
    out.sort(key=lambda r: (r.owner, r.asset))
    return out
