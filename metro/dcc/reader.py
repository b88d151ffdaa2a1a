"""Read a DCC file: well-formed, of a known version, schema-valid, then what it says (a draft).

The file is validated first against the XSD of its own ``schemaVersion`` (3.1.1, 3.1.2 or
3.2.0, offline); a file that is not well-formed or not valid is refused with one line per
problem naming the line and the schema rule (:mod:`metro.dcc.schemas`).

**Signatures are not checked.** A 3.2.0 DCC may carry an XML-DSig ``ds:Signature``: it is read
like any other DCC and the draft says ``signed=True`` so that every entry point can say "signed,
signature NOT verified". metro records the certificate on the strength of the schema and of its
own rules, never of the signature.

What is read (the mapping of :mod:`metro.dcc.export`, and the PTB good-practice forms):

* number = ``coreData/uniqueIdentifier``; calibrated_on = ``endPerformanceDate`` (the day the
  calibration was finished, when begin and end differ — a decision, noted in the draft);
* issuer = ``calibrationLaboratory`` (its ``calibrationLaboratoryCode`` and contact name);
  customer = ``customer``; the subject = the one ``items/item`` with its identifications;
* metro's kind = the ``metro_certificateKind`` statement's ``convention``; without it a DCC is
  a calibration (校准) — a DCC is a calibration certificate; the conclusion = the
  ``basic_conformity`` statement (``pass``/``fail``; the conditional forms are not metro
  conclusions and are refused), none without one; valid_until = ``basic_recalibration/date``;
* references = every ``measuringEquipment`` whose refType includes ``basic_normalUsed``;
* result points = each ``dcc:list`` holding a nominal (``basic_nominalValue`` or
  ``basic_referenceValue``) and a ``basic_measuredValue`` quantity, as ``si:real``,
  ``si:realListXMLList`` (one point per list element) or ``si:hybrid`` (its first, machine-read
  form); U and k from the measured value's ``expandedUnc``, else from a
  ``basic_measurementError`` quantity of the same list (the good-practice examples put it
  there). A relative uncertainty (3.2.0 ``relativeUncertainty``) becomes U = rel·|measured|.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from metro.dcc.draft import DccDraft, DraftPoint, DsiValue, Identification, Named
from metro.dcc.dsi_units import relative_factor
from metro.dcc.errors import DccInvalid, DccIssue, DsiUnitError
from metro.dcc.schemas import DCC_NS, DSIG_NS, SI_NS, parse, validate, version_of

_NS: Final = {"dcc": DCC_NS, "si": SI_NS, "ds": DSIG_NS}
_NOMINAL: Final = ("basic_nominalValue", "basic_referenceValue")
_MEASURED: Final = "basic_measuredValue"
_ERROR: Final = "basic_measurementError"
_KIND_PREFIX: Final = "metro_kind_"


def _x(node: Any, path: str) -> list[Any]:
    return list(node.xpath(path, namespaces=_NS))


def _first(node: Any, path: str) -> Any | None:
    found = _x(node, path)
    return found[0] if found else None


def _text(node: Any, path: str) -> str | None:
    e = _first(node, path)
    if e is None or e.text is None:
        return None
    return " ".join(e.text.split())


def _name(node: Any, path: str = "dcc:name") -> str:
    """A textType's text: zh, then en, then the first content."""
    e = _first(node, path)
    if e is None:
        return ""
    contents = _x(e, "dcc:content")
    for lang in ("zh", "en", None):
        for c in contents:
            if c.get("lang") == lang and c.text and c.text.strip():
                return " ".join(c.text.split())
    for c in contents:
        if c.text and c.text.strip():
            return " ".join(c.text.split())
    return ""


def _ref_types(node: Any) -> list[str]:
    return (node.get("refType") or "").split()


def _identifications(node: Any) -> tuple[Identification, ...]:
    return tuple(
        Identification(
            issuer=_text(i, "dcc:issuer") or "",
            value=_text(i, "dcc:value") or "",
            ref_type=i.get("refType") or "",
            name=_name(i),
        )
        for i in _x(node, "dcc:identifications/dcc:identification")
    )


