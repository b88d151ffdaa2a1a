"""Export: the seed's certificates of every quantity kind with a D-SI form validate against the
DCC 3.2.0 XSD; the others are refused naming the unit; the mapping says what DESIGN.md says."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from lxml import etree

from metro.dcc import export as dcc_export
from metro.dcc.dsi_units import is_dsi, to_dsi
from metro.dcc.errors import DccExportError, DsiUnitError
from metro.dcc.schemas import DCC_NS, SI_NS, issues, schema
from metro.model.actor import cli_actor
from metro.quantity_kinds import kinds
from metro.repositories import dcc as repo
from metro.repositories.traceability import standard_certificates
from metro.services import dcc
from metro.traceability.speaking import Timeline
from metro.units import canonical, parse_quantity

NS = {"dcc": DCC_NS, "si": SI_NS}
ACTOR = cli_actor("test")
PER_KIND = 2


def _has_dsi_form(kind: str) -> bool:
    try:
        to_dsi(kinds()[kind].canonical_unit, kind)
    except DsiUnitError:
        return False
    return True


def test_a_sample_of_every_seed_kind_validates_or_is_refused_naming_the_unit(seed_db) -> None:
    with seed_db.engine.connect() as conn:
        sample = repo.sample_by_quantity(conn, PER_KIND)
        assert len(sample) >= 40  # the seed has points of most kinds of the catalogue
        for kind, keys in sorted(sample.items()):
            for issuer, number in keys:
                if _has_dsi_form(kind):
                    data = dcc.export(conn, actor=ACTOR, issuer=issuer, number=number)
                    root = etree.fromstring(data)
                    assert issues(root, "3.2.0") == []
                    assert root.get("schemaVersion") == "3.2.0"
                    for unit in root.xpath("//si:unit/text()", namespaces=NS):
                        assert is_dsi(unit), (kind, unit)
                else:
                    record = repo.certificate(conn, issuer=issuer, number=number)
                    assert record is not None
                    unit = parse_quantity(record.results[0].nominal_given)[1]
                    with pytest.raises(DccExportError, match=f"unit '{unit}' has no D-SI form"):
                        dcc.export(conn, actor=ACTOR, issuer=issuer, number=number)


def test_the_mapping_of_one_certificate(seed_db) -> None:
    with seed_db.engine.connect() as conn:
        issuer, number = repo.sample_by_quantity(conn, 1)["temperature"][0]
        record = repo.certificate(conn, issuer=issuer, number=number)
        assert record is not None
        root = etree.fromstring(dcc.export(conn, actor=ACTOR, issuer=issuer, number=number))

    def one(path: str) -> str:
        (got,) = root.xpath(path, namespaces=NS)
        return str(got)

    admin = "dcc:administrativeData/"
    assert one(admin + "dcc:coreData/dcc:uniqueIdentifier/text()") == record.number
    assert one(admin + "dcc:coreData/dcc:countryCodeISO3166_1/text()") == "CN"
    langs = root.xpath(admin + "dcc:coreData/dcc:usedLangCodeISO639_1/text()", namespaces=NS)
    assert langs == ["zh", "en"]
    day = record.calibrated_on.isoformat()
    assert one(admin + "dcc:coreData/dcc:beginPerformanceDate/text()") == day
    assert one(admin + "dcc:coreData/dcc:endPerformanceDate/text()") == day
    lab = admin + "dcc:calibrationLaboratory/"
    assert one(lab + "dcc:calibrationLaboratoryCode/text()") == record.issuer.code
    assert one(lab + "dcc:contact/dcc:name/dcc:content/text()") == record.issuer.name
    assert one(admin + "dcc:customer/dcc:name/dcc:content/text()") == record.subject.owner.name
    ids = admin + "dcc:items/dcc:item/dcc:identifications/dcc:identification"
    assert one(ids + "[@refType='metro_assetCode']/dcc:value/text()") == record.subject.code
    assert one(ids + "[@refType='metro_ownerCode']/dcc:value/text()") == record.subject.owner.code
    st = admin + "dcc:statements/dcc:statement"
    assert one(st + "[@refType='metro_certificateKind']/dcc:convention/text()") == record.kind
    if record.valid_until:
        recal = one(st + "[@refType='basic_recalibration']/dcc:date/text()")
        assert recal == record.valid_until.isoformat()
    eq = root.xpath("//dcc:measuringEquipment", namespaces=NS)
    assert [e.get("refType") for e in eq] == ["basic_normalUsed"] * len(record.references)
    codes = root.xpath(
        "//dcc:measuringEquipment//dcc:identification[@refType='metro_standardCode']"
        "/dcc:value/text()",
        namespaces=NS,
    )
    assert codes == [r.code for r in record.references]
    measured = root.xpath("//dcc:quantity[@refType='basic_measuredValue']/si:real", namespaces=NS)
    assert len(measured) == len(record.results)
    for real, point in zip(measured, record.results, strict=True):
        unit = real.findtext(f"{{{SI_NS}}}unit")
        value = float(real.findtext(f"{{{SI_NS}}}value"))
        _, given_unit = parse_quantity(point.measured_given)
        assert unit == to_dsi(given_unit, "temperature").text
        assert canonical(f"{value} {given_unit}", "temperature") == pytest.approx(
            canonical(point.measured_given, "temperature")
        )
        k = float(real.findtext(f"{{{SI_NS}}}expandedUnc/{{{SI_NS}}}coverageFactor"))
        p = float(real.findtext(f"{{{SI_NS}}}expandedUnc/{{{SI_NS}}}coverageProbability"))
        assert p == (0.95 if k == 2 else round(math.erf(k / math.sqrt(2)), 4))


def test_speaking_certificate_of_each_reference_is_named(seed_db) -> None:
    named = 0
    with seed_db.engine.connect() as conn:
        for issuer, number in repo.certificate_keys(conn, limit=300):
            record = repo.certificate(conn, issuer=issuer, number=number)
            assert record is not None
            spoken = dcc._speaking_numbers(conn, record)
            for ref in record.references:
                # The traceability engine's own timeline of the reference says the same.
                timeline = Timeline.of(standard_certificates(conn, [ref.id]))
                spoke = timeline.speaking(record.calibrated_on)
                assert spoken.get(ref.code) == (spoke.number if spoke else None)
            if spoken:
                named += 1
                root = dcc_export.build(record, spoken, software_version="test")
                got = root.xpath(
                    "//dcc:identification[@refType='metro_traceabilityCertificate']"
                    "/dcc:value/text()",
                    namespaces=NS,
                )
                assert got == [spoken[r.code] for r in record.references if r.code in spoken]
    assert named > 0, "the sample has certificates whose references have certificates"


@pytest.mark.parametrize(("k", "p"), [(2.0, 0.95), (1.0, 0.6827), (3.0, 0.9973), (1.96, 0.95)])
def test_coverage_probability(k: float, p: float) -> None:
    assert dcc_export.coverage_probability(k) == p


def _record(seed_db, kind: str) -> repo.CertificateRecord:
    with seed_db.engine.connect() as conn:
        issuer, number = repo.sample_by_quantity(conn, 1)[kind][0]
        record = repo.certificate(conn, issuer=issuer, number=number)
    assert record is not None
    return record


def test_non_si_units_are_converted_and_still_validate(seed_db) -> None:
    record = _record(seed_db, "pressure")
    point = repo.ResultRow("pressure", "100 psi", "100.2 psi", "0.05 psi", "2")
    root = dcc_export.build(replace(record, results=(point,)), {}, software_version="t")
    assert not list(schema("3.2.0").iter_errors(root))
    (real,) = root.xpath("//dcc:quantity[@refType='basic_measuredValue']/si:real", namespaces=NS)
    assert real.findtext(f"{{{SI_NS}}}unit") == r"\pascal"
    assert float(real.findtext(f"{{{SI_NS}}}value")) == pytest.approx(
        canonical("100.2 psi", "pressure")
    )
    u = float(real.findtext(f"{{{SI_NS}}}expandedUnc/{{{SI_NS}}}uncertainty"))
    assert u == pytest.approx(canonical("0.05 psi", "pressure", difference=True))


def test_fahrenheit_values_take_the_offset_and_uncertainty_does_not(seed_db) -> None:
    record = _record(seed_db, "temperature")
    point = repo.ResultRow("temperature", "212 degF", "212.18 degF", "0.9 degF", "2")
    root = dcc_export.build(replace(record, results=(point,)), {}, software_version="t")
    (real,) = root.xpath("//dcc:quantity[@refType='basic_measuredValue']/si:real", namespaces=NS)
    assert float(real.findtext(f"{{{SI_NS}}}value")) == pytest.approx(373.25, abs=1e-9)
    u = float(real.findtext(f"{{{SI_NS}}}expandedUnc/{{{SI_NS}}}uncertainty"))
    assert u == pytest.approx(0.5)


def test_a_certificate_without_points_or_end_date_still_validates(seed_db) -> None:
    record = replace(
        _record(seed_db, "length"), results=(), valid_until=None, revoked=True, conclusion="fail"
    )
    data = dcc_export.export(record, {}, software_version="t")
    root = etree.fromstring(data)
    assert root.xpath("//dcc:statement[@refType='basic_recalibration']", namespaces=NS) == []
    assert root.xpath(
        "//dcc:statement[@refType='basic_conformity']/dcc:conformity/text()", namespaces=NS
    ) == ["fail"]
    assert root.xpath("//dcc:statement[@refType='metro_revoked']", namespaces=NS)


def test_a_coverage_factor_below_one_is_an_export_error(seed_db) -> None:
    record = _record(seed_db, "length")
    point = replace(record.results[0], k_given="0.5")
    with pytest.raises(DccExportError, match="coverage factor"):
        dcc_export.export(replace(record, results=(point,)), {}, software_version="t")


def test_an_unknown_certificate_answers_not_found(seed_db) -> None:
    from metro.errors import NotFound

    with seed_db.engine.connect() as conn, pytest.raises(NotFound, match="NIM#NO-SUCH"):
        dcc.export(conn, actor=ACTOR, issuer="NIM", number="NO-SUCH")


def test_an_invalid_document_is_refused_by_export_naming_path_and_rule(seed_db) -> None:
    record = replace(_record(seed_db, "length"), number="NO 1 ")  # trailing space: not a token
    root = dcc_export.build(record, {}, software_version="t")
    assert issues(root, "3.2.0")  # xmlschema and libxml2 agree that it is invalid
    with pytest.raises(DccExportError) as caught:
        dcc_export.export(record, {}, software_version="t")
    message = str(caught.value)
    assert "does not validate against DCC 3.2.0" in message
    assert "dcc:uniqueIdentifier" in message and "xs:pattern" in message
