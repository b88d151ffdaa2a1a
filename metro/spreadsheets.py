"""Cells of the files people open in a spreadsheet (CSV and XLSX reports): text stays text.

A name such as ``=HYPERLINK(…)`` must not become a formula when a report is opened in Excel or
LibreOffice (CSV/formula injection). The one home of that rule, for every report writer:

* :func:`safe_text` for CSV: text that a spreadsheet would read as a formula — starting with
  ``=``, ``+``, ``@``, a tab, a carriage return, or ``-`` not followed by a digit (negative
  numbers and ranges such as ``-40 degC … 100 degC`` stay as they are) — gets a leading
  apostrophe, as OWASP advises;
* :func:`text_as_text` for XLSX: every cell openpyxl took for a formula is stored as a string
  (metro writes no formulas).

Province bundles (``metro export``) are data, not reports: they are written verbatim, so that
load of an export stays lossless.
"""

from __future__ import annotations

from typing import Any


def safe_text(value: Any) -> Any:
    """A CSV cell that no spreadsheet reads as a formula: risky text gets a leading ``'``."""
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first in "=+@\t\r" or (first == "-" and not value[1:2].replace(".", "0").isdigit()):
        return "'" + value
    return value


def text_as_text(sheet: Any) -> None:
    """Store every cell openpyxl took for a formula (a string starting with ``=``) as text:
    metro writes no formulas."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
