"""Shapes of signing in and of ``/me``."""

from __future__ import annotations

from pydantic import BaseModel


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(BaseModel):
    username: str
    organization: str
    role: str
    api_key: str | None = None
