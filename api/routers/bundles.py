"""``POST /api/v1/bundles``: a bundle's CSV files uploaded (multipart), loaded all-or-nothing.

Labs and the bureau. A lab's bundle holds only its own objects (the loader scopes it to the
actor's organization); a refused bundle answers 422 with every row error in ``errors``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, UploadFile

from api import policy
from api.auth import ConnDep, PrincipalDep
from api.clock import now
from metro.services import bundles

router = APIRouter(prefix="/api/v1", tags=["bundles"])


@router.post("/bundles", status_code=201)
async def upload_bundle(
    request: Request, conn: ConnDep, principal: PrincipalDep, files: list[UploadFile]
) -> dict[str, Any]:
    """Load the uploaded CSV files (named as in the bundle contract) as one bundle."""
    policy.require_role(principal, "lab", "bureau", "admin")
    contents = {(f.filename or ""): await f.read() for f in files}
    report = bundles.load_files(conn, actor=principal.actor, now=now(request), files=contents)
    return {"change": report.change_id, "files": report.counts}
