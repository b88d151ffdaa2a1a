"""CSV read strictly: stray and unclosed quotes, encodings, a BOM, capped reports, row codes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from metro.bundle import issues as issues_module
from metro.bundle.issues import BundleIssue, BundleRejected, Issues
from metro.bundle.load import load_bundle
from metro.bundle.reader import read_rows
from metro.db.models import ChangeLog, Organization
from tests import factories as f

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def _bundle(tmp_path: Path) -> Path:
    return f.write_bundle(tmp_path / "b", f.small_province())


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _rejected(db, bundle: Path) -> BundleRejected:
    with pytest.raises(BundleRejected) as exc, db.engine.begin() as conn:
        load_bundle(conn, bundle, actor="t", now=NOW)
    return exc.value


def _nothing_written(db) -> None:
    with db.engine.connect() as conn:
        for model in (Organization, ChangeLog):
            assert conn.execute(select(func.count()).select_from(model)).scalar_one() == 0


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def _read(path: Path, expected: tuple[str, ...] = ("code", "name")):
    found: list[BundleIssue] = []
    rows = [(line, cells) for line, _, cells in read_rows(path, found, expected)]
    return rows, found


# --- stray quotes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "column"),
    [
        ('HNIM"T,', "code"),  # a quote inside an unquoted field
        ('"HNIM"T,', "code"),  # text after the closing quote
        ('HNIMT, "湖南省计量检测研究院",', "name"),  # a space before the opening quote
    ],
)
def test_a_stray_quote_is_an_error_not_a_code(db, tmp_path, written, column):
    bundle = _bundle(tmp_path)
    orgs = bundle / "organizations.csv"
    original = "HNIMT,湖南省计量检测研究院," if column == "name" else "HNIMT,"
    _edit(orgs, original, written)
    line = _line_of(orgs, written)
    rejected = _rejected(db, bundle)
    hits = [i for i in rejected.issues if i.file == "organizations.csv"]
    assert [(i.line, i.column) for i in hits] == [(line, column)], [str(i) for i in hits]
    assert "quote" in hits[0].why
    _nothing_written(db)


def test_quoted_fields_with_commas_quotes_and_newlines_are_read_whole(db, tmp_path):
    province = f.small_province()
    name = '湖南 "某某", 机械\n有限公司'
    province["organizations.csv"][3]["name"] = name
    bundle = f.write_bundle(tmp_path / "b", province)
    with db.engine.begin() as conn:
        load_bundle(conn, bundle, actor="t", now=NOW)
    with db.engine.connect() as conn:
        stored = conn.execute(select(Organization.name).where(Organization.code == "ENT1"))
        assert stored.scalar_one() == name


def test_a_record_is_named_by_the_line_where_it_starts(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('code,name\nA,"two\nlines"\nB,"x"y\nC,ok\n', encoding="utf-8")
    rows, found = _read(path)
    assert rows == [(2, ["A", "two\nlines"]), (5, ["C", "ok"])]
    assert [(i.line, i.column) for i in found] == [(4, "name")]
    assert "'y' follows it" in found[0].why


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_line_endings_lf_crlf_and_cr_read_alike(tmp_path, end):
    path = tmp_path / "x.csv"
    text = 'code,name\nA,"a, ""quoted"""\nB,b"\nC,c\n'.replace("\n", end)
    path.write_bytes(text.encode("utf-8"))
    rows, found = _read(path)
    assert rows == [(2, ["A", 'a, "quoted"']), (3, ["B", 'b"']), (4, ["C", "c"])]
    assert [(i.line, i.column, i.row) for i in found] == [(3, "name", "B")]


def test_a_stray_quote_in_the_header_stops_the_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('code,na"me\nA,a\n', encoding="utf-8")
    rows, found = _read(path)
    assert rows == []
    assert [(i.line, i.value) for i in found] == [(1, 'na"me')]


# --- unclosed quotes ---------------------------------------------------------------------------


