"""A province at a glance: how many organizations, standards, instruments, certificates, demands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from metro.db.models import Certificate, Demand, Instrument, Organization, Standard
from metro.levels import PUBLIC_LEVELS


@dataclass(frozen=True)
class Overview:
    organizations: int
    standards: int
    public_standards: int
    instruments: int
    certificates: int
    demands: int


def overview(session: Session) -> Overview:
    def count(stmt: object) -> int:
        return int(session.execute(stmt).scalar_one())  # type: ignore[call-overload]

    return Overview(
        organizations=count(select(func.count()).select_from(Organization)),
        standards=count(select(func.count()).select_from(Standard)),
        public_standards=count(
            select(func.count()).select_from(Standard).where(Standard.level.in_(PUBLIC_LEVELS))
        ),
        instruments=count(select(func.count()).select_from(Instrument)),
        certificates=count(select(func.count()).select_from(Certificate)),
        demands=count(select(func.count()).select_from(Demand)),
    )
