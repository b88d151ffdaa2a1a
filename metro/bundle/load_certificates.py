"""Handlers for certificates (with their reference standards) and result points."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from metro.bundle import rows
from metro.bundle.cells import Row
from metro.bundle.contract import (
    CERTIFICATE_KINDS,
    CERTIFICATE_STATUSES,
    CONCLUSIONS,
    FILES,
    QUALIFIER,
    REFERENCE_SEPARATOR,
)
from metro.bundle.handler import Handler, Record
from metro.db import bulk
from metro.db.base import table_of
from metro.db.models import Certificate, CertificateReference, Result
from metro.errors import InvalidInput
from metro.levels import INSTRUMENT_RANK, LEVEL_RANK
from metro.quantity_kinds import kinds
from metro.units import canonical

_REF_COLUMNS = ("certificate_id", "standard_id", "position")
_KINDS = frozenset(CERTIFICATE_KINDS)
_CONCLUSIONS = frozenset(CONCLUSIONS)
_STATUSES = frozenset(CERTIFICATE_STATUSES)


class Certificates(Handler):
    file = "certificates.csv"
    table = table_of(Certificate)
    columns = (
        "id",
        "number",
        "issuer_id",
        "kind",
        "subject_standard_id",
        "subject_instrument_id",
        "calibrated_on",
        "valid_until",
        "conclusion",
        "revoked",
        "change_id",
    )
    object_type = "certificate"
    stored_rows = rows.certificate_rows

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.refs: dict[int, list[tuple[int, int, int]]] = {}  # of stored certificates
        self.new_refs: list[tuple[int, int, int]] = []
        self.indexes: tuple[int, ...] | None = None
        self.dates: set[str] = set()
        self.references: dict[tuple[str, str | None], tuple[tuple[int, ...], str]] = {}

    # The hot path of a province load (millions of rows): cells are read in one go, dates and
    # reference lists that repeat are checked once, and the normalized row is built only for
    # certificates that are already stored (to compare them).
    def check(self, row: Row) -> Record | None:
        st = self.state
        idx = self.indexes
        if idx is None:
            idx = self.indexes = tuple(row.columns[c] for c in FILES[self.file])
        cells = row.cells
        number, issuer, kind, subject, calibrated, until, conclusion, refs_text, status = (
            cells[i].strip() for i in idx
        )
        if not number:
            row.fail("number", number, "required, but empty")
        issuer_id = st.orgs.get(issuer)
        if issuer_id is None:
            row.fail(
                "issuer", issuer, "unknown organization code" if issuer else "required, but empty"
            )
        if kind not in _KINDS:
            row.fail("kind", kind, f"must be one of {', '.join(CERTIFICATE_KINDS)}")
        s_std = st.standards.get(subject)
        s_inst = None if s_std else st.instruments.get(subject)
        if s_std is None and s_inst is None:
            row.fail(
                "subject",
                subject,
                "unknown asset: not in standards.csv or instruments.csv"
                if subject
                else "required, but empty",
            )
        dates = self.dates
        if calibrated not in dates and row.iso_date("calibrated_on", required=True):
            dates.add(calibrated)
        if conclusion not in _CONCLUSIONS:
            row.fail("conclusion", conclusion, f"must be one of {', '.join(CONCLUSIONS)}")
        if not until:
            if conclusion != "fail":
                row.fail("valid_until", "", "required unless the conclusion is fail")
        elif until not in dates and row.iso_date("valid_until", required=False):
            dates.add(until)
        if until and calibrated and until < calibrated and not row.bad:
            row.fail("valid_until", until, f"before calibrated_on {calibrated}")
        if status not in _STATUSES:
            row.fail("status", status, f"must be one of {', '.join(CERTIFICATE_STATUSES)}")
        subject_level = s_std[1] if s_std else None
        refs = self.references.get((refs_text, subject_level))
        if refs is None:
            refs = self._references(row, refs_text, subject, subject_level, s_std is not None)
        if not number or issuer_id is None:
            return None
        key = (issuer_id, number)
        if self.duplicate(row, "number", key, number):
            return None
        cid = st.certificates.get(key)
        new = cid is None
        if cid is None:
            cid = st.allocate(self.table)
            if s_std is not None:
                st.remember_certificate(cid, issuer_id, number, ("s", s_std[0]))
            elif s_inst is not None:
                st.remember_certificate(cid, issuer_id, number, ("i", s_inst[0]))
        else:
            new = st.is_new(self.table, cid)
        if row.bad:
            return None
        ref_ids, ref_norm = refs
        if new:
            self.new_refs.extend((cid, sid, i) for i, sid in enumerate(ref_ids))
        else:
            self.refs[cid] = [(cid, sid, i) for i, sid in enumerate(ref_ids)]
        norm = (
            ()
            if new
            else (number, issuer, kind, subject, calibrated, until, conclusion, ref_norm, status)
        )
        values = (
            cid,
            number,
            issuer_id,
            kind,
            s_std[0] if s_std else None,
            s_inst[0] if s_inst else None,
            calibrated,
            until or None,
            conclusion,
            status == "revoked",
            st.load_change_id,
        )
        return Record(cid, new, norm, values)

    def _references(
        self, row: Row, refs_text: str, subject: str, subject_level: str | None, is_std: bool
    ) -> tuple[tuple[int, ...], str]:
        """Check a reference list; a clean one is remembered for the next rows that repeat it."""
        st = self.state
        subject_rank = LEVEL_RANK.get(subject_level or "", -1) if is_std else INSTRUMENT_RANK
        ref_ids: list[int] = []
        ref_codes: list[str] = []
        clean = True
        if refs_text:
            for code in (c.strip() for c in refs_text.split(REFERENCE_SEPARATOR)):
                ref = st.standards.get(code)
                why = None
                if ref is None:
                    why = (
                        "an instrument cannot be a reference standard"
                        if code in st.instruments
                        else "unknown standard code"
                        if code
                        else "empty code in the list"
                    )
                elif code in ref_codes:
                    why = "named twice"
                elif ref[1] and subject_rank >= 0 and LEVEL_RANK[ref[1]] <= subject_rank:
                    why = (
                        f"reference {code} ({ref[1]}) does not stand above subject "
                        f"{subject} ({subject_level or 'instrument'})"
                    )
                if why:
                    row.fail("references", code, why)
                    clean = False
                    continue
                assert ref is not None
                ref_ids.append(ref[0])
                ref_codes.append(code)
        elif subject_level != "primary" and subject:
            row.fail("references", "", "no reference standard named")
            clean = False
        out = (tuple(ref_ids), REFERENCE_SEPARATOR.join(ref_codes))
        if clean and subject:
            self.references[(refs_text, subject_level)] = out
        return out

    def flush(self, records: list[Record]) -> None:
        super().flush(records)
        refs, self.new_refs = self.new_refs, []
        bulk.insert_rows(self.state.conn, table_of(CertificateReference), _REF_COLUMNS, refs)
        self.refs.clear()

    def update(self, rec: Record, current: tuple[str, ...]) -> None:
        super().update(rec, current)
        conn = self.state.conn
        conn.execute(
            delete(CertificateReference).where(CertificateReference.certificate_id == rec.id)
        )
        bulk.insert_rows(
            conn, table_of(CertificateReference), _REF_COLUMNS, self.refs.get(rec.id, ())
        )

    def log_key(self, bundle_row: tuple[str, ...]) -> str:
        return f"{bundle_row[1]}{QUALIFIER}{bundle_row[0]}"


class Results(Handler):
    """Result points. Those of a new certificate are inserted; those naming a stored
    certificate replace its points when they differ, as one set."""

    file = "results.csv"
    table = table_of(Result)
    columns = (
        "id",
        "certificate_id",
        "quantity",
        "nominal_given",
        "measured_given",
        "u_given",
        "k_given",
        "nominal",
        "measured",
        "u",
        "k",
    )
    object_type = "results"
    stored_rows = rows.result_rows

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.stored_groups: dict[int, list[Record]] = {}
        self.instrument_kinds: dict[int, str] | None = None

    def _certificate(self, row: Row) -> int | None:
        st = self.state
        label = row.required("certificate")
        if not label:
            return None
        cid = st.numbers.get(label)
        if cid == -1:
            row.fail(
                "certificate",
                label,
                f"ambiguous: several issuers use this number; write ISSUER{QUALIFIER}NUMBER",
            )
            return None
        if cid is None and QUALIFIER in label:
            issuer, _, number = label.partition(QUALIFIER)
            org = st.orgs.get(issuer)
            cid = st.certificates.get((org, number)) if org is not None else None
        if cid is None:
            row.fail("certificate", label, "unknown certificate number")
        return cid

    def _kinds(self, cid: int) -> list[str]:
        """The kinds a result of this certificate may be in: its subject's kinds."""
        what, sid = self.state.subjects[cid]
        if what == "i":
            if self.instrument_kinds is None:
                self.instrument_kinds = dict(self.state.instruments.values())
            kind = self.instrument_kinds.get(sid)
            return [kind] if kind else []
        return list(dict.fromkeys(self.state.standard_kinds.get(sid, [])))

    def check(self, row: Row) -> Record | None:
        st = self.state
        cid = self._certificate(row)
        k = row.positive("k", default=None) if row.get("k") else None
        if cid is None:
            return None
        candidates = self._kinds(cid)
        nominal_t, measured_t, u_t = row.get("nominal"), row.get("measured"), row.get("u")
        chosen = None
        first_error = "the subject has no capability or kind to measure"
        for code in candidates:
            try:
                canonical(nominal_t, kinds()[code])
                chosen = kinds()[code]
                break
            except InvalidInput as exc:
                first_error = first_error if chosen else str(exc)
        if chosen is None:
            row.fail("nominal", nominal_t, first_error if nominal_t else "required, but empty")
            return None
        nominal = row.absolute("nominal", chosen, required=True)
        measured = row.absolute("measured", chosen, required=True)
        u = row.difference("u", chosen)
        if row.bad:
            return None
        norm = (row.get("certificate"), nominal_t, measured_t, u_t, row.get("k"))
        rec = Record(
            0,
            True,
            norm,
            (
                cid,
                chosen.code,
                nominal_t,
                measured_t,
                u_t or None,
                row.get("k") or None,
                nominal,
                measured,
                u,
                k,
            ),
        )
        if not st.is_new(table_of(Certificate), cid):
            self.stored_groups.setdefault(cid, []).append(rec)
            return None
        return rec

    def flush(self, records: list[Record]) -> None:
        st = self.state
        out = [(st.allocate(self.table), *r.values) for r in records]
        bulk.insert_rows(st.conn, self.table, self.columns, out)
        st.count(self.file, "created", len(out))

    def finish(self) -> None:
        st = self.state
        if not st.writing or not self.stored_groups:
            return
        stored: dict[int, list[tuple[str, ...]]] = {}
        for cid, r in rows.result_rows(st.conn, self.stored_groups.keys()):
            stored.setdefault(cid, []).append(r[1:])
        changed: list[Record] = []
        for cid, recs in self.stored_groups.items():
            if stored.get(cid) == [r.bundle_row[1:] for r in recs]:
                st.count(self.file, "unchanged", len(recs))
                continue
            st.conn.execute(delete(Result).where(Result.certificate_id == cid))
            st.log(
                "update" if cid in stored else "create",
                self.object_type,
                recs[0].bundle_row[0],
                {"points": stored.get(cid, [])},
                {"points": [r.bundle_row[1:] for r in recs]},
            )
            changed.extend(recs)
        self.flush(changed)
