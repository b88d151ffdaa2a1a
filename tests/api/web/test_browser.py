"""Each role does one real task in headless Chromium, in Chinese, and leaves a screenshot.

The app runs under uvicorn on 127.0.0.1 over the small test province (SQLite) with its clock
at 2026-05-15; Playwright drives Debian's system Chromium (``METRO_CHROMIUM`` or ``chromium``
on the PATH). Screenshots go to ``$METRO_SCREENSHOTS`` (default ``artifacts/screenshots``).
Without a browser the tests are skipped with that reason — except in CI (``CI`` set), where
``.ci/run`` installs one and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from tests.api.conftest import PASSWORD, Clock, make_api
from tests.conftest import Database

CHROMIUM = os.environ.get("METRO_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser"
)
SHOTS = Path(os.environ.get("METRO_SCREENSHOTS", "artifacts/screenshots"))

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("no Chromium in CI: .ci/run should have installed Debian's chromium",
                    pytrace=False)
    pytest.skip("browser tests need Chromium (apt-get install chromium, or set METRO_CHROMIUM)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(db: Database, tmp_path: Path) -> Iterator[str]:
    if db.backend != "sqlite":
        pytest.skip("the browser tests run once, on SQLite")
    make_api(db, tmp_path)
    app = create_app(db.engine, clock=Clock(datetime(2026, 5, 15, 9, 0, tzinfo=UTC)))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 60 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def page(server: str) -> Iterator[object]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        pg.set_default_timeout(30_000)
        pg.base = server  # type: ignore[attr-defined]
        try:
            yield pg
        finally:
            browser.close()


def _sign_in(page: object, username: str) -> None:
    base = page.base  # type: ignore[attr-defined]
    page.goto(f"{base}/")  # type: ignore[attr-defined]
    assert "/login" in page.url  # type: ignore[attr-defined]
    page.fill("#username", username)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/")  # type: ignore[attr-defined]


def test_lab_records_a_certificate_and_the_instrument_turns_valid(page):
    _sign_in(page, "lab-hn")
    page.click("text=登记检定/校准证书")
    page.fill("#number", "HN2026-777")
    page.fill("#subject", "G-001")
    page.fill("#calibrated_on", "2026-05-15")
    page.fill("#valid_until", "2027-05-14")
    page.check("input[name=references][value=HN-P1]")
    page.fill("input[name='results[0].nominal']", "10 MPa")
    page.fill("input[name='results[0].measured']", "10.01 MPa")
    page.fill("input[name='results[0].u']", "0.002 MPa")
    # The unit is checked as it is typed (htmx), before anything is submitted.
    page.wait_for_selector("td:has(input[name='results[0].u']) .check .ok")
    page.click("#record")
    status = page.wait_for_selector("#subject-status")
    assert status.inner_text() == "有效"
    page.screenshot(path=str(SHOTS / "lab-recorded.png"), full_page=True)
    page.click("#recorded a[href='/instruments/G-001']")
    assert page.get_attribute("g.node[data-code='G-001']", "data-state") == "valid"


def test_enterprise_finds_an_overdue_instrument_and_reads_the_broken_link(page):
    _sign_in(page, "ent1")
    assert "我的计量器具" in page.inner_text("h1")
    page.select_option("#status", "overdue")
    page.click("text=筛选")
    page.click("#instruments a:has-text('G-001')")
    assert page.get_attribute("g.node[data-code='G-001']", "data-state") == "overdue"
    reason = " ".join(page.locator(".broken-reason").all_text_contents())
    assert "CS2025-002" in reason and "2026-04-30" in reason
    page.screenshot(path=str(SHOTS / "enterprise-broken-link.png"), full_page=True)


def test_bureau_closes_the_gap_that_keeps_the_rate_under_95(page):
    _sign_in(page, "bureau")
    rate = float(page.get_attribute("#weighted-rate", "data-value"))
    assert rate < 0.95
    page.click("text=缺口与规划")
    gap = page.inner_text("#gaps")
    assert "D-002" in gap
    page.fill("#p-standard", "PLAN-T")
    page.select_option("#p-quantity", "temperature")
    page.fill("#p-range_min", "-50 degC")
    page.fill("#p-range_max", "200 degC")
    page.fill("#p-u_abs", "0.05 K")
    page.click("text=计算")
    result = page.wait_for_selector("#plan-result")
    assert "达到目标" in result.inner_text()
    after = float(page.get_attribute("#plan-result strong", "data-value"))
    assert after >= 0.95
    page.screenshot(path=str(SHOTS / "bureau-planner.png"), full_page=True)
