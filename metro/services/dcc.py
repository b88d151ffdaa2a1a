"""Digital calibration certificates: export one certificate, import one DCC.

``export(conn, *, actor, issuer, number)`` reads the certificate (repositories.dcc), picks each
reference's speaking certificate on the calibration day (metro.traceability.speaking, the one
home of that rule) and writes a DCC 3.2.0 validated against the XSD (metro.dcc.export).

``understand(conn, *, data)`` reads a DCC (metro.dcc.reader: well-formed, schema-valid), then
identifies what it names against the database and builds the metro certificate it would be,
with every problem found (nothing written). ``import_dcc(conn, *, actor, now, data)`` records
that certificate through :func:`metro.services.certificates.record` — the same service as every
other write (subject, references and rules checked, change log), all-or-nothing — or raises
``DccUnmatched`` naming what could not be matched and why, with the report attached.

Identification (decisions, DESIGN.md is silent):

* issuer: ``calibrationLaboratoryCode`` as an organization code, else the laboratory's name
  equal to exactly one organization's name;
* subject: the item identification ``metro_assetCode``, else the first identification value
  (any issuer) that is a registered standard or instrument code;
* references: per ``basic_normalUsed`` equipment, ``metro_standardCode``, else the first
  identification value that is a registered standard code;
* result points: the kind the DCC states (``metro_kind_…``), else the subject's kind (an
  instrument's; for a standard, the first capability kind whose unit fits the value).

Signatures are not verified: a signed DCC is read and recorded like an unsigned one, and the
report says ``signed, signature not verified``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

from sqlalchemy import Connection

from metro.dcc import export as dcc_export
from metro.dcc.draft import DccDraft, DraftPoint, Named
from metro.dcc.dsi_units import from_dsi
from metro.dcc.errors import DccExportError, DccUnmatched
from metro.dcc.reader import read
from metro.errors import InvalidInput, NotFound
from metro.model.actor import Actor
from metro.model.certificate import Certificate, ResultPoint
from metro.repositories import dcc as repo
from metro.services import certificates
from metro.traceability.speaking import Timeline
from metro.units import format_quantity


def _software_version() -> str:
    try:
        return package_version("metro")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def _speaking_numbers(conn: Connection, record: repo.CertificateRecord) -> dict[str, str]:
    """Each reference's certificate that spoke for it on the calibration day, by code."""
    ids = [r.id for r in record.references]
    if not ids:
        return {}
    by_standard: dict[int, list[Any]] = {}
    for row in repo.reference_certificates(conn, ids, until=record.calibrated_on):
        by_standard.setdefault(row.subject_standard_id or 0, []).append(row)
    out: dict[str, str] = {}
    for ref in record.references:
        spoke = Timeline.of(by_standard.get(ref.id, ())).speaking(record.calibrated_on)
        if spoke is not None:
            out[ref.code] = spoke.number
    return out


def export(conn: Connection, *, actor: Actor, issuer: str, number: str) -> bytes:
    """The DCC 3.2.0 of the certificate ``number`` of ``issuer``, schema-valid.

    ``NotFound`` when there is no such certificate; ``DccExportError`` naming the unit or
    field when it cannot be written as a valid DCC. Who may read it is the entry point's
    policy (api/policy.py scopes it like the certificate; the CLI acts for the operator).
    """
    record = repo.certificate(conn, issuer=issuer, number=number)
    if record is None:
        raise NotFound(f"certificate {issuer}#{number}: not found")
    return dcc_export.export(
        record, _speaking_numbers(conn, record), software_version=_software_version()
    )


# --- import ---------------------------------------------------------------------------------


@dataclass
class Match:
    """What a name in the DCC was identified as in metro (``code``), or why not."""

    text: str
    code: str | None = None
    why: str | None = None
    certificate: str | None = None  # a reference's traceability certificate, as stated

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dcc": self.text, "matched": self.code}
        if self.why:
            out["why"] = self.why
        if self.certificate:
            out["certificate"] = self.certificate
        return out


