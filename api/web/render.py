"""Rendering a page: one Jinja2 environment per language, the context every page shares.

Templates live in ``api/web/templates``; texts go through ``_()`` (the catalogue of
:mod:`api.web.i18n`), autoescaping is on, and pages that show a state take ``?at=`` like the
API. The signed-in principal is read from the session cookie here, once per request.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection

from api.clock import day, now
from api.web import i18n, session
from metro.errors import MetroError
from metro.model import reasons, regions
from metro.model.account import Principal
from metro.quantity_kinds import kinds
from metro.services import accounts

TEMPLATES: Final = Path(__file__).parent / "templates"

STATUS_WORDS: Final = {
    "valid": "valid",
    "due_soon": "due soon",
    "overdue": "overdue",
    "failed": "failed",
    "untraceable": "untraceable",
    "suspect": "suspect",
    "never_calibrated": "never calibrated",
    "primary": "national primary standard",
}
FLAG_WORDS: Final = {
    "never_verified": "never verified",
    "failed": "failed in use",
    "overdue": "verification overdue",
    "calibration_only": "calibrated, not verified",
    "unauthorized": "verified by an unauthorized body",
    "untraceable": "untraceable",
    "suspect": "suspect",
}
ROLE_NAMES: Final = {
    "admin": "administrator",
    "bureau": "bureau",
    "lab": "laboratory",
    "enterprise": "enterprise",
}


class SignInRequired(Exception):
    """The page needs a signed-in user; the handler redirects to the sign-in form."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=False)  # type: ignore[attr-defined]
    env.filters["region"] = _region
    env.filters["kind"] = lambda code: _kind(code, lang)
    env.filters["reason"] = lambda text: reason_words(text, lang)
    return env


def reason_words(text: object, lang: str) -> str:
    """A status reason in the page's language: each part read back into its template
    (:mod:`metro.model.reasons`) and worded from the catalogue; a part no template words is
    shown as the engine wrote it."""
    said = str(text or "")
    if lang == "en" or not said:
        return said
    return "；".join(_reason_part(part, lang) for part in reasons.parts(said))


def _reason_part(part: str, lang: str) -> str:
    found = reasons.parse(part)
    if found is None:
        return part
    template, fields = found
    if "status" in fields:
        fields["status"] = i18n.gettext(lang, STATUS_WORDS[fields["status"]])
    if "reason" in fields:
        fields["reason"] = _reason_part(fields["reason"], lang)
    if "quantity" in fields:
        fields["quantity"] = _kind(fields["quantity"], lang)
    return i18n.gettext(lang, template).format(**fields)


def _kind(code: object, lang: str) -> str:
    """A quantity kind's name in the page's language (the code when unknown)."""
    kind = kinds().get(str(code))
    if kind is None:
        return str(code or "")
    return kind.name_zh if lang == "zh" else kind.name_en


def _region(code: object) -> str:
    """A region code with its Chinese name (``430100 长沙市``); the code alone when unknown."""
    if not code:
        return ""
    try:
        name = regions.name_of(str(code))
    except ValueError:
        name = None
    return f"{code} {name}" if name else str(code)


def principal_or_none(request: Request, conn: Connection) -> Principal | None:
    token = request.cookies.get(session.SESSION)
    if not token:
        return None
    try:
        return accounts.principal_from_token(conn, now=now(request), token=token)
    except MetroError:
        return None


def require_principal(request: Request, conn: Connection) -> Principal:
    principal = principal_or_none(request, conn)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return principal


def page_day(request: Request) -> date:
    """``?at=YYYY-MM-DD`` (default today); a bad value is a 422 like the API's."""
    raw = request.query_params.get("at")
    if not raw:
        return day(request, None)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        from metro.model.fields import InvalidField

        raise InvalidField("at", raw, "is not a date YYYY-MM-DD") from None


def render(
    request: Request,
    template: str,
    *,
    principal: Principal | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = session.lang_of(request)
    env = environment(lang)
    html = env.get_template(template).render(
        request=request,
        lang=lang,
        html_lang=i18n.HTML_LANG[lang],
        csrf=session.csrf_token(request),
        principal=principal,
        status_words=STATUS_WORDS,
        role_names=ROLE_NAMES,
        flag_words=FLAG_WORDS,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    session.remember_csrf(request, response)
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
