"""Importing transfer certificates and opinions: good files write, a file with any bad row writes
nothing and names every bad row; exports re-import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from khcn.core import datasets
from khcn.core.models import ImportBatch
from khcn.registries.technology.models import InvestmentProject, TechnologyOpinion, TechnologyTransferCertificate

pytestmark = pytest.mark.django_db

HEADERS = (
    "Số giấy chứng nhận",
    "Loại",
    "Giấy chứng nhận được sửa đổi (số)",
    "Bên giao (MST hoặc tên)",
    "Quốc gia bên giao",
    "Bên nhận (MST hoặc tên)",
    "Tên công nghệ",
    "Số hợp đồng",
    "Giá trị hợp đồng (đồng)",
    "Ngày ký hợp đồng",
    "Ngày nộp hồ sơ",
    "Ngày cấp",
)


def xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(
    number,
    *,
    kind="Cấp mới",
    original="",
    transferee="0900111222",
    signed="10/01/2023",
    filed="20/02/2023",
    issued="15/03/2023",
    value="1.250.000.000",
):
    return (
        number,
        kind,
        original,
        "Công ty TNHH Kỹ thuật Sakura (thử)",
        "Nhật Bản",
        transferee,
        "Công nghệ hàn robot",
        "HĐ-" + number,
        value,
        signed,
        filed,
        issued,
    )


def test_a_good_file_imports_with_money_in_dong_and_the_deadline_kept(technology_officer, transferor, transferee):
    data = xlsx(HEADERS, [row("01/GCNĐK"), row("02/GCNĐK", kind="Gia hạn, sửa đổi, bổ sung", original="01/GCNĐK")])
    # The amendment names a certificate that is not stored yet: that row fails, so nothing is written.
    result = datasets.run_import("technology_transfer_certificates", "gcn.xlsx", data, user=technology_officer)
    assert not result.ok and [e.row for e in result.errors] == [3]
    assert not TechnologyTransferCertificate.objects.exists()

    result = datasets.run_import(
        "technology_transfer_certificates", "gcn.xlsx", xlsx(HEADERS, [row("01/GCNĐK")]), user=technology_officer
    )
    assert result.ok, result.errors
    certificate = TechnologyTransferCertificate.objects.get()
    assert certificate.contract_value == 1_250_000_000
    assert certificate.filing_due == dt.date(2023, 4, 10)
    assert certificate.number_key == "01/gcnđk"
    assert certificate.history.first().history_user == technology_officer

    result = datasets.run_import(
        "technology_transfer_certificates",
        "gcn2.xlsx",
        xlsx(
            HEADERS,
            [
                row(
                    "02/GCNĐK",
                    kind="Gia hạn, sửa đổi, bổ sung",
                    original="01/GCNĐK",
                    signed="01/08/2023",
                    filed="01/09/2023",
                    issued="20/09/2023",
                )
            ],
        ),
        user=technology_officer,
    )
    assert result.ok, result.errors
    assert TechnologyTransferCertificate.objects.get(number="02/GCNĐK").original == certificate


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_row(technology_officer, transferor, transferee):
    TechnologyTransferCertificate.objects.create(
        number="09/GCNĐK",
        number_key="09/gcnđk",
        transferor=transferor,
        transferee=transferee,
        technology="x",
        contract_number="x",
        contract_signed_on=dt.date(2022, 1, 1),
        filed_on=dt.date(2022, 2, 1),
        issue_date=dt.date(2022, 3, 1),
    )
    rows = [
        row("01"),  # good
        row("02", filed="12/04/2023", issued="20/04/2023"),  # filed on day 92: late
        row("03", transferee="0999999999"),  # a transferee that does not exist
        row("04", filed="05/01/2023"),  # filed before signing
        row("05", issued="01/02/2023"),  # issued before filing
        row("01"),  # the same number twice in the file
        row("09/gcnđk"),  # a stored number written in another case
        row("06", kind="Gia hạn, sửa đổi, bổ sung"),  # an amendment without its original
        row("07", value="12,5"),  # money with a fraction
    ]
    result = datasets.run_import(
        "technology_transfer_certificates", "xau.xlsx", xlsx(HEADERS, rows), user=technology_officer
    )
    assert not result.ok
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append(error.message)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "Hồ sơ nộp muộn" in by_row[3][0] and "90 ngày" in by_row[3][0]
    assert "Không tìm thấy tổ chức" in by_row[4][0] and "0999999999" in by_row[4][0]
    assert "trước ngày ký" in by_row[5][0]
    assert "trước ngày nộp" in by_row[6][0]
    assert "Trùng" in by_row[7][0]
    assert "viết là “09/GCNĐK”" in by_row[8][0]
    assert "phải ghi số giấy chứng nhận được sửa đổi" in by_row[9][0]
    assert "Số tiền không hợp lệ" in by_row[10][0]
    assert TechnologyTransferCertificate.objects.count() == 1  # only the one stored before
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    assert batch.status == ImportBatch.Status.FAILED and batch.error_count == len(result.errors)


def test_the_export_reimports_unchanged(technology_officer, issue):
    issue(number="01/GCNĐK", contract_value=500_000_000)
    data = datasets.run_export("technology_transfer_certificates")
    result = datasets.run_import("technology_transfer_certificates", "xuat.xlsx", data, user=technology_officer)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)


def test_opinions_import_after_their_projects(technology_officer, transferee):
    projects = xlsx(
        ("Mã dự án", "Tên dự án", "Nhà đầu tư (MST hoặc tên)", "Vốn đầu tư nước ngoài"),
        [
            ("DA-1", "Nhà máy A", "0900111222", "Có"),
            ("DA-2", "Nhà máy B", "Công ty TNHH Cơ khí Phố Nối (thử)", "Không"),
        ],
    )
    assert datasets.run_import("technology_projects", "da.xlsx", projects, user=technology_officer).ok
    assert InvestmentProject.objects.filter(is_fdi=True).count() == 1
    headers = ("Dự án (mã hoặc tên)", "Ngày nhận văn bản đề nghị", "Số văn bản trả lời", "Ngày trả lời", "Kết luận")
    bad = xlsx(
        headers,
        [
            ("DA-1", "02/05/2023", "10/SKHCN", "10/05/2023", "Đồng ý"),
            ("DA-2", "02/05/2023", "10/skhcn", "10/05/2023", "Đồng ý"),  # same answer number
            ("DA-3", "02/05/2023", "", "", ""),  # unknown project
            ("DA-2", "02/06/2023", "11/SKHCN", "01/06/2023", "Đồng ý"),  # answered before the request
        ],
    )
    result = datasets.run_import("technology_opinions", "yk.xlsx", bad, user=technology_officer)
    assert sorted({e.row for e in result.errors}) == [3, 4, 5]
    assert not TechnologyOpinion.objects.exists()
    good = xlsx(
        headers, [("DA-1", "02/05/2023", "10/SKHCN", "10/05/2023", "Đồng ý"), ("Nhà máy B", "02/06/2023", "", "", "")]
    )
    result = datasets.run_import("technology_opinions", "yk.xlsx", good, user=technology_officer)
    assert result.ok, result.errors
    assert TechnologyOpinion.objects.get(answer_number="10/SKHCN").answer_due == dt.date(2023, 5, 17)


def test_a_dry_run_checks_without_writing(technology_officer, transferor, transferee):
    result = datasets.run_import(
        "technology_transfer_certificates",
        "thu.xlsx",
        xlsx(HEADERS, [row("01/GCNĐK")]),
        user=technology_officer,
        dry_run=True,
    )
    assert result.ok and result.dry_run and result.created == 1
    assert not TechnologyTransferCertificate.objects.exists()
