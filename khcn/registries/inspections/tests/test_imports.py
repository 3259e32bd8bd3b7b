"""Importing campaigns and sanctions: every row is checked before anything is written (authority
rule by date, dates in order, legal ground, fine ≥ 0, establishment covered by its campaign), and
every bad row is named."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import datasets
from khcn.core.models import ImportBatch
from khcn.registries.inspections.models import Inspection, Sanction

from .conftest import xlsx

pytestmark = pytest.mark.django_db
CAMPAIGN = ["Mã cuộc", "Loại", "Nội dung, phạm vi", "Ngày bắt đầu", "Ngày kết thúc"]
SANCTION = [
    "Số quyết định",
    "Ngày quyết định",
    "Mã cuộc",
    "Cơ sở",
    "Hành vi vi phạm",
    "Căn cứ pháp lý",
    "Số tiền phạt (đồng)",
    "Hạn nộp phạt",
    "Tình trạng",
    "Ngày nộp phạt",
]
GROUND = "NĐ 119/2017/NĐ-CP"


def test_campaigns_import_and_a_post_reform_inspection_row_is_refused(inspector):
    data = xlsx(
        CAMPAIGN,
        [
            ["TT-2023-01", "Thanh tra", "Thanh tra xăng dầu", "01/03/2023", "20/03/2023"],
            ["KT-2025-01", "Kiểm tra", "Kiểm tra xăng dầu", "15/09/2025", ""],
            ["TT-2025-09", "Thanh tra", "Thanh tra sau cải cách", "01/08/2025", ""],
            ["KT-2023-02", "Kiểm tra", "Ngày ngược", "10/03/2023", "01/03/2023"],
        ],
    )
    result = datasets.run_import("inspections", "cuoc.xlsx", data, user=inspector)
    assert not result.ok
    assert sorted({e.row for e in result.errors}) == [4, 5]
    messages = " ".join(e.message for e in result.errors)
    assert "Sở không được ghi nhận cuộc thanh tra ngày 01/08/2025" in messages
    assert "Ngày kết thúc không được trước ngày bắt đầu" in messages
    assert not Inspection.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED

    good = xlsx(
        CAMPAIGN,
        [
            ["TT-2023-01", "Thanh tra", "Thanh tra xăng dầu", "01/03/2023", "20/03/2023"],
            ["KT-2025-01", "Kiểm tra", "Kiểm tra", "15/09/2025", ""],
        ],
    )
    assert datasets.run_import("inspections", "cuoc.xlsx", good, user=inspector).ok
    assert Inspection.objects.count() == 2


def test_sanctions_with_bad_rows_write_nothing_and_name_every_row(build, inspector):
    inspection = build.campaign(
        start=dt.date(2023, 3, 1),
        establishments=[build.establishment("Cửa hàng Giả định Một"), build.establishment("Cửa hàng Giả định Hai")],
    )
    outsider = build.establishment("Cửa hàng Ngoài Cuộc")
    code = inspection.code
    data = xlsx(
        SANCTION,
        [
            [
                "01/QĐ-XPHC",
                "10/03/2023",
                code,
                "Cửa hàng Giả định Một",
                "Cân sai",
                GROUND,
                "2.500.000",
                "24/03/2023",
                "Chưa nộp phạt",
                "",
            ],
            [
                "02/QĐ-XPHC",
                "10/03/2023",
                code,
                "Cửa hàng Giả định Hai",
                "Không căn cứ",
                "",
                "1.000.000",
                "24/03/2023",
                "",
                "",
            ],
            [
                "03/QĐ-XPHC",
                "10/03/2023",
                code,
                "Cửa hàng Giả định Hai",
                "Tiền âm",
                GROUND,
                "-1.000.000",
                "24/03/2023",
                "",
                "",
            ],
            ["04/QĐ-XPHC", "10/03/2023", code, outsider.name, "Ngoài cuộc", GROUND, "1.000.000", "24/03/2023", "", ""],
            [
                "05/QĐ-XPHC",
                "10/03/2023",
                "KT-1999-99",
                "Cửa hàng Giả định Hai",
                "Cuộc không có",
                GROUND,
                "1.000.000",
                "24/03/2023",
                "",
                "",
            ],
            [
                "06/QĐ-XPHC",
                "10/03/2023",
                code,
                "Cửa hàng Giả định Hai",
                "Hạn trước quyết định",
                GROUND,
                "1.000.000",
                "01/03/2023",
                "",
                "",
            ],
            [
                "07/QĐ-XPHC",
                "10/03/2023",
                code,
                "Cửa hàng Giả định Hai",
                "Đã nộp mà không có ngày",
                GROUND,
                "1.000.000",
                "24/03/2023",
                "Đã nộp phạt",
                "",
            ],
            [
                "01/QĐ-XPHC",
                "10/03/2023",
                code,
                "Cửa hàng Giả định Hai",
                "Trùng số",
                GROUND,
                "1.000.000",
                "24/03/2023",
                "",
                "",
            ],
        ],
    )
    result = datasets.run_import("inspection_sanctions", "xu-phat.xlsx", data, user=inspector)
    assert sorted({e.row for e in result.errors}) == [3, 4, 5, 6, 7, 8, 9]
    by_row = {e.row: e for e in result.errors}
    assert by_row[3].column == "Căn cứ pháp lý" and by_row[3].message == "Bắt buộc phải có giá trị"
    assert by_row[4].message == "Số tiền không được âm"
    assert "không có trong danh sách cơ sở" in by_row[5].message
    assert "Không tìm thấy" in by_row[6].message
    assert not Sanction.objects.exists()


def test_a_good_sanction_file_imports_and_counts_in_the_fines(build, inspector):
    inspection = build.campaign(
        start=dt.date(2023, 3, 1), establishments=[build.establishment("Cửa hàng Giả định Một")]
    )
    data = xlsx(
        SANCTION,
        [
            [
                "01/QĐ-XPHC",
                "10/03/2023",
                inspection.code,
                "Cửa hàng Giả định Một",
                "Cân sai",
                GROUND,
                "2.500.000",
                "24/03/2023",
                "Đã nộp phạt",
                "20/03/2023",
            ],
        ],
    )
    result = datasets.run_import("inspection_sanctions", "xu-phat.xlsx", data, user=inspector)
    assert result.ok, result.errors
    sanction = Sanction.objects.get()
    assert (
        sanction.amount == 2_500_000
        and sanction.decision_key == "01/qd-xphc"
        and sanction.status == Sanction.Status.PAID
    )
    exported = datasets.run_export("inspection_sanctions")
    again = datasets.run_import("inspection_sanctions", "xuat.xlsx", exported, user=inspector, dry_run=True)
    assert again.ok and again.updated == 1