def _invalid(root: Any, node: Any, path: str, why: str) -> DccInvalid:
    return DccInvalid("DCC content not usable", [DccIssue(node.sourceline, path, why)])


def _day(node: Any, path: str, root: Any) -> date | None:
    text = _text(node, path)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _invalid(root, node, path, f"{text!r} is not a date") from None


# --- values --------------------------------------------------------------------------------


def _floats(text: str | None) -> list[float]:
    return [float(t) for t in (text or "").split()]


def _values(q: Any) -> list[DsiValue] | None:
    """The values of a dcc:quantity as D-SI values (one per list element), or None."""
    real = _first(q, "si:real | si:hybrid/si:real")
    rel = _relative(q)
    if real is not None:
        u, k = _expanded(real, "si:expandedUnc/si:uncertainty", "si:expandedUnc/si:coverageFactor")
        value = float(_text(real, "si:value") or "nan")
        unit = _text(real, "si:unit") or ""
        if u is None and rel is not None:
            u = rel[0][0] * abs(value)
            k = rel[1][0] if rel[1] else None
        return [DsiValue(value, unit, u, k)]
    lst = _first(q, "si:realListXMLList | si:hybrid/si:realListXMLList")
    if lst is None:
        return None
    values = _floats(_text(lst, "si:valueXMLList"))
    units = (_text(lst, "si:unitXMLList") or "").split()
    us = _floats(_text(lst, "si:expandedUncXMLList/si:uncertaintyXMLList"))
    ks = _floats(_text(lst, "si:expandedUncXMLList/si:coverageFactorXMLList"))
    if not us and rel is not None:
        us = [r * abs(v) for r, v in zip(_broadcast(rel[0], len(values)), values, strict=True)]
        ks = rel[1]
    out = []
    for i, v in enumerate(values):
        out.append(
            DsiValue(
                v,
                _pick(units, i) or "",
                _pick(us, i),
                _pick(ks, i),
            )
        )
    return out


def _expanded(real: Any, u_path: str, k_path: str) -> tuple[float | None, float | None]:
    u = _text(real, u_path)
    k = _text(real, k_path)
    return (float(u) if u else None, float(k) if k else None)


def _relative(q: Any) -> tuple[list[float], list[float]] | None:
    """A 3.2.0 relativeUncertainty as fractions and coverage factors, or None."""
    single = _first(q, "dcc:relativeUncertainty/dcc:relativeUncertaintySingle")
    if single is not None:
        factor = relative_factor(_text(single, "si:unit") or "")
        value = float(_text(single, "si:value") or "nan") * factor
        k = _text(single, "si:expandedUnc/si:coverageFactor")
        return [value], [float(k)] if k else []
    many = _first(q, "dcc:relativeUncertainty/dcc:relativeUncertaintyXmlList")
    if many is not None:
        units = (_text(many, "si:unitXMLList") or "").split()
        factor = relative_factor(units[0] if units else "")
        values = [v * factor for v in _floats(_text(many, "si:valueXMLList"))]
        return values, _floats(_text(many, "si:expandedUncXMLList/si:coverageFactorXMLList"))
    return None


def _broadcast(xs: list[float], n: int) -> list[float]:
    return xs * n if len(xs) == 1 else xs[:n] + [float("nan")] * (n - len(xs))


def _pick(xs: list[Any], i: int) -> Any | None:
    if not xs:
        return None
    if len(xs) == 1:
        return xs[0]
    return xs[i] if i < len(xs) else None


