"""The minutes and the score summary: real .docx files that carry the members, scores and
conclusion the system computed."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from khcn.councils import documents, services
from khcn.councils.models import Council
from khcn.directory.models import OfficialDocument, Organisation
from khcn.lib.documents import docx_text

from .conftest import NINE, R

pytestmark = pytest.mark.django_db

A = {"can_thiet": 9, "muc_tieu": 8, "noi_dung": 27, "san_pham": 16, "nang_luc": 13, "kinh_phi": 12}  # 85
B = {"can_thiet": 7, "muc_tieu": 7, "noi_dung": 22, "san_pham": 14, "nang_luc": 12, "kinh_phi": 10}  # 72


@pytest.fixture
def sat(build, science_officer):
    issuer = Organisation.objects.create(name="Sở Khoa học và Công nghệ tỉnh Hưng Yên")
    decision = OfficialDocument.objects.create(
        issuer=issuer, number="88/QĐ-SKHCN", date=dt.date(2024, 6, 1), subject="Thành lập hội đồng"
    )
    council = services.council_create(
        kind=Council.Kind.SELECTION,
        year=2024,
        name="Hội đồng tuyển chọn đề tài nấm",
        by=science_officer,
        decision=decision,
    )
    members = []
    from khcn.directory.models import Person

    for i, role in enumerate([*NINE[:6], R.ADMIN_SECRETARY]):
        person = Person.objects.create(full_name=f"Thành viên số {i + 1}", organisation=issuer)
        members.append(services.council_member_add(council=council, person=person, role=role, by=science_officer))
    obj = build.object(council, "Hồ sơ Trung tâm Nấm Văn Giang")
    build.meeting(council, members[:5])  # member 6 away
    for i, member in enumerate(members[:5]):
        build.sheet(obj, member, scores=A if i % 2 == 0 else B)
    services.conflict_declare(council_object=obj, member=members[5], reason="Cùng cơ quan", by=science_officer)
    return council, members, obj


def test_minutes_open_and_name_members_attendance_and_conclusion(sat):
    council, members, obj = sat
    content = documents.minutes_docx(council)
    assert zipfile.is_zipfile(io.BytesIO(content))
    text = docx_text(content)
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in text and "Hội đồng tuyển chọn đề tài nấm" in text
    assert "Căn cứ Quyết định 88/QĐ-SKHCN ngày 01/06/2024;" in text
    assert "Số thành viên hội đồng có mặt: 5/6. Vắng mặt: Thành viên số 6." in text
    for member in members:
        assert member.person.display_name in text
    assert "Chủ tịch" in text and "Thư ký hành chính (không bỏ phiếu)" in text
    assert "Hồ sơ Trung tâm Nấm Văn Giang: ĐẠT." in text
    assert "Điểm trung bình của 5 phiếu hợp lệ: 79,8/100 (≥ 70)." in text
    assert "{{" not in text and "{%" not in text


def test_summary_lists_every_members_scores_the_means_and_the_reasoning(sat):
    _council, members, obj = sat
    text = docx_text(documents.score_summary_docx(obj))
    assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM" in text and "Hồ sơ Trung tâm Nấm Văn Giang" in text
    for member in members[:6]:
        assert member.person.display_name in text
    assert "Thư ký hành chính" not in text  # does not vote, so not a row
    for value in ("85", "72", "27", "22"):
        assert value in text.split("\n")
    assert "Điểm trung bình" in text and "79,8" in text
    assert "Xung đột lợi ích, không chấm" in text
    assert "Kết luận: ĐẠT" in text
    assert "Tính cấp thiết của nhiệm vụ (tối đa 10)" in text
