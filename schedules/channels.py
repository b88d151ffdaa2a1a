"""Delivery channels for notifications: webhook (HMAC-signed JSON POST) and e-mail (SMTP).

Configured from the environment, each optional:

* ``METRO_WEBHOOK_URL`` (and ``METRO_WEBHOOK_SECRET``): POST the notification as JSON with the
  header ``X-Metro-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>``. Any answer
  other than 2xx, or no answer within the timeout, is a failed attempt (retried with backoff by
  ``metro.notifications.delivery``).
* ``METRO_SMTP_HOST`` (``METRO_SMTP_PORT``, default 25; ``METRO_SMTP_FROM``) and
  ``METRO_SMTP_TO`` = ``ORG1=a@x.cn,b@x.cn;ORG2=c@y.cn;*=duty@bureau.cn``: mail each notification
  to its recipient organization's addresses (``*`` for everyone else).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from metro.notifications.delivery import Channel


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    secret: str = ""
    timeout: float = 10.0
    name: str = "webhook"

    def send(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        req = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Metro-Signature": signature(self.secret, body),
                "X-Metro-Event": str(payload.get("event", "")),
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                if not 200 <= resp.status < 300:
                    raise RuntimeError(f"HTTP {resp.status}")
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RuntimeError(f"no answer from {self.url}: {exc}") from None


@dataclass(frozen=True)
class EmailChannel:
    host: str
    port: int
    sender: str
    recipients: Mapping[str, tuple[str, ...]]
    name: str = "email"

    def send(self, payload: dict[str, Any]) -> None:
        to = self.recipients.get(payload["recipient"]) or self.recipients.get("*")
        if not to:
            return  # nobody to mail for this organization: nothing to do
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = ", ".join(to)
        msg["Subject"] = f"[metro] {payload['event']} {payload.get('asset') or ''}".strip()
        msg.set_content(f"{payload['message']['zh']}\n\n{payload['message']['en']}\n")
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(msg)


def parse_recipients(text: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        org, _, addresses = part.partition("=")
        if not addresses:
            raise ValueError(f"METRO_SMTP_TO: {part!r} is not ORG=address[,address]")
        out[org.strip()] = tuple(a.strip() for a in addresses.split(",") if a.strip())
    return out


def configured(env: Mapping[str, str] | None = None) -> list[Channel]:
    env = os.environ if env is None else env
    out: list[Channel] = []
    if env.get("METRO_WEBHOOK_URL"):
        out.append(WebhookChannel(env["METRO_WEBHOOK_URL"], env.get("METRO_WEBHOOK_SECRET", "")))
    if env.get("METRO_SMTP_HOST"):
        out.append(
            EmailChannel(
                env["METRO_SMTP_HOST"],
                int(env.get("METRO_SMTP_PORT", "25")),
                env.get("METRO_SMTP_FROM", "metro@localhost"),
                parse_recipients(env.get("METRO_SMTP_TO", "")),
            )
        )
    return out
