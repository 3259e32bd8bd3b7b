"""The council's paperwork as .docx in the Decree 30/2020 layout: the minutes of the meeting
(biên bản họp hội đồng) and the score summary of one object (bảng tổng hợp kết quả chấm điểm).

Both are generated from the records and the computed results, never typed: what the documents say
is what the result page says.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khcn.councils import selectors
from khcn.councils.aggregation import fmt_number
from khcn.councils.models import ConflictDeclaration, Council, CouncilMember, CouncilObject, Method
from khcn.lib import documents

MINUTES_TABLE_MARK = "Thành phần hội đồng:"
RESULTS_TABLE_MARK = "Kết quả đánh giá từng đối tượng:"
SHEETS_TABLE_MARK = "Kết quả các phiếu đánh giá:"


@lru_cache(maxsize=1)
def _minutes_template() -> bytes:
    return documents.decree30_template(
        title="BIÊN BẢN HỌP HỘI ĐỒNG",
        subtitle="{{ council_name }}",
        body=[
            "{%p if decision %}",
            "Căn cứ {{ decision }};",
            "{%p endif %}",
            "Hôm nay, ngày {{ meeting_date }}, {{ meeting_place }}, {{ council_name }} họp để {{ purpose }}.",
            "I. THÀNH PHẦN THAM DỰ",
            "Số thành viên hội đồng có mặt: {{ present_count }}/{{ members_total }}.{% if absent %} Vắng mặt: {{ absent }}.{% endif %}",
            MINUTES_TABLE_MARK,
            "II. KẾT QUẢ ĐÁNH GIÁ",
            RESULTS_TABLE_MARK,
            "{%p for o in objects %}",
            "{{ o.number }}. {{ o.title }}",
            "{%p for line in o.lines %}",
            "- {{ line }}",
            "{%p endfor %}",
            "{%p endfor %}",
            "III. KẾT LUẬN CỦA HỘI ĐỒNG",
            "{%p for o in objects %}",
            "{{ o.number }}. {{ o.title }}: {{ o.conclusion }}.",
            "{%p endfor %}",
            "Biên bản được lập từ dữ liệu chấm điểm của hệ thống lúc {{ generated_at }}.",
            "{%p if secretary %}",
            "Thư ký hội đồng: {{ secretary }}.",
            "{%p endif %}",
        ],
    )


@lru_cache(maxsize=3)
def _summary_template(title: str) -> bytes:
    return documents.decree30_template(
        title=title,
        subtitle="{{ object_title }}",
        body=[
            "Hội đồng: {{ council_name }}{% if decision %} (thành lập theo {{ decision }}){% endif %}.",
            "Bộ quy tắc áp dụng: {{ rule_name }}.",
            "{%p if meeting %}",
            "Phiên họp: {{ meeting }}.",
            "{%p endif %}",
            SHEETS_TABLE_MARK,
            "Cách tính và kết luận:",
            "{%p for line in lines %}",
            "- {{ line }}",
            "{%p endfor %}",
        ],
    )


def _member_name(member: CouncilMember) -> str:
    return member.person.display_name


def _chair_and_secretary(members: list[CouncilMember]) -> tuple[str, str]:
    chair = next((m for m in members if m.role == CouncilMember.Role.CHAIR), None)
    secretary = next(
        (m for m in members if m.role in (CouncilMember.Role.SCIENTIFIC_SECRETARY, CouncilMember.Role.ADMIN_SECRETARY)),
        None,
    )
    return (_member_name(chair) if chair else "", _member_name(secretary) if secretary else "")


def _when(meeting: Any) -> tuple[str, str, dt.date]:
    if meeting is None:
        today = timezone.localdate()
        return "…/…/……", _("tại …"), today
    place = _("họp trực tuyến") if meeting.online else ""
    if meeting.place:
        place = (place + ", " if place else "") + _("tại %(place)s") % {"place": meeting.place}
    return meeting.date.strftime("%d/%m/%Y"), place, meeting.date


def minutes_docx(council: Council) -> bytes:
    """Minutes of the council's latest meeting: attendance, each object's result with its reasons,
    and the conclusions."""
    # Official documents are in Vietnamese whatever language the user reads the site in.
    with translation.override("vi"):
        return _minutes_docx(council)


def score_summary_docx(council_object: CouncilObject) -> bytes:
    """The summary of every sheet on one object: each member's points per criterion (or vote,
    grade), the means, and how the result follows from the rule set."""
    with translation.override("vi"):
        return _score_summary_docx(council_object)


def _minutes_docx(council: Council) -> bytes:
    members = selectors.members_for(council)
    meeting = selectors.latest_meeting(council)
    present_ids = {m.pk for m in meeting.present.all()} if meeting else {m.pk for m in members}
    voting = [m for m in members if m.votes]
    objects = list(council.council_objects.active())
    results = selectors.council_results(council, objects)
    meeting_date, meeting_place, date = _when(meeting)
    chair, secretary = _chair_and_secretary(members)
    context = {
        "number": "…/BB-HĐ",
        "date": date,
        "council_name": council.name,
        "decision": str(council.decision) if council.decision_id else "",
        "meeting_date": meeting_date,
        "meeting_place": meeting_place,
        "purpose": council.get_kind_display().lower(),
        "present_count": sum(1 for m in voting if m.pk in present_ids),
        "members_total": len(voting),
        "absent": ", ".join(_member_name(m) for m in voting if m.pk not in present_ids),
        "objects": [
            {
                "number": i,
                "title": obj.title,
                "lines": results[obj.pk].explanation[:-1],
                "conclusion": results[obj.pk].conclusion,
            }
            for i, obj in enumerate(objects, start=1)
        ],
        "generated_at": timezone.localtime().strftime("%H:%M ngày %d/%m/%Y"),
        "secretary": secretary,
        "signer_title": "CHỦ TỊCH HỘI ĐỒNG",
        "signer_name": chair,
        "recipients": ["Sở Khoa học và Công nghệ", "Thành viên hội đồng", "Lưu: hồ sơ hội đồng"],
    }
    out = documents.render(_minutes_template(), context)
    out = documents.add_table(
        out,
        ["TT", "Họ và tên", "Cơ quan", "Chức danh trong hội đồng", "Có mặt"],
        [
            [
                i,
                _member_name(m),
                m.person.organisation.name if m.person.organisation else "",
                m.get_role_display(),
                "Có mặt" if m.pk in present_ids else "Vắng",
            ]
            for i, m in enumerate(members, start=1)
        ],
        after_text=MINUTES_TABLE_MARK,
    )
    method = council.rule_set.method
    measures: dict[str, str] = {
        Method.SCORE: "Điểm trung bình",
        Method.VOTE: "Điểm TB (tham khảo)",
        Method.GRADE: "Xếp loại",
    }
    measure = measures[method]
    rows = []
    for i, obj in enumerate(objects, start=1):
        result = results[obj.pk]
        if method == Method.GRADE:
            value = _grade_words(result.grade)
        else:
            value = fmt_number(result.mean_score) if result.mean_score is not None else ""
        rows.append([i, obj.title, f"{result.valid_sheets}/{result.present}", value, result.conclusion])
    return documents.add_table(
        out, ["TT", "Đối tượng", "Phiếu hợp lệ/có mặt", measure, "Kết luận"], rows, after_text=RESULTS_TABLE_MARK
    )


def _grade_words(grade: str | None) -> str:
    return {"excellent": "Xuất sắc", "passed": "Đạt", "failed": "Không đạt"}.get(grade or "", "")


def _score_summary_docx(council_object: CouncilObject) -> bytes:
    council = council_object.council
    rule_set = council.rule_set
    criteria = list(rule_set.criteria.all())
    members = selectors.members_for(council)
    meeting = selectors.latest_meeting(council)
    present_ids = {m.pk for m in meeting.present.all()} if meeting else {m.pk for m in members}
    conflicted = set(
        ConflictDeclaration.objects.filter(council_object=council_object).values_list("member_id", flat=True)
    )
    sheets = {s.member_id: s for s in selectors.sheets_for(council_object)}
    result = selectors.council_result(council_object)
    titles: dict[str, str] = {
        Method.SCORE: "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM",
        Method.VOTE: "BẢNG TỔNG HỢP KẾT QUẢ BỎ PHIẾU",
        Method.GRADE: "BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI",
    }
    title = titles[rule_set.method]
    chair, _secretary = _chair_and_secretary(members)
    meeting_date, meeting_place, date = _when(meeting)
    context = {
        "number": "…/TH-HĐ",
        "date": date,
        "object_title": council_object.title,
        "council_name": council.name,
        "decision": str(council.decision) if council.decision_id else "",
        "rule_name": rule_set.name,
        "meeting": f"ngày {meeting_date}, {meeting_place}" if meeting else "",
        "lines": result.explanation,
        "signer_title": "CHỦ TỊCH HỘI ĐỒNG",
        "signer_name": chair,
        "recipients": ["Lưu: hồ sơ hội đồng"],
    }
    out = documents.render(_summary_template(title), context)

    header = ["TT", "Thành viên", "Chức danh"]
    header += [f"{c.label} (tối đa {c.max_points})" for c in criteria]
    if criteria:
        header.append(f"Tổng ({sum(c.max_points for c in criteria)})")
    header += ["Kết luận của thành viên", "Ghi chú"]
    rows: list[list[Any]] = []
    for i, member in enumerate((m for m in members if m.votes), start=1):
        sheet = sheets.get(member.pk)
        points = {s.criterion.code: s.points for s in sheet.scores.all()} if sheet else {}
        if member.pk in conflicted:
            note = "Xung đột lợi ích, không chấm"
        elif member.pk not in present_ids:
            note = "Vắng mặt" + (" (phiếu không tính)" if sheet else "")
        elif sheet is None:
            note = "Chưa có phiếu"
        else:
            note = "Phiếu giấy" if sheet.source == sheet.Source.PAPER else "Chấm trực tuyến"
        row: list[Any] = [i, _member_name(member), member.get_role_display()]
        row += [points.get(c.code, "") for c in criteria]
        if criteria:
            row.append(sheet.total if sheet and sheet.total is not None else "")
        row += [sheet.conclusion_label() if sheet and sheet.conclusion else "", note]
        rows.append(row)
    if criteria and result.criterion_means:
        mean_row: list[Any] = ["", "Điểm trung bình", ""]
        mean_row += [fmt_number(result.criterion_means.get(c.code, 0)) for c in criteria]
        mean_row.append(fmt_number(result.mean_score) if result.mean_score is not None else "")
        mean_row += [result.conclusion, ""]
        rows.append(mean_row)
    return documents.add_table(out, header, rows, after_text=SHEETS_TABLE_MARK)
