"""Running the schedule: one leader at a time, a persistent job store, missed runs made up.

Every process that wants to schedule (``metro serve``, ``metro scheduler``) starts a
``MetroScheduler``. It tries every ``poll`` seconds to take the database lease ``scheduler``;
only the holder runs an APScheduler with the SQLAlchemy job store, so the job store is never
shared by two schedulers and, with two processes up, each trigger fires once. The holder renews
the lease; if it dies, another takes over when the lease expires. On top of that each job claims
its run per trigger (``metro.watch.runs``), so a firing that slips through twice does nothing.

Missed runs: the job store keeps each job's next run time. Jobs already in the store are kept
as they are at start (re-adding them with ``replace_existing`` would move a missed run into the
future); a job whose time passed while no scheduler ran is fired once at start (``coalesce``,
within ``misfire_grace_time``). A job whose definition changed is replaced.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from metro import leases
from schedules.definitions import JobDef, default_jobs
from schedules.jobs import TIMEZONE

log = logging.getLogger("metro.scheduler")
LEASE = "scheduler"
JOBS_TABLE = "apscheduler_jobs"


class MetroScheduler:
    def __init__(
        self,
        engine: Engine,
        *,
        jobs: Sequence[JobDef] | None = None,
        holder: str | None = None,
        lease_ttl: timedelta = timedelta(seconds=60),
        poll: float = 15.0,
        misfire_grace: timedelta = timedelta(hours=12),
        timezone: str = TIMEZONE,
    ) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=False)
        self.jobs = list(jobs) if jobs is not None else default_jobs(timezone)
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease_ttl = lease_ttl
        self.poll = poll
        self.misfire_grace = misfire_grace
        self.timezone = timezone
        self._aps: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def leading(self) -> bool:
        return self._aps is not None

    # --- leadership -------------------------------------------------------------------------

    def step(self) -> bool:
        """Take or renew the lease; start or stop the APScheduler accordingly. True if leading.

        Taking and losing the lease are logged (INFO and WARNING on ``metro.scheduler``), so
        an operator sees which process leads and when another took over.
        """
        try:
            with self.engine.begin() as conn:
                held = leases.acquire(
                    conn, LEASE, self.holder, now=datetime.now(UTC), ttl=self.lease_ttl
                )
        except Exception as exc:  # the database is away: stop acting, try again later
            log.warning("lease check failed (%s); not leading until it answers", exc)
            held = False
        if held and self._aps is None:
            log.info("took the scheduler lease as %s", self.holder)
            self._start_aps()
        elif not held and self._aps is not None:
            log.warning("lost the scheduler lease (%s); stopping jobs", self.holder)
            self._stop_aps()
        return held

    def start(self) -> None:
        """Lead when possible, from a background thread, until ``stop()``."""
        self._stop.clear()
        self.step()
        self._thread = threading.Thread(target=self._loop, name="metro-scheduler", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.poll):
            self.step()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll + 5)
            self._thread = None
        was_leading = self._aps is not None
        self._stop_aps()
        try:
            with self.engine.begin() as conn:
                leases.release(conn, LEASE, self.holder)
        except Exception as exc:
            log.warning("could not release the scheduler lease: %s", exc)
            return
        if was_leading:
            log.info("released the scheduler lease (%s)", self.holder)

    # --- the APScheduler --------------------------------------------------------------------

    def _start_aps(self) -> None:
        aps = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.engine, tablename=JOBS_TABLE)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(self.misfire_grace.total_seconds()),
            },
            timezone=self.timezone,
        )
        aps.start(paused=True)
        for d in self.jobs:
            current = aps.get_job(d.id)
            same = (
                current is not None
                and str(current.trigger) == str(d.trigger)
                and current.func_ref == d.func
                and current.kwargs == {"db_url": self.url}
            )
            if same:
                continue  # keep its stored next run time: a missed run fires once at resume
            aps.add_job(
                d.func,
                d.trigger,
                id=d.id,
                name=d.description,
                replace_existing=True,
                kwargs={"db_url": self.url},
            )
        known = {d.id for d in self.jobs}
        for job in aps.get_jobs():
            if job.id not in known:
                job.remove()
        aps.resume()
        self._aps = aps

    def _stop_aps(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None

    def describe(self) -> list[dict[str, object]]:
        """The job definitions and, when leading, their next run times."""
        out: list[dict[str, object]] = []
        for d in self.jobs:
            job = self._aps.get_job(d.id) if self._aps else None
            out.append(
                {
                    "id": d.id,
                    "func": d.func,
                    "trigger": str(d.trigger),
                    "description": d.description,
                    "next_run": job.next_run_time.isoformat()
                    if job and job.next_run_time
                    else None,
                }
            )
        return out
