"""Bad input to the council services: a clear Vietnamese refusal, and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from khcn.core.models import Attachment
from khcn.councils import services
from khcn.councils.models import ConflictDeclaration, Council, CouncilMember, Meeting, RuleSet, Score, ScoreSheet
from khcn.directory.models import Person

from .conftest import NINE, R, scores_totalling

pytestmark = pytest.mark.django_db

GOOD = {"can_thiet": 8, "muc_tieu": 8, "noi_dung": 25, "san_pham": 15, "nang_luc": 12, "kinh_phi": 12}


def _nothing_written():
    return ScoreSheet.objects.count() == 0 and Score.objects.count() == 0


@pytest.fixture
def selection(build):
    council, members = build.council()
    return council, members, build.object(council, "Hồ sơ đăng ký chủ trì")


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_a_valid_sheet_is_stored_with_its_scores(build, selection):
    council, members, obj = selection
    sheet = build.sheet(obj, members[0], scores=GOOD, comments="  Hồ sơ tốt  ")
    assert sheet.total == 80 and sheet.comments == "Hồ sơ tốt"
    assert sheet.source == "online" and sheet.entered_by == build.officer
    assert sheet.history.count() == 1


@pytest.mark.parametrize(
    ("scores", "needle"),
    [
        (
            dict(GOOD, noi_dung=31),
            "Điểm tiêu chí “Nội dung nghiên cứu và phương pháp, kỹ thuật sử dụng” là 31, vượt quá điểm tối đa 30.",
        ),
        (dict(GOOD, kinh_phi=-1), "Điểm tiêu chí “Tính hợp lý của dự toán kinh phí” không được âm (đang là -1)."),
        (
            {k: v for k, v in GOOD.items() if k != "san_pham"},
            "Chưa chấm tiêu chí “Sản phẩm, chỉ tiêu chất lượng và khả năng ứng dụng”.",
        ),
        (dict(GOOD, muc_tieu="tám"), "phải là số nguyên"),
        (dict(GOOD, muc_tieu=7.5), "phải là số nguyên"),
        (dict(GOOD, bi_an=5), "không thuộc bộ tiêu chí của hội đồng: bi_an"),
        (None, "Chưa chấm tiêu chí"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_written(build, selection, scores, needle):
    council, members, obj = selection
    with pytest.raises(ValidationError) as excinfo:
        services.score_sheet_submit(council_object=obj, member=members[0], by=build.officer, scores=scores)
    assert needle in _messages(excinfo)
    assert _nothing_written()


def test_errors_are_keyed_by_the_form_field_names(build, selection):
    council, members, obj = selection
    with pytest.raises(ValidationError) as excinfo:
        services.score_sheet_submit(
            council_object=obj, member=members[0], by=build.officer, scores=dict(GOOD, noi_dung=40)
        )
    assert set(excinfo.value.message_dict) == {"score_noi_dung"}


def test_a_sheet_from_a_member_of_another_council_is_refused(build, selection):
    council, members, obj = selection
    _other, strangers = build.council(Council.Kind.SELECTION, NINE[:3])
    with pytest.raises(ValidationError) as excinfo:
        services.score_sheet_submit(council_object=obj, member=strangers[0], by=build.officer, scores=GOOD)
    assert "không phải thành viên của hội đồng đánh giá đối tượng này" in _messages(excinfo)
    assert _nothing_written()


def test_a_conflicted_member_cannot_score(build, selection):
    council, members, obj = selection
    services.conflict_declare(
        council_object=obj, member=members[2], reason="Là thành viên nhóm thực hiện", by=build.officer
    )
    with pytest.raises(ValidationError) as excinfo:
        services.score_sheet_submit(council_object=obj, member=members[2], by=build.officer, scores=GOOD)
    assert "đã khai báo xung đột lợi ích với đối tượng này nên không được chấm" in _messages(excinfo)
    assert _nothing_written()


def test_a_second_sheet_from_the_same_member_is_refused(build, selection):
    council, members, obj = selection
    build.sheet(obj, members[0], scores=GOOD)
    with pytest.raises(ValidationError) as excinfo:
        services.score_sheet_submit(
            council_object=obj, member=members[0], by=build.officer, scores=dict(GOOD, kinh_phi=15)
        )
    assert "đã gửi phiếu cho đối tượng này" in _messages(excinfo)
    assert "mỗi thành viên chỉ gửi một phiếu" in _messages(excinfo)
    assert ScoreSheet.objects.count() == 1 and Score.objects.count() == len(GOOD)


def test_the_administrative_secretary_does_not_score(build, selection):
    council, members, obj = selection
    secretary = next(m for m in members if m.role == R.ADMIN_SECRETARY)
    with pytest.raises(ValidationError) as excinfo:
        services.score_sheet_submit(council_object=obj, member=secretary, by=build.officer, scores=GOOD)
    assert "Thư ký hành chính không chấm điểm" in _messages(excinfo)
    assert _nothing_written()


def test_a_member_cannot_submit_for_another_member(build):
    council, members = build.council(Council.Kind.SELECTION, NINE[:3], with_users=True)
    obj = build.object(council)
    with pytest.raises(PermissionDenied):
        services.score_sheet_submit(council_object=obj, member=members[1], by=members[0].person.user, scores=GOOD)
    sheet = services.score_sheet_submit(council_object=obj, member=members[0], by=members[0].person.user, scores=GOOD)
    assert sheet.entered_by == members[0].person.user
    assert ScoreSheet.objects.count() == 1


def test_only_staff_enter_paper_sheets_and_the_scan_is_attached(build, media_root):
    council, members = build.council(Council.Kind.SELECTION, NINE[:3], with_users=True)
    obj = build.object(council)
    with pytest.raises(PermissionDenied):
        services.score_sheet_submit(
            council_object=obj, member=members[0], by=members[0].person.user, scores=GOOD, source="paper"
        )
    sheet = services.score_sheet_submit(
        council_object=obj, member=members[0], by=build.officer, scores=GOOD, source="paper"
    )
    scan = SimpleUploadedFile("phieu.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    attachment = services.score_sheet_attach_scan(sheet=sheet, upload=scan, by=build.officer)
    assert sheet.source == "paper"
    assert attachment.record == sheet and Attachment.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "kwargs", "needle"),
    [
        (Council.Kind.IDENTIFICATION, {}, "Hãy chọn đề nghị hoặc không đề nghị."),
        (Council.Kind.IDENTIFICATION, {"vote": "maybe"}, "Lựa chọn bỏ phiếu không hợp lệ."),
        (Council.Kind.IDENTIFICATION, {"vote": "recommend", "grade": "passed"}, "không xếp loại"),
        (
            Council.Kind.IDENTIFICATION,
            {"vote": "recommend", "scores": {"can_thiet": 20}},
            "Chưa chấm tiêu chí “Tính mới, tính tiên tiến”.",
        ),
        (Council.Kind.ACCEPTANCE, {}, "Hãy chọn xếp loại: Xuất sắc, Đạt hoặc Không đạt."),
        (Council.Kind.ACCEPTANCE, {"grade": "good"}, "Xếp loại không hợp lệ."),
        (Council.Kind.ACCEPTANCE, {"grade": "passed", "scores": {"x": 1}}, "không chấm điểm theo tiêu chí"),
        (Council.Kind.SELECTION, {"scores": GOOD, "grade": "passed"}, "không xếp loại"),
    ],
)
def test_each_kind_asks_for_its_own_judgment(build, kind, kwargs, needle):
    council, members = build.council(kind, NINE[:3])
    obj = build.object(council)
    with pytest.raises(ValidationError) as excinfo:
        services.score_sheet_submit(council_object=obj, member=members[0], by=build.officer, **kwargs)
    assert needle in _messages(excinfo)
    assert _nothing_written()


def test_identification_accepts_a_vote_with_or_without_scores(build):
    council, members = build.council(Council.Kind.IDENTIFICATION, NINE[:3])
    obj = build.object(council)
    plain = build.sheet(obj, members[0], vote="recommend")
    scored = build.sheet(obj, members[1], vote="not_recommend", scores=scores_totalling(council.rule_set, 55))
    assert plain.total is None and plain.conclusion == "recommend"
    assert scored.total == 55 and scored.conclusion == "not_recommend"


def test_sheets_on_an_archived_object_are_refused(build, selection):
    from khcn.core.services import record_archive

    council, members, obj = selection
    record_archive(record=obj, by=build.officer, reason="Hồ sơ rút")
    with pytest.raises(ValidationError):
        services.score_sheet_submit(council_object=obj, member=members[0], by=build.officer, scores=GOOD)
    assert _nothing_written()


# --- Councils, members, meetings, objects, conflicts ---------------------------------------------


def test_creating_a_council_binds_the_rule_set_in_force(build):
    council, _ = build.council(Council.Kind.ACCEPTANCE, [])
    assert council.rule_set.kind == "acceptance"
    assert council.history.first().history_user == build.officer


def test_no_rule_set_in_force_is_a_clear_error(science_officer):
    RuleSet.objects.filter(kind="initiatives").update(valid_from=dt.date(2030, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.council_create(kind="initiatives", year=2024, name="Hội đồng sáng kiến 2024", by=science_officer)
    assert "Chưa có bộ quy tắc đánh giá nào cho loại hội đồng “Xét công nhận sáng kiến”" in _messages(excinfo)
    assert not Council.objects.exists()


def test_only_staff_with_council_permissions_set_up_councils(host_user, council_member, quality_officer):
    for user in (host_user, council_member, quality_officer):
        with pytest.raises(PermissionDenied):
            services.council_create(kind="selection", year=2024, name="Hội đồng", by=user)
    assert not Council.objects.exists()


def test_one_chair_per_council_and_one_seat_per_person(build):
    council, members = build.council(Council.Kind.SELECTION, [R.CHAIR])
    with pytest.raises(ValidationError) as excinfo:
        services.council_member_add(
            council=council, person=Person.objects.create(full_name="Người thứ hai"), role=R.CHAIR, by=build.officer
        )
    assert "Hội đồng đã có Chủ tịch" in _messages(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.council_member_add(council=council, person=members[0].person, role=R.MEMBER, by=build.officer)
    assert "Người này đã là thành viên của hội đồng." in _messages(excinfo)
    assert CouncilMember.objects.count() == 1


def test_meeting_attendance_must_be_members_of_this_council_and_in_the_past(build):
    council, members = build.council(Council.Kind.SELECTION, NINE[:3])
    _other, strangers = build.council(Council.Kind.SELECTION, NINE[:1])
    with pytest.raises(ValidationError) as excinfo:
        build.meeting(council, [members[0], strangers[0]])
    assert "Không phải thành viên của hội đồng này" in _messages(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        build.meeting(council, members, date=dt.date.today() + dt.timedelta(days=3))
    assert "ngày họp đang ở tương lai" in _messages(excinfo)
    assert not Meeting.objects.exists()
    meeting = build.meeting(council, members, online=True)
    assert set(meeting.present.all()) == set(members) and meeting.online


def test_an_object_is_put_before_a_council_once(build):
    council, _ = build.council(Council.Kind.SELECTION, [])
    obj = build.object(council, "Hồ sơ trùng")
    with pytest.raises(ValidationError) as excinfo:
        services.council_object_add(council=council, target=obj.target, by=build.officer)
    assert "Hồ sơ này đã có trong danh sách của hội đồng." in _messages(excinfo)


def test_conflicts_are_declared_once_with_a_reason_by_the_member_or_staff(build):
    council, members = build.council(Council.Kind.SELECTION, NINE[:3], with_users=True)
    obj = build.object(council)
    with pytest.raises(ValidationError) as excinfo:
        services.conflict_declare(council_object=obj, member=members[0], reason="  ", by=members[0].person.user)
    assert "Hãy nêu lý do xung đột lợi ích" in _messages(excinfo)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(council_object=obj, member=members[0], reason="Lý do", by=members[1].person.user)
    services.conflict_declare(council_object=obj, member=members[0], reason="Đồng tác giả", by=members[0].person.user)
    with pytest.raises(ValidationError) as excinfo:
        services.conflict_declare(council_object=obj, member=members[0], reason="Lần nữa", by=build.officer)
    assert "đã khai báo xung đột lợi ích" in _messages(excinfo)
    assert ConflictDeclaration.objects.count() == 1
