"""Webhooks against a real HTTP receiver on 127.0.0.1: signed, retried, never lost."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from cases import services
from core.errors import ActionForbidden, InvalidInput
from departments import webhooks
from departments.models import Department, Membership, WebhookDelivery, WebhookEndpoint
from tests.apiutil import API, dispatched, register


class Receiver:
    """A department's system: records what it receives, fails the first `failures` posts."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                failing = len(receiver.received) <= receiver.failures
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def flaky_receiver():
    with Receiver(failures=2) as r:
        yield r


def valid_signature(secret: str, headers: dict, body: bytes) -> bool:
    message = headers["X-Hotline-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Hotline-Signature"])


def test_the_dispatched_department_gets_the_signed_event_once(users, cgj, receiver):
    endpoint = webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    case, assignment = dispatched(users["agent"], cgj)
    assert webhooks.deliver_due() == {"delivered": 1, "retrying": 0}
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 0}
    [(headers, body)] = receiver.received
    assert valid_signature(endpoint.secret, headers, body)
    event = json.loads(body)
    assert event["event"] == "case_dispatched" and headers["X-Hotline-Event"] == "case_dispatched"
    assert event["case"]["number"] == case.number and event["assignment"] == assignment.pk
    assert "13812345678" not in body.decode() and "王小明" not in body.decode()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        "delivered",
        1,
        204,
    )


def test_a_receiver_failing_twice_gets_it_on_the_third_try(users, cgj, flaky_receiver, settings):
    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 0
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=flaky_receiver.url)
    dispatched(users["agent"], cgj)
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 1}
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 1}
    assert webhooks.deliver_due() == {"delivered": 1, "retrying": 0}
    assert len(flaky_receiver.received) == 3
    bodies = {body for _, body in flaky_receiver.received}
    assert len(bodies) == 1  # the same event each time
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)


def test_a_failure_waits_for_its_backoff(users, cgj, flaky_receiver, settings):
    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 30
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=flaky_receiver.url)
    dispatched(users["agent"], cgj)
    webhooks.deliver_due()
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 0}
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_response_code == 500 and delivery.status == "pending"
    assert 25 < webhooks.seconds_until_next_due() <= 30


def test_gives_up_after_the_last_attempt(users, cgj, flaky_receiver, settings):
    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 0
    settings.HOTLINE_WEBHOOK_MAX_ATTEMPTS = 2
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=flaky_receiver.url)
    dispatched(users["agent"], cgj)
    webhooks.deliver_due(), webhooks.deliver_due(), webhooks.deliver_due()
    assert len(flaky_receiver.received) == 2
    assert WebhookDelivery.objects.get().status == "failed"


def test_only_the_concerned_department_and_events_are_sent(users, cgj, scjgj, receiver):
    WebhookEndpoint.objects.create(department=scjgj, url=receiver.url, secret="s")
    _case, assignment = dispatched(users["agent"], cgj)
    services.sign_assignment(assignment, actor=users["handler"])  # not a webhook event
    assert not WebhookDelivery.objects.exists()


def test_urge_and_supervise_reach_the_department(users, cgj, receiver):
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    case, assignment = dispatched(users["agent"], cgj)
    services.urge_assignment(assignment, actor=users["supervisor"], note="hurry")
    services.supervise_case(
        case,
        actor=users["supervisor"],
        level="normal",
        reason="late",
        due_at=assignment.reply_due_at,
    )
    types = list(WebhookDelivery.objects.order_by("id").values_list("event_type", flat=True))
    assert types == ["case_dispatched", "assignment_urged", "supervision_opened"]


def test_registration_rules(users, cgj):
    with pytest.raises(ActionForbidden):
        webhooks.register_endpoint(cgj, actor=users["handler"], url="https://erp.example/hook")
    with pytest.raises(InvalidInput):
        webhooks.register_endpoint(cgj, actor=users["deptadmin"], url="ftp://erp.example/")
    with pytest.raises(InvalidInput):
        webhooks.register_endpoint(cgj, actor=users["deptadmin"], url="http://erp.example/")


