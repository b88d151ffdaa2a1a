"""``metro coverage`` (report, report files, snapshots), ``metro coverage history`` and
``metro plan`` (the what-if planner).

``metro coverage --at DATE [--by discipline|region|county|quantity|field] [--demand
registered|instruments|both] [--save] [--csv F] [--xlsx F] [--chart F.svg|F.png] [--json]``
prints DESIGN.md's ``{at, target, items, covered_items, rate, weight, covered_weight,
weighted_rate, by, gaps}`` (plus ``meets_target``, ``demand``, ``group_by``, and ``snapshot``
when saved). ``--at`` defaults to today. Saving a snapshot is opt-in (``--save``): a report
stays a read.

``metro plan --add FILE.csv --at DATE`` (proposals in the capabilities.csv format) or
``metro plan --suggest K --at DATE [--priority-weight W] [--write FILE.csv]`` (greedy road to
the target, new standards and upgrades of existing ones; W weights the items of the policy's
priority fields when choosing; ``--write`` saves the suggestions in the format ``--add`` reads,
an upgrade under the code of the standard it upgrades).
"""

from __future__ import annotations

import getpass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from metro.cli.app import app, require_schema
from metro.cli.common import (
    DbOption,
    Globals,
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


class By(StrEnum):
    discipline = "discipline"
    region = "region"
    county = "county"
    quantity = "quantity"
    field = "field"


class Demand(StrEnum):
    registered = "registered"
    instruments = "instruments"
    both = "both"


AtOption = Annotated[
    str | None,
    typer.Option("--at", help="Date the coverage speaks for, YYYY-MM-DD (default: today).",
                 show_default=False),
]  # fmt: skip
DemandOption = Annotated[
    Demand,
    typer.Option("--demand", help="Demand items: the demands table, derived from instruments, "
                 "or both.", case_sensitive=False),
]  # fmt: skip

coverage_app = typer.Typer(
    help="Coverage of the 95 % traceability need by the social public standards.",
    no_args_is_help=False,
)
app.add_typer(coverage_app, name="coverage")


def _actor() -> Any:
    from metro.model.actor import cli_actor

    return cli_actor(getpass.getuser())


def _at(value: str | None) -> date:
    return date.today() if value is None else parse_date(value, "--at")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _bar(value: float | None, target: float, width: int = 20) -> str:
    """``██████████████····│·`` with ``│`` at the target, green when the target is met."""
    if value is None:
        return ""
    filled = round(value * width)
    mark = min(width - 1, round(target * width))
    cells = ["█" if p < filled else "·" for p in range(width)]
    cells[mark] = "┃" if value >= target else "│"
    color = "green" if value >= target else "red"
    return f"[{color}]{''.join(cells)}[/]"


@coverage_app.callback(invoke_without_command=True)
def coverage(
    ctx: typer.Context,
    at: AtOption = None,
    by: Annotated[
        By, typer.Option("--by", help="Group the rates by.", case_sensitive=False)
    ] = By.discipline,
    demand: DemandOption = Demand.registered,
    save: Annotated[
        bool, typer.Option("--save", help="Store this coverage as a snapshot (for `history`).")
    ] = False,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write one row per demand item to this CSV.")
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Write an Excel workbook (summary, groups, items, gaps)."),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Chart of the rates by discipline and region (.svg/.png)."),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Coverage of the 95 % need at a date: rates overall and by group, and every gap."""
    if ctx.invoked_subcommand is not None:
        Globals.db = db or Globals.db
        Globals.json = json or Globals.json
        return
    from metro.coverage import files
    from metro.services import coverage as service

    day = _at(at)
    if chart is not None and chart.suffix.lower() not in files.CHART_SUFFIXES:
        raise typer.BadParameter("use a .svg or .png file name", param_hint="--chart")
    eng = engine(db)
    as_json = wants_json(json)
    with domain_errors(as_json):
        require_schema(eng)
        with eng.begin() as conn:
            report = service.report(conn, actor=_actor(), at=day, demand=demand.value)
            snapshot = (
                service.snapshot(conn, actor=_actor(), now=datetime.now(UTC), report=report)
                if save
                else None
            )
        notes: list[str] = []
        try:
            if csv is not None:
                files.write_csv(report, csv)
                notes.append(f"wrote {csv}")
            if xlsx is not None:
                files.write_xlsx(report, xlsx)
                notes.append(f"wrote {xlsx}")
            if chart is not None:
                chinese = files.write_chart(report, chart)
                notes.append(
                    f"wrote {chart}"
                    + ("" if chinese else " (no CJK font installed: labels in English)")
                )
        except OSError as exc:
            raise InvalidInput(f"cannot write the report file: {exc}") from None
    if as_json:
        out = report.as_dict(by.value)
        if snapshot is not None:
            out["snapshot"] = snapshot
        print_json(out)
        for note in notes:
            stderr.print(escape(note), highlight=False)
        return
    _print_report(report, by.value)
    if snapshot is not None:
        stdout.print(f"saved as snapshot {snapshot}")
    for note in notes:
        stdout.print(escape(note), highlight=False)


def _print_report(report: Any, by: str) -> None:
    o, target = report.overall, report.target
    meets = o.meets(target)
    verdict = (
        "[green]meets the target[/]" if meets else "[red]below the target[/]"
        if meets is not None else "no demand"
    )  # fmt: skip
    stdout.print(
        f"[bold]Coverage at {report.at.isoformat()}[/] — demand: {report.demand_source} — "
        f"target {target:.0%}"
    )
    stdout.print(
        f"items {o.items:,}, covered {o.covered_items:,} ({_pct(o.rate)}); "
        f"weight {o.weight:,}, covered {o.covered_weight:,} ({_pct(o.weighted_rate)}) — "
        f"{verdict}"
    )
    table = Table(title=f"by {by}", caption=f"│ marks the {target:.0%} target")
    table.add_column(by, no_wrap=True)
    table.add_column("name")
    table.add_column("items covered", justify="right")
    table.add_column("rate", justify="right", no_wrap=True)
    table.add_column("weight covered", justify="right")
    table.add_column("weighted", justify="right", no_wrap=True)
    table.add_column(f"vs {target:.0%}", no_wrap=True)
    for g in report.by[by]:
        r = g.rates
        table.add_row(
            g.key,
            escape(g.name_zh or g.name_en or ""),
            f"{r.covered_items:,}/{r.items:,}",
            _pct(r.rate),
            f"{r.covered_weight:,}/{r.weight:,}",
            _pct(r.weighted_rate),
            _bar(r.weighted_rate, target),
        )
    table.add_section()
    table.add_row(
        "all", "", f"{o.covered_items:,}/{o.items:,}", _pct(o.rate),
        f"{o.covered_weight:,}/{o.weight:,}", _pct(o.weighted_rate),
        _bar(o.weighted_rate, target),
    )  # fmt: skip
    stdout.print(table)
    if not report.gaps:
        stdout.print("no gaps")
        return
    shown = report.gaps[:25]
    gaps = Table(title=f"gaps ({len(report.gaps):,}), heaviest first")
    gaps.add_column("demand", no_wrap=True)
    gaps.add_column("count", justify="right")
    gaps.add_column("kind")
    gaps.add_column("region")
    gaps.add_column("reason")
    gaps.add_column("closest standard: detail")
    for g in shown:
        gaps.add_row(escape(g.demand), f"{g.count:,}", g.kind, g.region, g.reason, escape(g.detail))
    stdout.print(gaps)
    if len(report.gaps) > len(shown):
        stdout.print(f"… and {len(report.gaps) - len(shown):,} more (--json, --csv or --xlsx)")


@coverage_app.command("history")
def history(
    demand: Annotated[
        Demand | None,
        typer.Option(
            "--demand", help="Only snapshots of this demand source.", case_sensitive=False
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The stored coverage snapshots, oldest first: the trend towards 95 %."""
    from metro.services import coverage as service

    eng = engine(db)
    as_json = wants_json(json)
    with domain_errors(as_json):
        require_schema(eng)
        with eng.connect() as conn:
            rows = service.history(conn, actor=_actor(),
                                   demand=demand.value if demand else None)
    if as_json:
        print_json([s.as_dict() for s in rows])
        return
    if not rows:
        stdout.print("no snapshots yet: run `metro coverage --save`")
        return
    table = Table(title="coverage history", caption="│ marks the target")
    table.add_column("at", no_wrap=True)
    table.add_column("demand")
    table.add_column("items covered", justify="right")
    table.add_column("weighted", justify="right", no_wrap=True)
    table.add_column("change", justify="right", no_wrap=True)
    table.add_column("vs target", no_wrap=True)
    previous: dict[str, float | None] = {}
    for s in rows:
        o = s.overall
        before = previous.get(s.demand)
        change = (
            f"{(o.weighted_rate - before) * 100:+.1f} pt"
            if before is not None and o.weighted_rate is not None
            else ""
        )
        previous[s.demand] = o.weighted_rate
        table.add_row(
            s.at.isoformat(), s.demand, f"{o.covered_items:,}/{o.items:,}",
            _pct(o.weighted_rate), change, _bar(o.weighted_rate, s.target),
        )  # fmt: skip
    stdout.print(table)


@app.command()
def plan(
    add: Annotated[
        Path | None,
        typer.Option("--add", help="Proposed capabilities: a CSV in the capabilities.csv format."),
    ] = None,
    suggest: Annotated[
        int | None,
        typer.Option(
            "--suggest",
            min=1,
            help="Suggest the K capabilities that raise the weighted rate most.",
            metavar="K",
        ),
    ] = None,
    at: AtOption = None,
    demand: DemandOption = Demand.registered,
    priority_weight: Annotated[
        float,
        typer.Option(
            "--priority-weight",
            help="With --suggest: count the items of a priority field W times when choosing "
            "(1 = no preference).",
            metavar="W",
        ),
    ] = 1.0,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="With --suggest: write the suggestions as a CSV --add reads."),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """What-if: coverage with proposed standards added, or the road to the 95 % target.

    Proposed capabilities are assumed active, examined and traceable.
    """
    from metro.coverage import proposals
    from metro.services import coverage as service

    if (add is None) == (suggest is None):
        raise typer.BadParameter("give exactly one of --add FILE or --suggest K",
                                 param_hint="--add/--suggest")  # fmt: skip
    if write is not None and suggest is None:
        raise typer.BadParameter("--write goes with --suggest", param_hint="--write")
    if not (priority_weight > 0 and priority_weight < float("inf")):
        raise typer.BadParameter(f"{priority_weight}: must be a number above 0",
                                 param_hint="--priority-weight")  # fmt: skip
    if priority_weight != 1.0 and suggest is None:
        raise typer.BadParameter("--priority-weight goes with --suggest",
                                 param_hint="--priority-weight")  # fmt: skip
    day = _at(at)
    eng = engine(db)
    as_json = wants_json(json)
    with domain_errors(as_json):
        if add is not None:
            proposed = proposals.read_proposals(add)
            require_schema(eng)
            with eng.connect() as conn:
                result: Any = service.plan(conn, actor=_actor(), at=day, proposals=proposed,
                                           demand=demand.value)
        else:
            assert suggest is not None
            require_schema(eng)
            with eng.connect() as conn:
                result = service.suggest(conn, actor=_actor(), at=day, k=suggest,
                                         demand=demand.value, priority_weight=priority_weight)
            if write is not None:
                try:
                    proposals.write_proposals(write, result.capability_rows())
                except OSError as exc:
                    raise InvalidInput(f"cannot write {write}: {exc}") from None
    if as_json:
        print_json(result.as_dict())
        if write is not None:
            stderr.print(escape(f"wrote {write}"), highlight=False)
        return
    if add is not None:
        _print_plan(result)
    else:
        _print_suggestions(result)
        if write is not None:
            stdout.print(escape(f"wrote {write}"), highlight=False)


def _rates_line(label: str, rates: Any, target: float) -> str:
    return (
        f"{label}: items {rates.covered_items:,}/{rates.items:,} ({_pct(rates.rate)}), "
        f"weight {rates.covered_weight:,}/{rates.weight:,} ({_pct(rates.weighted_rate)}) "
        f"{_bar(rates.weighted_rate, target)}"
    )


def _u_text(c: Any) -> str:
    return " + ".join(t for t in (c.u_abs, c.u_rel) if t) + f" (k={c.k})"


def _closes_text(codes: list[str], limit: int = 4) -> str:
    more = f" … +{len(codes) - limit}" if len(codes) > limit else ""
    return escape(", ".join(codes[:limit]) + more)


def _print_plan(result: Any) -> None:
    before, target = result.before, result.before.target
    stdout.print(f"[bold]What-if at {before.at.isoformat()}[/] — demand: {before.demand_source}")
    stdout.print(_rates_line("before", before.overall, target))
    stdout.print(_rates_line("after ", result.after.overall, target))
    table = Table(title="proposals")
    table.add_column("standard", no_wrap=True)
    table.add_column("kind")
    table.add_column("range")
    table.add_column("U")
    table.add_column("closes (weight)", justify="right")
    table.add_column("items closed")
    for p in result.proposals:
        table.add_row(
            escape(p.standard), p.quantity, escape(f"{p.range_min}..{p.range_max}"),
            escape(_u_text(p)), f"{len(p.closes):,} ({p.closes_weight:,})",
            _closes_text(p.closes),
        )  # fmt: skip
    stdout.print(table)
    stdout.print(f"gaps remaining: {len(result.after.gaps):,}")


def _print_suggestions(result: Any) -> None:
    before, target = result.before, result.before.target
    stdout.print(
        f"[bold]Road to {target:.0%} at {before.at.isoformat()}[/] — demand: {before.demand_source}"
    )
    stdout.print(_rates_line("now", before.overall, target))
    if not result.suggestions:
        stdout.print("nothing to suggest: no gaps")
        return
    weighted = result.priority_weight != 1.0
    table = Table(
        title="suggested capabilities (new standards and upgrades)",
        caption=f"│ marks the {target:.0%} target"
        + (f"; priority fields weighted ×{result.priority_weight:g} when choosing" if weighted
           else ""),
    )  # fmt: skip
    table.add_column("#", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("quantity")
    table.add_column("range")
    table.add_column("U")
    table.add_column("closes (weight)", justify="right")
    if weighted:
        table.add_column("weighted", justify="right")
    table.add_column("reached", justify="right", no_wrap=True)
    table.add_column(f"vs {target:.0%}", no_wrap=True)
    table.add_column("items closed")
    for s in result.suggestions:
        c = s.capability
        kind = "new" if s.upgrades is None else f"upgrade {s.upgrades}\n({s.change})"
        shown = escape(f"{c.range_min}..{c.range_max}")
        u = escape(_u_text(c))
        if s.was is not None:
            shown += escape(f"\n(was {s.was})")
        cells = [str(s.rank), escape(kind), c.quantity, shown, u,
                 f"{len(c.closes):,} ({c.closes_weight:,})"]  # fmt: skip
        if weighted:
            cells.append(f"{s.closes_weighted:,.6g}")
        cells += [_pct(s.reached.weighted_rate), _bar(s.reached.weighted_rate, target),
                  _closes_text(c.closes)]  # fmt: skip
        table.add_row(*cells)
    stdout.print(table)
