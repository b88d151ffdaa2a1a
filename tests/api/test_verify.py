"""Public verification of a certificate by number and printed code."""

from __future__ import annotations

from datetime import date

from metro.model.verification import verification_code
from metro.services import accounts


def _code(api, issuer: str, number: str) -> str:
    with api.db.engine.begin() as conn:
        key = accounts.secret(conn, name=accounts.VERIFICATION_CODE, now=api.clock.now)
    return verification_code(key, issuer, number)


def test_the_right_code_shows_the_certificate_and_nothing_else(api):
    code = _code(api, "CSIM", "CS2025-002")
    r = api.client.get("/api/v1/verify/CS2025-002", params={"code": code})
    assert r.status_code == 200
    assert r.json() == {
        "number": "CS2025-002",
        "issuer": "CSIM",
        "issuer_name": "长沙市计量检定测试所",
        "kind": "verification",
        "subject": "G-001",
        "calibrated_on": "2025-05-01",
        "valid_until": "2026-04-30",
        "conclusion": "pass",
        "standing": "in_force",
    }
    # Typed in lower case, it is the same code.
    assert (
        api.client.get("/api/v1/verify/CS2025-002", params={"code": code.lower()}).status_code
        == 200
    )


def test_standing_follows_the_date(api):
    code = _code(api, "CSIM", "CS2025-002")
    later = api.client.get("/api/v1/verify/CS2025-002", params={"code": code, "at": "2026-05-01"})
    assert later.json()["standing"] == "expired"


def test_a_wrong_code_and_an_unknown_number_are_the_same_404(api):
    good = _code(api, "CSIM", "CS2025-002")
    wrong = api.client.get(
        "/api/v1/verify/CS2025-002", params={"code": good[:-1] + "A" if good[-1] != "A" else "B"}
    )
    other = api.client.get(
        "/api/v1/verify/CS2025-002", params={"code": _code(api, "HNIMT", "CS2025-002")}
    )
    unknown = api.client.get("/api/v1/verify/NOPE", params={"code": good})
    for r in (wrong, other, unknown):
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
    assert wrong.json()["title"] == unknown.json()["title"]


def test_codes_differ_per_issuer_number_and_key():
    assert verification_code("k", "A1", "2") != verification_code("k", "A", "12")
    assert verification_code("k", "A", "1") != verification_code("k2", "A", "1")
    assert len(verification_code("k", "A", "1")) == 16


def test_revoked_and_superseded_certificates_say_so(api):
    r = api.post(
        "lab-cs", "/api/v1/certificates/CSIM/CS2025-001/revoke", json={"reason": "wrong reference"}
    )
    assert r.status_code == 200, r.text
    code = _code(api, "CSIM", "CS2025-001")
    got = api.client.get("/api/v1/verify/CS2025-001", params={"code": code}).json()
    assert got["standing"] == "revoked"
    new = {
        "number": "CS2025-002R",
        "kind": "verification",
        "subject": "G-001",
        "calibrated_on": "2025-05-01",
        "valid_until": "2026-04-30",
        "conclusion": "pass",
        "references": ["CS-P1"],
    }
    r = api.post("lab-cs", "/api/v1/certificates/CSIM/CS2025-002/supersede", json=new)
    assert r.status_code == 201, r.text
    code = _code(api, "CSIM", "CS2025-002")
    got = api.client.get("/api/v1/verify/CS2025-002", params={"code": code}).json()
    assert got["standing"] == "superseded"
    assert date.fromisoformat(got["calibrated_on"]) == date(2025, 5, 1)
