"""Demo library: the national laws and decrees the department applies (real documents, as far as
recalled; doubtful details are marked [R] in the note) and the documents the department drafted.

The 2023 figures of the seed (2 legal normative, 9 directive documents drafted by the department)
are computed from the individual records below; their numbers are invented and say so in the note,
so nobody mistakes them for the province's real documents.
"""

from __future__ import annotations

import datetime as dt

from khcn.accounts.models import User
from khcn.core import demo
from khcn.directory.models import Organisation
from khcn.registries.legaldocs import services
from khcn.registries.legaldocs.models import LegalDocument, LegalDocumentRelation

D = dt.date
N = LegalDocument.Kind.NORMATIVE
C = LegalDocument.Kind.DIRECTIVE
F = LegalDocument.Form
A = LegalDocument.Area

QH = "Quốc hội"
CP = "Chính phủ"
TTG = "Thủ tướng Chính phủ"
BKHCN = "Bộ Khoa học và Công nghệ"
UBND = "Ủy ban nhân dân tỉnh Hưng Yên"
SO = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
SAMPLE = "Dữ liệu mẫu: số hiệu giả định, không phải văn bản thật."

# (kind, form, number, issued, issuer, subject, area, effective, drafted by the department, note)
DOCUMENTS: list[tuple] = [
    (
        N,
        F.LAW,
        "05/2007/QH12",
        D(2007, 11, 21),
        QH,
        "Luật Chất lượng sản phẩm, hàng hóa",
        A.STANDARDS,
        D(2008, 7, 1),
        False,
        "",
    ),
    (N, F.LAW, "04/2011/QH13", D(2011, 11, 11), QH, "Luật Đo lường", A.STANDARDS, D(2012, 7, 1), False, ""),
    (N, F.LAW, "29/2013/QH13", D(2013, 6, 18), QH, "Luật Khoa học và công nghệ", A.SCIENCE, D(2014, 1, 1), False, ""),
    (
        N,
        F.LAW,
        "07/2017/QH14",
        D(2017, 6, 19),
        QH,
        "Luật Chuyển giao công nghệ",
        A.TECHNOLOGY,
        D(2018, 7, 1),
        False,
        "",
    ),
    (
        N,
        F.LAW,
        "93/2025/QH15",
        D(2025, 6, 27),
        QH,
        "Luật Khoa học, công nghệ và đổi mới sáng tạo",
        A.SCIENCE,
        D(2025, 10, 1),
        False,
        "[R] Ngày thông qua nhớ lại, chưa đối chiếu.",
    ),
    (
        N,
        F.LAW,
        "84/2025/QH15",
        D(2025, 6, 25),
        QH,
        "Luật Thanh tra (bỏ thanh tra sở, thanh tra chuyên ngành)",
        A.INSPECTION,
        D(2025, 7, 1),
        False,
        "[R] Ngày thông qua nhớ lại, chưa đối chiếu.",
    ),
    (
        N,
        F.LAW,
        "78/2025/QH15",
        D(2025, 6, 18),
        QH,
        "Luật sửa đổi, bổ sung một số điều của Luật Chất lượng sản phẩm, hàng hóa",
        A.STANDARDS,
        D(2026, 1, 1),
        False,
        "[R] Ngày thông qua nhớ lại, chưa đối chiếu.",
    ),
    (
        N,
        F.DECREE,
        "119/2017/NĐ-CP",
        D(2017, 11, 1),
        CP,
        "Quy định về xử phạt vi phạm hành chính trong lĩnh vực tiêu chuẩn, đo lường và chất lượng sản phẩm, hàng hóa",
        A.STANDARDS,
        None,
        False,
        "",
    ),
    (
        N,
        F.DECREE,
        "126/2021/NĐ-CP",
        D(2021, 12, 30),
        CP,
        "Sửa đổi, bổ sung một số điều của các nghị định quy định xử phạt vi phạm hành chính trong lĩnh vực "
        "khoa học và công nghệ, chuyển giao công nghệ; tiêu chuẩn, đo lường và chất lượng sản phẩm, hàng hóa; "
        "sở hữu trí tuệ; năng lượng nguyên tử",
        A.INSPECTION,
        D(2022, 1, 1),
        False,
        "",
    ),
    (
        C,
        F.DECISION,
        "844/QĐ-TTg",
        D(2016, 5, 18),
        TTG,
        "Phê duyệt Đề án “Hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo quốc gia đến năm 2025”",
        A.INNOVATION,
        D(2016, 5, 18),
        False,
        "",
    ),
    (
        N,
        F.DECISION,
        "23/2021/QĐ-UBND",
        D(2021, 6, 23),
        UBND,
        "Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        A.ORGANISATION,
        None,
        True,
        "",
    ),
    # --- 2023: what the department drafted (2 legal normative, 9 directive) ---------------------
    (
        N,
        F.DECISION,
        "12/2023/QĐ-UBND",
        D(2023, 4, 14),
        UBND,
        "Ban hành Quy định quản lý nhiệm vụ khoa học và công nghệ cấp tỉnh sử dụng ngân sách nhà nước trên địa bàn tỉnh Hưng Yên",
        A.SCIENCE,
        D(2023, 4, 25),
        True,
        SAMPLE,
    ),
    (
        N,
        F.DECISION,
        "35/2023/QĐ-UBND",
        D(2023, 10, 6),
        UBND,
        "Ban hành Quy định xét công nhận sáng kiến và hỗ trợ áp dụng sáng kiến trên địa bàn tỉnh Hưng Yên",
        A.SCIENCE,
        D(2023, 10, 20),
        True,
        SAMPLE,
    ),
    (
        C,
        F.PLAN,
        "18/KH-UBND",
        D(2023, 1, 30),
        UBND,
        "Kế hoạch ứng dụng và phát triển khoa học và công nghệ tỉnh Hưng Yên năm 2023",
        A.SCIENCE,
        D(2023, 1, 30),
        True,
        SAMPLE,
    ),
    (
        C,
        F.PLAN,
        "41/KH-UBND",
        D(2023, 3, 8),
        UBND,
        "Kế hoạch hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo tỉnh Hưng Yên năm 2023",
        A.INNOVATION,
        D(2023, 3, 8),
        True,
        SAMPLE,
    ),
    (
        C,
        F.PLAN,
        "52/KH-UBND",
        D(2023, 3, 27),
        UBND,
        "Kế hoạch phát triển tài sản trí tuệ tỉnh Hưng Yên năm 2023",
        A.IP,
        D(2023, 3, 27),
        True,
        SAMPLE,
    ),
    (
        C,
        F.PLAN,
        "67/KH-UBND",
        D(2023, 4, 20),
        UBND,
        "Kế hoạch thực hiện Chương trình quốc gia nâng cao năng suất và chất lượng sản phẩm, hàng hóa năm 2023",
        A.STANDARDS,
        D(2023, 4, 20),
        True,
        SAMPLE,
    ),
    (
        C,
        F.DIRECTIVE,
        "05/CT-UBND",
        D(2023, 5, 16),
        UBND,
        "Chỉ thị về tăng cường quản lý nhà nước về đo lường, chất lượng xăng dầu trên địa bàn tỉnh",
        A.STANDARDS,
        D(2023, 5, 16),
        True,
        SAMPLE,
    ),
    (
        C,
        F.DECISION,
        "1320/QĐ-UBND",
        D(2023, 6, 12),
        UBND,
        "Thành lập Hội đồng sáng kiến tỉnh Hưng Yên",
        A.SCIENCE,
        D(2023, 6, 12),
        True,
        SAMPLE,
    ),
    (
        C,
        F.PLAN,
        "86/KH-SKHCN",
        D(2023, 2, 15),
        SO,
        "Kế hoạch kiểm tra nhà nước về đo lường, chất lượng, nhãn hàng hóa năm 2023",
        A.INSPECTION,
        D(2023, 2, 15),
        True,
        SAMPLE,
    ),
    (
        C,
        F.OFFICIAL_LETTER,
        "412/SKHCN-QLCN",
        D(2023, 9, 5),
        SO,
        "Về việc tổ chức Ngày hội khởi nghiệp đổi mới sáng tạo dành cho học sinh, sinh viên năm 2023",
        A.INNOVATION,
        D(2023, 9, 5),
        True,
        SAMPLE,
    ),
    (
        C,
        F.DECISION,
        "2604/QĐ-UBND",
        D(2023, 11, 28),
        UBND,
        "Phê duyệt danh mục nhiệm vụ khoa học và công nghệ cấp tỉnh đặt hàng để tuyển chọn, giao trực tiếp thực hiện từ năm 2024",
        A.SCIENCE,
        D(2023, 11, 28),
        True,
        SAMPLE,
    ),
    # --- After the seed: real decisions named in facts.md ---------------------------------------
    (
        C,
        F.DECISION,
        "105/QĐ-UBND",
        D(2024, 1, 15),
        UBND,
        "Phê duyệt Kế hoạch khoa học và công nghệ năm 2024 tỉnh Hưng Yên",
        A.SCIENCE,
        D(2024, 1, 15),
        True,
        "",
    ),
    (
        C,
        F.DECISION,
        "719/QĐ-UBND",
        D(2025, 8, 27),
        UBND,
        "Chương trình phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh Hưng Yên giai đoạn 2025–2030",
        A.DIGITAL,
        D(2025, 8, 27),
        True,
        "",
    ),
]

