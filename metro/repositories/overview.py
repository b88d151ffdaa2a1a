"""Counts of a province's rows, for the overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from metro.db.models import Certificate, Demand, Instrument, Organization, Standard
from metro.model.levels import PUBLIC_LEVELS


@dataclass(frozen=True)
class Counts:
    organizations: int
    standards: int
    public_standards: int
    instruments: int
    certificates: int
    demands: int


def counts(conn: Connection) -> Counts:
    def count(stmt: object) -> int:
        return int(conn.execute(stmt).scalar_one())  # type: ignore[call-overload]

    return Counts(
        organizations=count(select(func.count()).select_from(Organization)),
        standards=count(select(func.count()).select_from(Standard)),
        public_standards=count(
            select(func.count()).select_from(Standard).where(Standard.level.in_(PUBLIC_LEVELS))
        ),
        instruments=count(select(func.count()).select_from(Instrument)),
        certificates=count(select(func.count()).select_from(Certificate)),
        demands=count(select(func.count()).select_from(Demand)),
    )
