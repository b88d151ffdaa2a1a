"""Handlers for certificates (with their reference standards) and result points."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, update

from metro.bundle import rows
from metro.bundle.cells import Row
from metro.bundle.contract import (
    CERTIFICATE_KINDS,
    CERTIFICATE_STATUSES,
    FILES,
    LIMITS,
    QUALIFIER,
    REFERENCE_SEPARATOR,
)
from metro.bundle.handler import Handler, Record
from metro.bundle.issues import BundleIssue
from metro.db import bulk
from metro.db.base import table_of
from metro.db.models import Certificate, CertificateReference, Result
from metro.errors import InvalidInput
from metro.model.certificate import (
    conclusion_problem,
    edit_refusal,
    issued_difference,
    recorded_problem,
    valid_until_problem,
)
from metro.model.fields import NUMBER_LEN, uncertainty_problem
from metro.model.levels import stands_above
from metro.quantity_kinds import kinds
from metro.units import canonical

_REF_COLUMNS = ("certificate_id", "standard_id", "position")
_KINDS = frozenset(CERTIFICATE_KINDS)
_STATUSES = frozenset(CERTIFICATE_STATUSES)


class Certificates(Handler):
    """Certificates. A new number is inserted; an issued one is never changed by a load.

    A stored certificate named again may only be revoked (status ``revoked``, with the optional
    ``reason``); any other difference — subject, dates, kind, conclusion, references,
    un-revoking, a new ``supersedes`` — is a row error naming the certificate and saying to
    revoke it and issue a new number (metro.model.certificate, the rule's one home).
    ``supersedes`` names a certificate of the same issuer, stored or anywhere in this file.
    """

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
        "revoked_reason",
        "interval_months",
        "recorded_on",
        "change_id",
    )
    object_type = "certificate"
    stored_rows = rows.certificate_rows

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.new_refs: list[tuple[int, int, int]] = []
        self.indexes: tuple[int, ...] | None = None
        self.dates: dict[str, date] = {}
        self.references: dict[tuple[str, str | None], tuple[tuple[int, ...], str]] = {}
        self.lines: dict[int, int] = {}  # stored certificate id -> its line in this file
        self.revocations: list[tuple[Record, tuple[str, ...]]] = []
        # (certificate id, issuer id, number it replaces, line, ISSUER#NUMBER)
        self.links: list[tuple[int, int, str, int, str]] = []
        self.today = self.state.now.date()
        self.today_text = self.today.isoformat()

    def _date(self, row: Row, column: str, text: str, *, required: bool) -> date | None:
        d = self.dates.get(text)
        if d is None and row.iso_date(column, required=required):
            d = self.dates[text] = date.fromisoformat(text)
        return d

    # The hot path of a province load (millions of rows): cells are read in one go, dates and
    # reference lists that repeat are checked once, and the normalized row is built only for
    # certificates that are already stored (to compare them).
    def check(self, row: Row) -> Record | None:
        st = self.state
        idx = self.indexes
        if idx is None:
            idx = self.indexes = tuple(row.columns.get(c, -1) for c in FILES[self.file])
        cells = row.cells
        number, issuer, kind, subject, calibrated, until, conclusion, refs_text, status = (
            cells[i].strip() for i in idx[:9]
        )
        reason = cells[idx[9]].strip() if idx[9] >= 0 else ""
        supersedes = cells[idx[10]].strip() if idx[10] >= 0 else ""
        if len(number) > NUMBER_LEN or reason or supersedes or "\x00" in number:
            row.texts(LIMITS[self.file])
        if not number:
            row.fail("number", number, "required, but empty")
        issuer_id = st.orgs.get(issuer)
        if issuer_id is None:
            row.fail(
                "issuer", issuer, "unknown organization code" if issuer else "required, but empty"
            )
        elif st.scope is not None and issuer_id != st.scope:
            row.fail("issuer", issuer, "a lab's bundle holds only its own certificates")
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
        cal_day = self._date(row, "calibrated_on", calibrated, required=True)
        if cal_day is not None and calibrated > self.today_text:
            row.fail("calibrated_on", calibrated, recorded_problem(cal_day, self.today) or "")
        why = conclusion_problem(kind, conclusion)
        if why:
            row.fail("conclusion", conclusion, why)
        until_day = self._date(row, "valid_until", until, required=False) if until else None
        if cal_day is not None and (until_day is not None or not until):
            why = valid_until_problem(
                cal_day, until_day, conclusion, kind=kind, subject_is_standard=s_inst is None
            )
            if why:
                row.fail("valid_until", until, why)
        if status not in _STATUSES:
            row.fail("status", status, f"must be one of {', '.join(CERTIFICATE_STATUSES)}")
        elif reason and status != "revoked":
            row.fail("reason", reason, "a reason is given only for a revoked certificate")
        if supersedes and supersedes == number:
            row.fail("supersedes", supersedes, "a certificate cannot replace itself")
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
            # results.csv is checked against the subject this bundle gives, not the stored one.
            if s_std is not None:
                st.subjects[cid] = ("s", s_std[0])
            elif s_inst is not None:
                st.subjects[cid] = ("i", s_inst[0])
        if row.bad:
            return None
        if supersedes and new:
            self.links.append(
                (cid, issuer_id, supersedes, row.line, f"{issuer}{QUALIFIER}{number}")
            )
        ref_ids, ref_norm = refs
        if new:
            self.new_refs.extend((cid, sid, i) for i, sid in enumerate(ref_ids))
            norm: tuple[str, ...] = ()
        else:
            self.lines[cid] = row.line
            norm = (
                number,
                issuer,
                kind,
                subject,
                calibrated,
                until,
                conclusion,
                ref_norm,
                status,
                reason,
                supersedes,
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
            reason or None,
            st.intervals.get(s_inst[0]) if s_inst else None,
            self.today_text,
            st.load_change_id,
        )
        return Record(cid, new, norm, values)

    def _references(
        self, row: Row, refs_text: str, subject: str, subject_level: str | None, is_std: bool
    ) -> tuple[tuple[int, ...], str]:
        """Check a reference list; a clean one is remembered for the next rows that repeat it."""
        st = self.state
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
                elif (
                    ref[1]
                    and (subject_level or not is_std)
                    and not stands_above(ref[1], subject_level)
                ):
                    why = (
                        f"reference {code} ({ref[1]}) does not stand above subject "
                        f"{subject} ({subject_level or 'instrument'})"
                    )
                elif st.scope is not None and st.standard_owners.get(ref[0]) != st.scope:
                    why = "not a standard of the lab loading the bundle: a lab cites only its own"
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

    def review(self, records: list[Record]) -> None:
        """Compare the stored certificates of this chunk with their rows: revocations are
        kept for ``flush``, any other difference is a row error."""
        st = self.state
        stored = {r.id: r for r in records if not r.new}
        if not stored:
            return
        for id_, current in rows.certificate_rows(st.conn, stored.keys()):
            rec = stored[id_]
            if current == rec.bundle_row:
                st.count(self.file, "unchanged")
                continue
            before, after = self.as_dict(current), self.as_dict(rec.bundle_row)
            field = issued_difference(before, after, results=False)
            if field is not None:
                key = self.log_key(rec.bundle_row)
                st.issues.append(
                    BundleIssue(
                        self.file,
                        self.lines.get(id_, 0),
                        field,
                        after[field],
                        edit_refusal(key, field),
                        rec.bundle_row[0],
                    )
                )
                continue
            if before["status"] == "revoked" and not after["reason"]:
                st.count(self.file, "unchanged")  # only the optional columns are left empty
                continue
            self.revocations.append((rec, current))

    def flush(self, records: list[Record]) -> None:
        st = self.state
        new = [r.values for r in records if r.new]
        bulk.insert_rows(st.conn, self.table, self.columns, new)
        st.count(self.file, "created", len(new))
        refs, self.new_refs = self.new_refs, []
        bulk.insert_rows(st.conn, table_of(CertificateReference), _REF_COLUMNS, refs)
        revocations, self.revocations = self.revocations, []
        for rec, current in revocations:
            before, after = self.as_dict(current), self.as_dict(rec.bundle_row)
            reason = after["reason"] or before["reason"] or None
            st.conn.execute(
                update(Certificate)
                .where(Certificate.id == rec.id)
                .values(revoked=True, revoked_reason=reason)
            )
            after["reason"] = reason or ""
            after["supersedes"] = before["supersedes"]
            st.log("update", self.object_type, self.log_key(rec.bundle_row), before, after)
            st.count(self.file, "updated")

    def finish(self) -> None:
        """Link each new certificate to the one it supersedes (which may come later in the
        file, so links are resolved once the whole file is read)."""
        st = self.state
        out: list[dict[str, int]] = []
        for cid, issuer_id, number, line, key in self.links:
            target = st.certificates.get((issuer_id, number))
            if target is None or target == cid:
                st.issues.append(
                    BundleIssue(
                        self.file,
                        line,
                        "supersedes",
                        number,
                        f"no certificate {number} of the same issuer in the database or this "
                        "bundle",
                        key.partition(QUALIFIER)[2],
                    )
                )
                continue
            out.append({"cid": cid, "target": target})
        if out and st.writing:
            t = self.table
            st.conn.execute(
                update(t)
                .where(t.c.id == bindparam("cid"))
                .values(supersedes_id=bindparam("target")),
                out,
            )

    def log_key(self, bundle_row: tuple[str, ...]) -> str:
        return f"{bundle_row[1]}{QUALIFIER}{bundle_row[0]}"


class Results(Handler):
    """Result points. Those of a new certificate are inserted; those naming a stored
    certificate must be the points it was issued with, as one set: a difference is an edit of
    an issued certificate, a row error. Points are checked against the subject the bundle
    gives the certificate (the bundle's own rows first)."""

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
        self.stored_lines: dict[int, int] = {}
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
        row.texts(LIMITS[self.file])
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
        if u is not None and (why := uncertainty_problem(u, 0.0)):
            row.fail("u", u_t, why)
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
            self.stored_lines.setdefault(cid, row.line)
            return None
        return rec

    def flush(self, records: list[Record]) -> None:
        st = self.state
        out = [(st.allocate(self.table), *r.values) for r in records]
        bulk.insert_rows(st.conn, self.table, self.columns, out)
        st.count(self.file, "created", len(out))

    def finish(self) -> None:
        st = self.state
        if not self.stored_groups:
            return
        stored: dict[int, list[tuple[str, ...]]] = {}
        for cid, r in rows.result_rows(st.conn, self.stored_groups.keys()):
            stored.setdefault(cid, []).append(r[1:])
        labels = rows.certificate_labels(st.conn, self.stored_groups.keys())
        for cid, recs in self.stored_groups.items():
            before = [list(p) for p in stored.get(cid, [])]
            after = [list(r.bundle_row[1:]) for r in recs]
            # Only the points are compared here; the certificate's row was compared in its file.
            field = issued_difference({"results": before}, {"results": after})
            if field is None:
                st.count(self.file, "unchanged", len(recs))
                continue
            label = recs[0].bundle_row[0]
            st.issues.append(
                BundleIssue(
                    self.file,
                    self.stored_lines[cid],
                    "certificate",
                    label,
                    edit_refusal(labels.get(cid, label), "results"),
                    label,
                )
            )
