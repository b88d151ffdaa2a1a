"""Coverage report files safe to open (issue 9 item 9): text cells stay text in CSV and XLSX;
the chart groups regions by prefecture with their names, keeps bars unstretched and SVG text."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from metro.cli import app
from metro.coverage.report import Rates, group_rates
from tests import factories as f
from tests.metro.coverage import builders as b

runner = CliRunner()
FORMULA = '=HYPERLINK("http://example.invalid","click")'


def test_region_groups_are_named_prefectures_and_counties_one_level_down():
    items = b.items(
        b.need(code="D1", region="430102", count=100),
        b.need(code="D2", region="430102", count=0),
        b.need(code="D3", region="430181", count=10),
        b.need(code="D4", region="433127", count=5),
    )
    covered = np.array([True, False, True, False])
    region = group_rates(items, covered, "region")
    assert [(g.key, g.name_zh) for g in region] == [
        ("430100", "长沙市"),
        ("433100", "湘西土家族苗族自治州"),
    ]
    assert region[0].rates == Rates(3, 2, 110, 110)
    county = group_rates(items, covered, "county")
    assert [g.key for g in county] == ["430102", "430181", "433127"]


def test_report_files_through_the_cli(db, tmp_path):
    province = f.small_province()
    province["demands.csv"][0]["code"] = FORMULA  # a demand code a spreadsheet would run
    province["demands.csv"][1]["region"] = "430181"  # a county of 长沙市
    bundle = f.write_bundle(tmp_path / "b", province)
    assert runner.invoke(app, ["--db", db.url, "load", str(bundle)]).exit_code == 0
    paths = {s: tmp_path / f"cov.{s}" for s in ("csv", "xlsx", "svg")}
    r = runner.invoke(
        app,
        ["coverage", "--at", "2025-09-01", "--db", db.url, "--csv", str(paths["csv"]),
         "--xlsx", str(paths["xlsx"]), "--chart", str(paths["svg"])],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(paths["csv"].open(encoding="utf-8")))
    assert ["'" + FORMULA] in [row[:1] for row in rows]
    assert not any(c[:1] in ("=", "+", "@") for row in rows for c in row)
    wb = load_workbook(paths["xlsx"])
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == FORMULA and c.data_type == "s" for c in cells)
    svg = paths["svg"].read_text("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts, "SVG text must be text, not glyph paths"
    joined = " ".join(texts)
    assert "430100 长沙市" in joined  # the county 430181 shown as its prefecture, named
    assert "430181" not in joined
    assert "按学科" in joined


def _bar_heights(svg: str) -> list[float]:
    """Heights of the clipped rectangles (the bars) of an SVG written by matplotlib."""
    heights = []
    for d in re.findall(r'<path d="(M[^"]+z)\s*"\s*clip-path', svg):
        ys = [float(y) for y in re.findall(r"[ML] [-\d.]+ ([-\d.]+)", d)]
        if len(ys) == 4:
            heights.append(round(max(ys) - min(ys), 1))
    return heights


def test_bars_are_as_thick_in_both_panels(db, tmp_path):
    # Two disciplines, one prefecture: without a common scale the lone bar would be twice as thick.
    province = f.small_province()
    province["demands.csv"][1]["region"] = "430181"  # both demand items in 长沙市 now
    bundle = f.write_bundle(tmp_path / "b", province)
    assert runner.invoke(app, ["--db", db.url, "load", str(bundle)]).exit_code == 0
    chart = tmp_path / "c.svg"
    args = ["coverage", "--at", "2025-09-01", "--db", db.url, "--chart", str(chart)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    heights = [h for h in _bar_heights(chart.read_text("utf-8")) if h > 0]
    assert len(heights) >= 2
    assert max(heights) == pytest.approx(min(heights), rel=0.02), heights
