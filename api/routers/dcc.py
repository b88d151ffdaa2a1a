"""DCC over HTTP: a certificate as a PTB DCC (scoped like the certificate), and DCC import.

``GET /api/v1/certificates/{issuer}/{number}/dcc`` answers the DCC 3.2.0 XML
(``application/xml``), validated against the XSD. ``POST /api/v1/certificates/dcc`` (a lab, for
its own certificates) takes the DCC XML as the request body and records it through the one
certificate service; 201 with what was understood, 422 naming the line and rule of a bad file
or what could not be matched. Signatures of signed DCCs are not verified (the answer says so).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response

from api import policy
from api.auth import ConnDep, PrincipalDep
from api.clock import now
from metro.services import dcc

router = APIRouter(prefix="/api/v1/certificates", tags=["certificates"])


@router.get("/{issuer}/{number}/dcc", response_class=Response)
def get_dcc(conn: ConnDep, principal: PrincipalDep, issuer: str, number: str) -> Response:
    """The certificate as a Digital Calibration Certificate (PTB DCC 3.2.0 XML)."""
    policy.readable_certificate(conn, principal, issuer, number)
    data = dcc.export(conn, actor=principal.actor, issuer=issuer, number=number)
    return Response(
        content=data,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{issuer}_{number}.dcc.xml"'},
    )


@router.post("/dcc", status_code=201)
def import_dcc(
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    data: Annotated[bytes, Body(media_type="application/xml", description="The DCC XML.")],
) -> dict[str, Any]:
    """Record a certificate of your lab from its DCC (XML body, DCC 3.1.x or 3.2.0)."""
    policy.require_role(principal, "lab")
    report = dcc.import_dcc(
        conn, actor=principal.actor, now=now(request), data=data, source="request body"
    )
    return report.as_dict()
