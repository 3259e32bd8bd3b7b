"""The initiatives back office: who may open and change what; the list actions that put
applications before the council, apply its results and recognise them by a decision; the page
actions; lists that cost the same whatever their length."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.directory.models import OfficialDocument, Person
from khcn.registries.initiatives.models import Initiative
from khcn.testing import empty_inline

pytestmark = pytest.mark.django_db
S = Initiative.Status
CHANGELIST = "admin:initiatives_initiative_changelist"
AUTHORS = "author_links"


def _inline(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize(
    "role_fixture", ["science_officer", "technology_officer", "department_leader", "provincial_leader"]
)
def test_staff_open_the_list_and_a_record(client, request, build, role_fixture):
    initiative = build.initiative()
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk])).status_code == 200


@pytest.mark.parametrize("role_fixture", ["technology_officer", "department_leader", "provincial_leader"])
def test_other_divisions_only_view(client, request, build, role_fixture):
    initiative = build.initiative()
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("admin:initiatives_initiative_add")).status_code == 403
    assert client.get(reverse("admin:initiatives_initiative_transition", args=[initiative.pk])).status_code == 403
    assert client.get(reverse("admin:initiatives_initiative_tabular_import")).status_code == 403
    client.post(reverse(CHANGELIST), {"action": "archive_selected", "_selected_action": [initiative.pk]})
    initiative.refresh_from_db()
    assert initiative.archived_at is None


def test_host_users_and_outsiders_never_reach_initiatives(client, build, host_user, outsider):
    build.initiative()
    for user in (host_user, outsider):
        client.force_login(user)
        response = client.get(reverse(CHANGELIST), follow=True)
        assert response.request["PATH_INFO"] == reverse("portal:login")


def test_an_application_and_its_authors_are_entered_on_one_page(client, science_officer, school):
    author = Person.objects.create(full_name="Đỗ Thị Lan")
    client.force_login(science_officer)
    data = {
        "code": "SK-2023-050",
        "title": "Dạy học STEM môn Vật lí",
        "unit": school.pk,
        "field": "education",
        "year": 2023,
        "scope": "province",
        "description": "",
        "benefit": "",
        **empty_inline(),
        **_inline(AUTHORS, total=1),
        f"{AUTHORS}-0-order": 1,
        f"{AUTHORS}-0-person": author.pk,
        f"{AUTHORS}-0-share_percent": "100",
    }
    response = client.post(reverse("admin:initiatives_initiative_add"), data)
    assert response.status_code == 302, response.content.decode()[:4000]
    initiative = Initiative.objects.get()
    assert initiative.status == S.SUBMITTED and list(initiative.authors.all()) == [author]
    assert initiative.history.first().history_user == science_officer


def test_the_council_workflow_through_the_list_actions(client, build, science_officer, province):
    council, members = build.council()
    initiatives = [build.initiative() for _ in range(2)]
    ids = [i.pk for i in initiatives]
    client.force_login(science_officer)

    page = client.post(reverse(CHANGELIST), {"action": "put_before_council", "_selected_action": ids})
    assert page.status_code == 200 and "Hội đồng sáng kiến" in page.content.decode()
    response = client.post(
        reverse(CHANGELIST),
        {"action": "put_before_council", "_selected_action": ids, "apply": "1", "council": council.pk},
    )
    assert response.status_code == 302
    objects = list(council.council_objects.order_by("order"))
    assert len(objects) == 2

    build.session(council, members)
    build.votes(objects[0], members, yes=4)
    build.votes(objects[1], members, yes=1)
    response = client.post(
        reverse(CHANGELIST), {"action": "apply_council_results", "_selected_action": ids}, follow=True
    )
    assert "Đề nghị công nhận: 1; không đề nghị: 1" in response.content.decode()
    recommended = Initiative.objects.get(status=S.RECOMMENDED)

    OfficialDocument.objects.create(number="77/QĐ-UBND", date=dt.date(2023, 2, 1), issuer=province, subject="Khác")
    form = {
        "action": "recognise",
        "_selected_action": [recommended.pk],
        "apply": "1",
        "number": "77/QĐ-UBND",
        "date": "14/07/2023",
        "issuer": province.pk,
        "signer": "",
    }
    page = client.post(reverse(CHANGELIST), form)
    assert page.status_code == 200 and "đã được dùng cho văn bản ngày 01/02/2023" in page.content.decode()
    recommended.refresh_from_db()
    assert recommended.status == S.RECOMMENDED
    response = client.post(reverse(CHANGELIST), {**form, "number": "78/QĐ-UBND"})
    assert response.status_code == 302
    recommended.refresh_from_db()
    assert recommended.status == S.RECOGNISED and recommended.decision.number == "78/QĐ-UBND"

    url = reverse("admin:initiatives_initiative_support_wider", args=[recommended.pk])
    response = client.post(url, {"where": "Trường THPT Phù Cừ", "amount": "20000000", "on": "15/12/2023"})
    assert response.status_code == 302
    recommended.refresh_from_db()
    assert recommended.supported_for_wider_application
    page = client.get(reverse("admin:initiatives_initiative_change", args=[recommended.pk])).content.decode()
    assert "78/QĐ-UBND" in page and "Trường THPT Phù Cừ" in page


def test_the_transition_page_shows_the_refusal(client, build, science_officer):
    initiative = build.initiative()
    client.force_login(science_officer)
    url = reverse("admin:initiatives_initiative_transition", args=[initiative.pk])
    response = client.post(url, {"to": S.RECOMMENDED, "reason": ""})
    assert response.status_code == 200 and "chưa được đưa ra hội đồng" in response.content.decode()
    response = client.post(url, {"to": S.WITHDRAWN, "reason": "Tác giả xin rút"})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == S.WITHDRAWN


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_for_few_or_many_rows(client, build, science_officer, django_assert_max_num_queries):
    client.force_login(science_officer)
    url = reverse(CHANGELIST)
    build.initiative(authors=[Person.objects.create(full_name="A"), Person.objects.create(full_name="B")])
    few = _queries(client, url)
    for n in range(12):
        build.initiative(authors=[Person.objects.create(full_name=f"T{n}-{i}") for i in range(3)])
    assert _queries(client, url) == few
    with django_assert_max_num_queries(16):
        client.get(url)


def test_the_form_shows_a_duplicate_code_on_its_field_and_others_cannot_change(
    client, build, science_officer, technology_officer, school
):
    existing = build.initiative(code="SK-2023-001")
    data = {
        "code": "sk-2023-001",
        "title": "Trùng mã",
        "unit": school.pk,
        "field": "education",
        "year": 2023,
        "scope": "province",
        **empty_inline(),
        **_inline(AUTHORS),
    }
    client.force_login(science_officer)
    response = client.post(reverse("admin:initiatives_initiative_add"), data)
    assert response.status_code == 200 and "đã được dùng cho sáng kiến khác" in response.content.decode()
    assert Initiative.objects.count() == 1
    client.force_login(technology_officer)
    change = {**data, "code": "SK-2023-001", "title": "Đổi tên", "loaded_version": existing.version}
    assert client.post(reverse("admin:initiatives_initiative_change", args=[existing.pk]), change).status_code == 403
    existing.refresh_from_db()
    assert existing.title != "Đổi tên"