def test_a_rolled_back_change_writes_no_outbox_row(users, cgj, receiver):
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    case = register(users["agent"])
    with pytest.raises(RuntimeError), transaction.atomic():
        services.dispatch_case(case, actor=users["agent"], department=cgj)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the process dies before the commit")
    assert not WebhookDelivery.objects.exists()
    webhooks.deliver_due()
    assert receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_nothing_is_lost_when_the_process_stops_before_delivery(
    transactional_city, users, departments, receiver, live_server
):
    # given: an endpoint, and no broker (nothing delivers during the request)
    cgj = departments["cgj"]
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    case = register(users["agent"])
    from tests.apiutil import user_client

    # when: the change is committed through the API and the process "stops" right after
    client = user_client(users["agent"])
    response = client.post(
        f"{API}cases/{case.number}/dispatch/", {"department": cgj.pk}, format="json"
    )
    assert response.status_code == 200
    assert receiver.received == []
    assert WebhookDelivery.objects.filter(status="pending").count() == 1

    # then: the next run of the delivery command (cron, or a restarted worker) sends it
    call_command("deliver_webhooks", verbosity=0)
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().status == "delivered"


@pytest.fixture
def celery_on_redis(settings):
    """The Celery app on the local Redis broker, with a worker thread on a queue of its own."""
    from celery.contrib.testing.worker import start_worker

    from hotline.celery import app

    broker = "redis://127.0.0.1:6379/11"
    settings.CELERY_BROKER_URL = broker
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    queue = f"hotline-test-{uuid.uuid4().hex[:8]}"
    app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue=queue)
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
        yield app
    app.conf.update(saved)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_celery_worker_delivers_after_commit(
    transactional_city, users, receiver, celery_on_redis
):
    cgj = Department.objects.get(code="cgj")
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    dispatched(users["agent"], cgj)  # commits; on commit the task goes to Redis
    # The receiver hears the request before the worker commits "delivered": wait for the row.
    deadline = time.monotonic() + 60  # a loaded 2-core CI machine
    while WebhookDelivery.objects.get().status != "delivered" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert WebhookDelivery.objects.get().status == "delivered"
    assert len(receiver.received) == 1


KILLED_AFTER_COMMIT = """
import os, signal, django
django.setup()
from django.contrib.auth import get_user_model
from cases import services
from departments.models import Department
agent = get_user_model().objects.get(username="agent")
case = services.register_case(actor=agent, channel="phone", request_type="help", content="x")
services.dispatch_case(case, actor=agent, department=Department.objects.get(code="cgj"))
print(case.number, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the process dies right after the commit
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_process_killed_after_the_commit_loses_nothing(transactional_city, users, receiver):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    cgj = Department.objects.get(code="cgj")
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    result = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT],
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "hotline.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == -9, result.stderr
    number = result.stdout.strip()
    assert WebhookDelivery.objects.get().payload["case"]["number"] == number
    assert receiver.received == []
    call_command("deliver_webhooks", verbosity=0)
    assert len(receiver.received) == 1


def test_return_review_extension_decision_and_reopen_reach_the_department(users, cgj, receiver):
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    case, assignment = dispatched(users["agent"], cgj)
    handler, supervisor = users["handler"], users["supervisor"]
    services.return_assignment(assignment, actor=handler, reason="not ours")
    services.review_return(assignment, actor=supervisor, accept=False, note="it is yours")
    services.sign_assignment(assignment, actor=handler)
    extension = services.request_extension(assignment, actor=handler, reason="parts", days=2)
    services.decide_extension(extension, actor=supervisor, approve=True)
    services.reply_assignment(assignment, actor=handler, result="unresolved", content="no")
    services.record_callback(
        case, actor=users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
    )
    services.reopen_case(case, actor=supervisor, reason="citizen unsatisfied")
    types = list(WebhookDelivery.objects.order_by("id").values_list("event_type", flat=True))
    assert types == ["case_dispatched", "return_rejected", "extension_decided", "case_reopened"]


# --- outgoing requests stay out of the center's network --------------------------------------


class Redirecting(Receiver):
    """A receiver that answers every post with a 302 to `location`."""

    def __init__(self, location: str):
        super().__init__()
        handler = self.server.RequestHandlerClass

        def do_post(request):
            body = request.rfile.read(int(request.headers["Content-Length"]))
            self.received.append((dict(request.headers), body))
            request.send_response(302)
            request.send_header("Location", location)
            request.end_headers()

        handler.do_POST = do_post


class Silent:
    """A port that accepts connections and never answers."""

    def __init__(self):
        import socket

        self.socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/hook"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.socket.close()


@pytest.fixture
def fake_dns(monkeypatch):
    """The world's DNS (it leaves the machine): names of our choosing, the real resolver else."""
    import socket

    class Answers(dict):
        lookups: list[str] = []

    answers = Answers()
    answers.lookups = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        answers.lookups.append(host)
        return real(answers.get(host, host), port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:6379/",
        "https://127.0.0.1:5432/",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.5/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
    ],
)
def test_internal_addresses_are_refused_at_registration(users, cgj, settings, url):
    settings.HOTLINE_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(InvalidInput) as refused:
        webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=url)
    assert refused.value.field == "url"
    assert not WebhookEndpoint.objects.exists()


