"""The council members' front site: who sees what, and the scoring flow with the test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khcn.councils.models import ConflictDeclaration, Council, ScoreSheet
from khcn.lib.documents import docx_text

from .conftest import NINE, R

pytestmark = pytest.mark.django_db

GOOD = {"can_thiet": 8, "muc_tieu": 8, "noi_dung": 25, "san_pham": 15, "nang_luc": 12, "kinh_phi": 12}


def _post_scores(scores, **extra):
    data = {f"score_{code}": value for code, value in scores.items()}
    data.update(extra)
    return data


@pytest.fixture
def seated(build):
    """A selection council with users for its members, one object, and a council of someone else."""
    council, members = build.council(Council.Kind.SELECTION, NINE[:4], with_users=True, name="Hội đồng tuyển chọn A")
    obj = build.object(council, "Hồ sơ của Trung tâm A")
    other, other_members = build.council(
        Council.Kind.SELECTION, NINE[:2], with_users=True, name="Hội đồng tuyển chọn B"
    )
    other_obj = build.object(other, "Hồ sơ của Công ty B")
    return {
        "council": council,
        "members": members,
        "obj": obj,
        "other": other,
        "other_members": other_members,
        "other_obj": other_obj,
    }


def _urls(council, obj):
    return {
        "detail": reverse("councils:council-detail", args=[council.pk]),
        "score": reverse("councils:object-score", kwargs={"council_pk": council.pk, "object_pk": obj.pk}),
        "conflict": reverse("councils:object-conflict", kwargs={"council_pk": council.pk, "object_pk": obj.pk}),
        "result": reverse("councils:object-result", kwargs={"council_pk": council.pk, "object_pk": obj.pk}),
        "minutes": reverse("councils:council-minutes", args=[council.pk]),
        "summary": reverse("councils:object-summary", kwargs={"council_pk": council.pk, "object_pk": obj.pk}),
    }


# --- Who sees what -----------------------------------------------------------------------------------


def test_a_member_sees_only_their_own_councils(client, seated):
    client.force_login(seated["members"][0].person.user)
    page = client.get(reverse("councils:my-councils"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hội đồng tuyển chọn A" in text and "Hội đồng tuyển chọn B" not in text
    assert "Chủ tịch" in text
    detail = client.get(_urls(seated["council"], seated["obj"])["detail"])
    assert detail.status_code == 200 and "Hồ sơ của Trung tâm A" in detail.content.decode()


def test_a_member_of_another_council_gets_404_everywhere(client, seated):
    client.force_login(seated["other_members"][0].person.user)
    for name, url in _urls(seated["council"], seated["obj"]).items():
        assert client.get(url).status_code == 404, name


def test_a_member_cannot_reach_an_object_of_another_council_through_their_own(client, seated):
    client.force_login(seated["members"][0].person.user)
    url = reverse(
        "councils:object-score", kwargs={"council_pk": seated["council"].pk, "object_pk": seated["other_obj"].pk}
    )
    assert client.get(url).status_code == 404


def test_host_users_and_outsiders_never_see_councils(client, seated, host_user, outsider):
    for user in (host_user, outsider):
        client.force_login(user)
        assert client.get(reverse("councils:my-councils")).status_code == 403
        for name, url in _urls(seated["council"], seated["obj"]).items():
            assert client.get(url).status_code == 404, name


def test_a_host_user_linked_to_a_council_by_mistake_still_sees_nothing(client, build, host_user):
    from khcn.councils import services
    from khcn.directory.models import Person

    council, _ = build.council(Council.Kind.SELECTION, [])
    services.council_member_add(
        council=council, person=Person.objects.get(user=host_user), role=R.MEMBER, by=build.officer
    )
    client.force_login(host_user)
    assert client.get(reverse("councils:council-detail", args=[council.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, seated):
    response = client.get(reverse("councils:my-councils"))
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


def test_staff_see_every_council_but_do_not_score_on_the_front_site(client, seated, science_officer):
    client.force_login(science_officer)
    text = client.get(reverse("councils:my-councils")).content.decode()
    assert "Hội đồng tuyển chọn A" in text and "Hội đồng tuyển chọn B" in text
    urls = _urls(seated["council"], seated["obj"])
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["score"]).status_code == 403
    assert client.get(urls["result"]).status_code == 200


# --- Scoring flow ------------------------------------------------------------------------------------


def test_the_scoring_page_shows_the_sheet_built_from_the_rule_set(client, seated):
    client.force_login(seated["members"][0].person.user)
    page = client.get(_urls(seated["council"], seated["obj"])["score"]).content.decode()
    for code in GOOD:
        assert f'name="score_{code}"' in page
    assert 'type="number"' in page and 'max="30"' in page
    assert "Gửi phiếu" in page
    assert "Tính cấp thiết của nhiệm vụ" in page


def test_a_member_scores_online_then_reads_the_sheet_and_the_result(client, seated):
    member = seated["members"][0]
    urls = _urls(seated["council"], seated["obj"])
    client.force_login(member.person.user)
    assert client.get(urls["result"]).status_code == 302  # no result before the sheet is in
    response = client.post(urls["score"], _post_scores(GOOD, comments="Nội dung rõ ràng"))
    assert response.status_code == 302 and response["Location"] == urls["result"]
    sheet = ScoreSheet.objects.get()
    assert sheet.member == member and sheet.total == 80 and sheet.source == "online"
    assert sheet.entered_by == member.person.user
    result_page = client.get(urls["result"]).content.decode()
    assert "Cách tính" in result_page and "Kết luận: CHƯA CÓ KẾT QUẢ" in result_page
    # Members see the aggregate and their own sheet, not the table of everyone's sheets.
    assert "Phiếu của tôi" in result_page and "Các phiếu" not in result_page
    again = client.get(urls["score"]).content.decode()
    assert "Phiếu đã gửi" in again and "Gửi phiếu</button>" not in again
    # A second POST (double click, back button) writes nothing.
    client.post(urls["score"], _post_scores(GOOD))
    assert ScoreSheet.objects.count() == 1


def test_a_score_above_the_maximum_is_shown_next_to_its_input_and_nothing_is_saved(client, seated):
    client.force_login(seated["members"][0].person.user)
    response = client.post(_urls(seated["council"], seated["obj"])["score"], _post_scores(dict(GOOD, noi_dung=35)))
    assert response.status_code == 200
    assert "vượt quá điểm tối đa 30" in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_a_missing_score_is_refused(client, seated):
    client.force_login(seated["members"][0].person.user)
    scores = {k: v for k, v in GOOD.items() if k != "kinh_phi"}
    response = client.post(_urls(seated["council"], seated["obj"])["score"], _post_scores(scores))
    assert response.status_code == 200 and "Chưa chấm tiêu chí này." in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_identification_sheet_has_a_vote_and_acceptance_a_grade(client, build):
    ident, ident_members = build.council(Council.Kind.IDENTIFICATION, NINE[:3], with_users=True)
    ident_obj = build.object(ident, "Đề xuất nhiệm vụ")
    client.force_login(ident_members[0].person.user)
    url = reverse("councils:object-score", kwargs={"council_pk": ident.pk, "object_pk": ident_obj.pk})
    page = client.get(url).content.decode()
    assert 'type="radio" name="vote"' in page and "Đề nghị thực hiện" in page
    assert client.post(url, {"vote": "recommend"}).status_code == 302
    assert ScoreSheet.objects.get().conclusion == "recommend"

    accept, accept_members = build.council(Council.Kind.ACCEPTANCE, NINE[:3], with_users=True)
    accept_obj = build.object(accept, "Nhiệm vụ nghiệm thu")
    client.force_login(accept_members[0].person.user)
    url = reverse("councils:object-score", kwargs={"council_pk": accept.pk, "object_pk": accept_obj.pk})
    page = client.get(url).content.decode()
    assert 'name="grade"' in page and "Xuất sắc" in page and "score_" not in page
    missing = client.post(url, {})
    assert "Hãy chọn xếp loại" in missing.content.decode()
    assert client.post(url, {"grade": "excellent"}).status_code == 302
    assert ScoreSheet.objects.filter(conclusion="excellent").count() == 1


def test_declaring_a_conflict_blocks_scoring_that_object(client, seated):
    member = seated["members"][1]
    urls = _urls(seated["council"], seated["obj"])
    client.force_login(member.person.user)
    assert "Lý do xung đột lợi ích" in client.get(urls["conflict"]).content.decode()
    empty = client.post(urls["conflict"], {"reason": ""})
    assert empty.status_code == 200 and not ConflictDeclaration.objects.exists()
    response = client.post(urls["conflict"], {"reason": "Tôi là đồng tác giả thuyết minh"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.get().member == member
    page = client.get(urls["score"]).content.decode()
    assert "đã khai báo xung đột lợi ích" in page and "Gửi phiếu</button>" not in page
    client.post(urls["score"], _post_scores(GOOD))
    assert not ScoreSheet.objects.exists()
    assert "Xung đột lợi ích" in client.get(urls["detail"]).content.decode()


def test_the_running_total_partial(client, seated):
    client.force_login(seated["members"][0].person.user)
    url = reverse(
        "councils:object-score-total", kwargs={"council_pk": seated["council"].pk, "object_pk": seated["obj"].pk}
    )
    response = client.post(url, {"score_can_thiet": "8", "score_noi_dung": "40"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and "<strong>48</strong>/100" in text
    assert "nằm ngoài khoảng 0–30" in text


def test_the_result_page_for_staff_lists_every_sheet(client, build, seated, science_officer):
    for member in seated["members"]:
        build.sheet(seated["obj"], member, scores=GOOD)
    client.force_login(science_officer)
    page = client.get(_urls(seated["council"], seated["obj"])["result"]).content.decode()
    assert "Kết luận: ĐẠT" in page
    for member in seated["members"]:
        assert member.person.display_name in page


# --- Documents from the staff view ------------------------------------------------------------------


def test_staff_download_the_minutes_and_summary_members_do_not(client, build, seated, science_officer):
    for member in seated["members"]:
        build.sheet(seated["obj"], member, scores=GOOD)
    urls = _urls(seated["council"], seated["obj"])
    client.force_login(science_officer)
    minutes = client.get(urls["minutes"])
    assert minutes.status_code == 200
    assert minutes["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in docx_text(minutes.content)
    summary = client.get(urls["summary"])
    assert summary.status_code == 200 and "80" in docx_text(summary.content)
    client.force_login(seated["members"][0].person.user)
    assert client.get(urls["minutes"]).status_code == 404
    assert client.get(urls["summary"]).status_code == 404


# --- Query counts ----------------------------------------------------------------------------------


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_my_councils_costs_the_same_for_two_or_eight_councils(client, build, django_assert_max_num_queries):
    council, members = build.council(Council.Kind.SELECTION, [R.CHAIR], with_users=True)
    user = members[0].person.user
    from khcn.councils import services

    def seat_in_new_council():
        other, _ = build.council(Council.Kind.ACCEPTANCE, [])
        services.council_member_add(council=other, person=members[0].person, role=R.MEMBER, by=build.officer)
        build.object(other)

    seat_in_new_council()
    client.force_login(user)
    url = reverse("councils:my-councils")
    few = _count_queries(client, url)
    for _ in range(6):
        seat_in_new_council()
    assert _count_queries(client, url) == few
    with django_assert_max_num_queries(12):
        client.get(url)


def test_council_page_costs_the_same_whatever_the_number_of_objects(client, build, django_assert_max_num_queries):
    council, members = build.council(Council.Kind.SELECTION, NINE[:4], with_users=True)
    build.object(council)
    client.force_login(members[0].person.user)
    url = reverse("councils:council-detail", args=[council.pk])
    few = _count_queries(client, url)
    for _ in range(8):
        build.object(council)
    assert _count_queries(client, url) == few
    with django_assert_max_num_queries(15):
        client.get(url)
