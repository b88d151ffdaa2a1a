"""The CLI contract through typer's CliRunner: JSON shapes, tables, exit codes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Connection
from typer.testing import CliRunner

from metro.cli import app
from tests.metro.traceability.test_status import EXPECTED

runner = CliRunner()


def run(db: Any, *args: str) -> Any:
    return runner.invoke(app, ["--db", db.url, *args])


def test_status_of_all_assets_as_json(db: Any, hand_built: Connection) -> None:
    result = run(db, "status", "--at", "2025-07-01", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(r) == {"asset", "kind", "status", "due", "reason"} for r in rows)
    assert {r["asset"]: r["status"] for r in rows} == EXPECTED
    kinds = {r["asset"]: r["kind"] for r in rows}
    assert kinds["CS-P1"] == "standard" and kinds["G-001"] == "instrument"


def test_status_of_one_asset(db: Any, hand_built: Connection) -> None:
    result = run(db, "--json", "status", "G-SOON", "--at", "2025-07-01", "--lead", "10")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["asset"], row["status"], row["due"]) == ("G-SOON", "valid", "2025-07-19")
    table = run(db, "status", "DMM-1", "--at", "2025-07-01")
    assert table.exit_code == 0
    assert "untraceable" in table.stdout and "16.7 ppm" in table.stdout


def test_chain_json(db: Any, hand_built: Connection) -> None:
    result = run(db, "chain", "G-WK", "--at", "2025-07-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"asset", "at", "traceable", "reason", "links", "roots"}
    assert (data["asset"], data["at"], data["traceable"]) == ("G-WK", "2025-07-01", False)
    assert data["roots"] == ["NIM-P"]
    for link in data["links"]:
        assert {"certificate", "subject", "references", "issuer", "calibrated_on",
                "valid_until"} <= set(link)
    tree = run(db, "chain", "G-001", "--at", "2025-07-01")
    assert tree.exit_code == 0 and "HN-001" in tree.stdout and "NIM-P" in tree.stdout


def test_due_json(db: Any, hand_built: Connection) -> None:
    result = run(db, "due", "--at", "2025-07-01", "--within", "30", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(r) == {"asset", "owner", "due", "status"} for r in rows)
    assert [r["asset"] for r in rows] == ["CS-OLD", "G-OVER", "G-SOON"]
    only = json.loads(run(db, "due", "--at", "2025-07-01", "--within", "400", "--owner", "ENT2",
                          "--json").stdout)
    assert {r["owner"] for r in only} == {"ENT2"} and len(only) == 2


def test_impact_json(db: Any, hand_built: Connection) -> None:
    result = run(db, "impact", "CS-F", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"standard", "failed_on", "since", "certificates", "assets", "owners"}
    assert {c["certificate"]: c["depth"] for c in data["certificates"]} == {
        "CS-030": 1, "CS-109": 1, "ENT-001": 2}
    assert data["owners"] == ["ENT1", "ENT2"]
    table = run(db, "impact", "CS-F")
    assert table.exit_code == 0 and "ENT-001" in table.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["status", "NOPE", "--at", "2025-07-01"], "'NOPE'"),
        (["status", "--at", "2025-02-30"], "'2025-02-30'"),
        (["status", "--at", "1.7.2025"], "'1.7.2025'"),
        (["chain", "NOPE", "--at", "2025-07-01"], "'NOPE'"),
        (["impact", "NOPE"], "'NOPE'"),
        (["impact", "G-001"], "'G-001'"),
        (["due", "--at", "2025-07-01", "--owner", "NOBODY"], "'NOBODY'"),
    ],
)
def test_bad_input_exits_1_naming_the_value(db: Any, hand_built: Connection, args: list[str],
                                            named: str) -> None:
    result = run(db, *args)
    assert result.exit_code == 1
    assert named in result.stderr
    assert result.stdout == ""


def test_bad_input_with_json_gives_a_problem_document(db: Any, hand_built: Connection) -> None:
    result = run(db, "--json", "chain", "NOPE", "--at", "2025-07-01")
    assert result.exit_code == 1
    problem = json.loads(result.stderr)
    assert problem["status"] == 404 and "'NOPE'" in problem["detail"]


@pytest.mark.parametrize(
    "args",
    [["chain"], ["impact"], ["due", "--within", "-1"], ["status", "--lead", "x"],
     ["status", "--bogus"]],
)
def test_usage_errors_exit_2(db: Any, hand_built: Connection, args: list[str]) -> None:
    assert run(db, *args).exit_code == 2


def test_at_defaults_to_today(db: Any, hand_built: Connection) -> None:
    result = run(db, "--json", "status", "G-001")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["asset"] == "G-001"
