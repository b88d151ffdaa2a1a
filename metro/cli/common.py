"""Options and output shared by every command: the database, JSON or tables, errors.

Every command opens its database through :func:`connect` (or :func:`engine` then
``require_schema``), which hand over to :mod:`metro.db.connect`: one place checks the URL, the
file or server and the schema, and turns driver errors into one-line domain errors.

Output that is not a terminal (a pipe, a file) is not cut at 80 columns: codes, certificate
numbers and reasons stay whole, one table row per line.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, ConsoleDimensions
from rich.markup import escape
from sqlalchemy import URL, Engine
from sqlalchemy.exc import SQLAlchemyError

from metro.db import connect as db_connect
from metro.errors import InvalidInput, MetroError

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $METRO_DATABASE_URL, else sqlite:///./metro.db).",
        show_default=False,
    ),
]
# metavar "": shown as a flag in help (``--json``), not as an option taking a <bool>.
JsonOption = Annotated[
    bool, typer.Option("--json", metavar="", help="Print machine-readable JSON on stdout.")
]

# Wide enough for any row of a table; a terminal keeps its own width.
PIPE_WIDTH = 10_000


class _Console(Console):
    """A console that is as wide as its rows when it does not write to a terminal."""

    @property
    def size(self) -> ConsoleDimensions:
        if self.is_terminal:
            return super().size
        return ConsoleDimensions(PIPE_WIDTH, super().size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        width, height = new_size
        self._width, self._height = width, height


stdout = _Console()
stderr = _Console(stderr=True)


class Globals:
    """Values of the options given before the command (``metro --db URL --json load …``)."""

    db: str | None = None
    json: bool = False
    # The database the command opened, named in errors met after opening it.
    opened: URL | None = None


def engine(db: str | None, *, create: bool = False) -> Engine:
    """The engine for ``--db`` (or the default) after the checks that need no connection: a
    bad URL, a missing folder or file, a file that is not SQLite exit 1 with one line. No
    file is created unless ``create`` (``metro init``)."""
    with domain_errors(Globals.json):
        eng = db_connect.open_engine(db or Globals.db, create=create)
    Globals.opened = eng.url
    return eng


def require_schema(eng: Engine) -> None:
    """Refuse a database that does not answer or whose schema is not this code's (exit 1)."""
    with domain_errors(Globals.json):
        db_connect.check_schema(eng)


def connect(db: str | None, *, json: bool = False, pool_size: int | None = None) -> Engine:
    """The shared connect-and-check-schema step of every command that reads or writes."""
    with domain_errors(wants_json(json)):
        eng = db_connect.open_database(db or Globals.db, pool_size=pool_size)
    Globals.opened = eng.url
    return eng


def log_to_stderr() -> None:
    """Show metro's own log (the scheduler taking, losing and releasing its lease, job runs) on
    stderr at INFO, for the long-running commands (``serve``, ``scheduler``)."""
    logger = logging.getLogger("metro")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def wants_json(flag: bool) -> bool:
    return flag or Globals.json


def _default(o: Any) -> Any:
    if isinstance(o, date):
        return o.isoformat()
    raise TypeError(f"cannot serialize {type(o).__name__}")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def parse_date(value: str, option: str) -> date:
    """A date given on the command line; a bad one is bad input (exit 1), named with its option."""
    try:
        if len(value) != 10:
            raise ValueError("expected YYYY-MM-DD")
        return date.fromisoformat(value)
    except ValueError as exc:
        with domain_errors(Globals.json):
            raise InvalidInput(f"{option} {value!r} is not a date YYYY-MM-DD ({exc})") from None
        raise AssertionError("unreachable") from None


def output_folder(path: Path, option: str) -> None:
    """Refuse, before anything is written, a folder to write into that is an existing file or
    a place that cannot be written (an existing folder is fine: the files go into it)."""
    if path.exists() and not path.is_dir():
        raise InvalidInput(f"{option} {str(path)!r} is a file, not a folder to write into")
    existing = path
    while not existing.exists():  # the nearest folder that exists is where mkdir starts
        existing = existing.parent
    if not existing.is_dir():
        raise InvalidInput(f"{option} {str(path)!r}: {str(existing)!r} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InvalidInput(f"{option} {str(path)!r}: {str(existing)!r} is not writable")


@contextmanager
def domain_errors(as_json: bool = False) -> Iterator[None]:
    """Turn a domain error into its message on stderr (JSON too with --json) and exit 1."""
    try:
        try:
            yield
        except SQLAlchemyError as exc:  # a driver error met mid-command (read-only file, …)
            raise db_connect.database_error(exc, Globals.opened) from None
        except OverflowError as exc:  # a date or a number past what the calendar holds
            raise InvalidInput(
                f"a date or number given is too large ({exc}); dates end at 9999-12-31"
            ) from None
        except OSError as exc:  # a file or folder that cannot be read or written
            where = f"{exc.filename}: " if exc.filename else ""
            raise InvalidInput(f"{where}{exc.strerror or exc}") from None
    except MetroError as exc:
        if as_json:
            sys.stderr.write(
                json.dumps(
                    {
                        "title": exc.title,
                        "status": exc.status,
                        "detail": exc.message,
                        **(
                            {"errors": [i.as_dict() for i in exc.issues]}
                            if hasattr(exc, "issues")
                            else {}
                        ),
                    },
                    ensure_ascii=False,
                    indent=2,
                )
                + "\n"
            )
        else:
            stderr.print(
                f"[bold red]error:[/] {escape(exc.message)}", highlight=False, soft_wrap=True
            )
        raise typer.Exit(1) from None
