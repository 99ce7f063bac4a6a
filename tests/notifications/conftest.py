"""Real local servers for the notification tests: an SMS platform stand-in and an SMTP server."""

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from notifications import sms


class Gateway:
    """An SMS platform on 127.0.0.1: records each request, answers as told.

    `script` lists what the next requests get ("ok", "500", "slow": answers after the client's
    timeout); once it is used up every request is "ok". Like real platforms it delivers one
    message per `out_id` (a retry after a lost answer is not a second SMS)."""

    def __init__(self, script=(), delay: float = 1.0):
        self.script = list(script)
        self.delay = delay
        self.requests: list[tuple[dict, dict]] = []
        self.delivered: dict[str, dict] = {}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                payload = json.loads(body)
                gateway.requests.append((dict(self.headers), payload, body))
                step = gateway.script.pop(0) if gateway.script else "ok"
                if step == "slow":
                    time.sleep(gateway.delay)
                if step == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                gateway.delivered.setdefault(payload["out_id"], payload)
                answer = json.dumps({"code": "OK", "message_id": f"m{payload['out_id']}"})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                with contextlib.suppress(OSError):  # the client may have given up waiting
                    self.wfile.write(answer.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def valid_signature(self, headers: dict, body: bytes, secret: str) -> bool:
        signed = (
            f"{headers['X-Sms-Key']}\n{headers['X-Sms-Timestamp']}\n{headers['X-Sms-Nonce']}\n"
        ).encode() + body
        return sms.sign(secret, signed) == headers["X-Sms-Signature"]


@pytest.fixture
def gateway(settings):
    with Gateway() as g:
        settings.SMS_GATEWAY_URL = g.url
        settings.SMS_GATEWAY_KEY = "test-key"
        settings.SMS_GATEWAY_SECRET = "test-secret"
        settings.SMS_GATEWAY_TIMEOUT = 0.5
        settings.SMS_CALLBACK_SECRET = "inbound-secret"
        settings.HOTLINE_SMS_QUIET_HOURS = ""  # the tests of quiet hours set their own
        yield g


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """An SMTP server on 127.0.0.1 (aiosmtpd) that Django's SMTP backend sends to."""
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd needs a port number: take a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()
