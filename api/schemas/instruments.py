"""Shapes of instruments: registering one (quantities as text pint parses, as in a bundle)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class InstrumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    owner: str | None = Field(None, description="organization code; default: your own")
    quantity: str = Field(description="quantity kind code, e.g. pressure")
    range_min: str = Field(description="e.g. '0 MPa'")
    range_max: str = Field(description="e.g. '10 MPa'")
    mpe_abs: str | None = None
    mpe_rel: str | None = Field(None, description="fraction, or '1.6 %'")
    mandatory: bool = False
    interval_months: int | None = Field(None, ge=1, le=1200)
    usage: str | None = None


class Page(BaseModel):
    items: list[dict[str, object]]
    total: int
