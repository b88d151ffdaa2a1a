"""Options and output shared by every command: the database, JSON or tables, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine

from metro.db.engine import make_engine
from metro.errors import InvalidInput, MetroError

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $METRO_DATABASE_URL, else sqlite:///./metro.db).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]

stdout = Console()
stderr = Console(stderr=True)


class Globals:
    """Values of the options given before the command (``metro --db URL --json load …``)."""

    db: str | None = None
    json: bool = False


def engine(db: str | None) -> Engine:
    return make_engine(db or Globals.db)


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


@contextmanager
def domain_errors(as_json: bool = False) -> Iterator[None]:
    """Turn a domain error into its message on stderr (JSON too with --json) and exit 1."""
    try:
        yield
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
