"""The SMS gateway adapter: one HTTP + JSON call in the shape of the common Chinese platforms.

A message is a template id, its parameters, a signature name and a phone number (as 阿里云、
腾讯云 and most operators' platforms take it); the rendered text travels along for platforms
that accept free text and for the log. The request is signed with the account's secret:

    X-Sms-Key: <SMS_GATEWAY_KEY>
    X-Sms-Timestamp: <unix seconds>
    X-Sms-Nonce: <random hex>
    X-Sms-Signature: hex(HMAC-SHA256(SMS_GATEWAY_SECRET, "<key>\n<timestamp>\n<nonce>\n" + body))

The platform answers 2xx with `{"code": "OK", "message_id": "..."}`; any other answer, a
timeout or a refused connection is a failure the outbox retries. `out_id` (the outbox row) is
sent with every try of one row, so a platform that deduplicates on it never sends twice after a
lost answer. A provider whose API differs is a small relay or a second `send`, not a change of
the outbox. The inbound callback (replies of citizens) is `verify_inbound` below.
"""

import hashlib
import hmac
import http.client
import json
import logging
import secrets
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)
INBOUND_MAX_SKEW = 300  # seconds: an older (or future) signed request is a replay


@dataclass(frozen=True)
class Outcome:
    ok: bool
    provider_id: str = ""
    error: str = ""


def configured() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def sign(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_headers(body: bytes) -> dict:
    key, timestamp = settings.SMS_GATEWAY_KEY, str(int(timezone.now().timestamp()))
    nonce = secrets.token_hex(8)
    signed = f"{key}\n{timestamp}\n{nonce}\n".encode() + body
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "12345-hotline-sms/1",
        "X-Sms-Key": key,
        "X-Sms-Timestamp": timestamp,
        "X-Sms-Nonce": nonce,
        "X-Sms-Signature": sign(settings.SMS_GATEWAY_SECRET, signed),
    }


def _connection(url: str):
    parts = urlsplit(url)
    timeout = settings.SMS_GATEWAY_TIMEOUT
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    return connection, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def send(*, phone: str, template_id: str, params: dict, text: str, out_id: int) -> Outcome:
    """Post one message to the platform; a failure says what went wrong in general words."""
    payload = {
        "phone": phone,
        "sign_name": settings.SMS_SIGN_NAME,
        "template_id": template_id,
        "template_params": params,
        "content": text,
        "out_id": str(out_id),
    }
    body = json.dumps(payload, ensure_ascii=False).encode()
    connection = None
    try:
        connection, target = _connection(settings.SMS_GATEWAY_URL)
        connection.request("POST", target, body=body, headers=request_headers(body))
        response = connection.getresponse()
        status, answer = response.status, response.read(10_000)
    except TimeoutError:
        return Outcome(False, error="timeout")
    except (OSError, http.client.HTTPException) as error:
        logger.info("sms %s failed: %r", out_id, error)
        return Outcome(False, error="connection failed")
    finally:
        if connection is not None:
            connection.close()
    return _read_answer(status, answer)


def _read_answer(status: int, answer: bytes) -> Outcome:
    if not 200 <= status < 300:
        return Outcome(False, error=f"HTTP {status}")
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return Outcome(False, error="invalid answer")
    code = str(data.get("code", "")) if isinstance(data, dict) else ""
    if code != settings.SMS_GATEWAY_OK_CODE:
        return Outcome(False, error=f"platform: {code or 'no code'}"[:200])
    return Outcome(True, provider_id=str(data.get("message_id", ""))[:100])


def verify_inbound(body: bytes, timestamp: str, signature: str) -> bool:
    """Whether an inbound callback is the platform's: signed with SMS_CALLBACK_SECRET, fresh.

    X-Sms-Signature = hex(HMAC-SHA256(SMS_CALLBACK_SECRET, "<X-Sms-Timestamp>\n" + body)).
    Without a configured secret nothing is believed (fail closed)."""
    secret = settings.SMS_CALLBACK_SECRET
    if not secret or not timestamp or not signature:
        return False
    try:
        age = abs(timezone.now().timestamp() - int(timestamp))
    except ValueError:
        return False
    expected = sign(secret, timestamp.encode() + b"\n" + body)
    return age <= INBOUND_MAX_SKEW and hmac.compare_digest(expected, signature)
