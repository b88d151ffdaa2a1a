"""The API's docs page, served from the package: Swagger UI's files come from the
``swagger-ui-bundle`` wheel (no CDN, so the docs render on a machine without internet)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

OPENAPI_URL = "/api/v1/openapi.json"
DOCS_URL = "/api/v1/docs"
ASSETS = "/api/v1/docs/assets"
_REDIRECT = "/api/v1/docs/oauth2-redirect"


def install(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get(DOCS_URL, include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="metro API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=_REDIRECT,
        )

    @app.get(_REDIRECT, include_in_schema=False, response_class=HTMLResponse)
    def redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
