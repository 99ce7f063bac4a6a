"""A dashboard number's case list: the drill-down parameters stay in the URL, not as text boxes,
and the list says in words which measure it shows."""

import html
import re

from django.urls import reverse

from tests.hotline.crafted import at, make_assignment, make_case

DRILL_DOWN = ("measure", "measured_after", "measured_before", "department_exact")


def test_the_drill_down_is_hidden_and_said_in_words(client_for, departments):
    cgj = departments["cgj"]
    case = make_case(at("2026-11-03", "09:00"), department=cgj)
    make_assignment(case, cgj, at("2026-11-03", "10:00"))
    params = {"measure": "dispatched", "department": cgj.pk, "department_exact": "true",
              "measured_after": "2026-11-01T00:00:00+08:00",
              "measured_before": "2026-12-01T00:00:00+08:00"}  # fmt: skip

    response = client_for("supervisor").get(reverse("cases:list"), params)

    page = response.content.decode()
    start = page.index('id="case-filters"')
    form = page[start : page.index("</form>", start)]
    for name in DRILL_DOWN:
        assert re.search(rf'<input type="hidden" name="{name}" value="[^"]+"', form), name
        assert f'for="id_{name}"' not in form  # no label, no text box
    caption = html.unescape(re.search(r'<p id="case-measure">(.*?)<a', page, re.S).group(1))
    name = cgj.short_name or cgj.name
    assert f"dispatched ({name} alone, 2026-11-01 to 2026-11-30)" in caption
    assert response.context["page"].total == 1


def test_the_caption_speaks_chinese_and_names_a_state(client_for, departments):
    cgj = departments["cgj"]
    client = client_for("supervisor")

    response = client.get(reverse("cases:list"), {"measure": "sign_overdue", "department": cgj.pk},
                          headers={"accept-language": "zh-hans"})  # fmt: skip

    caption = re.search(r'<p id="case-measure">(.*?)<a', response.content.decode(), re.S).group(1)
    assert f"超期未签收（当前）（{cgj.short_name or cgj.name}）" in caption


def test_the_way_back_drops_only_the_drill_down(client_for, departments):
    cgj = departments["cgj"]
    response = client_for("supervisor").get(
        reverse("cases:list"), {"measure": "intake", "measured_after": "2026-11-01T00:00:00+08:00",
                                "department": cgj.pk, "status": "dispatched"},
    )  # fmt: skip

    link = re.search(r'<p id="case-measure">.*?<a href="([^"]+)"', response.content.decode(), re.S)
    assert html.unescape(link.group(1)) == f"/cases/?department={cgj.pk}&status=dispatched"


def test_a_plain_list_has_no_caption(client_for, db):
    response = client_for("agent").get(reverse("cases:list"), {"status": "registered"})

    assert 'id="case-measure"' not in response.content.decode()
