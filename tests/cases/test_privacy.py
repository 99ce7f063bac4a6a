"""The privacy filter and the personal-data access log: what each viewer sees of a caller,
reveals recorded for the auditor, departments never revealing, answers never cached."""

from django.urls import reverse

from cases import privacy, services
from cases.models import PersonalDataAccess
from core import privacy as payloads
from core.roles import Role
from departments.webhooks import payload_for
from tests.apiutil import user_client
from tests.cases.lifecycle_world import make_user

API = "/api/v1/"
PHONE = "13812345678"


def _confidential(register, users, departments):
    case = register(confidential=True, citizen_phone=PHONE, citizen_name="Wang Fang")
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
    return case


def test_the_center_sees_a_protected_callers_phone_masked_until_it_reveals_it(
    client_for, register, users, departments
):
    case = _confidential(register, users, departments)
    url = reverse("cases:detail", args=[case.number])

    page = client_for("agent").get(url)
    assert PHONE not in page.content.decode() and "138****5678" in page.content.decode()
    assert 'id="reveal-citizen"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    revealed = client_for("agent").post(
        reverse("cases:reveal", args=[case.number]), {"reason": "回访联系不上，核对号码"}
    )
    assert revealed.status_code == 200 and PHONE in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    access = PersonalDataAccess.objects.get(case=case)
    assert access.user == users["agent"] and access.reason == "回访联系不上，核对号码"
    assert access.channel == "page"


def test_a_reveal_needs_a_reason(client_for, register, users, departments):
    case = _confidential(register, users, departments)
    response = client_for("agent").post(reverse("cases:reveal", args=[case.number]), {})
    assert response.status_code == 400 and PHONE not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_a_department_can_never_reveal(client_for, register, users, departments):
    case = _confidential(register, users, departments)

    page = client_for("handler").get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="reveal-citizen"' not in page and "5678" not in page
    response = client_for("handler").post(
        reverse("cases:reveal", args=[case.number]), {"reason": "想联系市民"}
    )
    assert response.status_code == 403 and "5678" not in response.content.decode()
    api = user_client(users["handler"]).get(
        f"{API}cases/{case.number}/", {"reveal": "citizen", "reason": "想联系市民"}
    )
    assert api.status_code == 403 and "5678" not in api.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_the_api_reveals_on_request_with_a_reason_and_records_it(register, users, departments):
    case = _confidential(register, users, departments)
    api = user_client(users["agent"])

    plain = api.get(f"{API}cases/{case.number}/")
    assert plain.json()["citizen_phone"] == "138****5678"
    assert "no-store" in plain["Cache-Control"]
    assert api.get(f"{API}cases/{case.number}/", {"reveal": "citizen"}).status_code == 400

    revealed = api.get(f"{API}cases/{case.number}/", {"reveal": "citizen", "reason": "核实"})
    assert revealed.json()["citizen_phone"] == PHONE
    assert PersonalDataAccess.objects.get(case=case).channel == "api"
    assert api.get(f"{API}cases/")["Cache-Control"].count("no-store") == 1


def test_the_auditor_reads_the_access_log_and_nobody_else(
    client, client_for, register, users, departments
):
    case = _confidential(register, users, departments)
    services.reveal_citizen(case, actor=users["agent"], reason="核对号码")
    auditor = make_user("auditor-test", departments["center"], Role.AUDITOR)

    client.force_login(auditor)
    log = client.get(reverse("cases:access_log"))
    assert log.status_code == 200 and "no-store" in log["Cache-Control"]
    assert case.number in log.content.decode() and "核对号码" in log.content.decode()
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404
    for name in ("agent", "supervisor", "handler"):
        assert client_for(name).get(reverse("cases:access_log")).status_code == 403

    # and the auditor's home starts with the latest reveals, which nobody else's shows
    client.force_login(auditor)
    home = client.get(reverse("home"))
    latest = home.content.decode().split('id="latest-reveals"')[1].split("</section>")[0]
    assert case.number in latest and "核对号码" in latest and "no-store" in home["Cache-Control"]
    assert "no case queue" not in home.content.decode()
    for name in ("agent", "supervisor"):
        assert 'id="latest-reveals"' not in client_for(name).get(reverse("home")).content.decode()


def test_what_each_viewer_sees_of_the_caller(register, users, departments):
    ordinary = register(citizen_phone=PHONE, citizen_name="Wang Fang")
    confidential = register(confidential=True, citizen_phone=PHONE, citizen_name="Wang Fang")
    anonymous = register(anonymous=True, citizen_phone=PHONE)
    center, handler = users["agent"], users["handler"]

    assert privacy.identity_for(ordinary, center) == privacy.Identity("Wang Fang", PHONE, False)
    assert privacy.identity_for(confidential, center).phone == "138****5678"
    assert privacy.identity_for(anonymous, center).phone == "138****5678"
    assert privacy.identity_for(ordinary, handler).phone == "138****5678"
    assert privacy.identity_for(confidential, handler) == privacy.Identity("", "", True)
    assert privacy.identity_for(anonymous, handler) == privacy.Identity("", "", True)
    assert privacy.name_shown(confidential, handler) == "Confidential reporter"


def test_a_webhook_payload_carries_no_identity(register, users, departments):
    case = register(citizen_phone=PHONE, citizen_name="Wang Fang")
    event = case.events.get()
    event.data = {"citizen_name": "Wang Fang", "citizen_phone": PHONE, "channel": "phone"}

    payload = payload_for(event)

    assert payload["data"] == {"channel": "phone"}
    assert payloads.payload_data({"caller": "x", "phone": PHONE, "note": "ok"}) == {"note": "ok"}
