"""Calibration-interval commands: ``metro intervals propose`` and ``metro intervals accept``.

Thin: parse the options, call one service in one transaction, print. ``propose`` stores the
proposals it shows (so that ``accept`` can take one) and changes no interval; ``accept`` takes
the instrument's latest proposal, logs it, and the new interval governs the next certificate.
Every listing says that a certificate's conclusion stands for the as-found state.
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, date, datetime
from enum import StrEnum
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
from metro.model.actor import Actor, cli_actor

intervals_app = typer.Typer(
    help="Calibration intervals from the as-found history (JJF 1139, ILAC-G24, RP-1).",
    no_args_is_help=True,
)
app.add_typer(intervals_app, name="intervals")


class MethodChoice(StrEnum):
    a1 = "a1"
    a3 = "a3"
    s1 = "s1"


def _actor() -> Actor:
    name = os.environ.get("METRO_ACTOR")
    return Actor(name) if name else cli_actor(getpass.getuser())


@intervals_app.command("propose")
def propose(
    asset: Annotated[str | None, typer.Argument(help="Instrument code (default: all).")] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this organization's instruments.")
    ] = None,
    method: Annotated[
        MethodChoice,
        typer.Option("--method", help="a1 per instrument; a3, s1 per group (owner and kind)."),
    ] = MethodChoice.a1,
    target: Annotated[
        float, typer.Option("--target", min=0.0, max=1.0, help="Reliability target R*.")
    ] = 0.9,
    at: Annotated[
        str | None, typer.Option("--at", help="Date YYYY-MM-DD (default: today).")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Propose intervals from the as-found history; nothing changes until an owner accepts."""
    from metro.model.intervals import AS_FOUND_NOTE, METHOD_NAMES
    from metro.services import intervals

    as_json = wants_json(json)
    day = parse_date(at, "--at") if at else date.today()
    eng = connect(db, json=as_json)
    with domain_errors(as_json), eng.begin() as conn:
        proposals = intervals.propose(
            conn,
            actor=_actor(),
            at=day,
            now=datetime.now(UTC),
            asset=asset,
            owner=owner,
            method=method.value,
            target=target,
        )
    if as_json:
        print_json([p.as_json() for p in proposals])
        return
    table = Table(
        "asset or group",
        "current",
        "proposed",
        "",
        "n",
        "in tol.",
        "R̂ [95 %]",
        "reason",
        title=f"{METHOD_NAMES[method.value]}, target {target:g}, at {day}",
    )
    for p in proposals:
        ci = "" if p.reliability is None else f"{p.reliability:.3f}"
        if p.low is not None and p.high is not None:
            ci += f" [{p.low:.3f}, {p.high:.3f}]"
        colour = {"lengthen": "green", "shorten": "yellow", "keep": "white"}[p.change]
        table.add_row(
            escape(p.subject),
            str(p.current_months),
            str(p.proposed_months),
            f"[{colour}]{p.change}[/]",
            str(p.n),
            str(p.in_tolerance),
            ci,
            escape(p.reason),
        )
    stdout.print(table)
    stdout.print(
        f"{len(proposals):,} proposals; {escape(AS_FOUND_NOTE)}. "
        "An owner accepts one with `metro intervals accept ASSET`."
    )


@intervals_app.command("accept")
def accept(
    asset: Annotated[str, typer.Argument(help="Instrument code.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Accept the instrument's latest proposal: its interval changes from the next certificate."""
    from metro.services import intervals

    as_json = wants_json(json)
    eng = connect(db, json=as_json)
    with domain_errors(as_json), eng.begin() as conn:
        done = intervals.accept(conn, actor=_actor(), now=datetime.now(UTC), asset=asset)
    if as_json:
        print_json(done.as_json())
        return
    stdout.print(
        f"[bold]{escape(done.asset)}[/]: interval {done.before_months} → "
        f"[bold]{done.after_months}[/] months ({done.method}, proposal {done.proposal}), "
        f"accepted {done.accepted_on}; applies from the next certificate "
        f"(change log entry {done.change})"
    )
