"""The web app: server-rendered pages, Chinese first, over the same services as the API.

=======================  ====================================================================
``render``               Jinja2 environments per language, the shared page context, sign-in
``i18n``                 the gettext catalogues (``locale/*/LC_MESSAGES/messages.po``)
``session``              session cookie, language, CSRF double-submit
``svg``                  the chain diagram and charts as inline SVG with real text
``auth_pages``           ``/login``, ``/logout``, ``/language``
``board_pages``          ``/`` — the role's board; ``/board.csv``
``instrument_pages``     ``/instruments/{code}`` with the chain diagram and providers
``coverage_pages``       ``/coverage`` and the what-if planner
``certificate_pages``    ``/certificates/new``, revoke, supersede, bundle upload
``supervision_pages``    ``/supervision`` — mandatory verification (强制检定), for the bureau
``verify_pages``         ``/verify/{number}`` (public)
``labels``               QR labels (SVG, PNG) and printable sheets
``errors``               HTML error pages for page routes (the API keeps problem+json)
=======================  ====================================================================

Pages hold no rule, query or number of their own: each calls the service the API route calls.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import (
    auth_pages,
    board_pages,
    certificate_pages,
    coverage_pages,
    errors,
    instrument_pages,
    labels,
    supervision_pages,
    verify_pages,
)

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the static files, the pages and their error handling on ``app``."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth_pages, board_pages, instrument_pages, coverage_pages, certificate_pages,
                   supervision_pages, verify_pages, labels):
        app.include_router(module.router)
    errors.install(app)
