"""Coverage by the policy's priority fields (``--by field``): groups, names, order, the database
column read through, the CLI and the report file."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from metro.cli import app
from metro.coverage.demand import registered_items
from metro.coverage.report import NO_FIELD, group_keys
from metro.model.supervision import PRIORITY_FIELDS
from tests import factories as f
from tests.metro.coverage.builders import MPA, cap, coverage, need

runner = CliRunner()


def _report(seed: int):
    rng = np.random.default_rng(seed)
    fields = ["", *PRIORITY_FIELDS]
    needs = [
        need(
            code=f"D{i}",
            hi=float(rng.choice([10.0, 100.0])) * MPA,
            mpe_rel=float(rng.choice([1e-3, 4e-3])),
            count=int(rng.integers(0, 50)),
            field=fields[int(rng.integers(len(fields)))],
        )
        for i in range(200)
    ]
    return needs, coverage(needs, [cap()])


@pytest.mark.parametrize("seed", range(3))
def test_field_groups_partition_the_items_and_match_a_direct_count(seed):
    needs, report = _report(seed)
    groups = report.by["field"]
    o = report.overall
    assert 0 < o.covered_items < o.items
    assert sum(g.rates.items for g in groups) == o.items
    assert sum(g.rates.weight for g in groups) == o.weight
    assert sum(g.rates.covered_weight for g in groups) == o.covered_weight
    covered = dict(zip(report.items.code, report.result.covered.tolist(), strict=True))
    for g in groups:
        mine = [n for n in needs if (n["field"] or "none") == g.key]
        assert g.rates.items == len(mine) > 0
        assert g.rates.covered_items == sum(covered[n["code"]] for n in mine)
        assert g.rates.covered_weight == sum(n["count"] for n in mine if covered[n["code"]])


def test_fields_come_in_the_policys_order_with_names_and_none_last():
    report = coverage(
        [
            need(code="a", field="medical"),
            need(code="b"),
            need(code="c", field="food_safety", hi=100 * MPA),
            need(code="d", field="medical", count=5),
        ],
        [cap()],
    )
    groups = report.by["field"]
    assert [g.key for g in groups] == ["food_safety", "medical", "none"]
    names = {g.key: (g.name_zh, g.name_en) for g in groups}
    assert names["food_safety"] == (PRIORITY_FIELDS["food_safety"].name_zh, "food safety")
    assert names["medical"] == ("医疗卫生", "medical care")
    assert names["none"] == (NO_FIELD.name_zh, NO_FIELD.name_en) == ("未指定", "not specified")
    medical = groups[1].rates
    assert (medical.items, medical.weight, medical.covered_weight) == (2, 15, 15)
    assert groups[0].rates.covered_items == 0  # 100 MPa is beyond the 60 MPa standard


def test_an_item_without_a_field_groups_under_none():
    report = coverage([need(code="a"), need(code="b", field="biosafety")], [cap()])
    assert group_keys(report.items, "field") == ["none", "biosafety"]
    assert report.items.field == ["", "biosafety"]


def test_rows_without_the_field_column_carry_no_field():
    row = ("D1", "pressure", "430100", 0.0, 1e6, 0.0, 0.004, 3, "", "", "", "")
    assert registered_items([row]).field == [""]
    assert registered_items([(*row, "medical")]).field == ["medical"]
    assert registered_items([(*row, None)]).field == [""]


# --- through the database and the CLI -------------------------------------------------------


@pytest.fixture
def url(db, tmp_path):
    province = f.small_province()
    demands = province["demands.csv"]
    demands[0]["field"] = "medical"
    demands.append(f.demand(code="D-003", range_max="100 MPa", count="7", field="medical"))
    demands.append(f.demand(code="D-004", count="9", field="environment"))
    r = runner.invoke(app, ["--db", db.url, "load", str(f.write_bundle(tmp_path / "b", province))])
    assert r.exit_code == 0, r.output
    return db.url


def test_coverage_by_field_reads_the_demands_field(url):
    r = runner.invoke(app, ["coverage", "--at", "2025-09-01", "--by", "field", "--db", url,
                            "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["group_by"] == "field"
    got = [(g["key"], g["name_zh"], g["items"], g["covered_items"], g["weight"]) for g in out["by"]]
    assert got == [
        ("environment", "环境保护", 1, 1, 9),
        ("medical", "医疗卫生", 2, 1, 127),
        ("none", "未指定", 1, 0, 35),
    ]
    assert sum(g["weight"] for g in out["by"]) == out["weight"]


def test_coverage_by_field_table_and_workbook(url, tmp_path):
    book = tmp_path / "cov.xlsx"
    r = runner.invoke(app, ["coverage", "--at", "2025-09-01", "--by", "field", "--db", url,
                            "--xlsx", str(book)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "by field" in r.stdout and "医疗卫生" in r.stdout and "未指定" in r.stdout
    from openpyxl import load_workbook

    sheet = load_workbook(book)["by field"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("key", "name_zh", "name_en")
    assert [r[0] for r in rows[1:]] == ["environment", "medical", "none"]


def test_instrument_demand_has_no_field(url):
    r = runner.invoke(app, ["coverage", "--at", "2025-09-01", "--by", "field", "--demand",
                            "instruments", "--db", url, "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert [g["key"] for g in json.loads(r.stdout)["by"]] == ["none"]


def test_plan_priority_weight_through_the_cli(url):
    def plan(*extra: str):
        return runner.invoke(app, ["plan", "--suggest", "3", "--at", "2025-09-01", "--db", url,
                                   *extra])  # fmt: skip

    plain = json.loads(plan("--json").stdout)
    weighted = plan("--priority-weight", "3", "--json")
    assert weighted.exit_code == 0, weighted.output
    out = json.loads(weighted.stdout)
    assert (plain["priority_weight"], out["priority_weight"]) == (1, 3)
    for s in out["suggestions"]:
        assert s["closes_weighted"] >= s["closes_weight"]
    assert out["after"]["weight"] == plain["after"]["weight"]  # rates stay unweighted
    table = plan("--priority-weight", "3")
    assert table.exit_code == 0 and "weighted ×3" in table.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "--suggest", "2", "--priority-weight", "0"),
        ("plan", "--suggest", "2", "--priority-weight", "-1"),
        ("plan", "--add", "x.csv", "--priority-weight", "3"),
    ],
)
def test_a_bad_priority_weight_is_refused(args):
    r = runner.invoke(app, list(args))
    assert r.exit_code == 2
    assert "--priority-weight" in r.output
