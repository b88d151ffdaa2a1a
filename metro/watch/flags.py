"""What a watch returns: the things it flagged and how many notifications were new."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class WatchReport:
    job: str
    at: str
    flagged: list[dict[str, Any]] = field(default_factory=list)
    notifications: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "at": self.at,
            "flagged": self.flagged,
            "new_notifications": self.notifications,
            **self.details,
        }
