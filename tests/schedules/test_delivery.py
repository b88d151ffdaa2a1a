"""Delivery: a webhook on 127.0.0.1 that fails once then accepts; signatures; e-mail."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from metro.bundle.load import load_bundle
from metro.notifications.delivery import deliver_pending
from metro.notifications.outbox import notices
from metro.watch.due import due_scan
from schedules import channels
from schedules.channels import EmailChannel, WebhookChannel, configured, signature
from tests import factories as f

SECRET = "s3cret"
NOW = datetime(2026, 4, 15, 6, 0, tzinfo=UTC)


class Hook:
    """A webhook receiver that answers with the next status of ``plan`` (then 200)."""

    def __init__(self, plan: list[int]) -> None:
        self.plan = plan
        self.received: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ok = self.headers["X-Metro-Signature"] == signature(SECRET, body)
                hook.received.append({"body": json.loads(body), "signed": ok})
                status = hook.plan.pop(0) if hook.plan else 200
                self.send_response(status if ok else 401)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    h = Hook([500])
    yield h
    h.close()


@pytest.fixture
def pending(db, tmp_path):
    with db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", f.small_province()), actor="t", now=NOW)
        assert due_scan(conn, at=date(2026, 4, 15), now=NOW).notifications == 3
    return db


def test_webhook_delivery_retries_with_backoff_then_succeeds(pending, hook):
    db = pending
    ch = [WebhookChannel(hook.url, SECRET)]
    with db.engine.begin() as conn:
        r1 = deliver_pending(conn, ch, now=NOW)
    assert (r1.delivered, r1.retried) == (2, 1)  # the first POST got a 500
    with db.engine.begin() as conn:
        early = deliver_pending(conn, ch, now=NOW + timedelta(seconds=30))
        r2 = deliver_pending(conn, ch, now=NOW + timedelta(seconds=61))
    assert (early.delivered, early.retried) == (0, 0)  # backoff: not yet
    assert (r2.delivered, r2.retried) == (1, 0)
    assert len(hook.received) == 4 and all(x["signed"] for x in hook.received)
    body = hook.received[-1]["body"]
    assert set(body) == {
        "id",
        "recipient",
        "recipient_name",
        "asset",
        "event",
        "date",
        "message",
        "details",
    }
    assert body["message"]["zh"] and body["message"]["en"]
    with db.engine.connect() as conn:
        states = {n["asset"]: (n["state"], n["attempts"]) for n in notices(conn)}
    retried = hook.received[0]["body"]["asset"]
    assert states[retried] == ("delivered", 2)
    assert all(s == "delivered" for s, _ in states.values())


def test_a_webhook_that_never_answers_ends_failed(pending):
    ch = [WebhookChannel("http://127.0.0.1:9/nothing", SECRET, timeout=0.5)]
    t = NOW
    with pending.engine.begin() as conn:
        for _ in range(3):
            deliver_pending(conn, ch, now=t, max_attempts=3)
            t += timedelta(hours=7)
    with pending.engine.connect() as conn:
        rows = notices(conn)
    assert {r["state"] for r in rows} == {"failed"}
    assert all("no answer" in r["last_error"] for r in rows)


def test_no_channel_sends_nothing(pending):
    with pending.engine.begin() as conn:
        r = deliver_pending(conn, [], now=NOW)
    assert (r.delivered, r.retried, r.failed) == (0, 0, 0)


def test_email_goes_to_the_recipients_addresses(pending, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert (host, port) == ("127.0.0.1", 2525)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, msg):
            sent.append(msg)

    monkeypatch.setattr(channels.smtplib, "SMTP", FakeSMTP)
    mail = EmailChannel("127.0.0.1", 2525, "metro@hn.gov.cn", {"ENT1": ("qa@ent1.cn",)})
    with pending.engine.begin() as conn:
        r = deliver_pending(conn, [mail], now=NOW)
    assert r.delivered == 3
    assert sorted(m["To"] for m in sent) == ["qa@ent1.cn", "qa@ent1.cn"]  # CSIM has no address


def test_channels_from_the_environment():
    env = {
        "METRO_WEBHOOK_URL": "http://127.0.0.1:1/x",
        "METRO_SMTP_HOST": "127.0.0.1",
        "METRO_SMTP_TO": "ENT1=a@b.cn,c@d.cn;*=duty@hn.cn",
    }
    web, mail = configured(env)
    assert isinstance(web, WebhookChannel) and isinstance(mail, EmailChannel)
    assert mail.recipients == {"ENT1": ("a@b.cn", "c@d.cn"), "*": ("duty@hn.cn",)}
    assert configured({}) == []
    with pytest.raises(ValueError, match="METRO_SMTP_TO"):
        configured({"METRO_SMTP_HOST": "h", "METRO_SMTP_TO": "ENT1"})
