"""Default rule sets, one per kind of council, valid from 01/01/2014 (one regime: Law 29/2013 and
its circulars, mirrored by Hưng Yên's decisions).

Values not checked against the provincial text are marked "[chưa xác minh]" in the legal basis;
staff correct them in the back office (Bộ quy tắc đánh giá), and a new regime (Law 93/2025) gets
new rule sets with their own valid_from, closing these with valid_to.

Used by migration 0002 (a fresh database) and by `seed_defaults` when the rule-set table is empty
(a database flushed by `manage.py flush` or by a transactional test), so councils always work.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

VALID_FROM = dt.date(2014, 1, 1)

SELECTION_CRITERIA: list[tuple[str, str, int, bool]] = [
    # (code, label, max points, key criterion for tie-breaks)
    ("can_thiet", "Tính cấp thiết của nhiệm vụ", 10, False),
    ("muc_tieu", "Mục tiêu rõ ràng, phù hợp với đặt hàng", 10, False),
    ("noi_dung", "Nội dung nghiên cứu và phương pháp, kỹ thuật sử dụng", 30, True),
    ("san_pham", "Sản phẩm, chỉ tiêu chất lượng và khả năng ứng dụng", 20, False),
    ("nang_luc", "Năng lực của tổ chức chủ trì và cá nhân thực hiện", 15, False),
    ("kinh_phi", "Tính hợp lý của dự toán kinh phí", 15, False),
]

IDENTIFICATION_CRITERIA: list[tuple[str, str, int, bool]] = [
    ("can_thiet", "Tính cấp thiết, phù hợp với định hướng phát triển của tỉnh", 30, True),
    ("tinh_moi", "Tính mới, tính tiên tiến", 20, False),
    ("kha_thi", "Tính khả thi (nhân lực, thời gian, kinh phí)", 20, False),
    ("ung_dung", "Khả năng ứng dụng và địa chỉ sử dụng kết quả", 30, False),
]

RULE_SETS: list[dict[str, Any]] = [
    {
        "kind": "identification",
        "name": "Tư vấn xác định nhiệm vụ KH&CN cấp tỉnh (từ 2014)",
        "legal_basis": (
            "Thông tư 07/2014/TT-BKHCN (sau là 03/2017/TT-BKHCN, 06/2023/TT-BKHCN) về xác định nhiệm vụ; "
            "Hưng Yên: QĐ 14/2020/QĐ-UBND, QĐ 19/2023/QĐ-UBND. "
            "Thành viên bỏ phiếu “đề nghị thực hiện” hoặc “không đề nghị thực hiện”; nhiệm vụ được đề nghị khi "
            "ít nhất 2/3 số thành viên có mặt đề nghị [chưa xác minh]. Đủ điều kiện họp khi có ít nhất 2/3 số "
            "thành viên, có Chủ tịch hoặc Phó Chủ tịch [chưa xác minh với văn bản của tỉnh]. "
            "Phần chấm điểm theo tiêu chí chỉ để tham khảo; thang điểm do Sở đặt làm mẫu [chưa xác minh]."
        ),
        "method": "vote",
        "quorum_fraction": "2/3",
        "quorum_requires_chair": True,
        "quorum_requires_reviewers": False,
        "recommend_fraction": "2/3",
        "criteria": IDENTIFICATION_CRITERIA,
    },
    {
        "kind": "selection",
        "name": "Tuyển chọn tổ chức, cá nhân chủ trì nhiệm vụ KH&CN cấp tỉnh (từ 2014)",
        "legal_basis": (
            "Thông tư 10/2014/TT-BKHCN (sau là 08/2017/TT-BKHCN, 20/2023/TT-BKHCN) về tuyển chọn, giao trực tiếp; "
            "Hưng Yên: QĐ 14/2020/QĐ-UBND, QĐ 13/2024/QĐ-UBND. "
            "Phiếu 100 điểm; hồ sơ được đề nghị khi điểm trung bình của các phiếu hợp lệ đạt từ 70/100 và không "
            "có tiêu chí nào bị quá 1/3 số thành viên có mặt cho 0 điểm [chưa xác minh với văn bản của tỉnh]. "
            "Đủ điều kiện họp khi có ít nhất 2/3 số thành viên, có Chủ tịch hoặc Phó Chủ tịch và 2 ủy viên "
            "phản biện [chưa xác minh]. Các tiêu chí và điểm tối đa do Sở đặt làm mẫu [chưa xác minh]. "
            "Khi bằng điểm: ưu tiên điểm tiêu chí “Nội dung và phương pháp”, sau đó điểm của Chủ tịch hội đồng "
            "[chưa xác minh]."
        ),
        "method": "score",
        "quorum_fraction": "2/3",
        "quorum_requires_chair": True,
        "quorum_requires_reviewers": True,
        "pass_mean_score": Decimal("70"),
        "max_zero_fraction": "1/3",
        "criteria": SELECTION_CRITERIA,
    },
    {
        "kind": "direct_assignment",
        "name": "Giao trực tiếp tổ chức, cá nhân chủ trì nhiệm vụ KH&CN cấp tỉnh (từ 2014)",
        "legal_basis": (
            "Thông tư 10/2014/TT-BKHCN (sau là 08/2017/TT-BKHCN, 20/2023/TT-BKHCN); Hưng Yên: QĐ 14/2020/QĐ-UBND, "
            "QĐ 13/2024/QĐ-UBND. Cùng thang điểm và ngưỡng với tuyển chọn: 70/100, không tiêu chí nào bị quá 1/3 "
            "số thành viên có mặt cho 0 điểm [chưa xác minh với văn bản của tỉnh]. Đủ điều kiện họp: 2/3 số "
            "thành viên, có Chủ tịch hoặc Phó Chủ tịch và 2 phản biện [chưa xác minh]."
        ),
        "method": "score",
        "quorum_fraction": "2/3",
        "quorum_requires_chair": True,
        "quorum_requires_reviewers": True,
        "pass_mean_score": Decimal("70"),
        "max_zero_fraction": "1/3",
        "criteria": SELECTION_CRITERIA,
    },
    {
        "kind": "budget_appraisal",
        "name": "Thẩm định nội dung, kinh phí nhiệm vụ KH&CN cấp tỉnh (từ 2014)",
        "legal_basis": (
            "Thông tư 10/2014/TT-BKHCN; Thông tư 03/2023/TT-BTC (dự toán, quản lý kinh phí); quy định của tỉnh. "
            "Tổ thẩm định thông qua nội dung, kinh phí khi ít nhất 1/2 số thành viên có mặt đồng ý [chưa xác minh]. "
            "Đủ điều kiện họp: 2/3 số thành viên, có Tổ trưởng (Chủ tịch) hoặc Phó [chưa xác minh]."
        ),
        "method": "vote",
        "quorum_fraction": "2/3",
        "quorum_requires_chair": True,
        "quorum_requires_reviewers": False,
        "recommend_fraction": "1/2",
        "criteria": [],
    },
    {
        "kind": "acceptance",
        "name": "Đánh giá, nghiệm thu nhiệm vụ KH&CN cấp tỉnh (từ 2014)",
        "legal_basis": (
            "Thông tư 11/2014/TT-BKHCN về đánh giá, nghiệm thu; quy định quản lý nhiệm vụ của tỉnh (Hưng Yên: "
            "QĐ 03/2017/QĐ-UBND). Mỗi thành viên xếp loại Xuất sắc/Đạt/Không đạt. Đạt khi ít nhất 3/4 số thành "
            "viên có mặt xếp loại Đạt trở lên; Xuất sắc khi ít nhất 3/4 số thành viên có mặt xếp loại Xuất sắc và "
            "không có thành viên nào xếp loại Không đạt [điều kiện “không có Không đạt” chưa xác minh]. "
            "Đủ điều kiện họp: 2/3 số thành viên, có Chủ tịch hoặc Phó Chủ tịch và 2 phản biện [chưa xác minh]."
        ),
        "method": "grade",
        "quorum_fraction": "2/3",
        "quorum_requires_chair": True,
        "quorum_requires_reviewers": True,
        "pass_fraction": "3/4",
        "excellent_fraction": "3/4",
        "excellent_requires_no_failed": True,
        "criteria": [],
    },
    {
        "kind": "initiatives",
        "name": "Xét công nhận sáng kiến (từ 2014)",
        "legal_basis": (
            "Nghị định 13/2012/NĐ-CP (Điều lệ sáng kiến), Thông tư 18/2013/TT-BKHCN; quy định về sáng kiến của tỉnh. "
            "Sáng kiến được đề nghị công nhận khi ít nhất 1/2 số thành viên có mặt đồng ý [chưa xác minh: văn bản "
            "có thể yêu cầu “trên 1/2”]. Đủ điều kiện họp: 2/3 số thành viên, có Chủ tịch hoặc Phó Chủ tịch "
            "[chưa xác minh]."
        ),
        "method": "vote",
        "quorum_fraction": "2/3",
        "quorum_requires_chair": True,
        "quorum_requires_reviewers": False,
        "recommend_fraction": "1/2",
        "criteria": [],
    },
    {
        "kind": "technology_appraisal",
        "name": "Thẩm định, cho ý kiến về công nghệ dự án đầu tư (từ 2014)",
        "legal_basis": (
            "Luật Chuyển giao công nghệ 2017; Nghị định 76/2018/NĐ-CP; quy định của tỉnh. Hội đồng kết luận "
            "công nghệ đạt yêu cầu khi ít nhất 2/3 số thành viên có mặt đồng ý [chưa xác minh]. Đủ điều kiện "
            "họp: 2/3 số thành viên, có Chủ tịch hoặc Phó Chủ tịch [chưa xác minh]."
        ),
        "method": "vote",
        "quorum_fraction": "2/3",
        "quorum_requires_chair": True,
        "quorum_requires_reviewers": False,
        "recommend_fraction": "2/3",
        "criteria": [],
    },
]


def seed_defaults(RuleSet: Any, RuleCriterion: Any) -> int:
    """Create the default rule sets that are missing; works with real and historical models."""
    created = 0
    for data in RULE_SETS:
        data = dict(data)
        criteria: list[tuple[str, str, int, bool]] = data.pop("criteria")
        if RuleSet.objects.filter(kind=data["kind"], valid_from=VALID_FROM).exists():
            continue
        rule_set = RuleSet.objects.create(valid_from=VALID_FROM, **data)
        created += 1
        for order, (code, label, max_points, is_key) in enumerate(criteria, start=1):
            RuleCriterion.objects.create(
                rule_set=rule_set, code=code, label=label, max_points=max_points, order=order, is_key=is_key
            )
    return created