def test_a_local_receiver_needs_the_setting(users, cgj, receiver, settings):
    settings.HOTLINE_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(InvalidInput):
        webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    settings.HOTLINE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.0/8"]
    assert webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url).is_active


def test_an_internal_target_is_not_posted_to_even_if_it_got_in(users, cgj, receiver, settings):
    # given: an endpoint written around the service (the admin, an old row) on 127.0.0.1
    WebhookEndpoint.objects.create(department=cgj, url=receiver.url, secret="s" * 64)
    dispatched(users["agent"], cgj)
    settings.HOTLINE_WEBHOOK_ALLOWED_HOSTS = []
    # when
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 1}
    # then
    assert receiver.received == []
    assert WebhookDelivery.objects.get().last_error == "address not allowed (internal network)"


def test_a_public_name_pointing_inside_is_refused_at_delivery(
    users, cgj, receiver, settings, fake_dns
):
    # given: a name that resolved to a public address when it was registered
    settings.HOTLINE_WEBHOOK_ALLOWED_HOSTS = []
    fake_dns["hooks.erp-example.cn"] = "8.8.8.8"
    port = receiver.server.server_port
    url = f"https://hooks.erp-example.cn:{port}/hook"
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=url)
    dispatched(users["agent"], cgj)
    # when: its DNS now answers 127.0.0.1
    fake_dns["hooks.erp-example.cn"] = "127.0.0.1"
    fake_dns.lookups.clear()
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 1}
    # then: nothing reached the local port, and the name was looked up once (no second lookup)
    assert receiver.received == []
    assert fake_dns.lookups == ["hooks.erp-example.cn"]
    assert WebhookDelivery.objects.get().last_error == "address not allowed (internal network)"


def test_a_name_already_pointing_inside_is_refused_at_registration(users, cgj, settings, fake_dns):
    settings.HOTLINE_WEBHOOK_ALLOWED_HOSTS = []
    fake_dns["erp.inside.example.cn"] = "10.0.0.7"
    with pytest.raises(InvalidInput):
        webhooks.register_endpoint(
            cgj, actor=users["deptadmin"], url="https://erp.inside.example.cn/"
        )


def test_a_redirect_to_loopback_is_not_followed(users, cgj, receiver, settings):
    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 0
    with Redirecting(f"http://127.0.0.1:{receiver.server.server_port}/") as redirecting:
        webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=redirecting.url)
        dispatched(users["agent"], cgj)
        assert webhooks.deliver_due() == {"delivered": 0, "retrying": 1}
        assert len(redirecting.received) == 1
    assert receiver.received == []  # the Location was never visited
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_response_code, delivery.last_error) == (
        "pending",
        302,
        "HTTP 302",
    )


def test_the_log_gives_a_general_reason(users, cgj, settings):
    settings.HOTLINE_WEBHOOK_TIMEOUT = 1
    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 0
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url="http://127.0.0.1:9/hook")
    dispatched(users["agent"], cgj)
    webhooks.deliver_due()
    assert WebhookDelivery.objects.get().last_error == "connection refused"
    with Silent() as silent:
        webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=silent.url)
        webhooks.deliver_due()
    assert WebhookDelivery.objects.get().last_error == "timeout"


def test_the_reason_is_in_the_configured_language(users, cgj, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url="http://127.0.0.1:9/hook")
    dispatched(users["agent"], cgj)
    webhooks.deliver_due()
    assert WebhookDelivery.objects.get().last_error == "连接被拒绝"


