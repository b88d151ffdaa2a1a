"""``GET /api/v1/supervision``: the bureau's report, the same JSON as the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from metro.cli import app


def test_supervision_over_http_equals_the_cli(api):
    params = {"at": "2025-12-01", "since": "2025-03-01", "by": "usage"}
    r = api.get("bureau", "/api/v1/supervision", params=params)
    assert r.status_code == 200, r.text
    cli = CliRunner().invoke(app, ["--db", api.db.url, "supervision", "--at", "2025-12-01",
                                   "--since", "2025-03-01", "--by", "usage", "--json"])
    assert cli.exit_code == 0, cli.output
    assert r.json() == json.loads(cli.stdout)
    assert r.json()["mandatory"] == 3  # G-001, G-002 and G-201 (mandatory by default)


def test_only_the_bureau_reads_it(api):
    assert api.get("ent1", "/api/v1/supervision").status_code == 403
    assert api.get("lab-cs", "/api/v1/supervision").status_code == 403


def test_bad_period_is_a_problem(api):
    r = api.get("bureau", "/api/v1/supervision", params={"at": "2025-12-01", "since": "2026-01-01"})
    assert r.status_code == 422
    assert "after at" in r.json()["detail"]
