"""Region codes and their Chinese names (issue 9 item 7): the data file, prefecture_of, name_of."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from metro.model.regions import DATA, label, name_of, prefecture_of, regions

SEED = Path(__file__).resolve().parents[3] / "seed_data" / "hunan"


def test_the_data_file_names_its_source():
    head = " ".join(s for s in DATA.read_text("utf-8").splitlines() if s.startswith("#"))
    assert "民政部" in head and "县以上行政区划代码" in head


def test_hunan_and_its_fourteen_prefectures():
    prefectures = {c: r.name for c, r in regions().items() if r.level == "prefecture"}
    assert len(prefectures) == 14
    assert prefectures["430100"] == "长沙市"
    assert prefectures["433100"] == "湘西土家族苗族自治州"
    assert name_of("430000") == "湖南省"
    for code, r in regions().items():
        if r.level == "county":
            assert r.parent == prefecture_of(code), code
            assert r.parent in prefectures


@pytest.mark.parametrize(
    ("code", "prefecture"),
    [("430104", "430100"), ("430100", "430100"), ("433127", "433100"), ("430000", "430000")],
)
def test_prefecture_of_is_the_first_four_digits_and_00(code, prefecture):
    assert prefecture_of(code) == prefecture


@pytest.mark.parametrize("bad", ["4301", "HN", "43010a", "４３０１００", ""])
def test_a_code_that_is_not_six_digits_is_refused_with_its_value(bad):
    with pytest.raises(ValueError, match="6-digit"):
        prefecture_of(bad)


def test_names_and_labels():
    assert name_of("430104") == "岳麓区"
    assert name_of("990000") is None
    assert label("430100") == "430100 长沙市"
    assert label("990000") == "990000"


def test_every_region_of_the_seed_bundle_has_a_name():
    codes = set()
    for name in ("organizations.csv", "demands.csv"):
        path = SEED / name
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as fh:
                codes |= {row["region"] for row in csv.DictReader(fh)}
    assert codes, "the seed bundle has no regions: update this test"
    assert {c for c in codes if name_of(c) is None} == set()
