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
    domain_errors,
    engine,
    print_json,
    stdout,
    wants_json,
)
from metro.cli.progress import load_progress

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
    from metro.db.migrate import current_revision, upgrade

    eng = engine(db)
    with domain_errors(wants_json(json)):
        upgrade(eng)
    rev = current_revision(eng)
    if wants_json(json):
        print_json({"database": eng.url.render_as_string(hide_password=True), "revision": rev})
    else:
        stdout.print(f"schema at revision {rev} in {eng.url.render_as_string(hide_password=True)}")


def require_schema(eng: object) -> None:
    from metro.db.migrate import current_revision, head_revision
    from metro.errors import InvalidInput

    if current_revision(eng) != head_revision(eng):  # type: ignore[arg-type]
        raise InvalidInput("the database schema is missing or old: run `metro init` first")


@app.command()
def load(
    directory: Annotated[Path, typer.Argument(help="Bundle folder (CSV files).")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Import a province bundle, all-or-nothing: every bad row is reported and nothing written."""
    from metro.bundle.load import load_bundle

    eng = engine(db)
    as_json = wants_json(json)
    with domain_errors(as_json):
        require_schema(eng)
        with (
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

    eng = engine(db)
    with domain_errors(wants_json(json)):
        require_schema(eng)
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
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    with_scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="Run the scheduler inside.")
    ] = True,
    db: DbOption = None,
) -> None:
    """Run the web app and API (default http://127.0.0.1:8000), with the scheduler inside."""
    import uvicorn

    from api.app import create_app

    eng = engine(db)
    with domain_errors():
        require_schema(eng)
    hooks = []
    if with_scheduler:
        from schedules.scheduler import MetroScheduler

        hooks.append(MetroScheduler(eng))
    uvicorn.run(create_app(eng, background=hooks), host=host, port=port)


def main() -> None:
    app()
