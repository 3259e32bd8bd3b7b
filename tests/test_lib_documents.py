from __future__ import annotations

import datetime as dt

from khcn.lib import documents


def test_decree30_template_renders_header_number_date_and_signature():
    template = documents.decree30_template(
        title="QUYẾT ĐỊNH",
        subtitle="Về việc thành lập Hội đồng tư vấn xác định nhiệm vụ",
        body=["Căn cứ {{ basis }};", "{%p for m in members %}", "{{ loop.index }}. {{ m }}", "{%p endfor %}"],
    )
    out = documents.render(
        template,
        {
            "number": "12/QĐ-SKHCN",
            "date": dt.date(2024, 3, 5),
            "basis": "Luật Khoa học và Công nghệ",
            "members": ["PGS.TS. Nguyễn Thị Thanh", "TS. Lê Thị Hương & cộng sự"],
            "recipients": ["Như Điều 3", "Lưu: VT"],
            "signer_title": "GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn Minh",
        },
    )
    text = documents.docx_text(out)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Số: 12/QĐ-SKHCN" in text
    assert "Hưng Yên, ngày 5 tháng 3 năm 2024" in text
    assert "1. PGS.TS. Nguyễn Thị Thanh" in text
    assert "2. TS. Lê Thị Hương & cộng sự" in text  # escaped for XML, shown as typed
    assert "- Lưu: VT;" in text
    assert "Nguyễn Văn Minh" in text
    assert "{{" not in text and "{%" not in text


def test_add_table_appends_rows():
    out = documents.add_table(
        documents.render(documents.decree30_template(title="PHỤ LỤC", body=[]), {"number": "1", "date": dt.date(2024, 1, 15)}),
        ["TT", "Tên nhiệm vụ", "Kinh phí (đồng)"],
        [[1, "Nhiệm vụ A", "1.000.000"], [2, "Nhiệm vụ B", "2.000.000"]],
    )
    text = documents.docx_text(out)
    assert "Tên nhiệm vụ" in text and "Nhiệm vụ B" in text and "2.000.000" in text
