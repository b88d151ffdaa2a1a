"""``metro supervision`` through typer's CliRunner on the hand-worked province: the contract's
JSON, the table, the CSV and XLSX files (text cells never formulas), bad input."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from metro.cli import app
from tests import factories as f
from tests.metro.services import supervision_province as sp

runner = CliRunner()
CONTRACT = {"at", "mandatory", "compliant", "rate", "pass_rate", "by", "flags"}
AT = sp.AT.isoformat()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def url(db, tmp_path):
    files = sp.files()
    # a code a spreadsheet would take for a formula
    files["instruments.csv"].append(f.instrument(code="=HYPERLINK(1)", owner="ENT1"))
    sp.load(db.engine, tmp_path, files)
    return db.url


def test_json_contract(url):
    r = run("supervision", "--at", AT, "--db", url, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out.keys() >= CONTRACT
    assert (out["mandatory"], out["compliant"]) == (13, 3)
    assert out["pass_rate"] == pytest.approx(8 / 9)
    assert {g["key"] for g in out["by"]} == {"430100", "430200"}
    assert {x["asset"]: x["flag"] for x in out["flags"]} == {
        **sp.EXPECTED_FLAGS, "=HYPERLINK(1)": "never_verified"}
    assert set(out["flags"][0]) == {"asset", "owner", "flag", "reason"}


def test_since_and_by(url):
    r = run("--db", url, "--json", "supervision", "--at", AT, "--since", "2025-04-01",
            "--by", "usage")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["since"], out["verifications"], out["passed"]) == ("2025-04-01", 7, 7)
    assert out["group_by"] == "usage"
    assert "trade" in {g["key"] for g in out["by"]}


def test_table(url):
    r = run("supervision", "--at", AT, "--db", url, "--by", "quantity")
    assert r.exit_code == 0, r.output
    assert "3 of 13 compliant" in r.stdout and "pressure" in r.stdout
    assert "M06" in r.stdout and "unauthorized" in r.stdout


def test_csv_and_xlsx_write_text_not_formulas(url, tmp_path):
    out_csv, out_xlsx = tmp_path / "flags.csv", tmp_path / "supervision.xlsx"
    r = run("supervision", "--at", AT, "--db", url, "--csv", str(out_csv), "--xlsx",
            str(out_xlsx))
    assert r.exit_code == 0, r.output
    with out_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {row["asset"] for row in rows} == {*sp.EXPECTED_FLAGS, "'=HYPERLINK(1)"}
    assert {row["flag"] for row in rows if row["asset"] == "M05"} == {"calibration_only"}
    book = load_workbook(out_xlsx)
    assert book.sheetnames == ["summary", "by region", "flags"]
    cells = [c for row in book["flags"].iter_rows(min_row=2) for c in row]
    formula = next(c for c in cells if c.value == "=HYPERLINK(1)")
    assert formula.data_type == "s"
    summary = {row[0].value: row[1].value for row in book["summary"].iter_rows()}
    assert (summary["mandatory"], summary["compliant"]) == (13, 3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2025-13-01"], "--at '2025-13-01' is not a date"),
        (["--at", AT, "--since", "2026-01-01"], "after at"),
    ],
)
def test_bad_input_exits_1(url, args, message):
    r = run("supervision", "--db", url, *args)
    assert r.exit_code == 1
    assert message in r.stderr


def test_unknown_grouping_is_a_usage_error(url):
    assert run("supervision", "--db", url, "--by", "discipline").exit_code == 2