def _points(root: Any, notes: list[str]) -> tuple[DraftPoint, ...]:
    out: list[DraftPoint] = []
    for lst in _x(root, "dcc:measurementResults//dcc:results//dcc:list"):
        quantities = _x(lst, "dcc:quantity")
        by_type: dict[str, Any] = {}
        for q in quantities:
            for t in _ref_types(q):
                by_type.setdefault(t, q)
        nominal_q = next((by_type[t] for t in _NOMINAL if t in by_type), None)
        measured_q = by_type.get(_MEASURED)
        if nominal_q is None or measured_q is None:
            continue
        try:
            nominals = _values(nominal_q)
            measureds = _values(measured_q)
            errors = _values(by_type[_ERROR]) if _ERROR in by_type else None
        except (ValueError, DsiUnitError) as exc:
            raise _invalid(root, lst, "dcc:list", f"result values not readable: {exc}") from None
        if not nominals or not measureds or len(nominals) != len(measureds):
            notes.append(
                f"line {lst.sourceline}: a result list with {len(nominals or [])} nominal and "
                f"{len(measureds or [])} measured values was skipped"
            )
            continue
        kind = next(
            (t[len(_KIND_PREFIX) :] for t in _ref_types(lst) if t.startswith(_KIND_PREFIX)), None
        )
        for i, (n, m) in enumerate(zip(nominals, measureds, strict=True)):
            if m.u is None and errors:
                e = errors[i] if len(errors) == len(measureds) else errors[0]
                if e.u is not None and e.unit == m.unit:
                    m = DsiValue(m.value, m.unit, e.u, e.k)
            out.append(DraftPoint(n, m, kind))
    return tuple(out)


# --- administrative data ---------------------------------------------------------------------


def _statements(
    admin: Any, root: Any, notes: list[str]
) -> tuple[str | None, str | None, date | None]:
    kind = conclusion = None
    valid_until = None
    for st in _x(admin, "dcc:statements/dcc:statement"):
        types = _ref_types(st)
        if "metro_certificateKind" in types:
            kind = _text(st, "dcc:convention")
        if "basic_conformity" in types:
            conclusion = _text(st, "dcc:conformity")
        if "basic_recalibration" in types:
            valid_until = _day(st, "dcc:date", root)
        if "metro_revoked" in types:
            notes.append("the DCC says the certificate was revoked by its issuer")
    return kind, conclusion, valid_until


def read(data: bytes, *, source: str = "file") -> DccDraft:
    """Parse, validate and read a DCC; ``DccInvalid`` naming line and rule when it is bad."""
    root = parse(data, source=source)
    version = version_of(root, source=source)
    validate(root, version, source=source)
    notes: list[str] = []
    admin = _first(root, "dcc:administrativeData")
    core = _first(admin, "dcc:coreData")
    number = _text(core, "dcc:uniqueIdentifier") or ""
    begin = _day(core, "dcc:beginPerformanceDate", root)
    end = _day(core, "dcc:endPerformanceDate", root)
    assert begin is not None and end is not None  # required by every schema version
    if begin != end:
        notes.append(
            f"performed {begin.isoformat()} to {end.isoformat()}: calibrated_on is the end date"
        )
    lab = _first(admin, "dcc:calibrationLaboratory")
    issuer = Named(_name(lab, "dcc:contact/dcc:name"), _text(lab, "dcc:calibrationLaboratoryCode"))
    customer = Named(_name(admin, "dcc:customer/dcc:name"))
    items = _x(admin, "dcc:items/dcc:item")
    if len(items) > 1:
        notes.append(f"{len(items)} items: a metro certificate has one subject, the first is read")
    item = Named(_name(items[0]), None, _identifications(items[0]))
    kind, conclusion, valid_until = _statements(admin, root, notes)
    references = tuple(
        Named(_name(eq), None, _identifications(eq))
        for eq in _x(root, "dcc:measurementResults//dcc:measuringEquipment")
        if "basic_normalUsed" in _ref_types(eq)
    )
    others = [
        eq
        for eq in _x(root, "dcc:measurementResults//dcc:measuringEquipment")
        if "basic_normalUsed" not in _ref_types(eq)
    ]
    if others:
        notes.append(
            f"{len(others)} measuring equipment(s) without refType basic_normalUsed "
            "(not reference standards) were not read"
        )
    points = _points(root, notes)
    signed = _first(root, "ds:Signature") is not None
    return DccDraft(
        version=version,
        signed=signed,
        number=number,
        issuer=issuer,
        customer=customer,
        item=item,
        kind=kind,
        calibrated_on=end,
        valid_until=valid_until,
        conclusion=conclusion,
        references=references,
        points=points,
        notes=tuple(notes),
    )
