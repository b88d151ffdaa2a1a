"""Status rows for the people who read them: each asset with its name and owner.

``metro status --owner CODE [--status WORD…]`` answers an enterprise's question ("which of my
instruments need attention?"), so every row carries the asset's name and owner besides the
contract's ``{asset, kind, status, due, reason}``. The statuses come from
:func:`metro.services.traceability.status` (one pass over the province); this adds the names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from metro.repositories.assets import names
from metro.traceability.status import StatusRecord


def named_rows(conn: Connection, records: Sequence[StatusRecord]) -> list[dict[str, Any]]:
    """``{asset, name, owner, kind, status, due, reason}`` for each record, in order."""
    by_code = names(conn, [r.asset for r in records])
    return [
        {
            "asset": r.asset,
            "name": by_code.get(r.asset, ""),
            "owner": r.owner,
            **{k: v for k, v in r.as_json().items() if k != "asset"},
        }
        for r in records
    ]
