"""Import: the shipped PTB examples are read and explained, bad files name line and rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from metro.dcc.errors import DccInvalid, DccUnmatched
from metro.dcc.reader import read
from metro.model.actor import cli_actor
from metro.repositories import changes
from metro.services import dcc
from tests.metro.dcc.conftest import EXAMPLES

SIMPLIFIED = EXAMPLES / "dcc_gp_temperature_simplified_v12.xml"
TYPICAL = EXAMPLES / "dcc_gp_temperature_typical_v12.xml"
SIGNED = EXAMPLES / "dcc_gp_temperature_typical_v12_v3.2.0_signed.xml"
NOW = datetime(2026, 11, 26, tzinfo=UTC)


@pytest.mark.parametrize(
    ("path", "version", "signed", "number"),
    [
        (SIMPLIFIED, "3.1.1", False, "GP_DCC_temperature_minimal_1.2"),
        (TYPICAL, "3.1.1", False, "GP_DCC_temperature_typical_1.2"),
        (SIGNED, "3.2.0", True, "GP_DCC_temperature_typical_1.2"),
    ],
)
def test_the_shipped_examples_are_understood(path, version, signed, number) -> None:
    draft = read(path.read_bytes(), source=path.name)
    assert (draft.version, draft.signed, draft.number) == (version, signed, number)
    assert draft.issuer.name == "Kalibrierfirma GmbH"
    assert draft.customer.name == "Kunde GmbH"
    assert draft.item.name == "Temperature sensor"
    assert [i.value for i in draft.item.identifications] == [
        "string-manufacturer-item",
        "string-customer-item",
        "string-calibrationLaboratory-item",
    ]
    assert draft.calibrated_on == date(1957, 8, 13)
    assert draft.valid_until == date(1959, 10, 22)
    assert draft.conclusion == "pass"
    assert draft.kind is None  # no metro statement: read as a calibration
    assert [r.name for r in draft.references] == ["Pt 100 thermometer"]
    # Five points of the table: reference value (K, the first form of the hybrid), the
    # indicated value, and U = 0.061 K at k = 2 from the measurement-error column.
    assert [p.nominal.value for p in draft.points] == [306.248, 373.121, 448.253, 523.319, 593.154]
    assert [p.measured.value for p in draft.points] == [306.32, 373.21, 448.36, 523.31, 593.07]
    assert {(p.measured.unit, p.measured.u, p.measured.k) for p in draft.points} == {
        (r"\kelvin", 0.061, 2.0)
    }


@pytest.mark.parametrize("path", [SIMPLIFIED, TYPICAL, SIGNED])
def test_the_examples_are_reported_with_what_cannot_be_matched(db, path) -> None:
    with db.engine.connect() as conn:
        report = dcc.understand(conn, data=path.read_bytes(), source=path.name)
        with pytest.raises(DccUnmatched) as caught:
            dcc.import_dcc(conn, actor=cli_actor("t"), now=NOW, data=path.read_bytes())
        assert changes.entries(conn, object_type="certificate") == []
    problems = "\n".join(report.problems)
    assert "issuer 'Kalibrierfirma GmbH': no organization has this name" in problems
    assert "subject 'Temperature sensor': none of its identifications" in problems
    assert "'string-manufacturer-item'" in problems
    assert "reference 'Pt 100 thermometer': none of its identifications" in problems
    assert "5 result point(s) read but not usable" in problems
    shown = report.as_dict()
    assert shown["results"][0]["nominal"] == "306.248 K"
    assert shown["results"][0]["u"] == "0.061 K"
    assert shown["signature"] == (
        "signed, signature NOT verified" if path == SIGNED else "not signed"
    )
    assert caught.value.report is not None
    assert list(caught.value.problems) == report.problems


def test_not_well_formed_names_the_line() -> None:
    data = SIMPLIFIED.read_bytes().replace(b"</dcc:uniqueIdentifier>", b"</dcc:uniqueId>", 1)
    with pytest.raises(DccInvalid) as caught:
        read(data, source="bad.xml")
    (issue,) = caught.value.issues
    line = data[: data.index(b"</dcc:uniqueId>")].count(b"\n") + 1
    assert issue.line == line
    assert "not well-formed" in caught.value.summary
    assert "mismatch" in issue.message


def test_schema_errors_name_line_and_rule() -> None:
    data = SIMPLIFIED.read_bytes()
    data = data.replace(
        b"<dcc:countryCodeISO3166_1>DE</dcc:countryCodeISO3166_1>",
        b"<dcc:countryCodeISO3166_1>Deutschland</dcc:countryCodeISO3166_1>",
    )
    data = data.replace(b"<dcc:endPerformanceDate>1957-08-13</dcc:endPerformanceDate>", b"")
    with pytest.raises(DccInvalid) as caught:
        read(data, source="bad.xml")
    err = caught.value
    assert "not valid against the DCC 3.1.1 schema: 2 problem(s)" in err.summary
    country, core = sorted(err.issues, key=lambda i: i.path, reverse=True)
    assert country.line == data[: data.index(b"Deutschland")].count(b"\n") + 1
    assert "rule: dcc:stringISO3166Type xs:pattern" in country.message
    assert "'Deutschland'" in country.message
    assert "dcc:endPerformanceDate' expected" in core.message
    assert "rule: dcc:coreDataType xs:sequence" in core.message
    assert all(str(i).startswith(f"line {i.line}: ") for i in err.issues)


def test_a_file_that_is_not_a_dcc_or_of_another_version() -> None:
    with pytest.raises(DccInvalid, match="not a DCC"):
        read(b"<?xml version='1.0'?><invoice/>")
    data = SIMPLIFIED.read_bytes().replace(b'schemaVersion="3.1.1"', b'schemaVersion="2.4.0"')
    with pytest.raises(DccInvalid, match="version not supported") as caught:
        read(data)
    assert "metro reads 3.1.1, 3.1.2, 3.2.0" in str(caught.value)


def test_a_311_file_declared_as_320_is_invalid_against_320() -> None:
    data = TYPICAL.read_bytes().replace(b'schemaVersion="3.1.1"', b'schemaVersion="3.2.0"')
    read(data)  # 3.1.1 content happens to be valid 3.2.0 too
    data = SIGNED.read_bytes().replace(b'schemaVersion="3.2.0"', b'schemaVersion="3.1.2"')
    with pytest.raises(DccInvalid, match=r"3\.1\.2 schema"):
        read(data)  # ds:Signature is not part of 3.1.x


def test_entities_are_not_expanded() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    with pytest.raises(DccInvalid):
        read(data)
