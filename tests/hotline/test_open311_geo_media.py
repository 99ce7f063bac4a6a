"""Open311 beyond the basics: lat/long kept in WGS84 (GCJ-02 converted), a photo as `media`
with its `media_url`, 404 for an unknown service_code, UTF-8 JSON with Chinese unescaped, the
spec's 90-day span, and discovery."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Attachment, Case
from core.geo import gcj02_to_wgs84, wgs84_to_gcj02
from tests.hotline.test_open311 import BASE, api_key, service, submit  # noqa: F401

# 橘子洲头 in WGS84, and what Amap shows for it
WGS = (28.1889, 112.9619)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_gcj02_formula_round_trips_and_leaves_the_world_outside_china_alone():
    gcj = wgs84_to_gcj02(*WGS)
    back = gcj02_to_wgs84(*gcj)

    assert 100 < abs(gcj[1] - WGS[1]) * 100_000 < 1000  # a few hundred metres off
    assert abs(back[0] - WGS[0]) < 1e-6 and abs(back[1] - WGS[1]) < 1e-6
    assert wgs84_to_gcj02(48.8584, 2.2945) == (48.8584, 2.2945)  # Paris: no shift


def test_wgs84_coordinates_are_kept_and_returned(client, api_key, service):  # noqa: F811
    response = submit(client, api_key, service, lat=str(WGS[0]), long=str(WGS[1]))

    number = response.json()[0]["service_request_id"]
    [row] = client.get(f"{BASE}requests/{number}.json").json()
    assert (row["lat"], row["long"]) == WGS
    case = Case.objects.get(number=number)
    assert (case.latitude, case.longitude) == WGS


def test_gcj02_from_a_chinese_map_app_is_converted(client, api_key, service):  # noqa: F811
    gcj = wgs84_to_gcj02(*WGS)

    response = submit(client, api_key, service, lat=str(gcj[0]), long=str(gcj[1]), datum="gcj02")

    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert abs(case.latitude - WGS[0]) < 1e-6 and abs(case.longitude - WGS[1]) < 1e-6


@pytest.mark.parametrize(
    "fields,text",
    [
        ({"lat": "north", "long": "112.9"}, "decimal degrees"),
        ({"lat": "95", "long": "112.9"}, "±90"),
        ({"lat": "28.1", "long": "112.9", "datum": "bd09"}, "datum"),
    ],
)
def test_bad_coordinates_are_refused(client, api_key, service, fields, text):  # noqa: F811
    response = submit(client, api_key, service, **fields)

    assert response.status_code == 400 and text in response.json()[0]["description"]
    assert not Case.objects.exists()


def photo_with_gps() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (28.0, 11.0, 20.0)}
    out = io.BytesIO()
    Image.new("RGB", (120, 90), "green").save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("street.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_photo_sent_as_media_is_served_at_media_url_without_exif(
    client,
    api_key,  # noqa: F811
    service,  # noqa: F811
):
    response = submit(client, api_key, service, media=photo_with_gps())

    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    attachment = Attachment.objects.get(case__number=number)
    assert attachment.source == "citizen"
    [row] = client.get(f"{BASE}requests/{number}.json").json()
    assert row["media_url"].endswith(f"/open311/v2/media/{attachment.pk}")
    served = client.get(row["media_url"])
    data = b"".join(served.streaming_content)
    assert served.status_code == 200
    assert dict(Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)) == {}


def test_media_that_is_not_a_photo_or_document_is_refused(client, api_key, service):  # noqa: F811
    fake = SimpleUploadedFile("street.jpg", b"MZ\x90\x00" + b"\x00" * 100)

    response = submit(client, api_key, service, media=fake)

    assert response.status_code == 400 and "media" in response.json()[0]["description"]
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_confidential_requests_media_is_not_served(client, api_key, service):  # noqa: F811
    number = submit(client, api_key, service, media=photo_with_gps()).json()[0][
        "service_request_id"
    ]
    Case.objects.filter(number=number).update(confidential=True)
    attachment = Attachment.objects.get()

    assert client.get(f"{BASE}media/{attachment.pk}").status_code == 404


def test_unknown_service_code_is_404_on_submit_and_search(client, api_key, service):  # noqa: F811
    submitted = submit(client, api_key, service, service_code="nope")
    searched = client.get(f"{BASE}requests.json", {"service_code": "nope"})

    assert submitted.status_code == searched.status_code == 404


def test_json_says_utf8_and_keeps_chinese_unescaped(client, service):  # noqa: F811
    response = client.get(f"{BASE}services.json")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert service.name.encode("utf-8") in response.content
    assert b"\\u" not in response.content
    assert client.get(f"{BASE}services.xml")["Content-Type"] == "text/xml; charset=utf-8"


def iso(moment):
    return moment.isoformat()


def test_the_search_span_is_at_most_90_days(client, db):
    now = timezone.now()

    too_long = client.get(
        f"{BASE}requests.json",
        {"start_date": iso(now - datetime.timedelta(days=91)), "end_date": iso(now)},
    )
    inverted = client.get(
        f"{BASE}requests.json",
        {"start_date": iso(now), "end_date": iso(now - datetime.timedelta(days=1))},
    )
    ninety = client.get(
        f"{BASE}requests.json",
        {"start_date": iso(now - datetime.timedelta(days=90)), "end_date": iso(now)},
    )
    start_only = client.get(
        f"{BASE}requests.json", {"start_date": iso(now - datetime.timedelta(days=200))}
    )

    assert too_long.status_code == 400 and "90 days" in too_long.json()[0]["description"]
    assert inverted.status_code == 400
    assert ninety.status_code == 200 and start_only.status_code == 200


def test_discovery_names_the_endpoint(client, db):
    response = client.get(f"{BASE}discovery.json")

    body = response.json()
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")
    assert "GeoReport_v2" in body["endpoints"][0]["specification"]
