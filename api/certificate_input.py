"""A certificate as a lab submits it (JSON or the web form) → the model's certificate.

One mapping for both entry points: the result points are text pint parses, each placed in the
first of the subject's quantity kinds its units fit; a refused point names its place
(``results[2].u``). The issuer is always the signed-in lab's organization.
"""

from __future__ import annotations

from sqlalchemy import Connection

from api.schemas.certificates import CertificateIn, ResultIn
from metro.model.account import Principal
from metro.model.certificate import Certificate, ResultPoint
from metro.model.fields import InvalidField
from metro.services import listing

__all__ = ["CertificateIn", "ResultIn", "certificate_from_input"]


def _point(kinds: list[str], i: int, body: ResultIn) -> ResultPoint:
    """The point in the first of the subject's kinds its units fit (the error of the first)."""
    first: InvalidField | None = None
    for kind in kinds or ["?"]:
        try:
            return ResultPoint.from_text(
                quantity=kind, nominal=body.nominal, measured=body.measured, u=body.u, k=body.k
            )
        except InvalidField as exc:
            first = first or exc
    assert first is not None
    raise InvalidField(f"results[{i}].{first.field}", first.value, first.why)


def certificate_from_input(
    conn: Connection, principal: Principal, body: CertificateIn
) -> Certificate:
    kinds = listing.result_kinds(conn, body.subject)
    return Certificate(
        number=body.number,
        issuer=principal.organization,
        kind=body.kind,
        subject=body.subject,
        calibrated_on=body.calibrated_on,
        valid_until=body.valid_until,
        conclusion=body.conclusion,
        references=tuple(body.references),
        results=tuple(_point(kinds, i, r) for i, r in enumerate(body.results)) if kinds else (),
    )
