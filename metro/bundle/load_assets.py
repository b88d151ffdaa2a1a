"""Handlers for organizations, standards, capabilities, instruments and demand items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete

from metro.bundle import rows
from metro.bundle.cells import Row
from metro.bundle.contract import LIMITS, ORGANIZATION_KINDS, STANDARD_STATUSES
from metro.bundle.handler import Handler, Record
from metro.db import bulk
from metro.db.base import table_of
from metro.db.models import Capability, Demand, Instrument, Organization, Standard
from metro.model.fields import MAX_INTERVAL_MONTHS, uncertainty_problem
from metro.model.levels import LEVELS, PUBLIC_LEVELS
from metro.model.standard import public_exam_problem
from metro.model.supervision import field_problem, usage_problem
from metro.quantity_kinds import QuantityKind, kinds


def _kind(row: Row, column: str = "quantity") -> QuantityKind | None:
    code = row.get(column)
    kind = kinds().get(code)
    if kind is None:
        row.fail(column, code, "unknown quantity kind (see `metro kinds`)")
    return kind


def _optional(row: Row, column: str, problem: Callable[[str], str | None]) -> str:
    """An optional vocabulary cell (usage, field): "" when absent or empty."""
    i = row.columns.get(column)
    value = row.cells[i].strip() if i is not None else ""
    why = problem(value)
    if why:
        row.fail(column, value, why)
    return value


def _asset_head(row: Row, orgs: dict[str, int]) -> tuple[str, str, str, int | None]:
    """code, name, owner code and owner id of a standard or instrument row."""
    code = row.required("code")
    name = row.required("name")
    owner = row.required("owner")
    owner_id = orgs.get(owner)
    if owner and owner_id is None:
        row.fail("owner", owner, "unknown organization code")
    return code, name, owner, owner_id


def _range(row: Row, kind: QuantityKind | None) -> tuple[float | None, float | None]:
    lo = row.absolute("range_min", kind, required=True)
    hi = row.absolute("range_max", kind, required=True)
    if lo is not None and hi is not None and lo > hi:
        row.fail(
            "range_min", row.get("range_min"), f"greater than range_max {row.get('range_max')!r}"
        )
    return lo, hi


def _linear(
    row: Row, kind: QuantityKind | None, abs_col: str, rel_col: str, what: str
) -> tuple[float | None, float | None]:
    """An absolute + relative pair (U or MPE): at least one must be given."""
    a = row.difference(abs_col, kind)
    b = row.fraction(rel_col)
    if not row.get(abs_col) and not row.get(rel_col):
        row.fail(abs_col, "", f"{what}: give {abs_col}, {rel_col} or both")
    return a, b


class Organizations(Handler):
    file = "organizations.csv"
    table = table_of(Organization)
    columns = ("id", "code", "name", "kind", "region")
    object_type = "organization"
    stored_rows = rows.organization_rows

    def check(self, row: Row) -> Record | None:
        row.texts(LIMITS[self.file])
        code = row.required("code")
        name = row.required("name")
        kind = row.choice("kind", ORGANIZATION_KINDS)
        region = row.region("region")
        if not code or self.duplicate(row, "code", code, code):
            return None
        st = self.state
        id_ = st.orgs.get(code)
        if id_ is None:
            id_ = st.orgs[code] = st.allocate(self.table)
        if row.bad:
            return None
        return Record(
            id_,
            st.is_new(self.table, id_),
            (code, name, kind, region),
            (id_, code, name, kind, region),
        )


class Standards(Handler):
    file = "standards.csv"
    table = table_of(Standard)
    columns = (
        "id",
        "code",
        "name",
        "owner_id",
        "level",
        "exam_cert",
        "exam_valid_from",
        "exam_valid_until",
        "status",
    )
    object_type = "standard"
    log_creates = True
    stored_rows = rows.standard_rows

    def check(self, row: Row) -> Record | None:
        st = self.state
        row.texts(LIMITS[self.file])
        code, name, owner, owner_id = _asset_head(row, st.orgs)
        level = row.choice("level", LEVELS)
        exam_cert = row.get("exam_cert")
        start = row.iso_date("exam_valid_from", required=False)
        until = row.iso_date("exam_valid_until", required=False)
        status = row.choice("status", STANDARD_STATUSES)
        if level in PUBLIC_LEVELS:
            for col, v in (
                ("exam_cert", exam_cert),
                ("exam_valid_from", start),
                ("exam_valid_until", until),
            ):
                if not v and not row.get(col):
                    row.fail(col, "", public_exam_problem(level))
        if start and until and until < start:
            row.fail("exam_valid_until", until, f"before exam_valid_from {start}")
        if not code or self.duplicate(row, "code", code, code):
            return None
        if code in st.instruments:
            row.fail("code", code, "already used by an instrument; asset codes are unique")
            return None
        known = st.standards.get(code)
        id_ = known[0] if known else st.allocate(self.table)
        # An unknown level is reported here once; "" keeps later rows from repeating it.
        st.standards[code] = (id_, level if level in LEVELS else "")
        if owner_id is not None:
            st.standard_owners[id_] = owner_id
        if row.bad:
            return None
        norm = (code, name, owner, level, exam_cert, start or "", until or "", status)
        return Record(
            id_,
            st.is_new(self.table, id_),
            norm,
            (id_, code, name, owner_id, level, exam_cert or None, start, until, status),
        )


class Capabilities(Handler):
    """Capabilities are a set per standard: a bundle that names a stored standard's
    capabilities replaces them when they differ, and leaves them alone when it names none."""

    file = "capabilities.csv"
    table = table_of(Capability)
    columns = (
        "id",
        "standard_id",
        "quantity",
        "range_min_given",
        "range_max_given",
        "u_abs_given",
        "u_rel_given",
        "k_given",
        "range_min",
        "range_max",
        "u_abs",
        "u_rel",
        "k",
    )
    object_type = "capabilities"
    stored_rows = rows.capability_rows

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.groups: dict[int, list[Record]] = {}
        self.codes: dict[int, str] = {}
        self.kinds_named: dict[int, list[str]] = {}

    def check(self, row: Row) -> Record | None:
        st = self.state
        row.texts(LIMITS[self.file])
        code = row.required("standard")
        known = st.standards.get(code)
        if code and known is None:
            row.fail("standard", code, "unknown standard code")
        kind = _kind(row)
        lo, hi = _range(row, kind)
        u_abs, u_rel = _linear(row, kind, "u_abs", "u_rel", "an expanded uncertainty")
        if not row.bad and (why := uncertainty_problem(u_abs or 0.0, u_rel or 0.0)):
            row.fail("u_abs", row.get("u_abs"), why)
        k = row.positive("k", default=2.0)
        if known is None or kind is None:
            return None
        # Even from a bad row: later files (results) should not fail for want of the kind.
        self.kinds_named.setdefault(known[0], []).append(kind.code)
        if row.bad:
            return None
        norm = (
            code,
            kind.code,
            row.get("range_min"),
            row.get("range_max"),
            row.get("u_abs"),
            row.get("u_rel"),
            row.get("k"),
        )
        sid = known[0]
        self.codes[sid] = code
        # Ids are allocated when the group is written (a group may be left as it is).
        rec = Record(
            0,
            True,
            norm,
            (
                sid,
                kind.code,
                norm[2],
                norm[3],
                norm[4] or None,
                norm[5] or None,
                norm[6] or None,
                lo,
                hi,
                u_abs or 0.0,
                u_rel or 0.0,
                k,
            ),
        )
        self.groups.setdefault(sid, []).append(rec)
        return None  # written in finish()

    def finish(self) -> None:
        st = self.state
        st.standard_kinds.update(self.kinds_named)
        if not st.writing:
            return
        stored: dict[int, list[tuple[str, ...]]] = {}
        old = [sid for sid in self.groups if not st.is_new(table_of(Standard), sid)]
        for sid, row in rows.capability_rows(st.conn, old):
            stored.setdefault(sid, []).append(row)
        out: list[tuple[Any, ...]] = []
        entries: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []
        for sid, recs in self.groups.items():
            mine = [r.bundle_row for r in recs]
            before = stored.get(sid)
            if before == mine:
                st.count(self.file, "unchanged", len(recs))
                continue
            if before:
                st.conn.execute(delete(Capability).where(Capability.standard_id == sid))
                st.count(self.file, "replaced", len(before))
            out.extend((st.allocate(self.table), *r.values) for r in recs)
            st.count(self.file, "created", len(recs))
            entries.append(
                (
                    "update" if before else "create",
                    self.object_type,
                    self.codes[sid],
                    {"capabilities": [self.as_dict(r) for r in before]} if before else None,
                    {"capabilities": [self.as_dict(r) for r in mine]},
                )
            )
        bulk.insert_rows(st.conn, self.table, self.columns, out)
        st.log_many(entries)


class Instruments(Handler):
    file = "instruments.csv"
    table = table_of(Instrument)
    columns = (
        "id",
        "code",
        "name",
        "owner_id",
        "quantity",
        "range_min_given",
        "range_max_given",
        "mpe_abs_given",
        "mpe_rel_given",
        "range_min",
        "range_max",
        "mpe_abs",
        "mpe_rel",
        "mandatory",
        "interval_months",
        "usage",
        "change_id",
    )
    object_type = "instrument"
    stored_rows = rows.instrument_rows

    def check(self, row: Row) -> Record | None:
        st = self.state
        row.texts(LIMITS[self.file])
        code, name, owner, owner_id = _asset_head(row, st.orgs)
        kind = _kind(row)
        lo, hi = _range(row, kind)
        mpe_abs, mpe_rel = _linear(row, kind, "mpe_abs", "mpe_rel", "a maximum permissible error")
        mandatory = row.boolean("mandatory")
        months = row.integer(
            "interval_months", required=False, minimum=1, maximum=MAX_INTERVAL_MONTHS
        )
        usage = _optional(row, "usage", usage_problem)
        if not code or self.duplicate(row, "code", code, code):
            return None
        if code in st.standards:
            row.fail("code", code, "already used by a standard; asset codes are unique")
            return None
        known = st.instruments.get(code)
        id_ = known[0] if known else st.allocate(self.table)
        st.instruments[code] = (id_, kind.code if kind else "")
        st.intervals[id_] = months
        if row.bad or kind is None:
            return None
        g = row.get
        norm = (
            code,
            name,
            owner,
            kind.code,
            g("range_min"),
            g("range_max"),
            g("mpe_abs"),
            g("mpe_rel"),
            "true" if mandatory else "false",
            g("interval_months"),
            usage,
        )
        return Record(
            id_,
            st.is_new(self.table, id_),
            norm,
            (
                id_,
                code,
                name,
                owner_id,
                kind.code,
                norm[4],
                norm[5],
                norm[6] or None,
                norm[7] or None,
                lo,
                hi,
                mpe_abs or 0.0,
                mpe_rel or 0.0,
                mandatory,
                months,
                usage or None,
                st.load_change_id,
            ),
        )


class Demands(Handler):
    file = "demands.csv"
    table = table_of(Demand)
    columns = (
        "id",
        "code",
        "quantity",
        "range_min_given",
        "range_max_given",
        "mpe_abs_given",
        "mpe_rel_given",
        "range_min",
        "range_max",
        "mpe_abs",
        "mpe_rel",
        "region",
        "count",
        "field",
    )
    object_type = "demand"
    stored_rows = rows.demand_rows

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.stored: dict[str, int] | None = None

    def check(self, row: Row) -> Record | None:
        st = self.state
        if self.stored is None:
            from sqlalchemy import select

            self.stored = dict(st.conn.execute(select(Demand.code, Demand.id)).all())
        row.texts(LIMITS[self.file])
        code = row.required("code")
        kind = _kind(row)
        lo, hi = _range(row, kind)
        mpe_abs, mpe_rel = _linear(row, kind, "mpe_abs", "mpe_rel", "a required MPE")
        region = row.region("region")
        count = row.integer("count", required=True, minimum=0)
        priority = _optional(row, "field", field_problem)
        if not code or self.duplicate(row, "code", code, code):
            return None
        if row.bad or kind is None:
            return None
        id_ = self.stored.get(code) or st.allocate(self.table)
        g = row.get
        norm = (
            code,
            kind.code,
            g("range_min"),
            g("range_max"),
            g("mpe_abs"),
            g("mpe_rel"),
            region,
            str(count),
            priority,
        )
        return Record(
            id_,
            st.is_new(self.table, id_),
            norm,
            (
                id_,
                code,
                kind.code,
                norm[2],
                norm[3],
                norm[4] or None,
                norm[5] or None,
                lo,
                hi,
                mpe_abs or 0.0,
                mpe_rel or 0.0,
                region,
                count,
                priority or None,
            ),
        )


ASSET_HANDLERS: tuple[Callable[..., Handler], ...] = (
    Organizations,
    Standards,
    Capabilities,
    Instruments,
)
