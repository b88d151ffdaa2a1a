"""Traceability commands: ``status``, ``chain``, ``due``, ``impact`` (DESIGN.md "Command line").

``--json`` prints exactly the contract's shapes; otherwise rich tables with coloured status
words. ``--at`` defaults to today here, in the CLI only: the domain never reads the clock. Bad
input (an unknown asset or owner code, a date that is not ``YYYY-MM-DD``) exits 1 with a message
naming the value; usage errors (a missing argument, a negative number of days) exit 2.
"""

from __future__ import annotations

import getpass
import json as jsonlib
import sys
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from metro.cli.app import app, require_schema
from metro.cli.common import (
    DbOption,
    JsonOption,
    domain_errors,
    engine,
    parse_date,
    print_json,
    stdout,
    wants_json,
)
from metro.model.statuses import Status

AtOption = Annotated[
    str | None,
    typer.Option("--at", help="Date YYYY-MM-DD (default: today).", show_default=False),
]
LeadOption = Annotated[
    int, typer.Option("--lead", min=0, help="Days ahead that make a certificate due_soon.")
]

COLOURS: dict[str, str] = {  # keyed by the model's words (a StrEnum is its string)
    Status.NEVER_CALIBRATED: "bright_black",
    Status.FAILED: "bold red",
    Status.OVERDUE: "red",
    Status.UNTRACEABLE: "magenta",
    Status.SUSPECT: "yellow",
    Status.DUE_SOON: "cyan",
    Status.VALID: "green",
}
TABLE_ROWS = 500


def _actor() -> Any:
    from metro.model.actor import cli_actor

    return cli_actor(getpass.getuser())


def _day(value: str | None) -> date:
    if value is None:
        return date.today()
    return parse_date(value, "--at")


def _word(status: str) -> str:
    return f"[{COLOURS.get(status, 'white')}]{status}[/]"


def _print_json_list(items: Iterable[dict[str, Any]]) -> None:
    """A JSON array, one object at a time (as print_json would write it, without the copy)."""
    out = sys.stdout
    first = True
    for item in items:
        body = jsonlib.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("[\n  " if first else ",\n  ") + body)
        first = False
    out.write("[]\n" if first else "\n]\n")


