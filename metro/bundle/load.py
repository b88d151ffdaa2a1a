"""``metro load DIR``: import a province bundle, all or nothing.

Every row of every file is checked and every problem reported at once (file, line, column,
value, why); if there is any, ``BundleRejected`` is raised and the caller's transaction rolls
back, so nothing is written. Files are read in contract order, in chunks, and written in bulk
(driver executemany on SQLite, COPY on PostgreSQL) while the bundle is still clean.

Loading the same bundle twice changes nothing: an object is found by its natural key (code; for
certificates issuer + number) and a stored object whose row is identical is left alone. A row
that differs from the stored one updates it, with a before/after entry in the change log — so a
later bundle may extend a standard's examination dates. Capabilities are a set per standard:
named in a bundle, they replace what is stored when they differ.

An issued certificate is never changed by a load (issue 9): a bundle may revoke it (status
``revoked``, optional ``reason``) and a new certificate may supersede one of the same issuer
(optional ``supersedes``); any other difference, its result points included, is a row error
naming the certificate (metro.model.certificate holds the rule). Everything in a bundle is
checked against the bundle's own rows first: result points against the subject the bundle
gives their certificate. Rows are validated with the model's field checks
(metro.model.fields), so SQLite and PostgreSQL accept the same data. A bundle need not hold
every file; a missing file is skipped.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from metro.bundle.cells import Row
from metro.bundle.contract import FILES
from metro.bundle.handler import Handler, Record
from metro.bundle.issues import BundleRejected, Issues
from metro.bundle.load_assets import Capabilities, Demands, Instruments, Organizations, Standards
from metro.bundle.load_authorizations import Authorizations
from metro.bundle.load_certificates import Certificates, Results
from metro.bundle.reader import read_rows
from metro.bundle.state import LoadState
from metro.db import bulk
from metro.db.lock import lock_for_load
from metro.errors import InvalidInput
from metro.model.actor import Actor
from metro.repositories import changes, counters

CHUNK = 20_000
HANDLERS: tuple[type[Handler], ...] = (
    Organizations,
    Standards,
    Capabilities,
    Instruments,
    Certificates,
    Results,
    Demands,
    Authorizations,
)
Progress = Callable[[str, int], None]


@dataclass
class LoadReport:
    source: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    change_id: int = 0


def load_bundle(
    conn: Connection,
    directory: Path,
    *,
    actor: Actor | str,
    now: datetime,
    progress: Progress | None = None,
) -> LoadReport:
    """Check and write the bundle in ``directory`` inside the caller's transaction.

    ``actor`` is who loads it (``system:load``, a user; a bare name is taken as metro's own
    reach): its name goes into every change-log entry, and an actor scoped to its organization
    (a lab) may load only that organization's certificates, citing its own standards.
    """
    # A load allocates millions of small tuples that never form cycles; the cyclic collector
    # would rescan them again and again (measured: ~20 % of a 10⁶-row load).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(conn, directory, actor=actor, now=now, progress=progress)
    finally:
        if enabled:
            gc.enable()


def _load(
    conn: Connection,
    directory: Path,
    *,
    actor: Actor | str,
    now: datetime,
    progress: Progress | None,
) -> LoadReport:
    if not directory.is_dir():
        raise InvalidInput(f"bundle directory {str(directory)!r} does not exist or is not a folder")
    present = [n for n in FILES if (directory / n).is_file()]
    if not present:
        raise InvalidInput(
            f"bundle directory {str(directory)!r} holds none of the bundle files "
            f"({', '.join(FILES)})"
        )
    lock_for_load(conn)  # before reading keys: ids are max(id) + 1, see metro.db.lock
    who = actor if isinstance(actor, Actor) else Actor(actor)
    st = LoadState(conn=conn, actor=who.name, now=now, issues=Issues())
    st.read_keys()
    if not who.sees_everything:
        st.scope = st.orgs.get(who.organization or "", -1)
    st.load_change_id = changes.append(
        conn,
        actor=who.name,
        at=now,
        action="load",
        object_type="bundle",
        object_key=str(directory)[-200:],
        after={"files": present},
    )
    issues = st.issues
    for handler_type in HANDLERS:
        if handler_type.file not in present:
            continue
        handler = handler_type(st)
        name = handler.file
        done = 0
        chunk: list[Record] = []
        check = handler.check
        for line, columns, cells in read_rows(directory / name, issues):
            rec = check(Row(name, line, columns, cells, issues))
            if rec is not None:
                chunk.append(rec)
            done += 1
            if done % CHUNK == 0:
                handler.review(chunk)
                if st.writing:
                    handler.flush(chunk)
                chunk = []
                if progress:
                    progress(name, done)
        handler.review(chunk)
        if st.writing:
            handler.flush(chunk)
        handler.finish()
        if progress:
            progress(name, done)
        st.count(name, "rows", done)
    if issues:
        raise BundleRejected(issues)
    # one bump per load that wrote into the cached standards layer (metro.traceability.cache)
    if any(
        n for f in ("organizations.csv", "standards.csv", "capabilities.csv", "certificates.csv")
        for what, n in st.counts.get(f, {}).items() if what not in ("rows", "unchanged")
    ):
        counters.bump_standards(conn)
    for table in (handler_type.table for handler_type in HANDLERS):
        bulk.sync_sequence(conn, table)
    written = sum(
        n for c in st.counts.values() for what, n in c.items() if what in ("created", "updated")
    )
    bulk.refresh_statistics(conn, written)
    return LoadReport(
        source=str(directory),
        counts={
            f: {k: c.get(k, 0) for k in ("rows", "created", "updated", "unchanged", "replaced")}
            for f, c in st.counts.items()
        },
        change_id=st.load_change_id,
    )
