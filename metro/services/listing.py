"""Read services behind the API's lists and detail pages: instruments and standards with their
status at a date, an instrument with its chain, result kinds of a certificate's subject.

They compose the traceability engine (statuses, chains) with the listing queries of
:mod:`metro.repositories.scope`; what a caller may see is decided before (``api/policy.py``)
and passed in as an owner or a set of ids. Nothing is written.

Decisions where the design is silent: a list evaluates only the instruments it shows, over
the process-wide standards layer (``instruments_status``, issue 10 item 10): the page's
instruments when no status is asked for, else every listed instrument (an owner's read by
owner, a set of ids by id) — never the whole province for one owner's list. A view of one
asset makes sure the layer is current first, so that its chain walk reads standards from
memory.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Connection

from metro.errors import NotFound
from metro.repositories import certificates as certificates_repo
from metro.repositories import scope
from metro.repositories import traceability as traceability_repo
from metro.traceability import explain_chain, standard_statuses, status_of
from metro.traceability.cache import current_layer, standards_layer
from metro.traceability.province import instruments_status
from metro.traceability.status import Status


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    total: int

    def as_json(self) -> dict[str, Any]:
        return {"items": self.items, "total": self.total}


def instrument_page(
    conn: Connection,
    *,
    at: date,
    owner: str | None = None,
    ids: Collection[int] | None = None,
    status: Status | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """``{items: [{code, name, owner, quantity, status, due, reason}], total}``, by code."""
    rows = scope.instrument_rows(conn, owner=owner, ids=ids, q=q)
    if not rows:
        return Page([], 0)
    if status is None:
        page = rows[offset : offset + limit]
        whole = len(page) == len(rows)  # the page is the whole list: read it as a list
        subset = _listed(conn, owner, ids, q, rows) if whole else {"ids": [r.id for r in page]}
        state = instruments_status(conn, at, **subset)
    else:
        state = instruments_status(conn, at, **_listed(conn, owner, ids, q, rows))
        rows = [r for r in rows if state.instrument_status(r.id) == status]
        page = rows[offset : offset + limit]
    leaf_ids = state.instruments.instrument_id
    positions = np.searchsorted(leaf_ids, [r.id for r in page]).tolist()
    records = {rec.asset_id: rec for rec in state.instrument_records(conn, positions)}
    items = []
    for r in page:
        rec = records[r.id]
        items.append(
            {
                "code": r.code,
                "name": r.name,
                "owner": r.owner,
                "quantity": r.quantity,
                "status": rec.status.value,
                "due": rec.due.isoformat() if rec.due else None,
                "reason": rec.reason,
            }
        )
    return Page(items, len(rows))


def _listed(
    conn: Connection,
    owner: str | None,
    ids: Collection[int] | None,
    q: str | None,
    rows: list[scope.InstrumentListRow],
) -> dict[str, Any]:
    """The cheapest subset read covering the listed ``rows``: by owner when the list is exactly
    an owner's (or everything), else by the listed ids."""
    if q or ids is not None:
        return {"ids": [r.id for r in rows]}
    if owner is None:
        return {}
    return {"owner_id": traceability_repo.organization_id(conn, owner)}


def layer_ready(conn: Connection) -> bool:
    """Is the process's standards layer current for ``conn`` (nothing to build)?"""
    return current_layer(conn) is not None


def prepare(conn: Connection) -> None:
    """Build the process's standards layer now (a server at start), so that no request waits
    for it; later requests only check it against the change counter."""
    standards_layer(conn)


def instrument_detail(conn: Connection, code: str) -> scope.InstrumentDetail | None:
    """One instrument's stored fields and owner (None when no instrument has the code): what
    a caller checks its policy on before asking for :func:`instrument_view`."""
    return scope.instrument_detail(conn, code)


def instrument_view(
    conn: Connection, *, at: date, code: str, detail: scope.InstrumentDetail | None = None
) -> dict[str, Any]:
    """An instrument's fields with its ``status, due, reason`` and ``chain`` at ``at``
    (``detail``: the instrument as :func:`instrument_detail` read it, not read again)."""
    detail = detail or scope.instrument_detail(conn, code)
    if detail is None:
        raise NotFound(f"instrument {code!r}: not found")
    standards_layer(conn)  # built or checked once: the walk below reads its chain from it
    chain = explain_chain(conn, code, at, instrument=detail.row)
    rec = chain.record or status_of(conn, code, at)  # one walk gives both
    return {
        **detail.fields,
        "status": rec.status.value,
        "due": rec.due.isoformat() if rec.due else None,
        "reason": rec.reason,
        "chain": chain.as_json(),
    }


def subject_view(conn: Connection, *, at: date, code: str) -> dict[str, Any]:
    """``{code, status, due, reason}`` of any asset at ``at``."""
    standards_layer(conn)
    rec = status_of(conn, code, at)
    return {
        "code": code,
        "status": rec.status.value,
        "due": rec.due.isoformat() if rec.due else None,
        "reason": rec.reason,
    }


def standards_view(
    conn: Connection, *, at: date, owner: str | None = None, code: str | None = None
) -> list[dict[str, Any]]:
    """Standards with capabilities and their status at ``at``."""
    rows = scope.standard_rows(conn, owner=owner, code=code)
    statuses = standard_statuses(conn, at, [r["id"] for r in rows]) if rows else {}
    out = []
    for r in rows:
        rec = statuses.get(r.pop("id"))
        for k in ("exam_valid_from", "exam_valid_until"):
            r[k] = r[k].isoformat() if r[k] else None
        r["status"] = rec.status.value if rec else None
        r["due"] = rec.due.isoformat() if rec and rec.due else None
        r["reason"] = rec.reason if rec else None
        out.append(r)
    return out


def result_kinds(conn: Connection, subject: str) -> list[str]:
    """The quantity kinds a result point of a certificate of ``subject`` may be in."""
    ref = scope.asset(conn, subject)
    if ref is None:
        return []
    return certificates_repo.subject_kinds(
        conn,
        standard_id=ref.id if ref.kind == "standard" else None,
        instrument_id=ref.id if ref.kind == "instrument" else None,
    )