@dataclass
class ImportReport:
    """What a DCC said, what metro identified, and whether it was (or would be) recorded."""

    source: str
    draft: DccDraft
    issuer: Match
    subject: Match
    customer: str
    kind: str
    conclusion: str
    references: list[Match]
    points: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)
    certificate: Certificate | None = None
    recorded: bool = False
    dry_run: bool = False

    @property
    def signature(self) -> str:
        return "signed, signature NOT verified" if self.draft.signed else "not signed"

    def as_dict(self) -> dict[str, Any]:
        d = self.draft
        return {
            "source": self.source,
            "schema_version": d.version,
            "signature": self.signature,
            "number": d.number,
            "issuer": self.issuer.as_dict(),
            "subject": {
                **self.subject.as_dict(),
                "identifications": [i.describe() for i in d.item.identifications],
            },
            "customer": self.customer,
            "kind": self.kind,
            "calibrated_on": d.calibrated_on.isoformat(),
            "valid_until": d.valid_until.isoformat() if d.valid_until else None,
            "conclusion": self.conclusion,
            "references": [r.as_dict() for r in self.references],
            "results": self.points,
            "notes": list(d.notes),
            "problems": self.problems,
            "recorded": self.recorded,
            "dry_run": self.dry_run,
        }


def _match_issuer(conn: Connection, named: Named) -> Match:
    label = named.name or named.code or "(unnamed)"
    if named.code and repo.organization(conn, named.code) is not None:
        return Match(label, named.code)
    by_name = repo.organizations_named(conn, named.name) if named.name else []
    if len(by_name) == 1:
        return Match(label, by_name[0].code)
    why = (
        f"several organizations are named {named.name!r}"
        if by_name
        else "no organization has this "
        + ("code or name" if named.code else "name (and the DCC gives no laboratory code)")
    )
    return Match(label, None, why)


def _match_subject(conn: Connection, item: Named) -> tuple[Match, repo.Asset | None]:
    label = item.name or "(unnamed item)"
    candidates = [item.coded("metro_assetCode")] + [i.value for i in item.identifications]
    for code in dict.fromkeys(c for c in candidates if c):
        found = repo.asset(conn, code)
        if found is not None:
            return Match(label, code), found
    ids = ", ".join(i.describe() for i in item.identifications) or "none"
    return (
        Match(label, None, f"none of its identifications ({ids}) is a registered asset code"),
        None,
    )


def _match_references(conn: Connection, refs: tuple[Named, ...]) -> list[Match]:
    values = {i.value for r in refs for i in r.identifications}
    known = repo.standards(conn, values)
    instruments = repo.instrument_codes(conn, values)
    out: list[Match] = []
    for ref in refs:
        cert = ref.coded("metro_traceabilityCertificate")
        candidates = [ref.coded("metro_standardCode")] + [i.value for i in ref.identifications]
        code = next((c for c in candidates if c and c in known), None)
        if code is not None:
            out.append(Match(ref.name, code, certificate=cert))
            continue
        ids = ", ".join(i.describe() for i in ref.identifications) or "none"
        why = (
            "an instrument cannot be a reference standard"
            if any(c in instruments for c in candidates if c)
            else f"none of its identifications ({ids}) is a registered standard code"
        )
        out.append(Match(ref.name, None, why, cert))
    return out


def _point_kind(point: DraftPoint, subject: repo.Asset | None) -> str | None:
    if point.kind:
        return point.kind
    if subject is None or not subject.quantities:
        return None
    for kind in subject.quantities:
        try:
            ResultPoint.from_text(
                quantity=kind,
                nominal=_given(point.nominal.value, point.nominal.unit, kind),
                measured=_given(point.measured.value, point.measured.unit, kind),
                k=None,
            )
        except InvalidInput:
            continue
        return kind
    return subject.quantities[0]


def _given(value: float, dsi: str, kind: str | None) -> str:
    unit, factor = from_dsi(dsi, kind)
    return format_quantity(value * factor, unit)


def _k_text(k: float) -> str:
    return str(int(k)) if float(k).is_integer() else repr(k)