def test_an_unclosed_quote_names_its_line_and_does_not_echo_the_file(db, tmp_path):
    bundle = _bundle(tmp_path)
    orgs = bundle / "organizations.csv"
    _edit(orgs, "HNIMT,湖南省计量检测研究院,", 'HNIMT,"湖南省计量检测研究院,')
    line = _line_of(orgs, "HNIMT")
    rejected = _rejected(db, bundle)
    hits = [i for i in rejected.issues if i.file == "organizations.csv"]
    assert [(i.line, i.column) for i in hits] == [(line, "name")]
    assert "never closed" in hits[0].why
    # The rows after it are not echoed (neither in the issue nor in the message).
    assert "CSIM" not in str(hits[0]) and "ENT1" not in str(hits[0])
    assert "长沙市" not in rejected.message
    _nothing_written(db)


def test_reading_goes_on_after_the_line_of_an_unclosed_quote(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('code,name\nA,a\nB,"b\nC,c\nD,"d""\n', encoding="utf-8")
    rows, found = _read(path)
    assert rows == [(2, ["A", "a"]), (4, ["C", "c"])]
    assert [(i.line, i.column, i.value) for i in found] == [(3, "name", '"b'), (5, "name", '"d""')]
    # Line 3's quote runs on to line 5, whose own quote then closes it too early.
    assert "line 5" in found[0].why
    assert "never closed" in found[1].why


# --- encodings ---------------------------------------------------------------------------------


def test_a_gbk_file_names_line_byte_and_encoding(db, tmp_path):
    bundle = _bundle(tmp_path)
    orgs = bundle / "organizations.csv"
    text = orgs.read_text(encoding="utf-8")
    data = text.encode("gbk")
    orgs.write_bytes(data)
    first_chinese = next(c for c in text if ord(c) > 127)
    rejected = _rejected(db, bundle)
    hits = [i for i in rejected.issues if i.file == "organizations.csv"]
    assert len(hits) == 1
    issue = hits[0]
    assert issue.line == _line_of_bytes(data, first_chinese.encode("gbk"))
    assert f"offset {data.index(first_chinese.encode('gbk'))}" in issue.why
    assert "GBK" in issue.why and "UTF-8" in issue.why
    assert first_chinese in issue.value  # the line as it reads in GBK
    # The rest of the file is read as GBK: its codes are known, so no row refers to a
    # missing organization.
    assert len(rejected.issues) == 1, rejected.message
    _nothing_written(db)


def _line_of_bytes(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def test_a_utf16_file_is_named_as_such(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("code,name\nA,甲\n", encoding="utf-16")
    rows, found = _read(path)
    assert rows == []
    assert [i.line for i in found] == [1]
    assert "UTF-16" in found[0].why


def test_a_utf8_bom_is_accepted(db, tmp_path):
    bundle = _bundle(tmp_path)
    orgs = bundle / "organizations.csv"
    orgs.write_text(orgs.read_text(encoding="utf-8"), encoding="utf-8-sig")
    assert orgs.read_bytes().startswith(b"\xef\xbb\xbf")
    with db.engine.begin() as conn:
        report = load_bundle(conn, bundle, actor="t", now=NOW)
    assert report.counts["organizations.csv"]["created"] == len(
        f.small_province()["organizations.csv"]
    )
    with db.engine.connect() as conn:
        codes = set(conn.execute(select(Organization.code)).scalars())
    assert codes == {o["code"] for o in f.small_province()["organizations.csv"]}


def test_an_empty_file_lacks_every_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    rows, found = _read(path)
    assert rows == []
    assert {(i.line, i.column) for i in found} == {(1, "code"), (1, "name")}


# --- how much is reported ----------------------------------------------------------------------


def test_a_file_broken_on_every_line_reports_a_screenful(db, tmp_path):
    province = f.small_province()
    many = 3 * issues_module.KEPT_PER_FILE
    province["demands.csv"] = [f.demand(code=f"D-{n}", region="HN") for n in range(many)]
    province["instruments.csv"][0]["range_max"] = "10 kg"
    rejected = _rejected(db, f.write_bundle(tmp_path / "b", province))
    total = many + 1
    assert isinstance(rejected.issues, Issues) and rejected.issues.total == total
    kept = [i for i in rejected.issues if i.file == "demands.csv"]
    assert len(kept) == issues_module.KEPT_PER_FILE
    lines = rejected.message.splitlines()
    problems = [line for line in lines if line.startswith("  ") and ".csv:" in line]
    assert len(problems) == issues_module.SHOWN
    # Every broken file is shown, however many problems another one has.
    assert any(line.strip().startswith("instruments.csv:") for line in problems)
    assert lines[-1].strip() == f"… and {total - issues_module.SHOWN} more"
    assert str(total) in lines[0] and f"demands.csv {many}" in lines[0]


def test_one_problem_is_one_line(db, tmp_path):
    province = f.small_province()
    province["instruments.csv"][0]["range_max"] = "10 kg"
    rejected = _rejected(db, f.write_bundle(tmp_path / "b", province))
    assert len(rejected.message.splitlines()) == 1
    assert "instruments.csv:2: range_max='10 kg'" in rejected.message


def test_long_values_are_cut_in_the_message_only():
    value = "x" * 10 * issues_module.VALUE_SHOWN
    issue = BundleIssue("a.csv", 2, "name", value, "too long", "A-1")
    assert len(str(issue)) < len(value)
    assert issue.as_dict()["value"] == value


# --- every row error names its row ------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "index", "column", "value", "key"),
    [
        ("instruments.csv", 0, "range_max", "10 kg", "code"),
        ("certificates.csv", 1, "calibrated_on", "2025-13-01", "number"),
        ("capabilities.csv", 2, "range_max", "60 kg", "standard"),
        ("results.csv", 1, "measured", "10 V", "certificate"),
    ],
)
def test_every_row_error_names_the_rows_code_or_number(
    db, tmp_path, file, index, column, value, key
):
    province = f.small_province()
    province[file][index][column] = value
    rejected = _rejected(db, f.write_bundle(tmp_path / "b", province))
    own = province[file][index][key]
    hits = [i for i in rejected.issues if i.column == column]
    assert hits and all(i.row == own for i in hits), [str(i) for i in rejected.issues]
    assert f"of {own}" in str(hits[0])


def test_a_wrong_number_of_cells_names_the_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("code,name\nA,a,extra\n\nB,b\n", encoding="utf-8")
    rows, found = _read(path)
    assert rows == [(4, ["B", "b"])]
    assert [(i.line, i.why) for i in found] == [(2, "3 cells where the header has 2")]


# --- the real command --------------------------------------------------------------------------


def _gbk(bundle: Path) -> None:
    orgs = bundle / "organizations.csv"
    orgs.write_bytes(orgs.read_text(encoding="utf-8").encode("gbk"))


CLI_CASES = {
    # A stray quote in a name: the row is still read, so only that cell is reported.
    "stray quote": (
        lambda b: _edit(b / "organizations.csv", "湖南省计量", '湖南省"计量'),
        "organizations.csv:",
        "quote",
    ),
    # An unclosed quote in a row no other row refers to (its line is not read as a row).
    "unclosed quote": (
        lambda b: _edit(b / "demands.csv", "D-001,", 'D-001,"'),
        "demands.csv:2:",
        "never closed",
    ),
    "gbk": (_gbk, "organizations.csv:", "GBK"),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_metro_load_says_one_line_and_exits_1(db, tmp_path, case):
    mutate, where, words = CLI_CASES[case]
    bundle = _bundle(tmp_path)
    mutate(bundle)
    env = {**os.environ, "METRO_DATABASE_URL": db.url, "COLUMNS": "80"}
    p = subprocess.run(
        [sys.executable, "-m", "metro", "load", str(bundle)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 1, (p.stdout, p.stderr)
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, p.stderr
    assert where in lines[0] and words in lines[0]
    assert "Traceback" not in p.stderr
    _nothing_written(db)
