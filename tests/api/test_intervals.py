"""Interval proposals over HTTP: read by who may read the instrument, accepted by its owner."""

from __future__ import annotations


def test_the_owner_reads_stores_and_accepts_a_proposal(api):
    r = api.get("ent1", "/api/v1/instruments/G-001/intervals?at=2025-12-01")
    assert r.status_code == 200, r.text
    (proposal,) = r.json()
    assert proposal["current_months"] == proposal["proposed_months"]  # one certificate: no history
    stored = api.post("ent1", "/api/v1/instruments/G-001/intervals")
    assert stored.status_code == 200, stored.text
    accepted = api.post("ent1", "/api/v1/instruments/G-001/intervals/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["asset"] == "G-001"


def test_another_organization_gets_404(api):
    assert api.get("ent2", "/api/v1/instruments/G-001/intervals").status_code == 404
    assert api.post("ent2", "/api/v1/instruments/G-001/intervals/accept").status_code == 404
    # A lab that calibrated it may read the proposal but not accept it for the owner.
    assert api.get("lab-cs", "/api/v1/instruments/G-001/intervals").status_code == 200
    assert api.post("lab-cs", "/api/v1/instruments/G-001/intervals/accept").status_code == 404


def test_accepting_without_a_stored_proposal_is_refused(api):
    r = api.post("ent1", "/api/v1/instruments/G-002/intervals/accept")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_bad_method_is_a_422_with_the_field(api):
    r = api.get("ent1", "/api/v1/instruments/G-001/intervals?method=zz")
    assert r.status_code == 422
    assert any("method" in e["loc"] for e in r.json()["errors"])
