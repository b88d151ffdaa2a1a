"""Two loads at once: the second waits for the first, then loads correctly; or says "busy"."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import aliased

from metro.bundle.load import load_bundle
from metro.db import lock
from metro.db.engine import make_engine
from metro.db.lock import DatabaseBusy, lock_for_load, lock_for_write
from metro.db.models import Certificate, ChangeLog, Instrument, Organization, Standard
from tests import factories as f

NOW = datetime(2026, 11, 26, tzinfo=UTC)

# Every code-bearing column of each file; references are ";"-separated codes.
CODES = {
    "organizations.csv": ("code",),
    "standards.csv": ("code", "owner"),
    "capabilities.csv": ("standard",),
    "instruments.csv": ("code", "owner"),
    "certificates.csv": ("number", "issuer", "subject", "references"),
    "results.csv": ("certificate",),
    "demands.csv": ("code",),
}


def province(prefix: str) -> dict[str, list[dict[str, str]]]:
    """The small province with every code prefixed: a bundle of new rows only."""
    out = f.small_province()
    for name, rows in out.items():
        for row in rows:
            for column in CODES[name]:
                row[column] = ";".join(prefix + c for c in row[column].split(";") if c)
    return out


def bundle(tmp_path: Path, prefix: str) -> Path:
    return f.write_bundle(tmp_path / prefix.strip("-"), province(prefix))


def load(conn: Connection, directory: Path) -> None:
    load_bundle(conn, directory, actor=f"t-{directory.name}", now=NOW)


class Loader(threading.Thread):
    """A load in its own thread, with its own engine and connection."""

    def __init__(self, url: str, directory: Path, start: threading.Barrier | None = None) -> None:
        super().__init__(daemon=True)
        self.url, self.directory, self.start_together = url, directory, start
        self.error: BaseException | None = None

    def run(self) -> None:
        eng = make_engine(self.url)
        try:
            if self.start_together is not None:
                self.start_together.wait()
            with eng.begin() as conn:
                load(conn, self.directory)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            eng.dispose()


def assert_both_present(db, prefixes: tuple[str, ...]) -> None:
    """All rows of every bundle, each certificate linked to its own bundle's subject and issuer."""
    one = f.small_province()
    with db.engine.connect() as conn:

        def count(model) -> int:
            return conn.execute(select(func.count()).select_from(model)).scalar_one()

        assert count(Organization) == len(prefixes) * len(one["organizations.csv"])
        assert count(Standard) == len(prefixes) * len(one["standards.csv"])
        assert count(Instrument) == len(prefixes) * len(one["instruments.csv"])
        assert count(Certificate) == len(prefixes) * len(one["certificates.csv"])
        issuer = aliased(Organization)
        subject = func.coalesce(Standard.code, Instrument.code)
        rows = conn.execute(
            select(Certificate.number, issuer.code, subject)
            .join(issuer, Certificate.issuer_id == issuer.id)
            .outerjoin(Standard, Certificate.subject_standard_id == Standard.id)
            .outerjoin(Instrument, Certificate.subject_instrument_id == Instrument.id)
        ).all()
        for number, issuer_code, subject_code in rows:
            prefix = number.split("-", 1)[0]
            assert issuer_code.startswith(prefix + "-") and subject_code.startswith(prefix + "-")
    # The id sequence (PostgreSQL) is past every id the loads assigned.
    with db.engine.begin() as conn:
        conn.execute(
            insert(Organization).values(code="LATER", name="later", kind="lab", region="430000")
        )


def test_the_second_load_waits_for_the_first_then_loads(db, tmp_path):
    first, second = bundle(tmp_path, "A-"), bundle(tmp_path, "B-")
    holder = make_engine(db.url)
    try:
        with holder.connect() as conn:
            tx = conn.begin()
            load(conn, first)  # loaded, not committed: the load lock is held
            waiting = Loader(db.url, second)
            waiting.start()
            # Longer than SQLite's default busy timeout (5 s), after which it used to give up.
            waiting.join(timeout=6.0 if db.backend == "sqlite" else 1.0)
            # It cannot have finished (nor failed) while the first load holds the lock.
            assert waiting.is_alive(), waiting.error
            tx.commit()
        waiting.join(timeout=120)
        assert not waiting.is_alive()
        assert waiting.error is None, repr(waiting.error)
    finally:
        holder.dispose()
    assert_both_present(db, ("A", "B"))
    with db.engine.connect() as conn:
        loads = conn.execute(select(ChangeLog.actor).where(ChangeLog.action == "load")).scalars()
        assert sorted(loads) == ["t-A", "t-B"]


