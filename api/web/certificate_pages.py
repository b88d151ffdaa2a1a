"""``/certificates/new`` and friends: a lab records, revokes and supersedes certificates and
uploads bundles in the browser.

The form posts the same fields as ``POST /api/v1/certificates`` and goes through the same
input mapping and certificate service; each refusal is shown next to its field (the error's
field path: ``results[2].u`` lands under that cell). Unit-aware fields are checked as you
type (htmx asks ``/certificates/check`` for one value; without JavaScript the check happens on
submit). A recorded certificate shows its subject's new status, its verification code and QR
label.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api import policy
from api.certificate_input import CertificateIn, certificate_from_input
from api.clock import now
from api.web import session
from api.web.i18n import gettext
from api.web.render import page_day, redirect, render, require_principal
from metro.bundle.issues import BundleRejected
from metro.errors import MetroError
from metro.model import fields as f
from metro.quantity_kinds import get_kind
from metro.services import bundles, certificates, dcc, listing, verification

router = APIRouter(include_in_schema=False)
RESULT_ROWS = 5


def _lab(request: Request, conn: Any) -> Any:
    principal = require_principal(request, conn)
    policy.require_role(principal, "lab")
    return principal


def _form_page(request: Request, principal: Any, conn: Any, *, values: dict[str, Any],
               errors: dict[str, str], status_code: int = 200, recorded: Any = None,
               upload: Any = None) -> HTMLResponse:
    at = page_day(request)
    standards = listing.standards_view(conn, at=at, owner=principal.organization)
    return render(
        request, "certificate_new.html", principal=principal, values=values, errors=errors,
        standards=standards, rows=RESULT_ROWS, recorded=recorded, upload=upload,
        status_code=status_code,
    )


@router.get("/certificates/new", response_class=HTMLResponse)
def new_certificate(request: Request, subject: str = "", supersedes: str = "") -> HTMLResponse:
    with request.app.state.engine.begin() as conn:
        principal = _lab(request, conn)
        values: dict[str, Any] = {
            "subject": subject[:64], "kind": "calibration", "conclusion": "pass",
            "calibrated_on": now(request).date().isoformat(), "supersedes": supersedes[:80],
            "references": [], "results": [{"k": "2"} for _ in range(RESULT_ROWS)],
        }
        return _form_page(request, principal, conn, values=values, errors={})


def _field_of(path: str) -> str:
    """``results.2.u`` / ``results[2].u`` → ``results[2].u``; other paths as they are."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    if parts and parts[0] == "body":
        parts = parts[1:]
    if len(parts) >= 3 and parts[0] == "results":
        return f"results[{parts[1]}].{parts[2]}"
    return parts[0] if parts else ""


@router.post("/certificates/new", response_class=HTMLResponse)
async def record_certificate(request: Request) -> HTMLResponse:
    form = await request.form()
    session.check_csrf(request, str(form.get("csrf", "")))
    text = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
    results: list[dict[str, str]] = []
    for i in range(RESULT_ROWS):
        row = {c: text.get(f"results[{i}].{c}", "") for c in ("nominal", "measured", "u", "k")}
        results.append(row)
    references = [str(v) for v in form.getlist("references") if str(v).strip()]
    extra = [r for r in text.get("more_references", "").replace(",", " ").split() if r]
    values: dict[str, Any] = {
        **{k: text.get(k, "") for k in ("number", "kind", "subject", "calibrated_on",
                                        "valid_until", "conclusion", "supersedes")},
        "references": references + extra,
        "results": results,
    }
    errors: dict[str, str] = {}
    engine = request.app.state.engine
    at = now(request)
    recorded: dict[str, Any] | None = None
    try:
        # One transaction for the attempt: a refusal raises out of it, so nothing is written.
        with engine.begin() as conn:
            principal = _lab(request, conn)
            recorded = _record(conn, principal, values, at)
    except _Refused as refused:
        errors = refused.errors
    with engine.begin() as conn:
        principal = _lab(request, conn)
        if errors:
            return _form_page(request, principal, conn, values=values, errors=errors,
                              status_code=422)
        return _form_page(request, principal, conn, values=_blank(), errors={},
                          recorded=recorded, status_code=201)


