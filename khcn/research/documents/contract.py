"""The contract for carrying out an S&T task (hợp đồng thực hiện nhiệm vụ KH&CN), after the model
of Circular 05/2014/TT-BKHCN, in the Decree 30/2020 layout, built from the records: the parties,
the task, its duration, its value by source, the tranche schedule with its conditions, and the
usual articles in short. Every figure comes from the Contract and Tranche rows; record values go
through the template's context (escaped), never into the template text itself."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from khcn.lib import documents
from khcn.lib.formats import format_date, group_thousands
from khcn.research import selectors
from khcn.research.models import Contract, Tranche

TABLE_MARKER = "[[LICH_CAP_KINH_PHI]]"

BODY = [
    "Căn cứ Bộ luật Dân sự ngày 24 tháng 11 năm 2015;",
    "Căn cứ Luật Khoa học và Công nghệ ngày 18 tháng 6 năm 2013;",
    "Căn cứ Thông tư số 05/2014/TT-BKHCN ngày 10 tháng 4 năm 2014 của Bộ trưởng Bộ Khoa học và Công nghệ "
    "ban hành mẫu hợp đồng nghiên cứu khoa học và phát triển công nghệ;",
    "Căn cứ {{ approval }};",
    "Chúng tôi gồm:",
    "1. Bên đặt hàng (Bên A): {{ department }}",
    "Địa chỉ: {{ department_address }}",
    "Đại diện: {{ department_signer }}",
    "2. Bên nhận đặt hàng (Bên B): {{ host }}",
    "Địa chỉ: {{ host_address }}",
    "Đại diện: {{ host_representative }}",
    "Chủ nhiệm nhiệm vụ: {{ pi }}",
    "Hai bên thỏa thuận và thống nhất ký hợp đồng thực hiện nhiệm vụ khoa học và công nghệ với các điều khoản sau:",
    "Điều 1. Đặt hàng và nhận đặt hàng thực hiện nhiệm vụ",
    "Bên A đặt hàng và Bên B nhận thực hiện nhiệm vụ “{{ title }}”, mã số {{ code }}, theo thuyết minh đã được "
    "phê duyệt; thuyết minh là bộ phận không tách rời của hợp đồng này.",
    "Thời gian thực hiện: {{ months }} tháng, từ ngày {{ start }} đến ngày {{ end }}.",
    "Điều 2. Kinh phí thực hiện nhiệm vụ",
    "Tổng kinh phí thực hiện nhiệm vụ: {{ total }} đồng, trong đó:",
    "- Kinh phí từ ngân sách nhà nước: {{ state_budget }} đồng, gồm kinh phí khoán {{ lump_sum }} đồng và "
    "kinh phí không giao khoán {{ not_lump_sum }} đồng;",
    "- Vốn đối ứng: {{ counterpart }} đồng;",
    "- Nguồn khác: {{ other }} đồng.",
    "Kinh phí từ ngân sách nhà nước được cấp theo tiến độ sau (đơn vị: đồng):",
    TABLE_MARKER,
    "Điều 3. Quyền và nghĩa vụ của Bên A",
    "Cấp kinh phí từ ngân sách nhà nước theo tiến độ tại Điều 2 khi điều kiện của từng đợt được đáp ứng; "
    "kiểm tra, đánh giá định kỳ hoặc đột xuất việc thực hiện nhiệm vụ; tổ chức đánh giá, nghiệm thu và "
    "công nhận kết quả; được quyền tạm dừng, chấm dứt hợp đồng và thu hồi kinh phí theo quy định.",
    "Điều 4. Quyền và nghĩa vụ của Bên B",
    "Tổ chức thực hiện nhiệm vụ đúng nội dung, tiến độ và sản phẩm đã đăng ký; sử dụng kinh phí đúng mục đích, "
    "chế độ và quyết toán theo quy định; đề nghị điều chỉnh, gia hạn (nếu có) bằng văn bản trước khi kết thúc "
    "ít nhất {{ extension_days }} ngày; đăng ký, lưu giữ kết quả và báo cáo ứng dụng kết quả sau nghiệm thu.",
    "Điều 5. Báo cáo và kiểm tra",
    "Bên B gửi báo cáo tiến độ định kỳ {{ report_months }} tháng một lần, chậm nhất {{ report_days }} ngày "
    "sau khi hết kỳ báo cáo, và chịu sự kiểm tra của Bên A.",
    "Điều 6. Đánh giá, nghiệm thu",
    "Trong thời hạn {{ dossier_days }} ngày kể từ khi kết thúc thời gian thực hiện, Bên B nộp hồ sơ đánh giá, "
    "nghiệm thu; Bên A tổ chức hội đồng đánh giá, nghiệm thu cấp tỉnh và công nhận kết quả theo quy định.",
    "Điều 7. Thanh lý hợp đồng",
    "Hợp đồng được thanh lý sau khi nhiệm vụ được nghiệm thu, kinh phí được quyết toán, tài sản hình thành "
    "được xử lý, hoặc khi hợp đồng bị chấm dứt; kinh phí phải thu hồi (nếu có) được nộp trả ngân sách nhà nước.",
    "Điều 8. Điều khoản chung",
    "Hai bên cam kết thực hiện đúng các điều khoản của hợp đồng. Hợp đồng có hiệu lực kể từ ngày ký, được lập "
    "thành 06 bản có giá trị như nhau, mỗi bên giữ 03 bản.",
]


def _digits(amount: int) -> str:
    return group_thousands(int(amount))


def _context(contract: Contract) -> dict[str, Any]:
    task = contract.task
    rule = selectors.rule_for(task, contract.signed_on)
    approval = task.approval
    total = contract.state_budget + contract.counterpart_budget + contract.other_budget
    return {
        "number": contract.number,
        "date": contract.signed_on,
        "approval": (
            _("Quyết định số %(n)s ngày %(d)s phê duyệt tổ chức chủ trì, chủ nhiệm và kinh phí nhiệm vụ")
            % {"n": approval.number, "d": format_date(approval.date)}
            if approval is not None
            else _("quyết định phê duyệt tổ chức chủ trì, chủ nhiệm và kinh phí nhiệm vụ")
        ),
        "department": contract.department.name,
        "department_address": contract.department.address or "…",
        "department_signer": contract.department_signer or contract.department.representative or "…",
        "host": contract.host.name,
        "host_address": contract.host.address or "…",
        "host_representative": contract.host.representative or "…",
        "pi": str(contract.pi),
        "title": task.title,
        "code": task.code,
        "months": selectors.duration_months(contract.start, contract.end),
        "start": format_date(contract.start),
        "end": format_date(contract.end),
        "total": _digits(total),
        "state_budget": _digits(contract.state_budget),
        "lump_sum": _digits(contract.state_budget_lump_sum),
        "not_lump_sum": _digits(contract.state_budget - contract.state_budget_lump_sum),
        "counterpart": _digits(contract.counterpart_budget),
        "other": _digits(contract.other_budget),
        "extension_days": rule.extension_min_days_before_end,
        "report_months": rule.report_period_months,
        "report_days": rule.report_due_days,
        "dossier_days": rule.acceptance_dossier_days,
    }


def _tranche_rows(contract: Contract) -> list[list[Any]]:
    tranches = list(Tranche.objects.active().filter(contract=contract).order_by("number"))
    rows: list[list[Any]] = [
        [
            t.number,
            t.get_kind_display(),
            _digits(t.amount),
            format_date(t.planned_on) or "",
            t.get_condition_display(),
        ]
        for t in tranches
    ]
    rows.append(["", _("Cộng"), _digits(sum(t.amount for t in tranches)), "", ""])
    return rows


def _finish(docx: bytes, contract: Contract) -> bytes:
    """Drop the table marker and add the two parties' signature columns."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document(io.BytesIO(docx))
    for paragraph in document.paragraphs:
        if TABLE_MARKER in paragraph.text:
            paragraph._p.getparent().remove(paragraph._p)
            break
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    sides = (
        (_("ĐẠI DIỆN BÊN A"), contract.department_signer or contract.department.representative),
        (_("ĐẠI DIỆN BÊN B"), contract.host.representative),
    )
    for cell, (heading, name) in zip(table.rows[0].cells, sides, strict=True):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(heading)
        run.bold = True
        cell.add_paragraph(_("(Ký, ghi rõ họ tên và đóng dấu)")).runs[0].italic = True
        for _blank in range(3):
            cell.add_paragraph()
        signer = cell.add_paragraph().add_run(name or "")
        signer.bold = True
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def contract_docx(contract: Contract) -> bytes:
    """The signed contract as a .docx, regenerated from the records each time."""
    template = documents.decree30_template(
        title=_("HỢP ĐỒNG"),
        subtitle=_("THỰC HIỆN NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ"),
        body=BODY,
        signer_block=False,
    )
    docx = documents.render(template, _context(contract))
    header = [_("Đợt"), _("Loại"), _("Số tiền (đồng)"), _("Dự kiến cấp"), _("Điều kiện cấp")]
    docx = documents.add_table(docx, header, _tranche_rows(contract), after_text=TABLE_MARKER)
    return _finish(docx, contract)
