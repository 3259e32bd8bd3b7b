"""The staff back office for councils: pages open, lists cost a fixed number of queries, paper
sheets are entered with their scan, documents download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.core.models import Attachment
from khcn.councils.models import Council, CouncilMember, Meeting, RuleSet, ScoreSheet
from khcn.lib.documents import docx_text

from .conftest import NINE, R

pytestmark = pytest.mark.django_db

GOOD = {"can_thiet": 8, "muc_tieu": 8, "noi_dung": 25, "san_pham": 15, "nang_luc": 12, "kinh_phi": 12}
MODELS = ("council", "councilmember", "councilobject", "scoresheet", "ruleset")


@pytest.fixture
def filled(build):
    council, members = build.council(Council.Kind.SELECTION, NINE[:4])
    obj = build.object(council, "Hồ sơ của Trung tâm A")
    build.meeting(council, members)
    for member in members[:2]:
        build.sheet(obj, member, scores=GOOD)
    return council, members, obj


@pytest.mark.parametrize("role_fixture", ["science_officer", "department_leader", "provincial_leader"])
def test_staff_open_every_council_page(client, request, filled, role_fixture):
    council, members, obj = filled
    client.force_login(request.getfixturevalue(role_fixture))
    for model in MODELS:
        assert client.get(reverse(f"admin:councils_{model}_changelist")).status_code == 200, model
    sheet = ScoreSheet.objects.first()
    for model, pk in (
        ("council", council.pk),
        ("councilobject", obj.pk),
        ("scoresheet", sheet.pk),
        ("ruleset", council.rule_set_id),
    ):
        assert client.get(reverse(f"admin:councils_{model}_change", args=[pk])).status_code == 200, model


def test_council_members_and_host_users_never_reach_the_back_office(client, filled, council_member, host_user):
    for user in (council_member, host_user):
        client.force_login(user)
        response = client.get(reverse("admin:councils_council_changelist"), follow=True)
        assert response.request["PATH_INFO"] == reverse("portal:login")


def test_the_object_page_explains_the_computed_result(client, filled, science_officer):
    _council, _members, obj = filled
    client.force_login(science_officer)
    page = client.get(reverse("admin:councils_councilobject_change", args=[obj.pk])).content.decode()
    assert "Kết quả (tính từ các phiếu)" in page
    assert "đủ điều kiện họp" in page and "còn chờ phiếu của" in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model", MODELS)
def test_lists_cost_the_same_for_few_or_many_rows(client, build, science_officer, model, django_assert_max_num_queries):
    client.force_login(science_officer)
    url = reverse(f"admin:councils_{model}_changelist")

    def add_rows():
        council, members = build.council(Council.Kind.SELECTION, NINE[:3])
        obj = build.object(council)
        build.meeting(council, members)
        for member in members:
            build.sheet(obj, member, scores=GOOD)

    add_rows()
    few = _queries(client, url)
    for _ in range(4):
        add_rows()
    assert _queries(client, url) == few
    with django_assert_max_num_queries(20):
        client.get(url)


def test_staff_create_a_council_in_the_back_office_and_the_rule_set_is_chosen(client, science_officer):
    client.force_login(science_officer)
    prefix = {"members": "members", "meetings": "meetings", "objects": "council_objects"}
    data = {"kind": "acceptance", "year": 2024, "name": "Hội đồng nghiệm thu đề tài X", "notes": ""}
    for p in prefix.values():
        data.update(
            {f"{p}-TOTAL_FORMS": 0, f"{p}-INITIAL_FORMS": 0, f"{p}-MIN_NUM_FORMS": 0, f"{p}-MAX_NUM_FORMS": 1000}
        )
    response = client.post(reverse("admin:councils_council_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    council = Council.objects.get()
    assert council.rule_set == RuleSet.objects.get(kind="acceptance")
    assert council.history.first().history_user == science_officer


def test_inline_members_and_attendance_are_saved_with_history(client, build, science_officer):
    from khcn.directory.models import Person

    council, members = build.council(Council.Kind.SELECTION, [R.CHAIR])
    newcomer = Person.objects.create(full_name="Người mới")
    client.force_login(science_officer)
    url = reverse("admin:councils_council_change", args=[council.pk])
    data = {
        "kind": "selection",
        "year": 2024,
        "name": council.name,
        "notes": "",
        "rule_set": council.rule_set_id,
        "loaded_version": council.version,
        "members-TOTAL_FORMS": 2,
        "members-INITIAL_FORMS": 1,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
        "members-0-id": members[0].pk,
        "members-0-council": council.pk,
        "members-0-person": members[0].person_id,
        "members-0-role": "chair",
        "members-1-council": council.pk,
        "members-1-person": newcomer.pk,
        "members-1-role": "reviewer_1",
        "meetings-TOTAL_FORMS": 1,
        "meetings-INITIAL_FORMS": 0,
        "meetings-MIN_NUM_FORMS": 0,
        "meetings-MAX_NUM_FORMS": 1000,
        "meetings-0-council": council.pk,
        "meetings-0-date": "10/06/2024",
        "meetings-0-place": "Sở KH&CN",
        "meetings-0-present": [members[0].pk],
        "meetings-0-notes": "",
        "council_objects-TOTAL_FORMS": 0,
        "council_objects-INITIAL_FORMS": 0,
        "council_objects-MIN_NUM_FORMS": 0,
        "council_objects-MAX_NUM_FORMS": 1000,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:5000]
    added = CouncilMember.objects.get(person=newcomer)
    assert added.role == "reviewer_1" and added.history.first().history_user == science_officer
    meeting = Meeting.objects.get()
    assert list(meeting.present.all()) == [members[0]]


def test_a_second_chair_in_the_inline_is_refused(client, build, science_officer):
    from khcn.directory.models import Person

    council, members = build.council(Council.Kind.SELECTION, [R.CHAIR])
    client.force_login(science_officer)
    data = {
        "kind": "selection",
        "year": 2024,
        "name": council.name,
        "notes": "",
        "rule_set": council.rule_set_id,
        "loaded_version": council.version,
        "members-TOTAL_FORMS": 2,
        "members-INITIAL_FORMS": 1,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
        "members-0-id": members[0].pk,
        "members-0-council": council.pk,
        "members-0-person": members[0].person_id,
        "members-0-role": "chair",
        "members-1-council": council.pk,
        "members-1-person": Person.objects.create(full_name="Chủ tịch thứ hai").pk,
        "members-1-role": "chair",
        "meetings-TOTAL_FORMS": 0,
        "meetings-INITIAL_FORMS": 0,
        "meetings-MIN_NUM_FORMS": 0,
        "meetings-MAX_NUM_FORMS": 1000,
        "council_objects-TOTAL_FORMS": 0,
        "council_objects-INITIAL_FORMS": 0,
        "council_objects-MIN_NUM_FORMS": 0,
        "council_objects-MAX_NUM_FORMS": 1000,
    }
    response = client.post(reverse("admin:councils_council_change", args=[council.pk]), data)
    assert response.status_code == 200
    assert "Hội đồng đã có Chủ tịch" in response.content.decode()
    assert CouncilMember.objects.count() == 1


def test_staff_enter_a_paper_sheet_with_its_scan(client, filled, science_officer, media_root):
    _council, members, obj = filled
    client.force_login(science_officer)
    url = reverse("admin:councils_councilobject_paper_sheet", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Nhập phiếu giấy" in page.content.decode()
    data = {f"score_{code}": value for code, value in GOOD.items()}
    data["score_noi_dung"] = 31
    data.update(member=members[2].pk, comments="Theo phiếu giấy")
    refused = client.post(url, data)
    assert refused.status_code == 200 and "vượt quá điểm tối đa 30" in refused.content.decode()
    data["score_noi_dung"] = 28
    data["scan"] = SimpleUploadedFile("phieu-ky.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    sheet = ScoreSheet.objects.get(member=members[2])
    assert sheet.source == "paper" and sheet.total == 83 and sheet.entered_by == science_officer
    assert Attachment.objects.get().record == sheet
    # Members who already have a sheet are not offered again.
    page = client.get(url).content.decode()
    assert f"{members[2].person.display_name} – {members[2].get_role_display()}" not in page
    assert f"{members[3].person.display_name} – {members[3].get_role_display()}" in page


def test_paper_entry_needs_the_permission(client, filled, provincial_leader):
    _council, _members, obj = filled
    client.force_login(provincial_leader)
    assert client.get(reverse("admin:councils_councilobject_paper_sheet", args=[obj.pk])).status_code == 403


def test_documents_download_from_the_back_office(client, filled, science_officer):
    council, members, obj = filled
    client.force_login(science_officer)
    minutes = client.get(reverse("admin:councils_council_download_minutes", args=[council.pk]))
    assert minutes.status_code == 200 and "BIÊN BẢN HỌP HỘI ĐỒNG" in docx_text(minutes.content)
    summary = client.get(reverse("admin:councils_councilobject_download_summary", args=[obj.pk]))
    assert summary.status_code == 200 and members[0].person.display_name in docx_text(summary.content)


def test_a_rule_set_used_for_scoring_can_no_longer_be_edited(client, filled, science_officer):
    council, _members, _obj = filled
    client.force_login(science_officer)
    page = client.get(reverse("admin:councils_ruleset_change", args=[council.rule_set_id])).content.decode()
    assert 'name="pass_mean_score"' not in page  # shown read-only
    unused = RuleSet.objects.get(kind="initiatives")
    page = client.get(reverse("admin:councils_ruleset_change", args=[unused.pk])).content.decode()
    assert 'name="recommend_fraction"' in page and 'value="1/2"' in page
