"""A province at a glance: how many organizations, standards, instruments, certificates, demands."""

from __future__ import annotations

from sqlalchemy import Connection

from metro.repositories.overview import Counts, counts

Overview = Counts


def overview(conn: Connection) -> Overview:
    return counts(conn)
