"""Files on a case: judged on their content, stored through the storage API, served through the
policy (another department: 404; a confidential reporter's files stay in the center), and
images reach departments without their EXIF location."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases import services
from cases.models import Attachment, CaseEvent
from tests.apiutil import API, error_of, user_client
from tests.cases.workbench import INTAKE, main_assignment

GPS_IFD = 0x8825
ORIENTATION = 0x0112
# The first bytes of a Windows program: what a renamed .exe starts with.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo(name="photo.jpg", fmt="JPEG", content_type="image/jpeg") -> SimpleUploadedFile:
    """A photo with the place it was taken in its EXIF (latitude 28°12′N)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 1
    exif[GPS_IFD] = {1: "N", 2: (28.0, 12.0, 1.0), 3: "E", 4: (112.0, 58.0, 1.0)}
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(out, format=fmt, exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def gps_of(data: bytes) -> dict:
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def pdf() -> SimpleUploadedFile:
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile("scan.pdf", data, content_type="application/pdf")


def upload_url(case) -> str:
    return f"{API}cases/{case.number}/attachments/"


def test_the_api_takes_a_photo_and_lists_it_with_its_download_url(dispatched, users):
    agent = user_client(users["agent"])

    response = agent.post(upload_url(dispatched), {"file": photo()}, format="multipart")

    assert response.status_code == 201, response.content
    made = response.json()
    assert made["content_type"] == "image/jpeg" and made["name"] == "photo.jpg"
    detail = agent.get(f"{API}cases/{dispatched.number}/").json()
    assert [a["id"] for a in detail["attachments"]] == [made["id"]]
    assert detail["attachments"][0]["url"].endswith(
        f"/api/v1/cases/{dispatched.number}/attachments/{made['id']}/"
    )
    event = CaseEvent.objects.get(case=dispatched, type="attachment_added")
    assert event.data == {"attachment": made["id"], "source": "center", "file": "photo.jpg"}


def test_departments_get_the_photo_without_its_exif_location(dispatched, users):
    # given a photo with GPS data, added by the center
    services.add_attachment(dispatched, actor=users["agent"], upload=photo())
    attachment = Attachment.objects.get(case=dispatched)
    url = f"{API}cases/{dispatched.number}/attachments/{attachment.pk}/"

    # when the center and the department download it
    original = body(user_client(users["agent"]).get(url))
    shared = user_client(users["handler"]).get(url)

    # then the center has the file as sent, the department the pixels without the place
    assert gps_of(original)[2] == (28.0, 12.0, 1.0)
    assert shared.status_code == 200
    pixels = body(shared)
    assert gps_of(pixels) == {}
    assert Image.open(io.BytesIO(pixels)).size == (640, 480)
    assert "no-store" in shared["Cache-Control"]
    assert Image.open(attachment.thumbnail.open("rb")).size == (320, 240)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("photo.jpg", EXECUTABLE, content_type="image/jpeg"),
        SimpleUploadedFile("report.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf"),
        SimpleUploadedFile("empty.png", b"", content_type="image/png"),
    ],
    ids=["renamed-exe", "script-as-pdf", "empty"],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(dispatched, users, media, upload):
    response = user_client(users["agent"]).post(
        upload_url(dispatched), {"file": upload}, format="multipart"
    )

    assert response.status_code == 400
    error = error_of(response)
    assert error["fields"] and "file" in error["fields"]
    assert not Attachment.objects.exists()
    assert not list(media.rglob("*.*")) if media.exists() else True


def test_the_content_check_message_is_translated(dispatched, users):
    client = user_client(users["agent"])
    upload = SimpleUploadedFile("photo.jpg", EXECUTABLE)

    response = client.post(
        upload_url(dispatched), {"file": upload}, format="multipart", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400
    assert "不接受" in response.json()["error"]["message"]


def test_a_file_over_the_size_limit_is_refused(dispatched, users, settings):
    settings.HOTLINE_ATTACHMENT_MAX_MB = 1
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)

    response = user_client(users["agent"]).post(
        upload_url(dispatched),
        {"file": SimpleUploadedFile("big.pdf", big)},
        format="multipart",
    )

    assert response.status_code == 400
    assert "1 MB" in error_of(response)["message"]


def test_a_pdf_is_accepted_and_has_no_thumbnail(dispatched, users):
    attachment = services.add_attachment(dispatched, actor=users["agent"], upload=pdf())

    assert attachment.content_type == "application/pdf"
    assert not attachment.thumbnail and not attachment.shared_file


def test_another_department_neither_downloads_nor_adds(dispatched, users):
    services.add_attachment(dispatched, actor=users["agent"], upload=pdf())
    attachment = Attachment.objects.get()
    other = user_client(users["handler2"])

    api = other.get(f"{API}cases/{dispatched.number}/attachments/{attachment.pk}/")
    page = other.get(reverse("cases:attachment", args=[dispatched.number, attachment.pk]))
    added = other.post(upload_url(dispatched), {"file": pdf()}, format="multipart")

    assert (api.status_code, page.status_code, added.status_code) == (404, 404, 404)
    assert Attachment.objects.count() == 1