def _points(
    draft: DccDraft, subject: repo.Asset | None, problems: list[str]
) -> tuple[list[dict[str, Any]], list[ResultPoint]]:
    shown: list[dict[str, Any]] = []
    points: list[ResultPoint] = []
    for i, p in enumerate(draft.points, start=1):
        kind = _point_kind(p, subject)
        row: dict[str, Any] = {"kind": kind}
        try:
            row["nominal"] = _given(p.nominal.value, p.nominal.unit, kind)
            row["measured"] = _given(p.measured.value, p.measured.unit, kind)
            row["u"] = _given(p.measured.u, p.measured.unit, kind) if p.measured.u else None
            row["k"] = _k_text(p.measured.k) if p.measured.k else None
            row["dsi"] = {"nominal_unit": p.nominal.unit, "measured_unit": p.measured.unit}
            if kind is not None:
                points.append(
                    ResultPoint.from_text(
                        quantity=kind,
                        nominal=row["nominal"],
                        measured=row["measured"],
                        u=row["u"],
                        k=row["k"],
                    )
                )
        except InvalidInput as exc:
            problems.append(f"result point {i}: {exc}")
        shown.append(row)
    if draft.points and subject is None:
        problems.append(
            f"{len(draft.points)} result point(s) read but not usable: their quantity kind "
            "comes from the subject, which is not identified"
        )
    return shown, points


def understand(conn: Connection, *, data: bytes, source: str = "file") -> ImportReport:
    """Read and identify a DCC without writing anything; the report lists every problem."""
    draft = read(data, source=source)
    problems: list[str] = []
    issuer = _match_issuer(conn, draft.issuer)
    if issuer.code is None:
        problems.append(f"issuer {issuer.text!r}: {issuer.why}")
    subject_match, subject = _match_subject(conn, draft.item)
    if subject is None:
        problems.append(f"subject {subject_match.text!r}: {subject_match.why}")
    references = _match_references(conn, draft.references)
    for ref in references:
        if ref.code is None:
            problems.append(f"reference {ref.text!r}: {ref.why}")
    if not draft.references:
        problems.append("no measuring equipment with refType basic_normalUsed: no reference")
    kind = draft.kind or "calibration"
    conclusion = draft.conclusion or "none"
    if conclusion not in ("pass", "fail", "none"):
        problems.append(
            f"conclusion {conclusion!r}: metro records pass, fail or none (no conditional forms)"
        )
    shown, points = _points(draft, subject, problems)
    customer = draft.customer.name
    if subject is not None and customer and customer != subject.owner.name:
        # Not a refusal: a DCC's customer may be who brought the asset, not its owner.
        shown_owner = f"{subject.owner.code} {subject.owner.name}"
        problems_note = f"customer {customer!r} is not the subject's owner ({shown_owner})"
        draft = _with_note(draft, problems_note)
    report = ImportReport(
        source=source,
        draft=draft,
        issuer=issuer,
        subject=subject_match,
        customer=customer,
        kind=kind,
        conclusion=conclusion,
        references=references,
        points=shown,
        problems=problems,
    )
    if problems:
        return report
    assert issuer.code and subject_match.code
    try:
        report.certificate = Certificate(
            number=draft.number,
            issuer=issuer.code,
            kind=kind,
            subject=subject_match.code,
            calibrated_on=draft.calibrated_on,
            valid_until=draft.valid_until,
            conclusion=conclusion,
            references=tuple(r.code for r in references if r.code),
            results=tuple(points),
        )
    except InvalidInput as exc:
        problems.append(str(exc))
    return report


def _with_note(draft: DccDraft, note: str) -> DccDraft:
    return replace(draft, notes=(*draft.notes, note))


def import_dcc(
    conn: Connection,
    *,
    actor: Actor,
    now: datetime,
    data: bytes,
    source: str = "file",
    dry_run: bool = False,
) -> ImportReport:
    """Record the certificate a DCC states, through the certificate service.

    Raises ``DccInvalid`` (not well-formed, not valid), ``DccUnmatched`` (issuer, subject or
    references not identified; ``.report`` has what was understood) or the certificate
    service's own errors. ``dry_run`` runs every check, the service included; the caller
    rolls the transaction back (services never commit).
    """
    report = understand(conn, data=data, source=source)
    report.dry_run = dry_run
    if report.problems or report.certificate is None:
        raise DccUnmatched(report.draft.number, report.problems, report=report)
    report.certificate = certificates.record(
        conn, actor=actor, now=now, certificate=report.certificate
    )
    report.recorded = not dry_run
    return report


__all__ = ["DccExportError", "ImportReport", "Match", "export", "import_dcc", "understand"]