RELATIONS = [
    ("93/2025/QH15", "29/2013/QH13", LegalDocumentRelation.Kind.REPLACES, ""),
    ("126/2021/NĐ-CP", "119/2017/NĐ-CP", LegalDocumentRelation.Kind.AMENDS, ""),
    ("78/2025/QH15", "05/2007/QH12", LegalDocumentRelation.Kind.AMENDS, ""),
]


def _organisation(name: str) -> Organisation:
    org, _created = Organisation.objects.get_or_create(name=name, defaults={"kind": Organisation.Kind.STATE_AGENCY})
    return org


@demo.register
def load() -> str:
    by = User.objects.filter(is_superuser=True).order_by("pk").first()
    if by is None:
        return "bỏ qua: chưa có tài khoản quản trị (chạy dữ liệu mẫu danh bạ trước)"
    created = 0
    by_number: dict[str, LegalDocument] = {}
    for kind, form, number, issued, issuer_name, subject, area, effective, drafted, note in DOCUMENTS:
        issuer = _organisation(issuer_name)
        document = LegalDocument.objects.filter(issuer=issuer, number=number).first()
        if document is None:
            document = services.legal_document_save(
                document=LegalDocument(
                    kind=kind,
                    form=form,
                    number=number,
                    issue_date=issued,
                    issuer=issuer,
                    subject=subject,
                    area=area,
                    effective_date=effective,
                    drafted_by_department=drafted,
                    note=note,
                ),
                by=by,
            )
            created += 1
        by_number[number] = document
    for source, target, kind, note in RELATIONS:
        if not LegalDocumentRelation.objects.filter(
            source=by_number[source], target=by_number[target], kind=kind
        ).exists():
            services.legal_document_relate(
                source=by_number[source], target=by_number[target], kind=kind, note=note, by=by
            )
            created += 1
    return f"{created} bản ghi mới; {LegalDocument.objects.count()} văn bản trong thư viện"
