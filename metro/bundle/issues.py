"""What is wrong with a bundle: one ``BundleIssue`` per bad cell, all reported at once."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from metro.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class BundleIssue:
    file: str
    line: int
    column: str
    value: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}={self.value!r}: {self.why}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class BundleRejected(InvalidInput):
    """The bundle has bad rows; nothing was written."""

    def __init__(self, issues: list[BundleIssue]) -> None:
        self.issues = issues
        shown = "\n".join(f"  {i}" for i in issues[:200])
        more = f"\n  … and {len(issues) - 200} more" if len(issues) > 200 else ""
        super().__init__(
            f"bundle rejected, nothing written: {len(issues)} problem(s)\n{shown}{more}"
        )