@app.command()
def status(
    asset: Annotated[
        str | None, typer.Argument(help="Standard or instrument code (default: every asset).")
    ] = None,
    at: AtOption = None,
    lead: LeadOption = 30,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="Only the assets of this organization (rows with names)."),
    ] = None,
    words: Annotated[
        list[str] | None,
        typer.Option("--status", help="Only assets with this status word (repeatable)."),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Status of one asset, or of all: never_calibrated, failed, overdue, untraceable, suspect,
    due_soon or valid, with the reason. With --owner or --status every row also names the
    asset and its owner."""
    from metro.services import traceability as service

    if owner is not None or words:
        _status_of_owner(asset, at, lead, owner, words, db, json)
        return

    as_json = wants_json(json)
    with domain_errors(as_json):
        day = _day(at)
        eng = engine(db)
        require_schema(eng)
        with eng.connect() as conn:
            if asset is not None or as_json:
                records = service.status(conn, actor=_actor(), at=day, asset=asset,
                                         lead_days=lead)
                counts = {records[0].status.value: 1} if asset is not None else {}
            else:  # a table: the counts, and the assets that need attention first
                board = service.status_board(conn, actor=_actor(), at=day, lead_days=lead,
                                             rows=TABLE_ROWS)
                counts, records = board.counts, board.records
    if as_json:
        _print_json_list(r.as_json() for r in records)
        return
    table = Table("asset", "kind", "status", "due", "reason", title=f"status at {day}")
    for r in records:
        table.add_row(escape(r.asset), r.kind, _word(r.status.value),
                      r.due.isoformat() if r.due else "", escape(r.reason))
    stdout.print(table)
    total = sum(counts.values())
    if total > 1:
        stdout.print("  ".join(f"{_word(k)} {v:,}" for k, v in counts.items()))
    if len(records) < total:
        stdout.print(f"showing {len(records):,} of {total:,} assets; --json lists all")


def _status_of_owner(
    asset: str | None,
    at: str | None,
    lead: int,
    owner: str | None,
    words: list[str] | None,
    db: str | None,
    json: bool,
) -> None:
    """``status --owner CODE [--status WORD…]``: one owner's assets (or any, by word), each row
    with the asset's name and owner — JSON ``[{asset, name, owner, kind, status, due, reason}]``."""
    from metro.services import traceability as service
    from metro.services.assets import named_rows

    as_json = wants_json(json)
    with domain_errors(as_json):
        day = _day(at)
        eng = engine(db)
        require_schema(eng)
        with eng.connect() as conn:
            records = service.status(conn, actor=_actor(), at=day, asset=asset, owner=owner,
                                     statuses=words or None, lead_days=lead)
            rows = named_rows(conn, records)
    if as_json:
        _print_json_list(rows)
        return
    title = f"status at {day}" + (f" of {owner}" if owner else "")
    table = Table("asset", "name", "owner", "kind", "status", "due", "reason", title=title)
    for r in rows[:TABLE_ROWS]:
        table.add_row(escape(r["asset"]), escape(r["name"]), escape(r["owner"]), r["kind"],
                      _word(r["status"]), r["due"] or "", escape(r["reason"]))
    stdout.print(table)
    if len(rows) > TABLE_ROWS:
        stdout.print(f"showing {TABLE_ROWS:,} of {len(rows):,} assets; --json lists all")


@app.command()
def chain(
    asset: Annotated[str, typer.Argument(help="Standard or instrument code.")],
    at: AtOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The chain of certificates in force up to the primary standards, with the ratio achieved
    at each link, the propagated uncertainty and the first broken link."""
    from metro.services import traceability as service

    as_json = wants_json(json)
    with domain_errors(as_json):
        day = _day(at)
        eng = engine(db)
        require_schema(eng)
        with eng.connect() as conn:
            result = service.chain(conn, actor=_actor(), at=day, asset=asset)
    data = result.as_json()
    if as_json:
        print_json(data)
        return
    verdict = "[green]traceable[/]" if result.traceable else "[bold red]not traceable[/]"
    tree = Tree(f"[bold]{escape(result.asset)}[/] at {day}: {verdict} ({_word(result.status)})")
    tree.add(escape(result.reason))
    links = data["links"]

    def grow(node: Tree, link: dict[str, Any], seen: frozenset[str]) -> None:
        ok = "[green]✓[/]" if link["in_force"] and link["sound"] else "[red]✗[/]"
        ratios = ", ".join(
            f"{a['reference']} ratio {a['ratio']:.3g}"
            for a in link["adequacy"]
            if a["reference"] and a["ratio"] is not None
        )
        label = (
            f"{ok} {escape(link['certificate'])} — {escape(link['subject'])} ← "
            f"{escape(', '.join(link['references']))} (by {escape(link['issuer'])}, "
            f"{link['calibrated_on']} … {link['valid_until'] or '—'}, used {link['used_on']})"
            + (f" {escape(ratios)}" if ratios else "")
        )
        branch = node.add(label)
        if link["problem"]:
            branch.add(f"[red]{escape(link['problem'])}[/]")
        if link["suspect"]:
            branch.add(f"[yellow]suspect: {escape(link['suspect'])}[/]")
        for p in link["paths"]:
            branch.add(f"path to {escape(p['root'])}: U(k=2) {p['u'] or 'n/a'}")
        for above in links:
            number = link["certificate"]
            if number in above["used_by"] and above["certificate"] not in seen:
                grow(branch, above, seen | {number})

    if links:
        grow(tree, links[0], frozenset())
    if result.roots:
        tree.add("roots: " + ", ".join(escape(r) for r in result.roots))
    stdout.print(tree)


@app.command()
def due(
    at: AtOption = None,
    within: Annotated[int, typer.Option("--within", min=0, help="Days ahead.")] = 30,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only assets of this organization code.")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Assets due for calibration by DATE + DAYS, overdue ones included."""
    from metro.services import traceability as service

    as_json = wants_json(json)
    with domain_errors(as_json):
        day = _day(at)
        eng = engine(db)
        require_schema(eng)
        with eng.connect() as conn:
            items = service.due(conn, actor=_actor(), at=day, within_days=within, owner=owner)
    if as_json:
        _print_json_list(i.as_json() for i in items)
        return
    table = Table("asset", "owner", "due", "status", title=f"due by {day} + {within} days")
    for i in items[:TABLE_ROWS]:
        table.add_row(escape(i.asset), escape(i.owner), i.due.isoformat(), _word(i.status))
    stdout.print(table)
    if len(items) > TABLE_ROWS:
        stdout.print(f"showing {TABLE_ROWS:,} of {len(items):,}; --json lists all")


@app.command()
def impact(
    standard: Annotated[str, typer.Argument(help="Code of the standard found out of tolerance.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """What a standard's latest fail puts in doubt: suspect certificates with their depth, the
    assets and the owners to notify."""
    from metro.services import traceability as service

    as_json = wants_json(json)
    with domain_errors(as_json):
        eng = engine(db)
        require_schema(eng)
        with eng.connect() as conn:
            report = service.impact(conn, actor=_actor(), standard=standard)
    if as_json:
        print_json(report.as_json())
        return
    if report.failed_on is None:
        stdout.print(f"{escape(standard)} has no fail certificate: nothing is suspect")
        return
    since = report.since.isoformat() if report.since else "— (no sound certificate before)"
    stdout.print(
        f"[bold]{escape(standard)}[/] failed on {report.failed_on} "
        f"(certificate {escape(report.failure or '')}); suspect since {since}"
        + (f" (certificate {escape(report.last_good)})" if report.last_good else "")
    )
    table = Table("depth", "certificate", "subject", "owner", "calibrated", "used", "during")
    for c in report.certificates[:TABLE_ROWS]:
        table.add_row(str(c.depth), escape(c.certificate), escape(c.subject), escape(c.owner),
                      c.calibrated_on.isoformat(), escape(c.reference), escape(c.spoke))
    stdout.print(table)
    depths: dict[int, int] = {}
    for c in report.certificates:
        depths[c.depth] = depths.get(c.depth, 0) + 1
    stdout.print(
        f"{len(report.certificates):,} suspect certificates ("
        + ", ".join(f"depth {d}: {n:,}" for d, n in sorted(depths.items()))
        + f"), {len(report.assets):,} assets, {len(report.owners):,} owners to notify"
    )
    owners = ", ".join(report.owners[:20])
    stdout.print("owners: " + escape(owners or "none")
                 + (" …; --json lists all" if len(report.owners) > 20 else ""))
