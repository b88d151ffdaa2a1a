"""Scheduler commands: ``metro scheduler``, ``metro jobs list|run``, ``metro notices``."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, date, datetime
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
    log_to_stderr,
    parse_date,
    print_json,
    stdout,
    wants_json,
)

#: A limit past any outbox (and inside every database's integer range).
MAX_LIMIT = 1_000_000

jobs_app = typer.Typer(
    help="Scheduled jobs: list them, or run one now for a date.", no_args_is_help=True
)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def jobs_list(db: DbOption = None, json: JsonOption = False) -> None:
    """The scheduled jobs, when they run, and the last runs recorded."""
    from metro.watch.runs import last_runs
    from schedules.definitions import default_jobs
    from schedules.jobs import TIMEZONE

    eng = connect(db, json=json)
    with domain_errors(wants_json(json)), eng.connect() as conn:
        runs = last_runs(conn, limit=20)
    defs = [
        {"id": d.id, "func": d.func, "trigger": str(d.trigger), "description": d.description}
        for d in default_jobs(TIMEZONE)
    ]
    if wants_json(json):
        print_json({"timezone": TIMEZONE, "jobs": defs, "last_runs": runs})
        return
    t = Table("job", "when", "what", title=f"scheduled jobs ({TIMEZONE})")
    for d in defs:
        t.add_row(d["id"], escape(d["trigger"]), escape(d["description"]))
    stdout.print(t)
    if runs:
        r = Table("job", "trigger", "started", "summary", title="last runs")
        for x in runs:
            r.add_row(x["job"], x["key"], x["started_at"][:19], escape(str(x["summary"] or "")))
        stdout.print(r)


@jobs_app.command("run")
def jobs_run(
    name: Annotated[
        str, typer.Argument(help="due_scan, exam_expiry, coverage_watch or impact_watch")
    ],
    at: Annotated[str | None, typer.Option("--at", help="Date YYYY-MM-DD (default today).")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Run one job now for a date and print what it flagged (notifications stay one each)."""
    from metro.watch.registry import WATCHES, run_watch

    if name not in WATCHES:
        raise typer.BadParameter(
            f"{name!r} is not a job; jobs: {', '.join(WATCHES)}", param_hint="NAME"
        )
    day = parse_date(at, "--at") if at else date.today()
    eng = connect(db, json=json)
    extra = {"every": True} if name == "impact_watch" else {}
    with domain_errors(wants_json(json)), eng.begin() as conn:
        report = run_watch(name, conn, at=day, now=datetime.now(UTC), **extra)
    out = report.as_dict()
    if wants_json(json):
        print_json(out)
        return
    stdout.print(
        f"{name} for {day}: {len(report.flagged)} flagged, "
        f"{report.notifications} new notification(s)"
    )
    if report.flagged:
        keys = list(report.flagged[0])[:6]
        t = Table(*keys)
        for f in report.flagged[:200]:
            t.add_row(*(escape(str(f.get(k, ""))) for k in keys))
        stdout.print(t)


@app.command()
def notices(
    owner: Annotated[str | None, typer.Option("--owner", help="Organization code.")] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_LIMIT, help="At most this many, newest first.")
    ] = 200,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Notifications in the outbox (newest first), with their delivery state."""
    from metro.notifications.outbox import notices as list_notices

    eng = connect(db, json=json)
    with domain_errors(wants_json(json)), eng.connect() as conn:
        rows = list_notices(conn, owner=owner, limit=limit)
    if wants_json(json):
        print_json(rows)
        return
    t = Table("date", "to", "asset", "event", "message", "state")
    for r in rows:
        t.add_row(
            r["date"], r["recipient"], r["asset"] or "", r["event"], r["message_zh"], r["state"]
        )
    stdout.print(t)


@app.command()
def scheduler(
    db: DbOption = None,
    poll: Annotated[float, typer.Option(min=1, help="Seconds between lease checks.")] = 15.0,
) -> None:
    """Run the scheduler on its own (lead when the lease is free; Ctrl-C to stop)."""
    from schedules.scheduler import MetroScheduler

    log_to_stderr()  # taking and losing the lease is news for the operator
    eng = connect(db)
    s = MetroScheduler(eng, poll=poll)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    s.start()
    stdout.print(f"scheduler {s.holder}: {'leading' if s.leading else 'standing by'}")
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        s.stop()
