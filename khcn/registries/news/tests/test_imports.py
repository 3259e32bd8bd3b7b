"""Importing articles: every imported article is a draft; a file never publishes anything, and
never unpublishes what is published; bad rows are all named and nothing is written."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from khcn.core import datasets
from khcn.registries.news.models import Article

pytestmark = pytest.mark.django_db
HEADERS = ["Tiêu đề", "Chủ đề", "Thể loại", "Tóm tắt", "Nội dung", "Nguồn"]


def xlsx(rows):
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_imported_articles_are_drafts_and_published_ones_stay_published(build, science_officer):
    published = build.published("Tin đã đăng")
    data = xlsx(
        [
            ["Tin mới từ tệp", "Đổi mới sáng tạo, khởi nghiệp", "Tin", "Tóm tắt", "Nội dung", ""],
            [
                "Tin đã đăng",
                "Khoa học và công nghệ",
                "Tin",
                "Tóm tắt sửa",
                "Nội dung sửa",
                "https://khcn.hungyen.gov.vn/tin/1",
            ],
        ]
    )
    result = datasets.run_import("news_articles", "tin.xlsx", data, user=science_officer)
    assert result.ok, result.errors
    assert Article.objects.get(title="Tin mới từ tệp").status == Article.Status.DRAFT
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED and published.summary == "Tóm tắt sửa"


def test_bad_rows_are_named_and_nothing_is_written(science_officer):
    data = xlsx(
        [
            ["Tin tốt", "Khoa học và công nghệ", "Tin", "", "", ""],
            ["", "Khoa học và công nghệ", "Tin", "", "", ""],
            ["Tin chủ đề lạ", "Thể thao", "Tin", "", "", ""],
            ["Tin nguồn hỏng", "Khoa học và công nghệ", "Tin", "", "", "khong-phai-dia-chi"],
        ]
    )
    result = datasets.run_import("news_articles", "tin.xlsx", data, user=science_officer)
    assert sorted({e.row for e in result.errors}) == [3, 4, 5]
    assert not Article.objects.exists()
