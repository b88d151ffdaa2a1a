"""The schedule: which job runs when (times in METRO_TIMEZONE, default Asia/Shanghai)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger


@dataclass(frozen=True)
class JobDef:
    id: str
    func: str  # importable reference, as the persistent job store needs
    trigger: Any
    description: str


def default_jobs(timezone: str) -> list[JobDef]:
    return [
        JobDef(
            "due_scan",
            "schedules.jobs:due_scan",
            CronTrigger(hour=6, minute=0, timezone=timezone),
            "daily 06:00: due soon, overdue, untraceable, suspect assets",
        ),
        JobDef(
            "exam_expiry",
            "schedules.jobs:exam_expiry",
            CronTrigger(hour=6, minute=10, timezone=timezone),
            "daily 06:10: examination certificates ending within 6 months",
        ),
        JobDef(
            "coverage_watch",
            "schedules.jobs:coverage_watch",
            CronTrigger(day_of_week="mon", hour=7, minute=0, timezone=timezone),
            "weekly, Monday 07:00: coverage snapshot against the 95 % target",
        ),
        JobDef(
            "after_load",
            "schedules.jobs:after_load",
            IntervalTrigger(minutes=5, timezone=timezone),
            "every 5 minutes: a coverage snapshot after each bundle load",
        ),
        JobDef(
            "impact_watch",
            "schedules.jobs:impact_watch",
            IntervalTrigger(minutes=15, timezone=timezone),
            "every 15 minutes: impact of newly recorded failures",
        ),
        JobDef(
            "deliver",
            "schedules.jobs:deliver",
            IntervalTrigger(minutes=1, timezone=timezone),
            "every minute: send pending notifications (webhook, e-mail)",
        ),
        JobDef(
            "supervision_watch",
            "schedules.jobs:supervision_watch",
            CronTrigger(day=1, hour=7, minute=30, timezone=timezone),
            "monthly, 1st 07:30: mandatory instruments not compliant, bureau summary",
        ),
        JobDef(
            "interval_review",
            "schedules.jobs:interval_review",
            CronTrigger(day=1, hour=8, minute=0, timezone=timezone),
            "monthly, 1st 08:00: interval proposals for changed as-found histories",
        ),
    ]
