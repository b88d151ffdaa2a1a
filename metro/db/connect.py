"""Opening the database for an entry point: check the URL, connect, check the schema.

Every entry point that is handed a URL (each CLI command, ``metro serve``, the scheduler)
goes through :func:`open_database`, so a wrong URL, a missing file, a server that does not
answer or a schema of another version is one line naming the database and what to do — never
a driver traceback. :func:`database_error` maps a driver or SQLAlchemy error met later (a
read-only file on a write, a server gone mid-command) to the same kind of domain error.

Decisions where the design is silent:

* Only SQLite and PostgreSQL (psycopg 3) are accepted; any other dialect or driver is an
  unsupported URL, named as such.
* A SQLite file that does not exist is created by ``metro init`` only (``create=True``);
  every other command refuses and creates nothing. Its folder must exist (init does not make
  folders: a typo in a path should not silently create a tree).
* A PostgreSQL connection gives up after ``connect_timeout`` seconds (10 unless the URL
  says otherwise), so an unreachable server is an answer, not a hang.
* A schema whose revision this code does not know is "newer than this metro": refused by
  every command, ``init`` included (Alembic cannot downgrade what it does not know).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from metro.db.engine import database_url, make_engine
from metro.errors import MetroError

SQLITE_MAGIC = b"SQLite format 3\x00"
CONNECT_TIMEOUT = 10


class DatabaseUnavailable(MetroError):
    """The database named by the URL cannot be opened or used as asked."""

    status = 503
    title = "Database unavailable"


class BadDatabaseUrl(ValueError, MetroError):
    """The database URL cannot be parsed or names a database metro does not support."""

    status = 400
    title = "Bad database URL"


class SchemaMismatch(MetroError):
    """The database holds no schema, an old one, or one newer than this code."""

    status = 409
    title = "Schema mismatch"


def shown(url: URL | str) -> str:
    """The URL as it may be printed: never with its password."""
    try:
        u = url if isinstance(url, URL) else make_url(url)
    except ArgumentError:
        return str(url)
    return u.render_as_string(hide_password=True)


def parse_url(text: str | None) -> URL:
    """The URL given (or the default), checked for a dialect and driver metro supports."""
    raw = database_url(text)
    try:
        url = make_url(raw)
    except ArgumentError:
        raise BadDatabaseUrl(
            f"database URL {raw!r} is not a URL: expected sqlite:///PATH or "
            "postgresql://USER@HOST:PORT/NAME"
        ) from None
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend == "sqlite" and driver == "pysqlite":
        return url
    if backend in ("postgresql", "postgres") and driver in ("psycopg", "psycopg2"):
        # psycopg 3 is the one driver installed; plain postgresql:// means it too.
        return url.set(drivername="postgresql+psycopg")
    raise BadDatabaseUrl(
        f"database URL {shown(url)!r}: {url.drivername!r} is not supported; "
        "use sqlite:///PATH or postgresql://USER@HOST:PORT/NAME"
    )


def _check_sqlite_file(url: URL, *, create: bool) -> None:
    name = url.database or ""
    if name in ("", ":memory:") or name.startswith("file:"):
        return
    path = Path(name)
    if path.is_dir():
        raise DatabaseUnavailable(f"database {name!r} is a folder, not a SQLite file")
    if not path.parent.is_dir():
        raise DatabaseUnavailable(f"database {name!r}: folder {str(path.parent)!r} does not exist")
    if not path.exists():
        if create:
            if not os.access(path.parent, os.W_OK):
                raise DatabaseUnavailable(
                    f"database {name!r}: cannot create it, folder {str(path.parent)!r} "
                    "is not writable"
                )
            return
        raise SchemaMismatch(f"no database at {name!r}: run `metro init` first")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseUnavailable(f"database {name!r} cannot be read: {exc.strerror}") from None
    if head and head != SQLITE_MAGIC:
        raise DatabaseUnavailable(f"database {name!r} is not a SQLite file")


def open_engine(
    text: str | None, *, create: bool = False, pool_size: int | None = None
) -> Engine:
    """An engine for the URL, after the checks that need no connection (no file is created
    unless ``create``); ``pool_size``: connections kept open (a server's; else the default)."""
    url = parse_url(text)
    kwargs: dict[str, object] = {}
    if pool_size is not None:
        kwargs["pool_size"] = pool_size
        # the most recently returned connection first: a busy server keeps reusing a few warm
        # ones (their page cache on SQLite, their prepared statements on PostgreSQL)
        kwargs["pool_use_lifo"] = True
    if url.get_backend_name() == "sqlite":
        _check_sqlite_file(url, create=create)
    elif "connect_timeout" not in url.query:
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    try:
        return make_engine(url.render_as_string(hide_password=False), **kwargs)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise BadDatabaseUrl(f"database URL {shown(url)!r}: {exc}") from None


def database_error(exc: BaseException, url: URL | str | None = None) -> MetroError:
    """The domain error for a driver or SQLAlchemy error: one line, naming the database."""
    where = f"database {shown(url)}" if url is not None else "the database"
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())  # one line: drivers write several
    for prefix in ("connection failed: ", "connection is bad: "):
        text = text.removeprefix(prefix)
    low = text.lower()
    if "readonly database" in low or "read-only" in low or "read only" in low:
        return DatabaseUnavailable(f"{where} is read-only: this command writes ({text})")
    if "file is not a database" in low or "not a database" in low:
        return DatabaseUnavailable(f"{where} is not a SQLite file ({text})")
    if "database is locked" in low:
        return DatabaseUnavailable(f"{where} is busy (another process is writing); try again")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return DatabaseUnavailable(f"lost the connection to {where}: {text}")
    return DatabaseUnavailable(f"{where}: {text}")


def check_schema(engine: Engine) -> None:
    """Refuse a database with no schema, an old one or a newer one; map connection errors."""
    from metro.db.migrate import current_revision, head_revision, known_revision

    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        raise database_error(exc, engine.url) from None
    head = head_revision(engine)
    if current == head:
        return
    where = shown(engine.url)
    if current is None:
        raise SchemaMismatch(f"database {where} has no metro schema: run `metro init` first")
    if not known_revision(engine, current):
        raise SchemaMismatch(
            f"database {where} is at schema revision {current!r}, newer than this metro "
            f"(which knows up to {head!r}): upgrade metro"
        )
    raise SchemaMismatch(
        f"database {where} is at schema revision {current!r}, older than {head!r}: "
        "run `metro init` to upgrade it"
    )


def check_not_newer(engine: Engine) -> None:
    """For ``init``: connect, and refuse a schema newer than the code (an old one is upgraded)."""
    try:
        check_schema(engine)
    except SchemaMismatch as exc:
        if "newer than this metro" in exc.message:
            raise


def open_database(
    text: str | None, *, create: bool = False, schema: bool = True, pool_size: int | None = None
) -> Engine:
    """The one way an entry point opens a database: URL, file or server, then the schema.

    ``create`` (``metro init``) allows a new SQLite file and an empty or old schema, but not a
    newer one; otherwise the schema must be exactly this code's head.
    """
    engine = open_engine(text, create=create, pool_size=pool_size)
    try:
        if create:
            check_not_newer(engine)
        elif schema:
            check_schema(engine)
    except MetroError:
        engine.dispose()
        raise
    return engine
