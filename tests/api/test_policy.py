"""The scoping policy over HTTP: what each role reads, and an IDOR sweep proving that no
endpoint hands one organization another's objects (reads and writes alike answer 404)."""

from __future__ import annotations

from sqlalchemy import func, select

from metro.db.models import Certificate, ChangeLog, Instrument

# What each organization owns or issued in tests/api/conftest.py's province.
INSTRUMENTS = {"ENT1": ["G-001", "G-002"], "ENT2": ["G-201"]}
STANDARDS = {
    "HNIMT": ["HN-P1"],
    "CSIM": ["CS-P1"],
    "ENT1": ["ENT1-S"],
    "ENT2": ["ENT2-S"],
    "NIM": ["NIM-P"],
}
CERTIFICATES = {
    "HNIMT": ["HN2025-001", "HN2025-002", "HN2025-201", "HN2025-202"],
    "CSIM": ["CS2025-001", "CS2025-002"],
    "ENT1": ["ENT2025-001"],
}
SUBJECT_OWNER = {
    "HN2025-001": "HNIMT",
    "HN2025-002": "CSIM",
    "HN2025-201": "ENT2",
    "HN2025-202": "ENT2",
    "CS2025-001": "ENT1",
    "CS2025-002": "ENT1",
    "ENT2025-001": "ENT1",
}
ORG_OF = {"lab-hn": "HNIMT", "lab-cs": "CSIM", "ent1": "ENT1", "ent2": "ENT2"}


def _codes(body) -> set[str]:
    items = body["items"] if isinstance(body, dict) else body
    return {i.get("code") or i.get("asset") for i in items}


def test_bureau_and_admin_read_everything(api):
    for user in ("bureau", "admin"):
        got = _codes(api.get(user, "/api/v1/instruments").json())
        assert got == {"G-001", "G-002", "G-201"}
        assert {s["code"] for s in api.get(user, "/api/v1/standards").json()} == {
            c for codes in STANDARDS.values() for c in codes
        }
        assert api.get(user, "/api/v1/certificates/ENT1/ENT2025-001").status_code == 200


def test_an_enterprise_reads_its_own(api):
    assert _codes(api.get("ent1", "/api/v1/instruments").json()) == {"G-001", "G-002"}
    assert _codes(api.get("ent2", "/api/v1/instruments").json()) == {"G-201"}
    assert [s["code"] for s in api.get("ent2", "/api/v1/standards").json()] == ["ENT2-S"]
    one = api.get("ent1", "/api/v1/instruments/G-001", params={"at": "2025-12-01"})
    assert one.status_code == 200
    assert one.json()["status"] == "valid"
    # The certificate of its instrument, issued by a lab, is its to read.
    assert api.get("ent1", "/api/v1/certificates/CSIM/CS2025-002").status_code == 200


def test_a_chain_shows_only_codes_issuers_and_dates_of_other_organizations_links(api):
    chain = api.get("ent1", "/api/v1/instruments/G-001", params={"at": "2025-12-01"}).json()[
        "chain"
    ]
    assert chain["links"]
    for link in chain["links"]:
        assert {"certificate", "subject", "issuer", "calibrated_on", "valid_until"} <= set(link)
        if link["subject"] not in ("G-001", "G-002", "ENT1-S"):
            assert "adequacy" not in link and "paths" not in link and "problem" not in link
    full = api.get("bureau", "/api/v1/instruments/G-001", params={"at": "2025-12-01"}).json()
    assert all("adequacy" in link for link in full["chain"]["links"])


def test_a_lab_reads_its_standards_and_what_it_certified(api):
    assert _codes(api.get("lab-hn", "/api/v1/instruments").json()) == {"G-201"}
    assert _codes(api.get("lab-cs", "/api/v1/instruments").json()) == {"G-001"}
    assert [s["code"] for s in api.get("lab-cs", "/api/v1/standards").json()] == ["CS-P1"]
    assert api.get("lab-hn", "/api/v1/standards/CS-P1").status_code == 200  # it certified it
    assert api.get("lab-cs", "/api/v1/certificates/CSIM/CS2025-002").status_code == 200
    recall = {
        i["asset"]
        for i in api.get("lab-cs", "/api/v1/due", params={"at": "2026-04-20", "within": 30}).json()
    }
    assert recall and recall <= {"G-001", "CS-P1", "ENT1-S"}


