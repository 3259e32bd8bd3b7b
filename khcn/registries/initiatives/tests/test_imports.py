"""Importing applications and their authors: good files write, a file with any bad row writes
nothing and names every bad row."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from khcn.core import datasets
from khcn.directory.models import Person
from khcn.registries.initiatives.models import Initiative, InitiativeAuthor

pytestmark = pytest.mark.django_db

HEADERS = (
    "Mã hồ sơ",
    "Tên sáng kiến",
    "Cơ quan, đơn vị (MST hoặc tên)",
    "Lĩnh vực",
    "Năm xét",
    "Ngày áp dụng lần đầu",
    "Lợi ích kinh tế (đồng/năm)",
)
AUTHOR_HEADERS = ("Mã hồ sơ sáng kiến", "Tác giả (thư điện tử, số CCCD hoặc họ tên)", "Thứ tự", "Tỷ lệ đóng góp (%)")


def xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_applications_then_authors(science_officer, school):
    data = xlsx(
        HEADERS,
        [
            ("SK-1", "Sáng kiến A", school.name, "Giáo dục và đào tạo", 2023, "05/09/2022", "12.000.000"),
            ("SK-2", "Sáng kiến B", school.name, "", 2023, "", ""),
        ],
    )
    result = datasets.run_import("initiatives", "sk.xlsx", data, user=science_officer)
    assert result.ok, result.errors
    first = Initiative.objects.get(code="SK-1")
    assert (first.status, first.field, first.benefit_amount) == (Initiative.Status.SUBMITTED, "education", 12_000_000)

    Person.objects.create(full_name="Phạm Thị Hoa", email="hoa@truong.edu.vn")
    Person.objects.create(full_name="Vũ Văn Nam")
    authors = xlsx(
        AUTHOR_HEADERS,
        [("sk-1", "hoa@truong.edu.vn", 1, "60%"), ("SK-1", "Vũ Văn Nam", 2, "40"), ("SK-2", "Vũ Văn Nam", 1, "")],
    )
    result = datasets.run_import("initiative_authors", "tg.xlsx", authors, user=science_officer)
    assert result.ok, result.errors
    assert [(a.person.full_name, a.order, a.share_percent) for a in first.author_links.order_by("order")] == [
        ("Phạm Thị Hoa", 1, Decimal("60.00")),
        ("Vũ Văn Nam", 2, Decimal("40.00")),
    ]
    # Re-importing the same authors updates them rather than adding them twice.
    assert datasets.run_import("initiative_authors", "tg.xlsx", authors, user=science_officer).updated == 3
    assert InitiativeAuthor.objects.count() == 3


def test_bad_rows_write_nothing_and_are_each_named(science_officer, school):
    Initiative.objects.create(code="SK-OLD", title="Cũ", unit=school, year=2022)
    rows = [
        ("SK-1", "Tốt", school.name, "", 2023, "", ""),
        ("SK-2", "Đơn vị lạ", "Trường không có", "", 2023, "", ""),
        ("SK-3", "Năm sai", school.name, "", 1999, "", ""),
        ("SK-4", "Áp dụng sau năm xét", school.name, "", 2022, "01/03/2023", ""),
        ("SK-1", "Trùng mã", school.name, "", 2023, "", ""),
        ("SK-5", "", school.name, "", 2023, "", ""),
        ("SK-6", "Lĩnh vực lạ", school.name, "Thiên văn", 2023, "", ""),
    ]
    result = datasets.run_import("initiatives", "xau.xlsx", xlsx(HEADERS, rows), user=science_officer)
    assert not result.ok
    assert sorted({e.row for e in result.errors}) == [3, 4, 5, 6, 7, 8]
    messages = {e.row: e.message for e in result.errors}
    assert "Không tìm thấy tổ chức" in messages[3]
    assert "nhỏ hơn 2000" in messages[4]
    assert "sau năm xét 2022" in messages[5]
    assert "Trùng" in messages[6]
    assert "Bắt buộc" in messages[7]
    assert "Không có trong danh mục" in messages[8]
    assert Initiative.objects.count() == 1


def test_authors_that_do_not_exist_or_are_ambiguous_are_named(science_officer, school):
    Initiative.objects.create(code="SK-1", title="A", unit=school, year=2023)
    Person.objects.create(full_name="Trùng Tên")
    Person.objects.create(full_name="Trùng Tên")
    rows = [
        ("SK-1", "Không Có Ai", 1, ""),
        ("SK-1", "Trùng Tên", 2, ""),
        ("SK-9", "Trùng Tên", 1, ""),
        ("SK-1", "Trùng Tên", 3, "120"),
    ]
    result = datasets.run_import("initiative_authors", "tg.xlsx", xlsx(AUTHOR_HEADERS, rows), user=science_officer)
    messages: dict[int, str] = {}
    for e in result.errors:
        messages[e.row] = messages.get(e.row, "") + " " + e.message
    assert sorted(messages) == [2, 3, 4, 5]
    assert "Không tìm thấy cá nhân" in messages[2]
    assert "Có 2 cá nhân" in messages[3]
    assert "Không tìm thấy sáng kiến" in messages[4] and "Có 2 cá nhân" in messages[4]
    assert "từ 0 đến 100" in messages[5]
    assert not InitiativeAuthor.objects.exists()


def test_a_dry_run_checks_without_writing(science_officer, school):
    data = xlsx(HEADERS, [("SK-1", "Sáng kiến A", school.name, "", 2023, "", "")])
    result = datasets.run_import("initiatives", "sk.xlsx", data, user=science_officer, dry_run=True)
    assert result.ok and result.dry_run and result.created == 1
    assert not Initiative.objects.exists()
