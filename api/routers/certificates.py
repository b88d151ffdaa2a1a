"""``/api/v1/certificates``: record (labs), read (scoped), revoke and supersede (the issuer).

A certificate recorded over HTTP answers 201 with its verification code and its subject's
status and chain on the day of recording (DESIGN.md "Settled readings"). Result points are
text pint parses (``"10.002 MPa"``); a refused point names its place (``results[2].u``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import Connection

from api import policy
from api.auth import ConnDep, PrincipalDep
from api.certificate_input import certificate_from_input
from api.clock import now
from api.schemas.certificates import CertificateIn, RevokeIn
from metro.model.account import Principal
from metro.model.certificate import Certificate
from metro.services import certificates, listing, verification
from metro.traceability import explain_chain

router = APIRouter(prefix="/api/v1/certificates", tags=["certificates"])


def _as_json(c: Certificate) -> dict[str, Any]:
    return {
        "number": c.number,
        "issuer": c.issuer,
        "kind": c.kind,
        "subject": c.subject,
        "calibrated_on": c.calibrated_on.isoformat(),
        "valid_until": c.valid_until.isoformat() if c.valid_until else None,
        "conclusion": c.conclusion,
        "references": list(c.references),
        "results": [
            {
                "nominal": p.nominal_given,
                "measured": p.measured_given,
                "u": p.u_given,
                "k": p.k_given,
            }
            for p in c.results
        ],
        "revoked": c.revoked,
        "reason": c.revoked_reason,
        "supersedes": c.supersedes,
        "recorded_on": c.recorded_on.isoformat() if c.recorded_on else None,
    }


def _recorded(
    request: Request, conn: Connection, c: Certificate, principal: Principal
) -> dict[str, Any]:
    at = now(request)
    return {
        "certificate": _as_json(c),
        "verification_code": verification.code_for(conn, now=at, issuer=c.issuer, number=c.number),
        "subject": listing.subject_view(conn, at=at.date(), code=c.subject),
        "chain": policy.redact_chain(
            conn, principal, explain_chain(conn, c.subject, at.date()).as_json()
        ),
    }


@router.post("", status_code=201)
def record_certificate(
    request: Request, conn: ConnDep, principal: PrincipalDep, body: CertificateIn
) -> dict[str, Any]:
    """Record a certificate issued by your lab for any registered asset, citing your own
    standards; judged on its calibration day."""
    policy.require_role(principal, "lab")
    c = certificates.record(
        conn,
        actor=principal.actor,
        now=now(request),
        certificate=certificate_from_input(conn, principal, body),
    )
    return _recorded(request, conn, c, principal)


@router.get("/{issuer}/{number}")
def get_certificate(
    request: Request, conn: ConnDep, principal: PrincipalDep, issuer: str, number: str
) -> dict[str, Any]:
    """The certificate and its results; its issuer also sees the verification code."""
    policy.readable_certificate(conn, principal, issuer, number)
    out = _as_json(certificates.get(conn, issuer=issuer, number=number))
    if principal.organization == issuer:
        out["verification_code"] = verification.code_for(
            conn, now=now(request), issuer=issuer, number=number
        )
    return out


@router.post("/{issuer}/{number}/revoke")
def revoke_certificate(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    issuer: str,
    number: str,
    body: RevokeIn,
) -> dict[str, Any]:
    """Make a certificate you issued void, with the reason; it stays stored."""
    policy.readable_certificate(conn, principal, issuer, number)
    c = certificates.revoke(
        conn,
        actor=principal.actor,
        now=now(request),
        issuer=issuer,
        number=number,
        reason=body.reason,
    )
    return _as_json(c)


@router.post("/{issuer}/{number}/supersede", status_code=201)
def supersede_certificate(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    issuer: str,
    number: str,
    body: CertificateIn,
) -> dict[str, Any]:
    """Record a new certificate that replaces one you issued (the old one is kept, void)."""
    policy.readable_certificate(conn, principal, issuer, number)
    if principal.organization != issuer:
        raise policy.certificate_not_found(issuer, number)
    c = certificates.supersede(
        conn,
        actor=principal.actor,
        now=now(request),
        number=number,
        certificate=certificate_from_input(conn, principal, body),
    )
    return _recorded(request, conn, c, principal)
