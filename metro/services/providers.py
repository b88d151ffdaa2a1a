"""Who can calibrate an instrument (DESIGN.md "Settled readings", providers).

Institutes, labs and the national institute holding an ``active`` standard whose status at
``at`` is ``valid`` or ``due_soon`` and which has an adequate capability for the instrument —
same kind, range containing the instrument's, U (k = 2) ≤ MPE/3 (the kind's ratio), the rule
of :mod:`metro.model.adequacy`. The owner's own adequate standards are listed too, marked
``in_house``, whatever the owner's kind. Nearest first: the owner's prefecture city, then its
province, then the rest; within a distance, the larger MPE/U ratio first.

Decisions where the design is silent:

* One row per standard: its best capability (largest ratio) speaks for it, and ``u`` is that
  capability's U as its holder wrote it.
* In-house standards come first: an enterprise asks first what it can do itself.
* A standard is asked about; the providers of a standard are not defined (refused with why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from metro.errors import InvalidInput, NotFound
from metro.model.actor import Actor
from metro.model.adequacy import instrument_need
from metro.model.regions import prefecture_of
from metro.model.statuses import Status
from metro.repositories import providers as repo
from metro.repositories import traceability as trace_repo
from metro.traceability import standard_statuses
from metro.traceability.adequacy import match

PROVIDER_KINDS = frozenset({"nmi", "institute", "lab"})
USABLE = frozenset({Status.VALID, Status.DUE_SOON})


@dataclass(frozen=True, slots=True)
class Provider:
    organization: str
    name: str
    region: str
    standard: str
    u: str
    ratio: float
    in_house: bool
    distance: int  # 0 same prefecture, 1 same province, 2 elsewhere

    def as_json(self) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "name": self.name,
            "region": self.region,
            "standard": self.standard,
            "u": self.u,
            "ratio": round(self.ratio, 4),
            "in_house": self.in_house,
        }


def _distance(home: str, region: str) -> int:
    if prefecture_of(region) == prefecture_of(home):
        return 0
    return 1 if region[:2] == home[:2] else 2


def providers(conn: Connection, *, actor: Actor, at: date, asset: str) -> list[Provider]:
    """Providers for the instrument ``asset`` at ``at``, nearest first."""
    found = trace_repo.find_asset(conn, asset)
    if found is None:
        raise NotFound(f"asset {asset!r}: no registered instrument has this code")
    if found.kind != "instrument":
        raise InvalidInput(
            f"asset {asset!r} is a standard: providers are listed for instruments"
        )
    instrument = trace_repo.instrument(conn, found.id)
    need = instrument_need(instrument)
    home = repo.region_of(conn, instrument.owner_id)
    offers = repo.capabilities_of_kind(conn, instrument.quantity)
    statuses = standard_statuses(conn, at, {o.holder.standard_id for o in offers})
    best: dict[int, Provider] = {}
    for offer in offers:
        h = offer.holder
        in_house = h.organization_id == instrument.owner_id
        if h.status != "active" or not (in_house or h.organization_kind in PROVIDER_KINDS):
            continue
        record = statuses.get(h.standard_id)
        if record is None or record.status not in USABLE:
            continue
        m = match(need, h.standard_id, offer.capability)
        if m is None or not m.ok:
            continue
        p = Provider(h.organization, h.organization_name, h.region, h.standard, offer.u_given,
                     m.ratio, in_house, _distance(home, h.region))
        if h.standard_id not in best or best[h.standard_id].ratio < p.ratio:
            best[h.standard_id] = p
    return sorted(
        best.values(),
        key=lambda p: (not p.in_house, p.distance, -p.ratio, p.organization, p.standard),
    )
