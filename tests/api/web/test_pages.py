"""The web app through HTTP, role by role: sign-in, scoping on pages, the tasks of each role."""

from __future__ import annotations

import re

from tests.api.web.conftest import browser_for


def _rate(html: str) -> float:
    found = re.search(r'id="weighted-rate" data-value="([0-9.]+)"', html)
    assert found, "no weighted rate on the page"
    return float(found.group(1))


# --- signing in -------------------------------------------------------------------------------


def test_sign_in_redirects_with_a_safe_cookie(web):
    b = browser_for(web, None)
    r = b.sign_in("ent1")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "metro_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # not behind HTTPS unless told so


def test_a_page_without_sign_in_redirects_to_the_form(web):
    b = browser_for(web, None)
    r = b.client.get("/instruments/G-001", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/instruments/G-001"


def test_sign_in_needs_the_form_token(web):
    b = browser_for(web, None)
    r = b.client.post("/login", data={"username": "ent1", "password": "x"})
    assert r.status_code == 403
    assert "text/html" in r.headers["content-type"]


def test_a_wrong_password_is_said_on_the_form(web):
    b = browser_for(web, None)
    r = b.sign_in("ent1", password="wrong")
    assert r.status_code == 401
    assert "wrong username or password" in r.text


def test_sign_in_never_redirects_off_site(web):
    b = browser_for(web, None)
    r = b.sign_in("ent1", next="//evil.example/")
    assert r.headers["location"] == "/"


def test_pages_are_chinese_until_english_is_chosen(web):
    b = browser_for(web, "ent1")
    assert "我的计量器具" in b.client.get("/").text
    r = b.form("/language", {"lang": "en", "next": "/"})
    assert r.status_code == 200 and "My instruments" in r.text
    assert 'lang="en"' in r.text


# --- enterprise ---------------------------------------------------------------------------------


def test_enterprise_board_shows_its_instruments_only(web):
    b = browser_for(web, "ent1")
    page = b.client.get("/?at=2026-05-15").text
    assert "G-001" in page and "G-002" in page
    assert "G-201" not in page  # ENT2's
    csv = b.client.get("/board.csv?at=2026-05-15").text
    assert "G-001" in csv and "G-201" not in csv


def test_enterprise_filters_by_status(web):
    b = browser_for(web, "ent1")
    page = b.client.get("/?status=overdue&at=2026-05-15").text
    rows = re.findall(r'<tr data-status="([a-z_]+)">', page)
    assert rows and set(rows) == {"overdue"}


def test_another_enterprises_instrument_is_a_404_page(web):
    b = browser_for(web, "ent1")
    r = b.client.get("/instruments/G-201")
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"] and "G-201" in r.text
    assert b.client.get("/instruments/NOPE").status_code == 404
    assert b.client.get("/instruments/G-201/label.svg").status_code == 404


def test_overdue_instrument_shows_the_broken_link_on_the_diagram(web):
    b = browser_for(web, "ent1")
    page = b.client.get("/instruments/G-001?at=2026-05-15").text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chain"' in page
    assert 'data-code="G-001" data-state="overdue"' in page
    assert '<g class="link broken">' in page
    assert "CS2025-002" in page and "2026-04-30" in page
    assert 'class="broken-reason"' in page


def test_instrument_page_lists_who_can_calibrate_it(web):
    b = browser_for(web, "ent1")
    page = b.client.get("/instruments/G-001?at=2025-12-01").text
    table = page[page.index('id="providers"'):]
    assert "HNIMT" in table and "CSIM" in table


def test_enterprise_may_not_open_bureau_or_lab_pages(web):
    b = browser_for(web, "ent1")
    assert b.client.get("/coverage").status_code == 403
    assert b.client.get("/certificates/new").status_code == 403


def test_qr_labels(web):
    b = browser_for(web, "ent1")
    svg = b.client.get("/instruments/G-001/label.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    png = b.client.get("/instruments/G-001/label.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    sheet = b.client.get("/labels?codes=G-001,G-002").text
    assert sheet.count('class="label"') == 2


# --- lab ----------------------------------------------------------------------------------------


def _certificate(number: str, **over: str) -> dict[str, str]:
    data = {
        "number": number,
        "kind": "calibration",
        "subject": "G-001",
        "calibrated_on": "2025-12-01",
        "valid_until": "2026-11-30",
        "conclusion": "pass",
        "references": "CS-P1",
        "results[0].nominal": "10 MPa",
        "results[0].measured": "10.01 MPa",
        "results[0].u": "0.002 MPa",
        "results[0].k": "2",
    }
    return {**data, **over}


def test_lab_records_a_certificate_and_sees_the_instrument_turn_valid(web):
    web.clock.now = web.clock.now.replace(year=2026, month=5, day=15)
    ent = browser_for(web, "ent1")
    assert 'data-state="overdue"' in ent.client.get("/instruments/G-001").text
    # CSIM's own standard is out of date by then: the customer goes to the provincial institute.
    lab = browser_for(web, "lab-hn")
    r = lab.form(
        "/certificates/new",
        _certificate("HN2026-900", calibrated_on="2026-05-15", valid_until="2027-05-14",
                     references="HN-P1"),
        page="/certificates/new",
    )
    assert r.status_code == 201, r.text
    assert 'id="subject-status">有效' in r.text
    code = re.search(r"<code>([^<]+)</code>", r.text)
    assert code
    assert 'data-state="valid"' in ent.client.get("/instruments/G-001").text
    public = browser_for(web, None).client.get(f"/verify/HN2026-900?code={code.group(1)}")
    assert public.status_code == 200 and 'data-standing="in_force"' in public.text


def test_a_bad_unit_is_shown_next_to_its_field_and_nothing_is_written(web):
    lab = browser_for(web, "lab-cs")
    r = lab.form(
        "/certificates/new",
        _certificate("CS2025-901", **{"results[0].u": "0.002 kg"}),
        page="/certificates/new",
    )
    assert r.status_code == 422
    assert 'id="error-results-0-u"' in r.text and "kg" in r.text
    again = lab.form("/certificates/new", _certificate("CS2025-901"), page="/certificates/new")
    assert again.status_code == 201, again.text


def test_a_lab_cites_only_its_own_standards(web):
    lab = browser_for(web, "lab-cs")
    r = lab.form(
        "/certificates/new",
        _certificate("CS2025-902", references="HN-P1"),
        page="/certificates/new",
    )
    assert r.status_code == 422
    assert 'id="error-form"' in r.text or 'id="error-references"' in r.text


def test_the_unit_check_as_you_type(web):
    lab = browser_for(web, "lab-cs")
    token = lab.csrf("/certificates/new")
    ok = lab.client.post(
        "/certificates/check",
        data={"csrf": token, "subject": "G-001", "results[0].nominal": "10 MPa"},
    )
    assert "✓" in ok.text and "Pa" in ok.text
    bad = lab.client.post(
        "/certificates/check",
        data={"csrf": token, "subject": "G-001", "results[0].u": "3 kg"},
    )
    assert 'class="error"' in bad.text


def test_lab_board_has_its_recall_list(web):
    lab = browser_for(web, "lab-cs")
    page = lab.client.get("/?at=2026-04-20").text
    recall = page[page.index('id="recall"'): page.index('id="standards"')]
    assert "G-001" in recall  # certified by CSIM, due 2026-04-30
    assert "G-201" not in recall  # certified by HNIMT


def test_bundle_upload_reports_row_errors_and_writes_nothing(web):
    lab = browser_for(web, "lab-cs")
    token = lab.csrf("/certificates/new")
    bad = (
        "number,issuer,kind,subject,calibrated_on,valid_until,conclusion,references,status\n"
        "CS2025-950,CSIM,calibration,G-001,2025-11-01,2025-10-01,pass,CS-P1,valid\n"
    )
    r = lab.client.post(
        "/bundles/upload",
        data={"csrf": token},
        files={"files": ("certificates.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422 and 'id="upload-errors"' in r.text
    assert "valid_until" in r.text
    api = web.get("bureau", "/api/v1/certificates/CSIM/CS2025-950")
    assert api.status_code == 404


# --- bureau -------------------------------------------------------------------------------------


def test_bureau_board_shows_the_same_rate_as_the_api(web):
    b = browser_for(web, "bureau")
    page = b.client.get("/?at=2025-12-01").text
    api = web.get("bureau", "/api/v1/coverage?at=2025-12-01").json()
    assert _rate(page) == api["weighted_rate"]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bars"' in page


def test_bureau_plans_a_capability_that_closes_a_gap(web):
    b = browser_for(web, "bureau")
    page = b.client.get("/coverage?at=2025-12-01").text
    assert "D-002" in page  # the temperature need in 430200 nobody meets
    r = b.form(
        "/coverage/plan?at=2025-12-01",
        {"standard": "PLAN-T", "quantity": "temperature", "range_min": "-50 degC",
         "range_max": "200 degC", "u_abs": "0.05 K", "u_rel": "", "k": "2"},
        page="/coverage?at=2025-12-01",
    )
    assert r.status_code == 200, r.text
    after = re.search(r'id="plan-result">.*?data-value="([0-9.]+)"', r.text, re.S)
    assert after and float(after.group(1)) == 1.0
    assert "D-002" in r.text[r.text.index('id="plan-result"'):]


def test_a_bad_plan_names_the_field(web):
    b = browser_for(web, "bureau")
    r = b.form(
        "/coverage/plan?at=2025-12-01",
        {"quantity": "temperature", "range_min": "-50 degC", "range_max": "200 kg",
         "u_abs": "0.05 K"},
        page="/coverage?at=2025-12-01",
    )
    assert r.status_code == 422 and "kg" in r.text


# --- public -------------------------------------------------------------------------------------


def test_verification_with_a_wrong_code_is_a_404_page(web):
    b = browser_for(web, None)
    r = b.client.get("/verify/CS2025-002?code=nope")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert b.client.get("/verify/CS2025-002").status_code == 404


def test_the_instrument_page_links_its_certificate_as_a_dcc(web):
    b = browser_for(web, "ent1")
    page = b.client.get("/instruments/G-001?at=2025-12-01").text
    assert 'href="/certificates/CSIM/CS2025-002/dcc.xml"' in page
    xml = b.client.get("/certificates/CSIM/CS2025-002/dcc.xml")
    assert xml.status_code == 200 and b"https://ptb.de/dcc" in xml.content
    other = browser_for(web, "ent2").client.get("/certificates/CSIM/CS2025-002/dcc.xml")
    assert other.status_code == 404


def test_the_owner_accepts_an_interval_proposal_on_the_page(web, monkeypatch):
    from metro.model.intervals import Proposal
    from metro.services import intervals

    real = intervals.propose

    def lengthened(conn, **kw):  # a history long enough to move the interval is not in the
        out = real(conn, **kw)  # small province: the page's button is what is tested here
        return [Proposal(**{**{f: getattr(p, f) for f in p.__dataclass_fields__},
                            "proposed_months": p.current_months + 1}) for p in out]

    monkeypatch.setattr(intervals, "propose", lengthened)
    b = browser_for(web, "ent1")
    page = b.client.get("/instruments/G-001?at=2025-12-01").text
    assert 'id="accept-interval"' in page
    other = browser_for(web, "ent2")
    assert other.client.get("/instruments/G-001").status_code == 404
    r = b.form("/instruments/G-001/interval", {}, page="/instruments/G-001")
    assert r.status_code == 200 and "G-001" in r.text
    from metro.repositories import changes

    with web.db.engine.connect() as conn:
        log = [e for e in changes.entries(conn) if e["actor"] == "user:ent1"]
    assert log, "the acceptance is in the change log with its author"


def test_a_lab_revokes_a_certificate_with_a_reason(web):
    lab = browser_for(web, "lab-cs")
    board = lab.client.get("/").text
    assert 'action="/certificates/CSIM/CS2025-002/revoke"' in board
    r = lab.form("/certificates/CSIM/CS2025-002/revoke", {"reason": "wrong reference used"})
    assert r.status_code == 200
    assert "wrong reference used" in r.text[r.text.index('id="issued"'):]
    cert = web.get("bureau", "/api/v1/certificates/CSIM/CS2025-002").json()
    assert cert["revoked"] is True and cert["reason"] == "wrong reference used"
    # Another lab's certificate: the same 404 as a missing one, and nothing revoked.
    other = browser_for(web, "lab-hn")
    assert other.form("/certificates/CSIM/CS2025-001/revoke", {"reason": "x"}).status_code == 404
    assert web.get("bureau", "/api/v1/certificates/CSIM/CS2025-001").json()["revoked"] is False


def test_impact_pages_are_for_the_bureau(web):
    bureau = browser_for(web, "bureau")
    page = bureau.client.get("/impact/HN-P1")
    assert page.status_code == 200 and "HN-P1" in page.text
    assert browser_for(web, "ent1").client.get("/impact/HN-P1").status_code in (403, 404)


def _make_mandatory(web, code: str, usage: str) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from metro.model.actor import Actor
    from metro.repositories import instruments as instruments_repo
    from metro.services import instruments

    with web.db.engine.begin() as conn:
        found = instruments_repo.find(conn, code)
        assert found is not None
        instruments.update(
            conn, actor=Actor("system:test"), now=datetime(2025, 12, 1, tzinfo=UTC),
            instrument=replace(found[1], mandatory=True, usage=usage),
        )


def test_mandatory_instruments_are_marked_on_the_board_with_their_flag(web):
    _make_mandatory(web, "G-001", "safety")
    b = browser_for(web, "ent1")
    page = b.client.get("/?at=2026-05-15").text
    assert 'data-mandatory="G-001"' in page and 'data-flag="overdue"' in page
    # G-002 (mandatory in the factory) speaks by a calibration: not a verification.
    assert 'data-mandatory="G-002"' in page and 'data-flag="calibration_only"' in page


def test_bureau_supervision_page_lists_the_flagged_instrument(web):
    _make_mandatory(web, "G-001", "safety")
    b = browser_for(web, "bureau")
    page = b.client.get("/supervision?at=2026-05-15&flag=overdue")
    assert page.status_code == 200
    api = web.get("bureau", "/api/v1/supervision?at=2026-05-15").json()
    assert f'data-value="{api["rate"]}"' in page.text
    assert '<tr data-flag="overdue"><td><a href="/instruments/G-001' in page.text
    assert browser_for(web, "ent1").client.get("/supervision").status_code == 403
