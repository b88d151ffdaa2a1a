"""Certificates (检定/校准证书): the dated edges of the traceability graph.

A certificate has exactly one subject, a standard or an instrument, and names the reference
standards used. Revoked certificates stay stored (``revoked``) but are void everywhere.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("issuer_id", "number"),
        CheckConstraint("kind IN ('verification', 'calibration')", name="kind"),
        CheckConstraint("conclusion IN ('pass', 'fail', 'none')", name="conclusion"),
        CheckConstraint(
            "(subject_standard_id IS NULL) <> (subject_instrument_id IS NULL)", name="one_subject"
        ),
        CheckConstraint(
            "valid_until IS NULL OR valid_until >= calibrated_on", name="valid_after_calibration"
        ),
        # The certificate that speaks for an asset at t: latest calibrated_on <= t per subject.
        Index("ix_certificates_instrument_timeline", "subject_instrument_id", "calibrated_on"),
        Index("ix_certificates_standard_timeline", "subject_standard_id", "calibrated_on"),
        # Due lists: certificates running out in a window.
        Index("ix_certificates_due", "revoked", "valid_until", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(80))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(String(16))
    subject_standard_id: Mapped[int | None] = mapped_column(ForeignKey("standards.id"))
    subject_instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instruments.id"))
    calibrated_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    conclusion: Mapped[str] = mapped_column(String(8))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why it was revoked, and the same issuer's certificate this one replaces (DESIGN.md bundle
    # contract's optional ``reason`` and ``supersedes``): an issued certificate is never edited.
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    # The subject instrument's interval in force when the certificate was recorded: a
    # certificate without ``valid_until`` is in date for that interval, whatever changes later.
    interval_months: Mapped[int | None] = mapped_column(Integer)
    # The day it was recorded in metro; a certificate dated after it is refused.
    recorded_on: Mapped[date | None] = mapped_column(Date)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("change_log.id"))


class CertificateReference(Base):
    """A reference standard used by a certificate (position keeps the order given)."""

    __tablename__ = "certificate_references"

    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True
    )
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_certificate_references_standard", "standard_id", "certificate_id"),)


class Result(Base):
    """One measurement point of a certificate, stored as given and in canonical units."""

    __tablename__ = "results"
    __table_args__ = (CheckConstraint("k > 0", name="k_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[str] = mapped_column(String(40))
    nominal_given: Mapped[str] = mapped_column(String(60))
    measured_given: Mapped[str] = mapped_column(String(60))
    u_given: Mapped[str | None] = mapped_column(String(60))
    k_given: Mapped[str | None] = mapped_column(String(20))
    nominal: Mapped[float] = mapped_column(Float)
    measured: Mapped[float] = mapped_column(Float)
    u: Mapped[float | None] = mapped_column(Float)
    k: Mapped[float | None] = mapped_column(Float)
