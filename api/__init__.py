"""metro's web app and HTTP API (FastAPI): thin routers over ``metro`` services."""
