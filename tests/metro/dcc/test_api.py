"""DCC over HTTP: GET a certificate's DCC (scoped like the certificate), POST a DCC (a lab)."""

from __future__ import annotations

from lxml import etree

from metro.dcc.schemas import issues
from tests.api.conftest import api  # noqa: F401  (the fixture)
from tests.metro.dcc.conftest import EXAMPLES

URL = "/api/v1/certificates/HNIMT/HN2025-201/dcc"
IMPORT = "/api/v1/certificates/dcc"


def post_xml(api, username: str, data: bytes):  # noqa: F811
    headers = {**api.headers(username), "Content-Type": "application/xml"}
    return api.client.post(IMPORT, content=data, headers=headers)


def test_the_dcc_of_a_certificate_is_scoped_like_the_certificate(api) -> None:  # noqa: F811
    r = api.get("lab-hn", URL)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/xml")
    assert issues(etree.fromstring(r.content), "3.2.0") == []
    assert api.get("ent2", URL).status_code == 200  # the owner of the subject
    assert api.get("lab-cs", URL).status_code == 404  # another lab: as if absent
    assert api.get("bureau", URL).status_code == 200
    assert api.get("lab-hn", "/api/v1/certificates/HNIMT/NOPE/dcc").status_code == 404


def test_a_lab_records_its_certificate_from_a_dcc(api) -> None:  # noqa: F811
    data = api.get("lab-hn", URL).content.replace(b">HN2025-201<", b">HN2025-901<")
    r = post_xml(api, "lab-hn", data)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["recorded"] is True and body["number"] == "HN2025-901"
    assert body["subject"]["matched"] == "G-201"
    r = post_xml(api, "lab-hn", data)
    assert r.status_code == 409
    other = data.replace(b">HN2025-901<", b">HN2025-902<")
    r = post_xml(api, "lab-cs", other)
    assert r.status_code == 404  # not its own certificate: as if the issuer were absent
    assert post_xml(api, "ent1", other).status_code == 403  # labs only


def test_bad_and_unmatched_dccs_are_422_with_every_problem(api) -> None:  # noqa: F811
    r = post_xml(api, "lab-hn", b"<dcc")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"][0] == "line 1"
    signed = (EXAMPLES / "dcc_gp_temperature_typical_v12_v3.2.0_signed.xml").read_bytes()
    r = post_xml(api, "lab-hn", signed)
    assert r.status_code == 422
    msgs = [e["msg"] for e in r.json()["errors"]]
    assert any(m.startswith("issuer 'Kalibrierfirma GmbH'") for m in msgs)
    assert any(m.startswith("subject 'Temperature sensor'") for m in msgs)
