"""Shapes of certificates: recording one over HTTP, revoking, superseding."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nominal: str = Field(description="a quantity with its unit, e.g. '10 MPa'")
    measured: str
    u: str | None = Field(None, description="expanded uncertainty U at coverage factor k")
    k: str | None = Field("2", description="coverage factor")


class CertificateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=80)
    kind: str = Field(description="verification or calibration")
    subject: str = Field(min_length=1, max_length=64)
    calibrated_on: date
    valid_until: date | None = None
    conclusion: str = Field(description="pass, fail or none")
    references: list[str] = Field(default_factory=list)
    results: list[ResultIn] = Field(default_factory=list)


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)
