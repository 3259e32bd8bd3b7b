"""Importing the library from Excel: a good file is written whole; a file with bad rows writes
nothing and names every bad row."""

from __future__ import annotations

import pytest

from khcn.core import datasets
from khcn.core.models import ImportBatch
from khcn.registries.legaldocs.models import LegalDocument

from .conftest import UBND, xlsx

pytestmark = pytest.mark.django_db
HEADERS = [
    "Loại văn bản",
    "Hình thức",
    "Số, ký hiệu",
    "Ngày ban hành",
    "Cơ quan ban hành",
    "Trích yếu",
    "Ngày có hiệu lực",
    "Do Sở tham mưu",
]


def test_a_good_file_imports_and_is_searchable(ubnd, science_officer):
    data = xlsx(
        HEADERS,
        [
            [
                "Văn bản quy phạm pháp luật",
                "Quyết định",
                "12/2023/QĐ-UBND",
                "14/04/2023",
                UBND,
                "Quy định quản lý nhiệm vụ khoa học và công nghệ",
                "25/04/2023",
                "Có",
            ],
            [
                "Văn bản chỉ đạo, điều hành",
                "Kế hoạch",
                "18/KH-UBND",
                "30/01/2023",
                UBND,
                "Kế hoạch đo lường năm 2023",
                "",
                "Có",
            ],
        ],
    )
    result = datasets.run_import("legal_documents", "van-ban.xlsx", data, user=science_officer)
    assert result.ok, result.errors
    assert LegalDocument.objects.count() == 2
    doc = LegalDocument.objects.get(number="18/KH-UBND")
    assert doc.drafted_by_department and "do luong" in doc.search_text and doc.issuer == ubnd
    # The same file again updates, it does not duplicate.
    again = datasets.run_import("legal_documents", "van-ban.xlsx", data, user=science_officer)
    assert again.ok and again.updated == 2 and LegalDocument.objects.count() == 2


def test_bad_rows_are_all_named_and_nothing_is_written(ubnd, science_officer):
    data = xlsx(
        HEADERS,
        [
            [
                "Văn bản quy phạm pháp luật",
                "Quyết định",
                "12/2023/QĐ-UBND",
                "14/04/2023",
                UBND,
                "Tốt",
                "25/04/2023",
                "Có",
            ],
            [
                "Văn bản chỉ đạo, điều hành",
                "Kế hoạch",
                "18/KH-UBND",
                "30/01/2023",
                UBND,
                "Hiệu lực trước ban hành",
                "01/01/2023",
                "Có",
            ],
            ["Thông tư", "Kế hoạch", "19/KH-UBND", "30/01/2023", UBND, "Loại sai", "", ""],
            [
                "Văn bản chỉ đạo, điều hành",
                "Kế hoạch",
                "20/KH-UBND",
                "30/01/2023",
                "Sở không có",
                "Cơ quan không có",
                "",
                "",
            ],
            ["Văn bản chỉ đạo, điều hành", "Kế hoạch", "12/2023/QĐ-UBND", "30/01/2023", UBND, "Trùng số", "", ""],
        ],
    )
    result = datasets.run_import("legal_documents", "van-ban.xlsx", data, user=science_officer)
    assert not result.ok
    assert sorted({e.row for e in result.errors}) == [3, 4, 5, 6]
    messages = " ".join(e.message for e in result.errors)
    assert "Ngày có hiệu lực không được trước ngày ban hành" in messages
    assert "Không có trong danh mục" in messages
    assert "Không tìm thấy" in messages
    assert "Trùng" in messages
    assert not LegalDocument.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_the_export_reimports(ubnd, build, science_officer):
    build.doc("1/KH-UBND", "Kế hoạch khoa học")
    data = datasets.run_export("legal_documents")
    result = datasets.run_import("legal_documents", "xuat.xlsx", data, user=science_officer, dry_run=True)
    assert result.ok and result.updated == 1 and result.created == 0
