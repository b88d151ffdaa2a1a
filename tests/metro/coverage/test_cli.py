"""``metro coverage``, ``metro coverage history`` and ``metro plan`` through typer's CliRunner.

These run the real traceability engine on the small province (no explicit status map).
"""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from metro.cli import app
from tests import factories as f

runner = CliRunner()
CONTRACT = {
    "at",
    "target",
    "items",
    "covered_items",
    "rate",
    "weight",
    "covered_weight",
    "weighted_rate",
    "by",
    "gaps",
}


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def url(db, tmp_path):
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    r = run("--db", db.url, "load", str(bundle))
    assert r.exit_code == 0, r.output
    return db.url


def test_coverage_json_contract(url):
    r = run("coverage", "--at", "2025-09-01", "--db", url, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out.keys() >= CONTRACT
    assert out["at"] == "2025-09-01"
    assert out["target"] == 0.95
    assert (out["items"], out["covered_items"], out["weight"], out["covered_weight"]) == (
        2,
        1,
        155,
        120,
    )
    assert out["rate"] == 0.5
    assert out["weighted_rate"] == pytest.approx(120 / 155)
    assert [(g["key"], g["items"]) for g in out["by"]] == [("04", 1), ("12", 1)]
    (gap,) = out["gaps"]
    assert (gap["demand"], gap["reason"], gap["candidate"]) == ("D-002", "no_standard", None)


def test_the_engines_status_decides_check_five(url):
    # HN-P1's certificate ran out on 2027-02-28, CS-P1's earlier: D-001 becomes untraceable.
    r = run("--db", url, "--json", "coverage", "--at", "2027-06-01")
    assert r.exit_code == 0, r.output
    gaps = {g["demand"]: g for g in json.loads(r.stdout)["gaps"]}
    assert gaps["D-001"]["reason"] == "untraceable"
    assert gaps["D-001"]["candidate"] == "HN-P1"
    assert "overdue" in gaps["D-001"]["detail"]


@pytest.mark.parametrize(
    ("by", "keys"),
    [("region", ["430100", "430200"]), ("quantity", ["temperature", "pressure"])],
)
def test_group_by(url, by, keys):
    r = run("coverage", "--at", "2025-09-01", "--by", by, "--db", url, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["group_by"] == by
    assert [g["key"] for g in out["by"]] == keys


def test_demand_from_instruments_and_both(url):
    counts = {}
    for demand in ("registered", "instruments", "both"):
        r = run("coverage", "--at", "2025-09-01", "--demand", demand, "--db", url, "--json")
        assert r.exit_code == 0, r.output
        counts[demand] = json.loads(r.stdout)["items"]
    assert counts == {"registered": 2, "instruments": 2, "both": 4}


def test_people_get_a_table_with_the_target(url):
    r = run("coverage", "--at", "2025-09-01", "--db", url)
    assert r.exit_code == 0, r.output
    assert "95%" in r.stdout
    assert "D-002" in r.stdout
    assert "no_standard" in r.stdout


def test_report_files(url, tmp_path):
    paths = {s: tmp_path / f"cov.{s}" for s in ("csv", "xlsx", "svg")}
    r = run("coverage", "--at", "2025-09-01", "--db", url, "--csv", str(paths["csv"]),
            "--xlsx", str(paths["xlsx"]), "--chart", str(paths["svg"]), "--json")  # fmt: skip
    assert r.exit_code == 0, r.output
    json.loads(r.stdout)  # the notes about files go to stderr
    rows = list(csv.DictReader(paths["csv"].open(encoding="utf-8")))
    assert [(row["demand"], row["covered"], row["reason"]) for row in rows] == [
        ("D-001", "true", ""),
        ("D-002", "false", "no_standard"),
    ]
    from openpyxl import load_workbook

    wb = load_workbook(paths["xlsx"])
    assert wb.sheetnames == [
        "summary",
        "by discipline",
        "by region",
        "by county",
        "by quantity",
        "by field",
        "items",
        "gaps",
    ]
    assert wb["gaps"]["A2"].value == "D-002"
    svg = paths["svg"].read_text("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    png = tmp_path / "cov.png"
    assert run("coverage", "--at", "2025-09-01", "--db", url, "--chart", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_save_then_history(url):
    for day in ("2025-09-01", "2027-06-01"):
        r = run("coverage", "--at", day, "--save", "--db", url, "--json")
        assert r.exit_code == 0, r.output
        assert isinstance(json.loads(r.stdout)["snapshot"], int)
    r = run("coverage", "--at", "2025-09-01", "--db", url, "--json")
    assert "snapshot" not in json.loads(r.stdout)  # saving is opt-in
    r = run("coverage", "history", "--db", url, "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(s["at"], s["covered_items"]) for s in rows] == [("2025-09-01", 1), ("2027-06-01", 0)]
    assert {"computed_at", "weighted_rate", "by_discipline", "by_region"} <= rows[0].keys()
    r = run("--db", url, "coverage", "history")
    assert r.exit_code == 0, r.output
    assert "2027-06-01" in r.stdout


def test_plan_suggest_then_add_the_suggestions(url, tmp_path):
    road = tmp_path / "road.csv"
    r = run("plan", "--suggest", "2", "--at", "2025-09-01", "--write", str(road), "--db", url,
            "--json")  # fmt: skip
    assert r.exit_code == 0, r.output
    suggested = json.loads(r.stdout)
    (s,) = suggested["suggestions"]  # one gap, one suggestion
    assert (s["quantity"], s["closes"]) == ("temperature", ["D-002"])
    assert suggested["after"]["weighted_rate"] == 1.0
    r = run("plan", "--add", str(road), "--at", "2025-09-01", "--db", url, "--json")
    assert r.exit_code == 0, r.output
    plan = json.loads(r.stdout)
    assert plan["before"]["covered_items"] == 1
    assert plan["after"]["covered_items"] == 2
    assert [(p["standard"], p["closes"]) for p in plan["proposals"]] == [("SUGGESTED-1", ["D-002"])]
    r = run("plan", "--add", str(road), "--at", "2025-09-01", "--db", url)
    assert r.exit_code == 0, r.output
    assert "SUGGESTED-1" in r.stdout


def test_a_bad_add_file_exits_1_with_every_error(url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "standard,quantity,range_min,range_max,u_abs,u_rel,k\n"
        "N1,pressure,0 MPa,10 kg,,0.01 %,2\n"
        "N2,pressure,0 MPa,10 MPa,,0.01 %,zero\n",
        encoding="utf-8",
    )
    r = run("plan", "--add", str(bad), "--at", "2025-09-01", "--db", url, "--json")
    assert r.exit_code == 1
    assert r.stdout == ""
    problem = json.loads(r.stderr)
    assert [(e["file"], e["line"], e["column"], e["value"]) for e in problem["errors"]] == [
        ("bad.csv", 2, "range_max", "10 kg"),
        ("bad.csv", 3, "k", "zero"),
    ]
    r = run("plan", "--add", str(tmp_path / "missing.csv"), "--at", "2025-09-01", "--db", url)
    assert r.exit_code == 1
    assert "does not exist" in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("coverage", "--at", "2025-09-01", "--by", "colour"),
        ("coverage", "--at", "2025-09-01", "--demand", "all"),
        ("coverage", "--at", "2025-09-01", "--chart", "out.pdf"),
        ("coverage", "nonsense"),
        ("plan", "--at", "2025-09-01"),
        ("plan", "--add", "x.csv", "--suggest", "2", "--at", "2025-09-01"),
        ("plan", "--suggest", "0", "--at", "2025-09-01"),
        ("plan", "--add", "x.csv", "--write", "y.csv", "--at", "2025-09-01"),
    ],
)
def test_usage_errors_exit_2(url, args):
    r = run(*args, "--db", url)
    assert r.exit_code == 2, r.output


@pytest.mark.parametrize("args", [("coverage", "--at", "2025-13-01"), ("plan", "--suggest", "2",
                                  "--at", "1 May 2025")])
def test_a_bad_date_is_bad_input_named_with_its_option(url, args):
    r = run(*args, "--db", url)
    assert r.exit_code == 1, r.output
    assert "--at" in r.stderr and args[-1] in r.stderr


def test_coverage_before_init_says_what_to_do(tmp_path):
    r = run("coverage", "--at", "2025-09-01", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert r.exit_code == 1
    assert "metro init" in r.stderr
