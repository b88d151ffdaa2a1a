"""Typed models, one module per concept; importing this package registers every table."""

from metro.db.models.account import ApiKey, ChangeCounter, LoginThrottle, Secret, User
from metro.db.models.authorization import Authorization
from metro.db.models.certificate import Certificate, CertificateReference, Result
from metro.db.models.change_log import ChangeLog
from metro.db.models.coverage_snapshot import CoverageSnapshot
from metro.db.models.demand import Demand
from metro.db.models.instrument import Instrument
from metro.db.models.interval import IntervalChange, IntervalProposal
from metro.db.models.notification import JobRun, Lease, Notification
from metro.db.models.organization import Organization
from metro.db.models.standard import Capability, Standard

__all__ = [
    "ApiKey",
    "Authorization",
    "Capability",
    "Certificate",
    "CertificateReference",
    "ChangeCounter",
    "ChangeLog",
    "CoverageSnapshot",
    "Demand",
    "Instrument",
    "IntervalChange",
    "IntervalProposal",
    "JobRun",
    "Lease",
    "LoginThrottle",
    "Notification",
    "Organization",
    "Result",
    "Secret",
    "Standard",
    "User",
]
