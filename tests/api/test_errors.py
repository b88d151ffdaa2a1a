"""Every error is RFC 9457 problem+json: the framework's 404/405/422, domain errors, 401."""

from __future__ import annotations

from api.errors import field_path

FIELDS = {"type", "title", "status", "detail", "instance"}


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) >= FIELDS and body["status"] == status
    return body


def test_unknown_path_is_a_404_problem(api):
    body = _problem(api.client.get("/api/v1/no-such-thing"), 404)
    assert body["instance"] == "/api/v1/no-such-thing"


def test_wrong_method_is_a_405_problem(api):
    body = _problem(api.client.put("/api/v1/me"), 405)
    assert "PUT" in body["detail"]


def test_query_validation_is_a_422_problem_with_field_paths(api):
    body = _problem(api.get("ent1", "/api/v1/instruments", params={"limit": 0, "at": "x"}), 422)
    locs = {e["loc"] for e in body["errors"]}
    assert locs == {"query.limit", "query.at"}


def test_body_validation_names_the_nested_field(api):
    r = api.post(
        "lab-hn",
        "/api/v1/certificates",
        json={
            "number": "N1",
            "kind": "calibration",
            "subject": "G-001",
            "calibrated_on": "2025-11-01",
            "conclusion": "none",
            "references": ["HN-P1"],
            "results": [{"nominal": "1 MPa", "measured": "1 MPa"}, {"nominal": "1 MPa"}],
        },
    )
    body = _problem(r, 422)
    assert "results[1].measured" in {e["loc"] for e in body["errors"]}


def test_a_unit_error_in_a_result_point_names_its_place(api):
    r = api.post(
        "lab-hn",
        "/api/v1/certificates",
        json={
            "number": "N2",
            "kind": "calibration",
            "subject": "G-001",
            "calibrated_on": "2025-11-01",
            "valid_until": "2026-10-31",
            "conclusion": "none",
            "references": ["HN-P1"],
            "results": [
                {"nominal": "1 MPa", "measured": "1.001 MPa", "u": "0.001 MPa"},
                {"nominal": "2 MPa", "measured": "2.001 MPa", "u": "0.001 MPa"},
                {"nominal": "5 MPa", "measured": "5.001 MPa", "u": "0.02 kg"},
            ],
        },
    )
    body = _problem(r, 422)
    assert body["errors"][0]["loc"] == "results[2].u"
    assert "0.02 kg" in body["errors"][0]["msg"]


def test_a_duplicate_is_a_409_problem(api):
    r = api.post(
        "ent1",
        "/api/v1/instruments",
        json={
            "code": "G-001",
            "name": "x",
            "quantity": "pressure",
            "range_min": "0 MPa",
            "range_max": "1 MPa",
            "mpe_rel": "1 %",
        },
    )
    _problem(r, 409)


def test_a_route_for_other_roles_is_403_not_404(api):
    _problem(api.get("ent1", "/api/v1/coverage"), 403)


def test_field_paths():
    assert field_path(("body", "results", 2, "u")) == "results[2].u"
    assert field_path(("query", "at")) == "query.at"
    assert field_path(("body",)) == "body"
