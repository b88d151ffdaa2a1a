"""The typer application and the commands that manage data: init, load, export, synth, kinds."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from metro.cli.common import (
    DbOption,
    Globals,
    JsonOption,
    connect,
    domain_errors,
    engine,
    log_to_stderr,
    output_folder,
    print_json,
    require_schema,
    stdout,
    wants_json,
)
from metro.cli.progress import load_progress

# require_schema is re-exported: the command modules of every feature import it from here.
__all__ = ["app", "main", "require_schema"]

app = typer.Typer(
    name="metro",
    help="metro: metrology standards and calibration traceability (计量标准与量传溯源).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global(db: DbOption = None, json: JsonOption = False) -> None:
    Globals.db = db
    Globals.json = json


def _actor() -> str:
    return os.environ.get("METRO_ACTOR") or f"cli:{getpass.getuser()}"


@app.command()
def init(db: DbOption = None, json: JsonOption = False) -> None:
    """Create or upgrade the schema (Alembic migrations)."""
    from metro.db.connect import check_not_newer
    from metro.db.migrate import current_revision, upgrade

    eng = engine(db, create=True)
    with domain_errors(wants_json(json)):
        check_not_newer(eng)
        restored = upgrade(eng)
        rev = current_revision(eng)
    where = eng.url.render_as_string(hide_password=True)
    if wants_json(json):
        print_json({"database": where, "revision": rev, "restored_triggers": restored})
        return
    stdout.print(f"schema at revision {rev} in {where}")
    if restored:
        stdout.print(f"re-created the change-log guard trigger(s): {', '.join(restored)}")


@app.command()
def load(
    directory: Annotated[Path, typer.Argument(help="Bundle folder (CSV files).")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Import a province bundle, all-or-nothing: every bad row is reported and nothing written."""
    from metro.bundle.load import load_bundle

    as_json = wants_json(json)
    eng = connect(db, json=as_json)
    with (
        domain_errors(as_json),
        load_progress(enabled=not as_json and sys.stderr.isatty()) as progress,
        eng.begin() as conn,
    ):
        report = load_bundle(
            conn, directory, actor=_actor(), now=datetime.now(UTC), progress=progress
        )
    if as_json:
        print_json({"source": report.source, "change": report.change_id, "files": report.counts})
        return
    table = Table("file", "rows", "created", "updated", "unchanged", title=f"loaded {directory}")
    for name, c in report.counts.items():
        table.add_row(
            name,
            str(c.get("rows", 0)),
            str(c.get("created", 0)),
            str(c.get("updated", 0)),
            str(c.get("unchanged", 0)),
        )
    stdout.print(table)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write the bundle into.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Write the database as a province bundle (load of the export is lossless)."""
    from metro.bundle.export import export_bundle

    eng = connect(db, json=wants_json(json))
    with domain_errors(wants_json(json)):
        output_folder(directory, "DIRECTORY")
        with eng.connect() as conn:
            counts = export_bundle(conn, directory)
    if wants_json(json):
        print_json({"directory": str(directory), "files": counts})
    else:
        for name, n in counts.items():
            stdout.print(f"{name:20} {n:>10,} rows")


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the bundle into.")],
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 2018,
    instruments: Annotated[int, typer.Option(min=50, help="Number of instruments (≥ 50).")] = 2000,
    settings: Annotated[
        Path | None, typer.Option(help="Generator settings (TOML); default seed_data/hunan.toml.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Generate a realistic synthetic province bundle (deterministic)."""
    from metro.synth import generate

    with domain_errors(wants_json(json)):
        output_folder(out, "--out")
        counts = generate(out, seed=seed, instruments=instruments, settings=settings)
    if wants_json(json):
        print_json({"directory": str(out), "files": counts})
    else:
        for name, n in counts.items():
            stdout.print(f"{name:20} {n:>10,} rows")


@app.command()
def kinds(json: JsonOption = False) -> None:
    """List the quantity-kind catalogue (code, names, discipline, canonical unit)."""
    from metro.quantity_kinds import disciplines
    from metro.quantity_kinds import kinds as catalogue

    ks = list(catalogue().values())
    if wants_json(json):
        print_json(
            [
                {
                    "code": k.code,
                    "name_zh": k.name_zh,
                    "name_en": k.name_en,
                    "discipline": k.discipline,
                    "unit": k.canonical_unit,
                }
                for k in ks
            ]
        )
        return
    table = Table("code", "名称", "name", "discipline", "unit")
    ds = disciplines()
    for k in ks:
        d = ds[k.discipline]
        table.add_row(k.code, k.name_zh, k.name_en, f"{d.code} {d.name_zh}", k.canonical_unit)
    stdout.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (1–65535).")] = 8000,
    with_scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="Run the scheduler inside.")
    ] = True,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    db: DbOption = None,
) -> None:
    """Run the web app and API (default http://127.0.0.1:8000), with the scheduler inside."""
    from metro.errors import InvalidInput

    with domain_errors():
        if not 0 < port < 65536:  # refused, never wrapped to another port
            raise InvalidInput(f"--port {port}: a port is a number from 1 to 65535")
        _check_free(host, port)
    from api.app import create_app, pool_size

    eng = connect(db, pool_size=pool_size())
    if with_scheduler:
        log_to_stderr()  # the scheduler says when it takes or loses its lease

    import uvicorn

    if workers > 1:  # each process imports the app by name: the URL travels in the environment
        from metro.cli import workers as w

        os.environ[w.URL_VARIABLE] = eng.url.render_as_string(hide_password=False)
        os.environ[w.SCHEDULER_VARIABLE] = "1" if with_scheduler else "0"
        uvicorn.run(f"{w.__name__}:worker_app", factory=True, workers=workers, host=host,
                    port=port)
        return

    hooks = []
    if with_scheduler:
        from schedules.scheduler import MetroScheduler

        hooks.append(MetroScheduler(eng))
    uvicorn.run(create_app(eng, background=hooks, serving=True), host=host, port=port)


def _check_free(host: str, port: int) -> None:
    """Say in one line that the address is taken (or not ours) before uvicorn starts."""
    import socket

    from metro.errors import InvalidInput

    try:
        with socket.create_server((host, port), reuse_port=False):
            pass
    except OSError as exc:
        why = str(exc.strerror or exc).split(" (while")[0]
        raise InvalidInput(f"--host {host} --port {port}: cannot listen there ({why})") from None


def main() -> None:
    app()
