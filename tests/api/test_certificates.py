"""Writes over HTTP: an enterprise registers an instrument, a lab records its certificate and
the instrument turns valid; the change log names the author (user or API key)."""

from __future__ import annotations

from metro.model.actor import Actor
from metro.repositories.changes import entries
from metro.services import accounts

GAUGE = {
    "code": "G-NEW",
    "name": "压力表",
    "quantity": "pressure",
    "range_min": "0 MPa",
    "range_max": "6 MPa",
    "mpe_rel": "1.6 %",
    "mandatory": True,
    "interval_months": 12,
}
CERT = {
    "number": "CS2025-100",
    "kind": "verification",
    "subject": "G-NEW",
    "calibrated_on": "2025-11-30",
    "valid_until": "2026-11-29",
    "conclusion": "pass",
    "references": ["CS-P1"],
    "results": [
        {"nominal": "6 MPa", "measured": "6.01 MPa", "u": "0.004 MPa", "k": "2"},
        {"nominal": "870 psi", "measured": "871 psi", "u": "0.5 psi"},
    ],
}


def test_a_certificate_recorded_over_http_makes_the_instrument_valid(api):
    r = api.post("ent1", "/api/v1/instruments", json=GAUGE)
    assert r.status_code == 201, r.text
    assert r.json()["owner"] == "ENT1"
    assert r.json()["status"] == "never_calibrated"

    r = api.post("lab-cs", "/api/v1/certificates", json=CERT)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["subject"]["code"] == "G-NEW" and body["subject"]["status"] == "valid"
    assert body["certificate"]["issuer"] == "CSIM"
    assert len(body["verification_code"]) == 16
    assert body["chain"]["traceable"] is True

    seen = api.get("ent1", "/api/v1/instruments/G-NEW").json()
    assert seen["status"] == "valid"
    # The issuer reads the verification code back; the owner reads the certificate without it.
    mine = api.get("lab-cs", "/api/v1/certificates/CSIM/CS2025-100").json()
    assert mine["verification_code"] == body["verification_code"]
    assert "verification_code" not in api.get("ent1", "/api/v1/certificates/CSIM/CS2025-100").json()

    with api.db.engine.connect() as conn:
        logged = entries(conn, object_type="certificate", object_key="CSIM#CS2025-100")
        registered = entries(conn, object_type="instrument", object_key="G-NEW")
    assert [e["actor"] for e in logged] == ["user:lab-cs"]
    assert [e["actor"] for e in registered] == ["user:ent1"]


def test_an_api_key_write_is_logged_as_the_key(api):
    with api.db.engine.begin() as conn:
        prefix, key = accounts.create_api_key(
            conn, actor=Actor("system:test"), now=api.clock.now, username="ent2"
        )
    r = api.client.post("/api/v1/instruments", json=GAUGE, headers={"X-API-Key": key})
    assert r.status_code == 201, r.text
    with api.db.engine.connect() as conn:
        logged = entries(conn, object_type="instrument", object_key="G-NEW")
    assert [e["actor"] for e in logged] == [f"key:{prefix}"]


def test_an_issued_certificate_is_not_recorded_twice(api):
    api.post("ent1", "/api/v1/instruments", json=GAUGE)
    assert api.post("lab-cs", "/api/v1/certificates", json=CERT).status_code == 201
    again = api.post("lab-cs", "/api/v1/certificates", json={**CERT, "conclusion": "fail"})
    assert again.status_code == 409


def test_a_lab_cites_only_its_own_standards(api):
    api.post("ent1", "/api/v1/instruments", json=GAUGE)
    r = api.post("lab-cs", "/api/v1/certificates", json={**CERT, "references": ["HN-P1"]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == "references"


def test_only_labs_record_certificates(api):
    api.post("ent1", "/api/v1/instruments", json=GAUGE)
    assert api.post("ent1", "/api/v1/certificates", json=CERT).status_code == 403


def test_a_certificate_dated_in_the_future_is_refused(api):
    api.post("ent1", "/api/v1/instruments", json=GAUGE)
    r = api.post("lab-cs", "/api/v1/certificates", json={**CERT, "calibrated_on": "2025-12-02"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == "calibrated_on"


def test_coverage_over_http_equals_the_cli(api):
    import json

    from typer.testing import CliRunner

    from metro.cli import app

    r = api.get("bureau", "/api/v1/coverage", params={"at": "2025-12-01", "by": "region"})
    assert r.status_code == 200
    cli = CliRunner().invoke(
        app, ["--db", api.db.url, "coverage", "--at", "2025-12-01", "--by", "region", "--json"]
    )
    assert cli.exit_code == 0, cli.output
    assert r.json() == json.loads(cli.stdout)
