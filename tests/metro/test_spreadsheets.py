"""Report cells stay text (issue 9 item 9): no spreadsheet runs a name as a formula."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from metro.spreadsheets import safe_text, text_as_text

FORMULA = '=HYPERLINK("http://example.invalid","click")'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1+1", "'+1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("\tx", "'\tx"),
        ("-40 degC … 100 degC", "-40 degC … 100 degC"),  # a negative number stays a number
        ("-.5 kPa", "-.5 kPa"),
        ("D-001", "D-001"),
        ("", ""),
        (12, 12),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed(cell, written):
    assert safe_text(cell) == written


def test_xlsx_cells_that_look_like_formulas_are_stored_as_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([FORMULA, 1.5, "plain"])
    assert ws["A1"].data_type == "f"  # what openpyxl would do on its own
    text_as_text(ws)
    wb.save(tmp_path / "x.xlsx")
    cell = load_workbook(tmp_path / "x.xlsx")["Sheet"]["A1"]
    assert cell.data_type == "s" and cell.value == FORMULA
    assert load_workbook(tmp_path / "x.xlsx")["Sheet"]["B1"].value == 1.5