class _Refused(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _blank() -> dict[str, Any]:
    return {"results": [{"k": "2"} for _ in range(RESULT_ROWS)], "references": []}


def _record(conn: Any, principal: Any, values: dict[str, Any], at: Any) -> dict[str, Any]:
    """Record (or supersede with) the certificate of the form; ``_Refused`` with the errors."""
    results = values["results"]
    try:
        body = CertificateIn.model_validate(
            {
                "number": values["number"], "kind": values["kind"],
                "subject": values["subject"], "calibrated_on": values["calibrated_on"] or None,
                "valid_until": values["valid_until"] or None,
                "conclusion": values["conclusion"], "references": values["references"],
                "results": [
                    {"nominal": r["nominal"], "measured": r["measured"], "u": r["u"] or None,
                     "k": r["k"] or "2"}
                    for r in results if r["nominal"] or r["measured"]
                ],
            }
        )
    except ValidationError as exc:
        raise _Refused(
            {_field_of(".".join(str(p) for p in e["loc"])): e["msg"] for e in exc.errors()}
        ) from None
    try:
        certificate = certificate_from_input(conn, principal, body)
        if values["supersedes"]:
            stored = certificates.supersede(
                conn, actor=principal.actor, now=at, number=values["supersedes"],
                certificate=certificate,
            )
        else:
            stored = certificates.record(conn, actor=principal.actor, now=at,
                                         certificate=certificate)
    except f.InvalidField as exc:
        raise _Refused({_field_of(exc.field): f"{exc.value!r}: {exc.why}"}) from None
    except MetroError as exc:
        raise _Refused({"form": exc.message}) from None
    code = verification.code_for(conn, now=at, issuer=stored.issuer, number=stored.number)
    subject = listing.subject_view(conn, at=at.date(), code=stored.subject)
    return {"certificate": stored, "verification_code": code, "subject": subject}


@router.post("/certificates/check", response_class=HTMLResponse)
async def check_value(request: Request) -> HTMLResponse:
    """One cell of a result row checked against the subject's kinds as it is typed: its value
    in the kind's canonical unit, or why it is refused (an htmx fragment). The cell arrives
    under its own name (``results[2].u``); a U is a difference (``0.5 degF`` is 5/18 K)."""
    form = await request.form()
    session.check_csrf(request, str(form.get("csrf", "")))
    subject = str(form.get("subject", "")).strip()[:64]
    cells = [(k, str(v)) for k, v in form.items() if k.startswith("results[")]
    if not cells or not cells[0][1].strip():
        return HTMLResponse("")
    name, value = cells[0]
    with request.app.state.engine.begin() as conn:
        require_principal(request, conn)
        kinds = listing.result_kinds(conn, subject)
    if not kinds:
        return HTMLResponse(f'<span class="hint">{escape(_unknown(request))}</span>')
    first = ""
    for kind in kinds:
        try:
            x = f.quantity("value", value[:60], kind, difference=name.endswith(".u"))
        except f.InvalidField as exc:
            first = first or exc.why
            continue
        return HTMLResponse(
            f'<span class="ok">✓ {x:.6g} {escape(get_kind(kind).canonical_unit)}</span>'
        )
    return HTMLResponse(f'<span class="error">{escape(first)}</span>')


def _unknown(request: Request) -> str:
    return gettext(session.lang_of(request), "enter the subject's code first")


@router.post("/certificates/{issuer}/{number}/revoke", response_class=HTMLResponse)
def revoke(
    request: Request,
    issuer: str,
    number: str,
    csrf: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    session.check_csrf(request, csrf)
    with request.app.state.engine.begin() as conn:
        principal = _lab(request, conn)
        policy.readable_certificate(conn, principal, issuer, number)
        certificates.revoke(conn, actor=principal.actor, now=now(request), issuer=issuer,
                            number=number, reason=reason)
    return redirect("/")


@router.post("/bundles/upload", response_class=HTMLResponse)
async def upload_bundle(request: Request) -> HTMLResponse:
    form = await request.form()
    session.check_csrf(request, str(form.get("csrf", "")))
    files = [v for v in form.getlist("files") if isinstance(v, UploadFile)]
    contents = {u.filename or "": await u.read() for u in files}
    engine = request.app.state.engine
    upload: dict[str, Any]
    try:
        with engine.begin() as conn:
            principal = _lab(request, conn)
            report = bundles.load_files(conn, actor=principal.actor, now=now(request),
                                        files=contents)
            upload = {"ok": True, "counts": report.counts}
    except BundleRejected as exc:
        upload = {"ok": False, "issues": [i.as_dict() for i in exc.issues][:200],
                  "total": len(exc.issues)}
    except MetroError as exc:
        upload = {"ok": False, "issues": [], "message": exc.message, "total": 0}
    with engine.begin() as conn:
        principal = _lab(request, conn)
        return _form_page(request, principal, conn, values=_blank(), errors={}, upload=upload,
                          status_code=200 if upload["ok"] else 422)


@router.get("/certificates/{issuer}/{number}/dcc.xml")
def certificate_dcc(request: Request, issuer: str, number: str) -> Response:
    """The certificate as a PTB DCC (the API's ``…/dcc``, for a signed-in browser)."""
    with request.app.state.engine.begin() as conn:
        principal = require_principal(request, conn)
        policy.readable_certificate(conn, principal, issuer, number)
        data = dcc.export(conn, actor=principal.actor, issuer=issuer, number=number)
    return Response(
        content=data,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{issuer}_{number}.dcc.xml"'},
    )
