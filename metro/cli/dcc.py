"""``metro dcc export`` and ``metro dcc import``: one certificate as a PTB DCC, and back.

``export CERTIFICATE --issuer CODE OUT.xml`` writes a DCC 3.2.0 validated against the XSD (exit
1 with the unit or field named when it cannot be written). ``import FILE.xml [--dry-run]``
validates the file against the XSD of its own version, prints what it understood and matched,
and records the certificate through the certificate service; ``--dry-run`` runs every check
(the service's included) and writes nothing. A file that cannot be recorded exits 1 with the
report on stdout and the problems on stderr. Signatures of signed DCCs are not verified, and
the output says so.
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

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
from metro.errors import InvalidInput
from metro.model.actor import Actor, cli_actor

dcc_app = typer.Typer(
    help="Digital calibration certificates (PTB DCC XML): export one, import one.",
    no_args_is_help=True,
)
app.add_typer(dcc_app, name="dcc")


def _actor() -> Actor:
    name = os.environ.get("METRO_ACTOR")
    return Actor(name) if name else cli_actor(getpass.getuser())


@dcc_app.command("export")
def export_cmd(
    certificate: Annotated[str, typer.Argument(help="Certificate number.")],
    out: Annotated[Path, typer.Argument(help="The XML file to write.")],
    issuer: Annotated[str, typer.Option("--issuer", help="Issuer organization code.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Write one certificate as a DCC 3.2.0, validated against the PTB schema."""
    from metro.services import dcc

    as_json = wants_json(json)
    eng = connect(db, json=json)
    with domain_errors(as_json), eng.connect() as conn:
        data = dcc.export(conn, actor=_actor(), issuer=issuer, number=certificate)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise InvalidInput(f"{out}: cannot write ({exc.strerror})") from None
    if as_json:
        print_json(
            {
                "certificate": certificate,
                "issuer": issuer,
                "file": str(out),
                "schema_version": "3.2.0",
                "valid": True,
                "bytes": len(data),
            }
        )
    else:
        stdout.print(
            f"wrote {escape(str(out))}: certificate {escape(issuer)}#{escape(certificate)} as "
            "DCC 3.2.0 (valid against the PTB schema)"
        )


def _match(m: dict[str, Any]) -> str:
    text = escape(repr(m["dcc"]))
    if m.get("matched"):
        return f"{text} → [green]{escape(m['matched'])}[/]"
    return f"{text} → [red]not matched[/]: {escape(m.get('why') or '')}"


def _show(report: dict[str, Any]) -> None:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    t.add_row(
        "DCC",
        f"{escape(report['source'])} (schema {report['schema_version']}, {report['signature']})",
    )
    t.add_row("number", escape(report["number"]))
    t.add_row("issuer", _match(report["issuer"]))
    subject = report["subject"]
    t.add_row("subject", _match(subject))
    if subject["identifications"]:
        t.add_row("", escape("identifications: " + ", ".join(subject["identifications"])))
    t.add_row("customer", escape(report["customer"] or "-"))
    t.add_row("kind", report["kind"])
    t.add_row("calibrated on", report["calibrated_on"])
    t.add_row("valid until", report["valid_until"] or "-")
    t.add_row("conclusion", report["conclusion"])
    for i, ref in enumerate(report["references"]):
        extra = (
            f" (traceability certificate {escape(ref['certificate'])})"
            if ref.get("certificate")
            else ""
        )
        t.add_row("references" if i == 0 else "", _match(ref) + extra)
    for note in report["notes"]:
        t.add_row("note", escape(note))
    stdout.print(t)
    if report["results"]:
        r = Table(
            "#",
            "kind",
            "nominal",
            "measured",
            "U",
            "k",
            "D-SI unit",
            title=f"{len(report['results'])} result point(s)",
        )
        for i, p in enumerate(report["results"], start=1):
            r.add_row(
                str(i),
                p.get("kind") or "?",
                escape(p.get("nominal", "")),
                escape(p.get("measured", "")),
                escape(p.get("u") or "-"),
                p.get("k") or "-",
                escape(p.get("dsi", {}).get("measured_unit", "")),
            )
        stdout.print(r)
    if report["recorded"]:
        stdout.print("[green]recorded[/] through the certificate service")
    elif report["dry_run"] and not report["problems"]:
        stdout.print("dry run: every check passed; [bold]nothing written[/]")


@dcc_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="The DCC XML file (3.1.1, 3.1.2 or 3.2.0).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check everything, write nothing.")
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Read a DCC, say what was understood and matched, record it through the certificate
    service. Signatures are not verified."""
    from metro.dcc.errors import DccUnmatched
    from metro.services import dcc

    as_json = wants_json(json)
    eng = connect(db, json=json)
    with domain_errors(as_json):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"{file}: cannot read ({exc.strerror})") from None
        with eng.connect() as conn:
            tx = conn.begin()
            try:
                report = dcc.import_dcc(
                    conn,
                    actor=_actor(),
                    now=datetime.now(UTC),
                    data=data,
                    source=str(file),
                    dry_run=dry_run,
                )
            except DccUnmatched as exc:
                tx.rollback()
                if exc.report is not None:
                    shown = exc.report.as_dict()
                    shown["dry_run"] = dry_run
                    print_json(shown) if as_json else _show(shown)
                raise
            except BaseException:
                tx.rollback()
                raise
            if dry_run:
                tx.rollback()
            else:
                tx.commit()
    shown = report.as_dict()
    if as_json:
        print_json(shown)
    else:
        _show(shown)
