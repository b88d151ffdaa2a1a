"""Account commands: ``users add/list``, ``keys add/revoke`` and ``demo-accounts``.

Passwords never appear on the command line (where ``ps`` and shell history would keep them):
``users add`` reads one from standard input when something is piped in, and otherwise
generates one and prints it once. An API key is printed once by ``keys add``; only its hash is
kept. ``demo-accounts`` creates one account per role on the Hunan seed with known demo
passwords — for trying metro out, never for a real database.
"""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime
from typing import Annotated, Final

import typer
from rich.markup import escape
from rich.table import Table

from metro.cli.app import app
from metro.cli.common import (
    DbOption,
    JsonOption,
    connect,
    domain_errors,
    print_json,
    stdout,
    wants_json,
)
from metro.model.actor import Actor

users_app = typer.Typer(help="Accounts of the web app and API.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys of machine clients.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")

# (username, organization code, role) on the Hunan seed (seed_data/hunan/organizations.csv).
DEMO_ACCOUNTS: Final = (
    ("admin", "HNAMR", "admin"),
    ("bureau", "HNAMR", "bureau"),
    ("lab", "HNIM", "lab"),
    ("enterprise", "ENT000010", "enterprise"),
)


def demo_password(username: str) -> str:
    return f"{username}-demo"


def _actor() -> Actor:
    return Actor((os.environ.get("METRO_ACTOR") or f"cli:{getpass.getuser()}")[:100], role="system")


def _now() -> datetime:
    return datetime.now(UTC)


def _password_from_stdin() -> str | None:
    """The first line piped in, or None when standard input is a terminal or empty."""
    if sys.stdin is None or sys.stdin.isatty():
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    return line or None


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Username (lowercase letters, digits, . _ -).")],
    org: Annotated[str, typer.Option("--org", help="Organization code.")],
    role: Annotated[str, typer.Option("--role", help="admin, bureau, lab or enterprise.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Create an account; the password is read from stdin, or generated and printed once."""
    from metro.services import accounts

    as_json = wants_json(json)
    eng = connect(db, json=as_json)
    password = _password_from_stdin()
    generated = password is None
    if password is None:
        password = accounts.new_password()
    with domain_errors(as_json), eng.begin() as conn:
        user = accounts.create_user(
            conn,
            actor=_actor(),
            now=_now(),
            username=name,
            organization=org,
            role=role,
            password=password,
        )
    if as_json:
        print_json({**user.as_json(), "password": password if generated else None})
        return
    stdout.print(f"created {escape(user.username)} ({user.role} of {escape(user.organization)})")
    if generated:
        stdout.print(f"password (shown once): {escape(password)}", highlight=False)


@users_app.command("list")
def users_list(db: DbOption = None, json: JsonOption = False) -> None:
    """Every account with its organization and role."""
    from metro.services import accounts

    as_json = wants_json(json)
    eng = connect(db, json=as_json)
    with domain_errors(as_json), eng.connect() as conn:
        users = accounts.list_users(conn)
    if as_json:
        print_json([u.as_json() for u in users])
        return
    table = Table("username", "organization", "role", "created", "disabled")
    for u in users:
        table.add_row(
            escape(u.username),
            escape(u.organization),
            u.role,
            u.created_at.date().isoformat(),
            "yes" if u.disabled else "",
        )
    stdout.print(table)


@keys_app.command("add")
def keys_add(
    user: Annotated[str, typer.Argument(help="The account the key acts for.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Create an API key for USER and print it once (send it as the X-API-Key header)."""
    from metro.services import accounts

    as_json = wants_json(json)
    eng = connect(db, json=as_json)
    with domain_errors(as_json), eng.begin() as conn:
        prefix, key = accounts.create_api_key(conn, actor=_actor(), now=_now(), username=user)
    if as_json:
        print_json({"user": user, "prefix": prefix, "key": key})
        return
    stdout.print(f"API key {prefix} for {escape(user)} (shown once, keep it safe):")
    stdout.print(key, highlight=False, soft_wrap=True)


@keys_app.command("revoke")
def keys_revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (8 hex digits).")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Revoke an API key: it stops working at once and stays listed in the change log."""
    from metro.services import accounts

    as_json = wants_json(json)
    eng = connect(db, json=as_json)
    with domain_errors(as_json), eng.begin() as conn:
        accounts.revoke_api_key(conn, actor=_actor(), now=_now(), prefix=prefix)
    if as_json:
        print_json({"prefix": prefix, "revoked": True})
        return
    stdout.print(f"revoked API key {escape(prefix)}")


@app.command("demo-accounts")
def demo_accounts(db: DbOption = None, json: JsonOption = False) -> None:
    """One demo account per role on the Hunan seed (idempotent), and how to sign in."""
    from metro.services import accounts

    as_json = wants_json(json)
    eng = connect(db, json=as_json)
    rows: list[dict[str, str | bool]] = []
    with domain_errors(as_json), eng.begin() as conn:
        for username, org, role in DEMO_ACCOUNTS:
            created = not accounts.user_exists(conn, username)
            if created:
                accounts.create_user(
                    conn,
                    actor=_actor(),
                    now=_now(),
                    username=username,
                    organization=org,
                    role=role,
                    password=demo_password(username),
                )
            rows.append(
                {
                    "username": username,
                    "organization": org,
                    "role": role,
                    "password": demo_password(username),
                    "created": created,
                }
            )
    if as_json:
        print_json(rows)
        return
    table = Table("username", "password", "role", "organization", title="demo accounts")
    for r in rows:
        table.add_row(*(str(r[k]) for k in ("username", "password", "role", "organization")))
    stdout.print(table)
    stdout.print(
        "sign in at http://127.0.0.1:8000/api/v1/docs (Authorize), or:\n"
        "  curl -d username=lab -d password=lab-demo http://127.0.0.1:8000/api/v1/auth/token\n"
        "demo passwords are public: never create these accounts on a real database",
        highlight=False,
    )
