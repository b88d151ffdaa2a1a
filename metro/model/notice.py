"""A notice to an organization: who is told, about which asset, what event, for which cause.

The outbox keeps one notice per (recipient, asset, event, key): the key is the *cause* (the
certificate that speaks, an examination certificate's end date, a failure). Messages are given
in Chinese and English; the Chinese one is written in Chinese throughout (codes and dates
aside), so a recipient who reads no English misses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Notice:
    recipient: str
    asset: str
    event: str
    key: str
    on: date
    message_zh: str
    message_en: str
    details: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        for name in ("recipient", "event", "message_zh", "message_en"):
            if not getattr(self, name):
                raise ValueError(f"a notice needs a {name}")


def suspect_key(certificate: str) -> str:
    """The cause of a ``suspect`` notice: the asset's suspect certificate.

    ``due_scan`` (the asset's status word) and ``impact_watch`` (the failure's report) both
    announce suspect assets; keyed alike, the outbox keeps one notice per asset and cause
    whichever job runs first.
    """
    return f"suspect:{certificate}"
