"""Keyword-only builders of in-memory demand items and candidates (canonical units: Pa, K…)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from metro.coverage.candidates import CapabilityRow, build_candidates
from metro.coverage.demand import DemandItems
from metro.coverage.report import CoverageReport, compute_coverage

AT = date(2025, 9, 1)
MPA = 1e6


def cap(
    *,
    sid: int = 1,
    standard: str | None = None,
    kind: str = "pressure",
    lo: float = 0.0,
    hi: float = 60 * MPA,
    u_abs: float = 0.0,
    u_rel: float = 1e-4,
    k: float = 2.0,
    level: str = "public_highest",
    status: str = "active",
    exam_cert: str | None = "[2022]湘量标证字第1号",
    exam_from: date | None = date(2022, 1, 1),
    exam_until: date | None = date(2027, 12, 31),
) -> CapabilityRow:
    return CapabilityRow(
        id=None,
        standard_id=sid,
        standard=standard or f"S{sid}",
        level=level,
        status=status,
        exam_cert=exam_cert,
        exam_valid_from=exam_from,
        exam_valid_until=exam_until,
        quantity=kind,
        range_min=lo,
        range_max=hi,
        u_abs=u_abs,
        u_rel=u_rel,
        k=k,
    )


def need(
    *,
    code: str = "D1",
    kind: str = "pressure",
    lo: float = 0.0,
    hi: float = 10 * MPA,
    mpe_abs: float = 0.0,
    mpe_rel: float = 0.004,
    region: str = "430100",
    count: int = 10,
    field: str = "",
) -> dict[str, object]:
    return {
        "code": code,
        "kind": kind,
        "lo": lo,
        "hi": hi,
        "mpe_abs": mpe_abs,
        "mpe_rel": mpe_rel,
        "region": region,
        "count": count,
        "field": field,
    }


def items(*needs: Mapping[str, object]) -> DemandItems:
    def col(name: str) -> list[Any]:
        return [n[name] for n in needs]

    return DemandItems.build(
        code=col("code"),
        kind=col("kind"),
        region=col("region"),
        range_min=col("lo"),
        range_max=col("hi"),
        mpe_abs=col("mpe_abs"),
        mpe_rel=col("mpe_rel"),
        count=col("count"),
        field=[str(n.get("field", "")) for n in needs],
    )


def coverage(
    needs: Sequence[Mapping[str, object]],
    caps: Sequence[CapabilityRow],
    statuses: Mapping[int, tuple[str, str]] | None = None,
    *,
    at: date = AT,
) -> CoverageReport:
    """Coverage at ``at``; every standard ``valid`` unless ``statuses`` says otherwise."""
    words = {c.standard_id: ("valid", "certificate C is valid until 2026-06-30") for c in caps}
    words.update(statuses or {})
    return compute_coverage(items(*needs), build_candidates(caps, at, words), at=at)
