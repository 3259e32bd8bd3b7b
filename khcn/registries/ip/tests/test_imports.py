"""Importing use-right certificates: holders must exist; a file with any bad row writes nothing
and names every bad row; an export re-imports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from khcn.core import datasets
from khcn.directory.models import Person
from khcn.registries.ip.models import UseRightCertificate

pytestmark = pytest.mark.django_db

HEADERS = (
    "Số giấy chứng nhận",
    "Loại",
    "Tổ chức được cấp (MST hoặc tên)",
    "Cá nhân, hộ được cấp (số CCCD hoặc họ tên)",
    "Sản phẩm",
    "Diện tích (ha)",
    "Ngày cấp",
    "Hiệu lực đến",
    "Đã thu hồi",
    "Ngày thu hồi",
    "Lý do thu hồi",
)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(
    number,
    org="",
    person="",
    *,
    kind="Chỉ dẫn địa lý",
    area="1,25",
    issued="20/06/2023",
    until="",
    revoked="Không",
    revoked_on="",
    reason="",
):
    return (number, kind, org, person, "Nhãn quả tươi", area, issued, until, revoked, revoked_on, reason)


def test_a_good_file_imports_with_holders_found_and_validity_computed(technology_officer, cooperative, household):
    data = xlsx(
        [
            row("01/2023/GCN-CDĐL", org="0900222333"),
            row("02/2023/GCN-CDĐL", person="033090000001"),
            row("03/2023/GCN-CDĐL", person="Nguyễn Văn Nhãn"),
        ]
    )
    result = datasets.run_import("ip_use_right_certificates", "gcn.xlsx", data, user=technology_officer)
    assert result.ok, result.errors
    first = UseRightCertificate.objects.get(number="01/2023/GCN-CDĐL")
    assert first.holder == cooperative and first.valid_until == dt.date(2028, 6, 19) and first.designation == "Hưng Yên"
    assert str(first.area_ha) == "1.25"
    assert UseRightCertificate.objects.get(number="03/2023/GCN-CDĐL").holder == household
    assert first.history.first().history_user == technology_officer


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_row(technology_officer, cooperative, household):
    Person.objects.create(full_name="Trần Văn Trùng")
    Person.objects.create(full_name="Trần Văn Trùng")
    rows = [
        row("01", org="0900222333"),  # good
        row("02", org="HTX không có trong danh bạ"),  # a holder that does not exist
        row("03", person="033099999999"),  # an individual that does not exist
        row("04", person="Trần Văn Trùng"),  # two people of that name
        row("05"),  # no holder
        row("06", org="0900222333", person="033090000001"),  # two holders
        row("07", org="0900222333", until="01/01/2023"),  # expiry before issue
        row("08", org="0900222333", revoked="Có"),  # revoked without date or reason
        row("01", org="0900222333"),  # the same number twice
        row("09", org="0900222333", area="-1"),  # a negative area
    ]
    result = datasets.run_import("ip_use_right_certificates", "xau.xlsx", xlsx(rows), user=technology_officer)
    assert not result.ok
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append(error.message)
    assert sorted(by_row) == list(range(3, 12))
    assert "Không tìm thấy tổ chức" in by_row[3][0] and "HTX không có trong danh bạ" in by_row[3][0]
    assert "Không tìm thấy cá nhân" in by_row[4][0]
    assert "Có 2 cá nhân" in by_row[5][0]
    assert "đúng một chủ thể" in by_row[6][0] and "đúng một chủ thể" in by_row[7][0]
    assert "trước ngày cấp" in by_row[8][0]
    assert any("ngày thu hồi" in m for m in by_row[9]) and any("lý do thu hồi" in m for m in by_row[9])
    assert "Trùng" in by_row[10][0]
    assert "không âm" in by_row[11][0]
    assert not UseRightCertificate.objects.exists()


def test_a_stored_number_written_in_another_case_is_named(technology_officer, certify):
    certify(number="01/2023/GCN-CDĐL")
    result = datasets.run_import(
        "ip_use_right_certificates",
        "gcn.xlsx",
        xlsx([row("01/2023/gcn-cdđl", org="0900222333")]),
        user=technology_officer,
    )
    assert not result.ok and "viết là “01/2023/GCN-CDĐL”" in result.errors[0].message


def test_the_export_reimports_and_shows_no_id_numbers(technology_officer, certify, household):
    certify(number="01", holder_organisation=None, holder_person=household)
    data = datasets.run_export("ip_use_right_certificates", fmt="csv")
    assert "033090000001" not in data.decode("utf-8-sig") and "Nguyễn Văn Nhãn" in data.decode("utf-8-sig")
    result = datasets.run_import("ip_use_right_certificates", "xuat.csv", data, user=technology_officer)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)


def test_a_dry_run_checks_without_writing(technology_officer, cooperative):
    result = datasets.run_import(
        "ip_use_right_certificates",
        "thu.xlsx",
        xlsx([row("01", org="0900222333")]),
        user=technology_officer,
        dry_run=True,
    )
    assert result.ok and result.dry_run and result.created == 1
    assert not UseRightCertificate.objects.exists()
