"""Loading a bundle handed over as files (an upload) rather than a folder on disk.

The files are written to a private temporary folder and loaded by the bundle loader inside the
caller's transaction — the same all-or-nothing path as ``metro load``. Only the contract's
file names are accepted (no paths, no other files), so an upload cannot reach outside it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from metro.bundle.contract import FILES
from metro.bundle.load import LoadReport, load_bundle
from metro.errors import InvalidInput
from metro.model.actor import Actor

MAX_BYTES = 512 * 1024 * 1024


def load_files(
    conn: Connection, *, actor: Actor, now: datetime, files: Mapping[str, bytes]
) -> LoadReport:
    """Check and write the uploaded bundle; ``BundleRejected`` lists every bad row."""
    if not files:
        raise InvalidInput("files: no file was uploaded; send the bundle's CSV files")
    total = 0
    for name, data in files.items():
        if name not in FILES:
            raise InvalidInput(
                f"files: {name!r} is not a bundle file; expected {', '.join(FILES)}"
            )
        total += len(data)
    if total > MAX_BYTES:
        raise InvalidInput(f"files: {total} bytes is more than the {MAX_BYTES} a bundle may have")
    with tempfile.TemporaryDirectory(prefix="metro-upload-") as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        return load_bundle(conn, Path(tmp), actor=actor, now=now)