def test_two_loads_started_together_both_succeed(db, tmp_path):
    dirs = [bundle(tmp_path, p) for p in ("A-", "B-")]
    barrier = threading.Barrier(len(dirs))
    loaders = [Loader(db.url, d, barrier) for d in dirs]
    for t in loaders:
        t.start()
    for t in loaders:
        t.join(timeout=120)
        assert not t.is_alive()
        assert t.error is None, repr(t.error)
    assert_both_present(db, ("A", "B"))


def test_two_metro_load_commands_at_once(db, tmp_path):
    dirs = [bundle(tmp_path, p) for p in ("A-", "B-")]
    env = {**os.environ, "METRO_DATABASE_URL": db.url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "metro", "load", str(d)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d in dirs
    ]
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, (out, err)
    assert_both_present(db, ("A", "B"))


def test_a_load_says_busy_after_its_wait(db, tmp_path, monkeypatch):
    monkeypatch.setattr(lock, "LOAD_WAIT", 0.3)
    holder = make_engine(db.url)
    try:
        with holder.connect() as conn, conn.begin():
            lock_for_load(conn, wait=5)
            with pytest.raises(DatabaseBusy) as exc, db.engine.begin() as other:
                load(other, bundle(tmp_path, "B-"))
        message = exc.value.message
        assert "\n" not in message and "busy" in message and "nothing was written" in message
        assert exc.value.status == 503
        # Nothing of the refused load was written; the next one goes through.
        with db.engine.connect() as c:
            assert c.execute(select(func.count()).select_from(ChangeLog)).scalar_one() == 0
        with db.engine.begin() as c:
            load(c, bundle(tmp_path, "A-"))
        assert_both_present(db, ("A",))
    finally:
        holder.dispose()


def test_metro_load_exits_1_when_busy(db, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from metro.cli import app

    monkeypatch.setattr(lock, "LOAD_WAIT", 0.3)
    holder = make_engine(db.url)
    try:
        with holder.connect() as conn, conn.begin():
            lock_for_load(conn)
            r = CliRunner().invoke(app, ["--db", db.url, "load", str(bundle(tmp_path, "B-"))])
    finally:
        holder.dispose()
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "busy" in lines[0], r.stderr


def test_a_load_waits_for_a_write_in_progress(db, tmp_path):
    holder = make_engine(db.url)
    try:
        with holder.connect() as conn, conn.begin():
            lock_for_write(conn)
            with pytest.raises(DatabaseBusy), db.engine.begin() as other:
                lock_for_load(other, wait=0.3)
    finally:
        holder.dispose()


def test_writes_do_not_wait_for_each_other_on_postgresql(db):
    if db.backend != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    holder = make_engine(db.url)
    try:
        with holder.connect() as conn, conn.begin():
            lock_for_write(conn)
            with db.engine.begin() as other:
                lock_for_write(other, wait=0.3)  # shared: no DatabaseBusy
    finally:
        holder.dispose()


def test_ids_given_by_the_sequence_to_a_write_in_progress_are_not_reused(db, tmp_path):
    if db.backend != "postgresql":
        pytest.skip("SQLite writers never overlap")
    holder = make_engine(db.url)
    try:
        with holder.connect() as conn:
            tx = conn.begin()
            conn.execute(
                insert(Organization).values(code="W-1", name="w", kind="lab", region="430000")
            )
            with db.engine.begin() as other:
                # Without the fix the load would wait on the uncommitted id, then collide.
                other.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                load(other, bundle(tmp_path, "A-"))
            tx.commit()
    finally:
        holder.dispose()
    with db.engine.connect() as conn:
        ids = conn.execute(select(Organization.id)).scalars().all()
    assert len(ids) == len(set(ids)) == len(f.small_province()["organizations.csv"]) + 1
