"""The traceability engine: time-indexed chains, asset status, due lists and impact.

The rules of DESIGN.md ("Traceability is time-indexed", "Asset status", "Impact") live here
once, one module per concept; adequacy, examination validity, a certificate's last day in force
and the status words are the model's (:mod:`metro.model`). "Today" is always an argument.

=================  ==========================================================================
``speaking``       the certificate that speaks for an asset at a date
``adequacy``       adequacy explained: best capability, check points, wording (rule: model)
``soundness``      a sound certificate / a standard traceable on a day (one recursion)
``suspicion``      impact sets: certificates made with a standard later found failed
``status``         the status rule for one asset (the words: ``metro.model.statuses``)
``graph``          the standards layer as a networkx MultiDiGraph (certificates = dated edges)
``timetable``      the same layer as sorted numpy step functions, for bulk lookups
``leaves``         every instrument at once (numpy), never a graph search per asset
``province``       the whole province at a date in one pass; standard statuses for coverage;
                   one owner's (or an id set's) instruments in bulk over the cached layer
``cache``          the standards layer cached per process, keyed by a change counter
``asset``          one asset by walking its own chain
``chain``          the chain explanation, propagated uncertainty, first broken link
``impact``         the impact report of a failed standard
``due``            due lists
=================  ==========================================================================

Engine API (every function takes an open SQLAlchemy ``Connection``; nothing is written; the
feature service the entry points call is :mod:`metro.services.traceability`):

* ``standard_statuses(conn, at, standard_ids=None, *, lead_days=30)
  -> dict[standard_id, StatusRecord]`` (reads the standards layer only)
* ``province_status(conn, at, lead_days=30) -> ProvinceStatus`` (or ``Province.load(conn)``
  then ``.status(at, lead_days)`` to evaluate several dates over one read)
* ``instruments_status(conn, at, *, owner_id=None, ids=None) -> ProvinceStatus`` (the same
  evaluation restricted to those instruments; equal to the province's, tested)
* ``status_of(conn, code, at, lead_days=30) -> StatusRecord``
* ``explain_chain(conn, code, at) -> Chain``
* ``impact_report(conn, standard_code) -> ImpactReport``
* ``due_list(conn, at, within_days, *, owner=None, lead_days=30) -> list[DueItem]``
"""

from metro.traceability.asset import status_of
from metro.traceability.chain import Chain, explain_chain
from metro.traceability.due import DueItem, due_list
from metro.traceability.impact import ImpactReport, impact_report
from metro.traceability.province import (
    Province,
    ProvinceStatus,
    instruments_status,
    province_status,
    standard_statuses,
)
from metro.traceability.status import DEFAULT_LEAD_DAYS, Status, StatusRecord

__all__ = [
    "DEFAULT_LEAD_DAYS",
    "Chain",
    "DueItem",
    "ImpactReport",
    "Province",
    "ProvinceStatus",
    "Status",
    "StatusRecord",
    "due_list",
    "explain_chain",
    "impact_report",
    "instruments_status",
    "province_status",
    "standard_statuses",
    "status_of",
]