def test_an_endpoint_without_a_secret_gets_nothing(users, cgj, receiver):
    WebhookEndpoint.objects.create(department=cgj, url=receiver.url, secret="")
    dispatched(users["agent"], cgj)
    webhooks.deliver_due()
    assert receiver.received == []
    assert "secret" in WebhookDelivery.objects.get().last_error


def test_a_registered_endpoint_always_has_a_secret(users, cgj, receiver):
    endpoint = webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    assert len(endpoint.secret) == 64 and int(endpoint.secret, 16)


def test_re_registering_moves_the_waiting_deliveries(users, cgj, receiver, settings):
    # given: two events waiting for an endpoint that is down
    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 0
    old = webhooks.register_endpoint(cgj, actor=users["deptadmin"], url="http://127.0.0.1:9/h")
    dispatched(users["agent"], cgj)
    dispatched(users["agent"], cgj)
    webhooks.deliver_due()
    # when: the department registers its new receiver
    new = webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    # then: both go to the new one; nothing stays behind on the old endpoint
    assert not WebhookDelivery.objects.filter(endpoint=old).exists()
    assert webhooks.deliver_due() == {"delivered": 2, "retrying": 0}
    assert len(receiver.received) == 2
    assert all(valid_signature(new.secret, h, b) for h, b in receiver.received)


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(
    users, cgj, receiver, settings, fake_dns
):
    # given: a listed name whose DNS answers 127.0.0.1
    settings.HOTLINE_WEBHOOK_ALLOWED_HOSTS = ["hooks.erp-example.cn", "127.0.0.1"]
    fake_dns["hooks.erp-example.cn"] = "127.0.0.1"
    port = receiver.server.server_port
    url = f"http://hooks.erp-example.cn:{port}/hook?dept=cgj"
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=url)
    dispatched(users["agent"], cgj)
    fake_dns.lookups.clear()
    # when
    assert webhooks.deliver_due() == {"delivered": 1, "retrying": 0}
    # then: the name was looked up once (the connection took the checked address), and the
    # receiver saw the URL's name in Host
    assert fake_dns.lookups == ["hooks.erp-example.cn", "127.0.0.1"]
    [(headers, _body)] = receiver.received
    assert headers["Host"] == f"hooks.erp-example.cn:{port}"


def test_an_untrusted_certificate_is_a_tls_error(users, cgj, settings, tmp_path):
    # given: an HTTPS receiver on 127.0.0.1 with a self-signed certificate
    import ssl

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    with Receiver() as https_receiver:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = https_receiver.server
        server.socket = context.wrap_socket(server.socket, server_side=True)
        url = f"https://127.0.0.1:{server.server_port}/hook"
        webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=url)
        dispatched(users["agent"], cgj)
        # when
        assert webhooks.deliver_due() == {"delivered": 0, "retrying": 1}
    # then
    assert https_receiver.received == []
    assert WebhookDelivery.objects.get().last_error == "TLS error"


def test_a_take_back_reaches_every_department_it_was_taken_from(users, cgj, scjgj, receiver):
    """Issue 14: the withdrawn departments hold nothing active any more, yet each is told."""
    scjgj_admin = get_user_model().objects.create_user("scjgj-admin", password="x")
    Membership.objects.create(user=scjgj_admin, department=scjgj, role="dept_admin")
    webhooks.register_endpoint(cgj, actor=users["deptadmin"], url=receiver.url)
    webhooks.register_endpoint(scjgj, actor=scjgj_admin, url=receiver.url)
    case = register(users["agent"])
    services.dispatch_case(case, actor=users["agent"], department=cgj, co_departments=[scjgj])
    services.take_back_case(case, actor=users["supervisor"], reason="派错部门，收回")
    call_command("deliver_webhooks", verbosity=0)
    taken_back = [json.loads(body) for _h, body in receiver.received]
    taken_back = [p for p in taken_back if p["event"] == "case_taken_back"]
    assert len(taken_back) == 2
    assert sorted(taken_back[0]["data"]["withdrawn"]) == ["cgj", "scjgj"]
    assert taken_back[0]["case"]["status"] == "registered"