def _foreign_requests(user: str) -> list[tuple[str, str, dict]]:
    """Every endpoint with every other organization's identifiers, reads and writes."""
    org = ORG_OF[user]
    reads_of_lab = {
        "lab-hn": {"G-201", "ENT2-S", "CS-P1", "HN-P1"},
        "lab-cs": {"G-001", "ENT1-S", "CS-P1"},
    }
    mine = (
        set(INSTRUMENTS.get(org, [])) | set(STANDARDS.get(org, [])) | reads_of_lab.get(user, set())
    )
    out: list[tuple[str, str, dict]] = []
    for owner, codes in INSTRUMENTS.items():
        for code in codes:
            if code in mine:
                continue
            out.append(("GET", f"/api/v1/instruments/{code}", {}))
            out.append(("GET", f"/api/v1/instruments/{code}/providers", {}))
        if owner != org:
            out.append(("GET", "/api/v1/instruments", {"params": {"owner": owner}}))
            out.append(("GET", "/api/v1/due", {"params": {"owner": owner}}))
            out.append(
                (
                    "POST",
                    "/api/v1/instruments",
                    {
                        "json": {
                            "code": f"NEW-{owner}",
                            "name": "x",
                            "owner": owner,
                            "quantity": "pressure",
                            "range_min": "0 MPa",
                            "range_max": "1 MPa",
                            "mpe_rel": "1 %",
                        }
                    },
                )
            )
    for owner, codes in STANDARDS.items():
        for code in codes:
            if code in mine:
                continue
            out.append(("GET", f"/api/v1/standards/{code}", {}))
            out.append(("GET", f"/api/v1/impact/{code}", {}))
        if owner != org:
            out.append(("GET", "/api/v1/standards", {"params": {"owner": owner}}))
    for issuer, numbers in CERTIFICATES.items():
        if issuer == org:
            continue
        for number in numbers:
            cert = f"/api/v1/certificates/{issuer}/{number}"
            subject_owner = SUBJECT_OWNER[number]
            if subject_owner != org:
                out.append(("GET", cert, {}))
            out.append(("POST", f"{cert}/revoke", {"json": {"reason": "not mine"}}))
            out.append(
                (
                    "POST",
                    f"{cert}/supersede",
                    {
                        "json": {
                            "number": f"{number}-X",
                            "kind": "verification",
                            "subject": "G-001",
                            "calibrated_on": "2025-11-01",
                            "valid_until": "2026-10-31",
                            "conclusion": "pass",
                            "references": ["HN-P1"],
                        }
                    },
                )
            )
    return out


def _state(api) -> tuple[int, int, int, int]:
    with api.db.engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(ChangeLog)).scalar_one(),
            conn.execute(select(func.count()).select_from(Certificate)).scalar_one(),
            conn.execute(
                select(func.count()).select_from(Certificate).where(Certificate.revoked)
            ).scalar_one(),
            conn.execute(select(func.count()).select_from(Instrument)).scalar_one(),
        )


def test_idor_sweep_nothing_crosses(api):
    before = _state(api)
    count = 0
    for user in ORG_OF:
        for method, url, kw in _foreign_requests(user):
            r = api.client.request(method, url, headers=api.headers(user), **kw)
            count += 1
            # Another organization's object is a 404 (a route for other roles a 403), and a
            # write never lands: no 2xx, nothing written.
            assert r.status_code in (403, 404), (user, method, url, r.status_code, r.text)
            assert r.headers["content-type"] == "application/problem+json"
    assert _state(api) == before
    # Lists and the due list of each organization hold nothing of the others'.
    for user, org in ORG_OF.items():
        foreign = {c for o, codes in INSTRUMENTS.items() if o != org for c in codes}
        if user == "lab-hn":
            foreign -= {"G-201"}
        if user == "lab-cs":
            foreign -= {"G-001"}
        listed = _codes(api.get(user, "/api/v1/instruments").json())
        due = {
            i["asset"]
            for i in api.get(user, "/api/v1/due", params={"at": "2026-12-01", "within": 365}).json()
        }
        count += 2
        assert not listed & foreign and not due & foreign, user
    print(f"IDOR sweep: {count} requests, none crossed")
    assert count > 100


def test_impact_for_the_bureau_and_a_lab_on_its_own_standard(api):
    for user in ("bureau", "lab-cs"):
        r = api.get(user, "/api/v1/impact/CS-P1")
        assert r.status_code == 200, r.text
        assert r.json()["standard"] == "CS-P1"
    assert api.get("ent1", "/api/v1/impact/CS-P1").status_code == 403
