"""``metro providers ASSET --at DATE``: who can calibrate an instrument, nearest first."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from metro.cli.app import app
from metro.cli.common import (
    DbOption,
    JsonOption,
    connect,
    domain_errors,
    parse_date,
    print_json,
    stdout,
    wants_json,
)
from metro.model.actor import cli_actor
from metro.model.regions import label


@app.command()
def providers(
    asset: Annotated[str, typer.Argument(help="Instrument code.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="Date YYYY-MM-DD (default: today).", show_default=False),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Who can calibrate an instrument: organizations with an active, valid standard whose
    capability is adequate (kind, range, U ≤ MPE/3); in-house first, then the owner's
    prefecture, the province, the rest."""
    import getpass

    from metro.services.providers import providers as find

    as_json = wants_json(json)
    day = parse_date(at, "--at") if at else date.today()
    eng = connect(db, json=as_json)
    with domain_errors(as_json), eng.connect() as conn:
        found = find(conn, actor=cli_actor(getpass.getuser()), at=day, asset=asset)
    if as_json:
        print_json([p.as_json() for p in found])
        return
    if not found:
        stdout.print(f"no organization can calibrate {escape(asset)} at {day}")
        return
    table = Table("organization", "name", "region", "standard", "U", "MPE/U", "")
    for p in found:
        table.add_row(
            escape(p.organization), escape(p.name), escape(label(p.region)), escape(p.standard),
            escape(p.u), f"{p.ratio:.2f}", "in-house" if p.in_house else "",
        )
    stdout.print(table)
