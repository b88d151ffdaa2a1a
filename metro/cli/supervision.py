"""``metro supervision``: legal-metrology supervision (强制检定) at a date.

``metro supervision --at DATE [--since DATE] [--by region|quantity|usage] [--json|--csv FILE|
--xlsx FILE]`` prints DESIGN.md's ``{at, mandatory, compliant, rate, pass_rate, by, flags}``
(built by :func:`metro.services.supervision.report`). ``--at`` defaults to today, ``--since``
to 1 January of its year, ``--by`` to region (prefecture cities).

``--csv`` writes one row per flagged instrument; ``--xlsx`` a workbook (summary, groups,
flags). Every text cell is written as text: a value beginning with ``=``, ``+``, ``-`` or
``@`` is not a formula to a spreadsheet (prefixed with ``'`` in CSV, typed as a string in XLSX).
"""

from __future__ import annotations

import csv
import getpass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.markup import escape
from rich.table import Table

from metro.cli.app import app, require_schema
from metro.cli.common import (
    DbOption,
    JsonOption,
    domain_errors,
    engine,
    parse_date,
    print_json,
    stderr,
    stdout,
    wants_json,
)
from metro.errors import InvalidInput

FLAG_COLUMNS: Final = ("asset", "owner", "flag", "reason", "certificate", "region", "quantity",
                       "usage")
GROUP_COLUMNS: Final = ("key", "name_zh", "name_en", "mandatory", "compliant", "rate",
                        "verifications", "passed", "pass_rate")
_FORMULA: Final = ("=", "+", "-", "@", "\t", "\r")


class By(StrEnum):
    region = "region"
    quantity = "quantity"
    usage = "usage"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _text(value: Any) -> Any:
    """A text cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _flag_row(r: Any) -> list[Any]:
    return [r.asset, r.owner, r.flag.value, r.reason, r.certificate or "", r.region, r.quantity,
            r.usage or ""]


def write_csv(result: Any, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FLAG_COLUMNS)
        for r in result.flags:
            w.writerow([_text(v) for v in _flag_row(r)])


def write_xlsx(result: Any, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font

    def put(sheet: Any, values: list[Any]) -> None:
        row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value else 1
        for col, v in enumerate(values, start=1):
            cell = sheet.cell(row, col, v)
            if isinstance(v, str):  # typed as a string: never written as a formula
                cell.data_type = TYPE_STRING

    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    assert ws is not None
    ws.title = "summary"
    data = result.as_json()
    for key in ("at", "since", "mandatory", "compliant", "rate", "verifications", "passed",
                "pass_rate", "group_by"):
        put(ws, [key, data[key]])
        ws.cell(ws.max_row, 1).font = bold
    for flag, n in data["flag_counts"].items():
        put(ws, [flag, n])
    groups = wb.create_sheet(f"by {data['group_by']}")
    put(groups, [*GROUP_COLUMNS, *data["flag_counts"]])
    for g in data["by"]:
        put(groups, [*(g[c] for c in GROUP_COLUMNS), *g["flags"].values()])
    flags = wb.create_sheet("flags")
    put(flags, list(FLAG_COLUMNS))
    for r in result.flags:
        put(flags, _flag_row(r))
    for sheet in wb.worksheets[1:]:
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
    wb.save(path)


@app.command()
def supervision(
    at: Annotated[
        str | None,
        typer.Option("--at", help="Date the supervision speaks for, YYYY-MM-DD (default: today).",
                     show_default=False),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Start of the pass rate's period (default: 1 January of "
                     "the year of --at).", show_default=False),
    ] = None,
    by: Annotated[
        By, typer.Option("--by", help="Group the rates by.", case_sensitive=False)
    ] = By.region,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Write one row per flagged instrument.")
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write an Excel workbook (summary, groups, "
                                  "flags).")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Mandatory verification (强制检定): compliance and pass rates, every flagged instrument."""
    from metro.model.actor import cli_actor
    from metro.services import supervision as service

    as_json = wants_json(json)
    day = date.today() if at is None else parse_date(at, "--at")
    start = None if since is None else parse_date(since, "--since")
    eng = engine(db)
    notes: list[str] = []
    with domain_errors(as_json):
        require_schema(eng)
        with eng.connect() as conn:
            result = service.report(conn, actor=cli_actor(getpass.getuser()),
                                    at=day, since=start, by=by.value)
        try:
            if csv_file is not None:
                write_csv(result, csv_file)
                notes.append(f"wrote {csv_file}")
            if xlsx is not None:
                write_xlsx(result, xlsx)
                notes.append(f"wrote {xlsx}")
        except OSError as exc:
            raise InvalidInput(f"cannot write the report file: {exc}") from None
    if as_json:
        print_json(result.as_json())
        for note in notes:
            stderr.print(escape(note), highlight=False)
        return
    _print(result)
    for note in notes:
        stdout.print(escape(note), highlight=False)


def _print(result: Any) -> None:
    stdout.print(
        f"[bold]Mandatory verification (强制检定) at {result.at.isoformat()}[/]: "
        f"{result.compliant:,} of {result.mandatory:,} compliant ({_pct(result.rate)}); "
        f"pass rate (合格率) since {result.since.isoformat()}: {result.passed:,} of "
        f"{result.verifications:,} ({_pct(result.pass_rate)})"
    )
    table = Table(title=f"by {result.group_by}")
    table.add_column(result.group_by, no_wrap=True)
    table.add_column("name")
    table.add_column("compliant", justify="right")
    table.add_column("rate", justify="right", no_wrap=True)
    table.add_column("pass rate", justify="right", no_wrap=True)
    table.add_column("flags")
    for g in result.by:
        counted = ", ".join(f"{k} {n}" for k, n in g.flags.items() if n)
        table.add_row(escape(g.key), escape(g.name_zh or g.name_en),
                      f"{g.compliant:,}/{g.mandatory:,}", _pct(g.as_json()["rate"]),
                      _pct(g.as_json()["pass_rate"]), counted)
    stdout.print(table)
    if not result.flags:
        stdout.print("no flagged instrument")
        return
    shown = result.flags[:25]
    flags = Table(title=f"flagged instruments ({len(result.flags):,})")
    for column in ("asset", "owner", "flag", "reason"):
        flags.add_column(column, no_wrap=column != "reason")
    for r in shown:
        flags.add_row(escape(r.asset), escape(r.owner), r.flag.value, escape(r.reason))
    stdout.print(flags)
    if len(result.flags) > len(shown):
        stdout.print(f"… and {len(result.flags) - len(shown):,} more (--json, --csv or --xlsx)")
