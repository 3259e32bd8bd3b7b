"""The annual report's structure, as data: sections in the seed article's order, each line a
prose template in the article's style whose `{metric.key}` placeholders are filled with figures.

The article (facts.md) reads: legal documents; technology, technology transfer and IP;
innovation; initiatives; radiation safety; standards, quality and metrology; inspections; S&T
tasks; then the next year's plan. Keeping the order and wording here (not in a template) lets the
web page, the DOCX and the XLSX say the same sentences, and lets a test walk every placeholder.

Placeholders other than metric keys are report context: {year}, {prev_year}, {next_year},
{decision_number}, {decision_date}, {groups} (the plan's task groups, written out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_0-9]+)+)\}")
CONTEXT_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Line:
    template: str

    @property
    def keys(self) -> list[str]:
        return PLACEHOLDER.findall(self.template)


@dataclass(frozen=True)
class Section:
    code: str
    title: object  # lazy translation
    lines: tuple[Line, ...]
    # 0: figures of the report's period; 1: the next year's plan (figures for year + 1).
    year_offset: int = 0


RESULTS: tuple[Section, ...] = (
    Section(
        "legaldocs",
        _("Xây dựng, ban hành văn bản"),
        (
            Line(
                "Đã tham mưu xây dựng, trình Tỉnh ủy, HĐND tỉnh, UBND tỉnh ban hành {legaldocs.normative} văn bản"
                " quy phạm pháp luật; {legaldocs.directive} văn bản chỉ đạo điều hành."
            ),
        ),
    ),
    Section(
        "technology",
        _("Quản lý công nghệ, chuyển giao công nghệ và sở hữu trí tuệ"),
        (
            Line(
                "Tham gia ý kiến về công nghệ cho {technology.opinions} dự án đầu tư vào địa bàn tỉnh;"
                " {technology.appraisal_councils} hội đồng đánh giá công nghệ dự án đầu tư; tổ chức"
                " {technology.workshops} hội thảo với {technology.workshop_attendees} lượt tổ chức, doanh nghiệp,"
                " người sản xuất trên địa bàn tỉnh; cấp {technology.transfer_certificates_amended} Giấy chứng nhận"
                " đăng ký gia hạn, sửa đổi, bổ sung nội dung chuyển giao công nghệ;"
                " {technology.transfer_certificates_new} Giấy chứng nhận đăng ký chuyển giao công nghệ."
            ),
            Line(
                "Hỗ trợ đăng ký bảo hộ nhãn hiệu trong nước cho {ip.support_organisations} đơn vị và"
                " {ip.support_individuals} cá nhân với {ip.supported_marks} nhãn hiệu và kiểu dáng công nghiệp;"
                " cấp {ip.certification_mark_certificates} giấy chứng nhận quyền sử dụng nhãn hiệu chứng nhận"
                " “Long nhãn Hưng Yên”; {ip.gi_certificates} giấy chứng nhận chỉ dẫn địa lý “Hưng Yên”."
            ),
        ),
    ),
    Section(
        "innovation",
        _("Khởi nghiệp, đổi mới sáng tạo"),
        (
            Line(
                "Hỗ trợ {innovation.startups_supported} doanh nghiệp khởi nghiệp, đổi mới sáng tạo;"
                " {innovation.techfest_enterprises} doanh nghiệp tham gia chuỗi sự kiện kết nối cung cầu Techfest"
                " vùng đồng bằng sông Hồng; tập huấn kiến thức về sở hữu trí tuệ, khởi nghiệp đổi mới sáng tạo cho"
                " {innovation.trainees} lượt đoàn viên, thanh niên, doanh nghiệp, hợp tác xã, hộ kinh doanh và cán bộ,"
                " công chức quản lý tại các địa phương; tổ chức {innovation.startup_days} “Ngày hội sáng tạo, khởi"
                " nghiệp của đoàn viên thanh niên, sinh viên” và {innovation.news_items} tin bài, phóng sự tuyên"
                " truyền về phong trào đổi mới sáng tạo."
            ),
        ),
    ),
    Section(
        "initiatives",
        _("Sáng kiến"),
        (
            Line(
                "Tổ chức {initiatives.council_meetings} cuộc họp của Hội đồng sáng kiến tỉnh xét và đề nghị công nhận"
                " {initiatives.recommended} sáng kiến; hỗ trợ {initiatives.supported_wider} sáng kiến áp dụng nhân"
                " rộng trên địa bàn tỉnh."
            ),
        ),
    ),
    Section(
        "radiation",
        _("An toàn bức xạ và hạt nhân"),
        (
            Line(
                "Thẩm định cấp {radiation.licences_issued} giấy phép tiến hành công việc bức xạ,"
                " {radiation.worker_certificates_issued} chứng chỉ nhân viên bức xạ; tập huấn, đào tạo nghiệp vụ an"
                " toàn bức xạ và hạt nhân cho {radiation.trainees} đơn vị/người làm công việc bức xạ;"
                " {radiation.staff_trained} cán bộ chuyên môn tại Sở; điều tra, xây dựng bộ dữ liệu phông phóng xạ"
                " môi trường với {radiation.survey_points} điểm đo trên toàn tỉnh."
            ),
        ),
    ),
    Section(
        "quality",
        _("Tiêu chuẩn, đo lường, chất lượng"),
        (
            Line(
                "Ban hành {quality.announcements_regulation} bản thông báo công bố hợp quy,"
                " {quality.announcements_standard} bản thông báo công bố hợp chuẩn, tiếp nhận"
                " {quality.import_registrations} bản đăng ký kiểm tra chất lượng hàng hóa nhập khẩu cho"
                " {quality.import_enterprises} doanh nghiệp trên địa bàn tỉnh; tổ chức {quality.training_classes} lớp"
                " tập huấn về áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 cho"
                " {quality.trainees} lượt học viên; khảo sát chất lượng sản phẩm hàng hóa lưu thông trên thị trường"
                " tại {quality.surveyed_businesses} đơn vị kinh doanh xăng, dầu, điện – điện tử."
            ),
            Line(
                "Thực hiện kiểm định đối với {metrology.verified} phương tiện đo (PTĐ) các loại: hiệu chỉnh, kiểm định"
                " và cấp giấy chứng nhận kiểm định, tem kiểm định cho {metrology.passed} PTĐ; loại bỏ"
                " {metrology.rejected} PTĐ các loại."
            ),
        ),
    ),
    Section(
        "inspections",
        _("Thanh tra, kiểm tra"),
        (
            Line(
                "Tiến hành thanh tra {inspections.inspections} cuộc tại {inspections.inspected_establishments} cơ sở;"
                " tiến hành kiểm tra tại {inspections.checked_establishments} cơ sở sản xuất, kinh doanh về tiêu"
                " chuẩn đo lường, chất lượng và ghi nhãn hàng hóa; xử phạt vi phạm hành chính:"
                " {inspections.fines_total}."
            ),
        ),
    ),
    Section(
        "research",
        _("Nhiệm vụ khoa học và công nghệ"),
        (
            Line(
                "Năm {year} thực hiện {research.plan_tasks} nhiệm vụ KH&CN, trong đó:"
                " {research.plan_tasks_carried_over} nhiệm vụ chuyển tiếp từ năm {prev_year};"
                " {research.plan_tasks_new} nhiệm vụ bắt đầu thực hiện từ năm {year}."
            ),
        ),
    ),
)

PLAN = Section(
    "plan",
    _("Kế hoạch khoa học và công nghệ năm sau"),
    (
        Line(
            "Công tác xây dựng kế hoạch năm {next_year} với {research.proposals_received} phiếu đề xuất mới, Hội"
            " đồng đã thảo luận thống nhất và trình UBND tỉnh phê duyệt tại Quyết định số {decision_number} ngày"
            " {decision_date} phê duyệt Kế hoạch khoa học và công nghệ năm {next_year} với tổng số"
            " {research.plan_tasks} nhiệm vụ KH&CN, trong đó: {research.plan_tasks_carried_over} nhiệm vụ chuyển"
            " tiếp từ năm {year}; {research.plan_tasks_new} nhiệm vụ bắt đầu thực hiện từ năm {next_year}"
            " ({groups}), với tổng kinh phí thực hiện {research.plan_budget_total}."
        ),
    ),
    year_offset=1,
)

SECTIONS: tuple[Section, ...] = (*RESULTS, PLAN)
# The plan's breakdown by task group: a figure per group, written into {groups}.
PLAN_GROUPS_KEY = "research.plan_tasks_by_group"


def all_keys() -> list[str]:
    """Every metric key the layout names, in order, without repeats."""
    seen: dict[str, None] = {}
    for section in SECTIONS:
        for line in section.lines:
            for key in line.keys:
                seen.setdefault(key, None)
    return list(seen)
