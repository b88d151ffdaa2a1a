"""``authorizations.csv`` (optional file): authorizations for mandatory verification (授权检定).

Columns ``organization, quantity, valid_from, valid_until`` (DESIGN.md's data contract). A row
is refused, naming the column and value, for an unknown organization, an unknown quantity kind,
a missing or malformed date, dates reversed (``valid_until`` before ``valid_from``, checked by
the model's :class:`~metro.model.supervision.Authorization`), or the same (organization,
quantity, valid_from) twice. That triple is the natural key: loading again changes nothing, a
row with another ``valid_until`` updates the stored one (logged before/after).

Decision where DESIGN.md is silent: authorizations are granted by the bureau, so a bundle loaded
by a lab (a scoped load) may not carry them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from metro.bundle.cells import Row
from metro.bundle.handler import Handler, Record
from metro.db.base import table_of
from metro.db.models import Authorization, Organization
from metro.errors import InvalidInput
from metro.model import supervision
from metro.quantity_kinds import kinds

FILE = "authorizations.csv"
COLUMNS = ("organization", "quantity", "valid_from", "valid_until")


def authorization_rows(
    conn: Connection, ids: Collection[int] | None = None
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Stored authorizations as bundle rows, by id (export writes these)."""
    a, o = Authorization, Organization
    stmt = (
        select(a.id, o.code, a.quantity, a.valid_from, a.valid_until)
        .join(o, o.id == a.organization_id)
        .order_by(a.id)
    )
    if ids is not None:
        stmt = stmt.where(a.id.in_(sorted(ids)))
    for r in conn.execute(stmt):
        yield r[0], (r[1], r[2], _iso(r[3]), _iso(r[4]))


def _iso(v: object) -> str:
    return v.isoformat() if isinstance(v, date) else str(v)


class Authorizations(Handler):
    file = FILE
    table = table_of(Authorization)
    columns = ("id", "organization_id", "quantity", "valid_from", "valid_until")
    object_type = "authorization"
    log_creates = True
    stored_rows = authorization_rows

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.stored: dict[tuple[int, str, str], int] | None = None

    def log_key(self, bundle_row: tuple[str, ...]) -> str:
        return "/".join(bundle_row[:3])

    def check(self, row: Row) -> Record | None:
        st = self.state
        if self.stored is None:
            a = Authorization
            self.stored = {
                (org, q, _iso(start)): id_
                for id_, org, q, start in st.conn.execute(
                    select(a.id, a.organization_id, a.quantity, a.valid_from))
            }
        org = row.required("organization")
        org_id = st.orgs.get(org)
        if org and org_id is None:
            row.fail("organization", org, "unknown organization code")
        quantity = row.get("quantity")
        if quantity not in kinds():
            row.fail("quantity", quantity, "unknown quantity kind (see `metro kinds`)")
        start = row.iso_date("valid_from", required=True)
        end = row.iso_date("valid_until", required=True)
        if st.scope is not None:
            row.fail("organization", org, "authorizations are granted by the bureau: a lab's "
                     "bundle may not carry them")
        if start is not None and end is not None and quantity in kinds() and org:
            try:
                supervision.Authorization(org, quantity, date.fromisoformat(start),
                                          date.fromisoformat(end))
            except InvalidInput as exc:
                field = getattr(exc, "field", "valid_until")
                row.fail(field, getattr(exc, "value", end), getattr(exc, "why", str(exc)))
        if row.bad or org_id is None or start is None or end is None:
            return None
        key = (org_id, quantity, start)
        if self.duplicate(row, "valid_from", key, start):
            return None
        id_ = self.stored.get(key) or st.allocate(self.table)
        return Record(
            id_,
            st.is_new(self.table, id_),
            (org, quantity, start, end),
            (id_, org_id, quantity, start, end),
        )
