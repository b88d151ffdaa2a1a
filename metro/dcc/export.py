"""One certificate as a PTB DCC 3.2.0 document, validated against the XSD before it is returned.

Mapping (DESIGN.md "Digital calibration certificates"):

=============================================  ===============================================
DCC                                            metro
=============================================  ===============================================
``dccSoftware/software``                       metro and its version
``coreData/uniqueIdentifier``                  the certificate number
``coreData/begin|endPerformanceDate``          ``calibrated_on`` (one day)
``coreData/countryCodeISO3166_1``              CN; languages zh and en, zh mandatory
``items/item``                                 the subject: name, identifications (its code
                                               ``refType="metro_assetCode"``, the owner's code
                                               ``metro_ownerCode``), kind and quantity kinds
``calibrationLaboratory``                      the issuer (``calibrationLaboratoryCode`` = code)
``customer``                                   the subject's owner
``statements``                                 ``metro_certificateKind`` (``convention`` =
                                               verification/calibration), ``basic_conformity``
                                               (pass/fail; none = no conformity statement),
                                               ``basic_recalibration`` (``date`` = valid_until)
``measuringEquipments/measuringEquipment``     each reference standard, ``basic_normalUsed``:
                                               its code (``metro_standardCode``) and the number
                                               of the certificate that spoke for it on the
                                               calibration day (``metro_traceabilityCertificate``)
``results/result/data/list``                   one list per result point (``metro_point`` and
                                               ``metro_kind_<kind>``): ``basic_nominalValue`` and
                                               ``basic_measuredValue`` as ``si:real`` with the
                                               expanded uncertainty of the measured value
=============================================  ===============================================

Decisions where the DCC and DESIGN.md are silent:

* ``respPersons`` is required; metro records no signer, so the one responsible "person" is the
  issuing organization, with the role 签发机构 / issuing organization (no ``mainSigner``).
* ``item/manufacturer`` is required; metro does not record it: 未记录 / not recorded.
* Proper names (organizations, assets, standards) are written once, without a language: metro
  keeps them in one language. Descriptive texts are written in zh and en.
* Locations: country CN and the organization's 6-digit administrative division code.
* ``performanceLocation`` is ``laboratory``: metro does not record where it was done.
* A certificate without result points still has the one ``result`` the schema requires, a
  text saying no points were recorded. A certificate's revocation is not a DCC field: a revoked
  certificate is exported with a statement ``metro_revoked`` saying so.
* Coverage probability: 0.95 for k = 2 (the convention of certificates), otherwise the
  two-sided normal probability of k, erf(k/√2), to 4 decimals. A missing k with a U is k = 2
  (DESIGN.md's default). D-SI cannot write k < 1: such a point is an export error.
* A uncertainty given in another unit than its measured value is converted to that unit first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from lxml import etree

from metro.dcc.dsi_units import to_dsi
from metro.dcc.errors import DccExportError, DsiUnitError
from metro.dcc.schemas import DCC_NS, DEFAULT_VERSION, SI_NS, XSI_NS, issues, libxml2_errors
from metro.dcc.texts import (
    CONCLUSION_TEXT,
    KIND_TEXT,
    LEVEL_TEXT,
    TEXT,
)
from metro.errors import InvalidInput
from metro.quantity_kinds import get_kind
from metro.repositories.dcc import CertificateRecord, Party, ResultRow
from metro.units import canonical, converter, parse_quantity

SOFTWARE: Final = "metro"
_D: Final = f"{{{DCC_NS}}}"
_S: Final = f"{{{SI_NS}}}"
_NSMAP: Final = {"dcc": DCC_NS, "si": SI_NS, "xsi": XSI_NS}


def coverage_probability(k: float) -> float:
    """0.95 for k = 2, else the two-sided normal probability erf(k/√2), 4 decimals."""
    if k == 2:
        return 0.95
    return round(math.erf(k / math.sqrt(2.0)), 4)


def _num(x: float) -> str:
    if not math.isfinite(x):
        raise DccExportError(f"value {x!r} is not finite")
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def _el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    e = etree.SubElement(parent, tag, attrs)
    if text is not None:
        e.text = text
    return e


def _text(
    parent: Any, tag: str, zh: str | None = None, en: str | None = None, *, plain: str | None = None
) -> Any:
    """A dcc:textType element: ``plain`` without a language, or zh and en contents."""
    e = _el(parent, _D + tag)
    if plain is not None:
        _el(e, _D + "content", plain)
    if zh is not None:
        _el(e, _D + "content", zh, lang="zh")
    if en is not None:
        _el(e, _D + "content", en, lang="en")
    return e


def _location(parent: Any, party: Party) -> None:
    loc = _el(parent, _D + "location")
    _el(loc, _D + "countryCode", "CN")
    further = _el(loc, _D + "further")
    _el(further, _D + "content", f"行政区划代码 {party.region}", lang="zh")
    _el(further, _D + "content", f"administrative division {party.region}", lang="en")


def _contact(parent: Any, tag: str, party: Party) -> Any:
    e = _el(parent, _D + tag)
    _text(e, "name", plain=party.name)
    _location(e, party)
    return e


def _identification(parent: Any, issuer: str, value: str, ref_type: str, key: str) -> None:
    ident = _el(parent, _D + "identification", refType=ref_type)
    _el(ident, _D + "issuer", issuer)
    _el(ident, _D + "value", value)
    _text(ident, "name", *TEXT[key])


def _software(admin: Any, version: str) -> None:
    software = _el(_el(admin, _D + "dccSoftware"), _D + "software")
    _text(software, "name", plain=SOFTWARE)
    _el(software, _D + "release", version)
    _el(software, _D + "type", "application")


def _core(admin: Any, cert: CertificateRecord) -> None:
    core = _el(admin, _D + "coreData")
    _el(core, _D + "countryCodeISO3166_1", "CN")
    _el(core, _D + "usedLangCodeISO639_1", "zh")
    _el(core, _D + "usedLangCodeISO639_1", "en")
    _el(core, _D + "mandatoryLangCodeISO639_1", "zh")
    _el(core, _D + "uniqueIdentifier", cert.number)
    day = cert.calibrated_on.isoformat()
    _el(core, _D + "beginPerformanceDate", day)
    _el(core, _D + "endPerformanceDate", day)
    _el(core, _D + "performanceLocation", "laboratory")


def _item(admin: Any, cert: CertificateRecord) -> None:
    subject = cert.subject
    items = _el(admin, _D + "items")
    item = _el(items, _D + "item")
    _text(item, "name", plain=subject.name)
    kinds = [get_kind(q) for q in subject.quantities]
    what_zh, what_en = (
        LEVEL_TEXT.get(subject.level or "", TEXT["standard"])
        if subject.kind == "standard"
        else TEXT["instrument"]
    )
    desc = _el(item, _D + "description")
    _el(
        desc,
        _D + "content",
        f"{what_zh}；量：{'、'.join(k.name_zh for k in kinds) or '未记录'}",
        lang="zh",
    )
    _el(
        desc,
        _D + "content",
        f"{what_en}; quantity: {', '.join(k.name_en for k in kinds) or 'not recorded'}",
        lang="en",
    )
    _text(_el(item, _D + "manufacturer"), "name", *TEXT["not_recorded"])
    ids = _el(item, _D + "identifications")
    _identification(ids, "owner", subject.code, "metro_assetCode", "asset_code")
    _identification(ids, "other", subject.owner.code, "metro_ownerCode", "owner_code")


def _resp_persons(admin: Any, cert: CertificateRecord) -> None:
    resp = _el(_el(admin, _D + "respPersons"), _D + "respPerson")
    _text(_el(resp, _D + "person"), "name", plain=cert.issuer.name)
    _el(resp, _D + "role", "签发机构 / issuing organization")


def _statements(admin: Any, cert: CertificateRecord) -> None:
    statements = _el(admin, _D + "statements")
    st = _el(statements, _D + "statement", refType="metro_certificateKind")
    _text(st, "name", *TEXT["certificate_kind"])
    _el(st, _D + "convention", cert.kind)
    _text(st, "declaration", *KIND_TEXT[cert.kind])
    if cert.conclusion in ("pass", "fail"):
        st = _el(statements, _D + "statement", refType="basic_conformity")
        _text(st, "name", *TEXT["conclusion"])
        _text(st, "declaration", *CONCLUSION_TEXT[cert.conclusion])
        _el(st, _D + "conformity", cert.conclusion)
    if cert.valid_until is not None:
        st = _el(statements, _D + "statement", refType="basic_recalibration")
        _text(st, "name", *TEXT["recalibration"])
        _text(st, "declaration", *TEXT["valid_until"])
        _el(st, _D + "date", cert.valid_until.isoformat())
    if cert.revoked:
        st = _el(statements, _D + "statement", refType="metro_revoked")
        _text(st, "declaration", *TEXT["revoked"])
        _el(st, _D + "valid", "false")


def _equipment(result: Any, cert: CertificateRecord, speaking: Mapping[str, str]) -> None:
    if not cert.references:
        return
    equipments = _el(result, _D + "measuringEquipments")
    _text(equipments, "name", *TEXT["references"])
    for ref in cert.references:
        eq = _el(equipments, _D + "measuringEquipment", refType="basic_normalUsed")
        _text(eq, "name", plain=ref.name)
        ids = _el(eq, _D + "identifications")
        _identification(ids, "owner", ref.code, "metro_standardCode", "standard_code")
        number = speaking.get(ref.code)
        if number:
            _identification(
                ids, "other", number, "metro_traceabilityCertificate", "traceability_certificate"
            )


def _real(
    parent: Any,
    ref_type: str,
    key: str,
    value: float,
    unit: str,
    u: float | None = None,
    k: float | None = None,
) -> None:
    q = _el(parent, _D + "quantity", refType=ref_type)
    _text(q, "name", *TEXT[key])
    real = _el(q, _S + "real")
    _el(real, _S + "value", _num(value))
    _el(real, _S + "unit", unit)
    if u is not None and k is not None:
        unc = _el(real, _S + "expandedUnc")
        _el(unc, _S + "uncertainty", _num(u))
        _el(unc, _S + "coverageFactor", _num(k))
        _el(unc, _S + "coverageProbability", repr(coverage_probability(k)))
        _el(unc, _S + "distribution", "normal")


def _point(data: Any, index: int, point: ResultRow, number: str) -> None:
    where = f"certificate {number} result point {index}"
    kind = point.quantity
    try:
        n_value, n_unit = parse_quantity(point.nominal_given)
        m_value, m_unit = parse_quantity(point.measured_given)
        n_dsi = to_dsi(n_unit, kind)
        m_dsi = to_dsi(m_unit, kind)
        u: float | None = None
        k: float | None = None
        if point.u_given:
            u_value, u_unit = parse_quantity(point.u_given)
            if u_unit != m_unit:  # express U in the measured value's unit
                scale, _ = converter(m_unit, kind, difference=True)
                u_value = canonical(point.u_given, kind, difference=True) / scale
            u = m_dsi.difference(u_value)
            k = float(point.k_given) if point.k_given else 2.0
            if not (k >= 1.0 and math.isfinite(k)):
                raise DccExportError(
                    f"{where}: k={point.k_given!r}: D-SI needs a coverage factor ≥ 1"
                )
    except DsiUnitError as exc:
        raise DccExportError(f"{where} ({kind}): {exc}") from None
    except InvalidInput as exc:
        raise DccExportError(f"{where}: {exc}") from None
    lst = _el(data, _D + "list", refType=f"metro_point metro_kind_{kind}")
    k_info = get_kind(kind)
    _text(lst, "name", f"{k_info.name_zh} 测量点 {index}", f"{k_info.name_en} point {index}")
    _real(lst, "basic_nominalValue", "nominal", n_dsi.absolute(n_value), n_dsi.text)
    _real(lst, "basic_measuredValue", "measured", m_dsi.absolute(m_value), m_dsi.text, u, k)


def _results(mr: Any, cert: CertificateRecord) -> None:
    results = _el(mr, _D + "results")
    result = _el(results, _D + "result", refType="metro_results")
    _text(result, "name", *TEXT["results"])
    data = _el(result, _D + "data")
    if not cert.results:
        _text(data, "text", *TEXT["no_points"])
        return
    for i, point in enumerate(cert.results, start=1):
        _point(data, i, point, cert.number)


def build(cert: CertificateRecord, speaking: Mapping[str, str], *, software_version: str) -> Any:
    """The DCC 3.2.0 element tree of ``cert`` (not yet validated).

    ``speaking`` maps each reference standard's code to the number of the certificate that
    spoke for it on the calibration day (absent for a primary standard).
    """
    root = etree.Element(
        _D + "digitalCalibrationCertificate", {"schemaVersion": DEFAULT_VERSION}, nsmap=_NSMAP
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{DCC_NS} https://ptb.de/dcc/v3.2.0/dcc.xsd")
    admin = _el(root, _D + "administrativeData")
    _software(admin, software_version)
    _core(admin, cert)
    _item(admin, cert)
    lab = _el(admin, _D + "calibrationLaboratory")
    _el(lab, _D + "calibrationLaboratoryCode", cert.issuer.code)
    _contact(lab, "contact", cert.issuer)
    _resp_persons(admin, cert)
    _contact(admin, "customer", cert.subject.owner)
    _statements(admin, cert)
    mr = _el(_el(root, _D + "measurementResults"), _D + "measurementResult")
    _text(mr, "name", *TEXT["results"])
    _equipment(mr, cert, speaking)
    _results(mr, cert)
    return root


def to_bytes(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def export(cert: CertificateRecord, speaking: Mapping[str, str], *, software_version: str) -> bytes:
    """The DCC of ``cert`` as UTF-8 XML; ``DccExportError`` when it is not schema-valid.

    Checked with libxml2 (fast, see :mod:`metro.dcc.schemas`); a failure is described with
    xmlschema's message naming the path and the rule.
    """
    root = build(cert, speaking, software_version=software_version)
    problems = libxml2_errors(root, DEFAULT_VERSION)
    if problems:
        found = issues(root, DEFAULT_VERSION)
        first = str(found[0]) if found else problems[0]
        raise DccExportError(
            f"certificate {cert.issuer.code}#{cert.number}: the DCC written does not validate "
            f"against DCC {DEFAULT_VERSION}: {first} ({len(problems)} problem(s))"
        )
    return to_bytes(root)
