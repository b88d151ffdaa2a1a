"""The bundle's CSV files: names, header rows and the writers that stream rows into them.

Files are UTF-8 without BOM, ``\\n`` line ends, a header row, ISO dates and empty cells for
"none", exactly as DESIGN.md's data contract. Rows are counted per file as they are written.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

from metro.bundle.contract import FILES, OPTIONAL
from metro.synth.supervision import FILLED_OPTIONAL

# The contract's files and columns, keyed by file stem ("organizations", …); the generator
# fills no optional column, so it writes none (as export does when no row has a value).
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    name.removesuffix(".csv"): tuple(
        c for c in columns if c not in OPTIONAL.get(name, ()) or c in FILLED_OPTIONAL
    )
    for name, columns in FILES.items()
}


class BundleWriter:
    """Opens the seven files of a bundle in ``out_dir`` and exposes one csv writer per file."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self._files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.counts: dict[str, int] = {name: 0 for name in HEADERS}

    def __enter__(self) -> BundleWriter:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name, header in HEADERS.items():
            f = (self.out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="")
            self._files[name] = f
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            self.writers[name] = w
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for f in self._files.values():
            f.close()

    def row(self, name: str, values: tuple[Any, ...] | list[Any]) -> None:
        self.writers[name].writerow(values)
        self.counts[name] += 1