def test_a_confidential_reporters_files_stay_in_the_center(register, users, departments):
    # given a confidential case with the reporter's photo, dispatched to 城管局
    case = register(confidential=True)
    services.add_attachment(case, actor=users["agent"], upload=photo())
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
    theirs = Attachment.objects.get(case=case)
    # and a file the department itself adds
    mine = services.add_attachment(case, actor=users["handler"], upload=pdf())

    # when the department reads the case and tries the reporter's file
    handler = user_client(users["handler"])
    listed = handler.get(f"{API}cases/{case.number}/").json()["attachments"]
    direct = handler.get(f"{API}cases/{case.number}/attachments/{theirs.pk}/")
    page = handler.get(reverse("cases:detail", args=[case.number])).content.decode()

    # then it sees its own file only, and the reporter's is a 404
    assert [a["id"] for a in listed] == [mine.pk]
    assert direct.status_code == 404
    assert "photo.jpg" not in page
    # while the center sees both
    agent = user_client(users["agent"]).get(f"{API}cases/{case.number}/").json()
    assert {a["id"] for a in agent["attachments"]} == {theirs.pk, mine.pk}
    # and the timeline the department reads does not name the reporter's file
    assert not CaseEvent.objects.filter(case=case, data__file="photo.jpg").exists()


def test_the_department_adds_a_photo_with_its_progress_note(dispatched, users, client):
    services.sign_assignment(main_assignment(dispatched), actor=users["handler"])
    client.force_login(users["handler"])
    assignment = main_assignment(dispatched)

    response = client.post(
        reverse("cases:action", args=[dispatched.number, "add_progress"]),
        {"assignment": assignment.pk, "note": "Stall removed, see photo.", "file": photo()},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get(case=dispatched)
    assert (attachment.source, attachment.assignment_id) == ("department", assignment.pk)
    page = client.get(reverse("cases:detail", args=[dispatched.number])).content.decode()
    assert reverse("cases:attachment", args=[dispatched.number, attachment.pk]) in page
    download = client.get(reverse("cases:attachment", args=[dispatched.number, attachment.pk]))
    assert download.status_code == 200 and gps_of(body(download)) == {}


def test_a_refused_file_on_the_reply_form_leaves_the_reply_unsent(dispatched, users, client):
    services.sign_assignment(main_assignment(dispatched), actor=users["handler"])
    client.force_login(users["handler"])
    assignment = main_assignment(dispatched)
    upload = SimpleUploadedFile("photo.jpg", EXECUTABLE)

    response = client.post(
        reverse("cases:action", args=[dispatched.number, "reply"]),
        {"assignment": assignment.pk, "result": "resolved", "content": "Done.", "file": upload},
    )

    assert response.status_code == 400
    assert "This kind of file is not accepted" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "signed" and not Attachment.objects.exists()


def test_the_reply_carries_its_file(dispatched, users, client):
    services.sign_assignment(main_assignment(dispatched), actor=users["handler"])
    client.force_login(users["handler"])
    assignment = main_assignment(dispatched)

    response = client.post(
        reverse("cases:action", args=[dispatched.number, "reply"]),
        {"assignment": assignment.pk, "result": "resolved", "content": "Done.", "file": pdf()},
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "replied"
    assert Attachment.objects.get().assignment_id == assignment.pk


def test_the_agent_attaches_the_citizens_photo_at_intake(client, users):
    client.force_login(users["agent"])

    response = client.post(reverse("cases:new"), {**INTAKE, "file": photo()})

    assert response.status_code == 302, response.content.decode()[:3000]
    attachment = Attachment.objects.get()
    assert attachment.case.citizen_phone == INTAKE["citizen_phone"]
    assert attachment.source == "center"


def test_the_case_page_adds_a_file_and_refuses_a_renamed_executable(dispatched, users, client):
    client.force_login(users["agent"])
    url = reverse("cases:attach", args=[dispatched.number])

    refused = client.post(url, {"file": SimpleUploadedFile("a.jpg", EXECUTABLE)})
    added = client.post(url, {"file": pdf()})

    assert refused.status_code == 400
    assert "This kind of file is not accepted" in refused.content.decode()
    assert added.status_code == 302
    assert Attachment.objects.count() == 1


def test_the_case_page_with_files_costs_the_same_queries(
    dispatched, users, client, django_assert_max_num_queries
):
    client.force_login(users["handler"])
    url = reverse("cases:detail", args=[dispatched.number])
    services.add_attachment(dispatched, actor=users["agent"], upload=pdf())
    with django_assert_max_num_queries(60) as one:
        client.get(url)
    for _ in range(4):
        services.add_attachment(dispatched, actor=users["agent"], upload=photo())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("attachment-link") == 5


def test_a_department_whose_assignment_is_finished_adds_no_more_files(dispatched, users):
    assignment = main_assignment(dispatched)
    services.sign_assignment(assignment, actor=users["handler"])
    services.reply_assignment(assignment, actor=users["handler"], result="resolved", content="Ok")

    response = user_client(users["handler"]).post(
        upload_url(dispatched), {"file": pdf()}, format="multipart"
    )

    assert response.status_code == 409
    assert not Attachment.objects.exists()
