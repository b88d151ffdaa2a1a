"""What is wrong with a bundle: one ``BundleIssue`` per bad cell, all reported at once.

Decisions where the design is silent (how much of "every bad row is reported" a person reads):

* An issue names the file, the line where its record starts, the column, the value and why,
  and the row's own code or number (``row``: the value of the file's first contract column —
  code, number, or for capabilities and results the standard and certificate they belong to).
* ``Issues`` keeps at most ``KEPT_PER_FILE`` issues of each file and counts the rest, so a file
  broken on every one of 10⁶ lines costs a counter, not 10⁶ objects; the kept ones are the
  machine-readable list (``--json``, HTTP 422).
* The rejection's message is a screenful: one line when there is one problem, else a header
  with the count per file and at most ``SHOWN`` problems, shared fairly between the files, then
  "… and N more". Long values are cut in the message (never in the data).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from metro.errors import InvalidInput

KEPT_PER_FILE = 100
SHOWN = 20
VALUE_SHOWN = 60


@dataclass(frozen=True, slots=True)
class BundleIssue:
    file: str
    line: int
    column: str
    value: str
    why: str
    row: str = ""  # the row's own code or number, when the row has one

    def __str__(self) -> str:
        value = self.value
        if len(value) > VALUE_SHOWN:
            value = value[: VALUE_SHOWN - 1] + "…"
        of = f" of {self.row}" if self.row and self.row != self.value else ""
        cell = f"{self.column}={value!r}" if self.column else repr(value)
        return f"{self.file}:{self.line}: {cell}{of}: {self.why}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Issues(list[BundleIssue]):
    """The issues of one load: the first ``KEPT_PER_FILE`` of each file, and how many in all."""

    def __init__(self) -> None:
        super().__init__()
        self.per_file: Counter[str] = Counter()

    def append(self, issue: BundleIssue) -> None:
        self.per_file[issue.file] += 1
        if self.per_file[issue.file] <= KEPT_PER_FILE:
            super().append(issue)

    @property
    def total(self) -> int:
        return sum(self.per_file.values())


def _counts(issues: list[BundleIssue]) -> Counter[str]:
    if isinstance(issues, Issues):
        return issues.per_file
    return Counter(i.file for i in issues)


def _fair_share(issues: list[BundleIssue], limit: int) -> list[BundleIssue]:
    """At most ``limit`` issues, taken round-robin from each file, in their original order."""
    by_file: dict[str, list[int]] = {}
    for n, issue in enumerate(issues):
        by_file.setdefault(issue.file, []).append(n)
    chosen: list[int] = []
    depth = 0
    while len(chosen) < limit and any(depth < len(ns) for ns in by_file.values()):
        for ns in by_file.values():
            if depth < len(ns) and len(chosen) < limit:
                chosen.append(ns[depth])
        depth += 1
    return [issues[n] for n in sorted(chosen)]


class BundleRejected(InvalidInput):
    """The bundle has bad rows; nothing was written."""

    def __init__(self, issues: list[BundleIssue]) -> None:
        self.issues = issues
        counts = _counts(issues)
        total = sum(counts.values())
        if total == 1 and issues:
            super().__init__(f"bundle rejected, nothing written: {issues[0]}")
            return
        per_file = ", ".join(f"{name} {n}" for name, n in counts.items())
        shown = _fair_share(issues, SHOWN)
        lines = "\n".join(f"  {i}" for i in shown)
        more = f"\n  … and {total - len(shown)} more" if total > len(shown) else ""
        super().__init__(
            f"bundle rejected, nothing written: {total} problems ({per_file})\n{lines}{more}"
        )
