"""Names of assets (standards and instruments) by code, for listings that show them."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select

from metro.db.models import Instrument, Standard

_CHUNK = 5_000


def names(conn: Connection, codes: Collection[str]) -> dict[str, str]:
    """``code → name`` of the standards and instruments among ``codes``."""
    wanted = list(dict.fromkeys(codes))
    out: dict[str, str] = {}
    for table in (Standard, Instrument):
        for i in range(0, len(wanted), _CHUNK):
            batch = wanted[i : i + _CHUNK]
            stmt = select(table.code, table.name).where(table.code.in_(batch))
            out.update({str(c): str(n) for c, n in conn.execute(stmt)})
    return out
