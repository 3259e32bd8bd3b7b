"""The quality datasets through the shared engine: create, update by natural key, refuse bad files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from khcn.core import datasets
from khcn.registries.quality.models import ConformityAnnouncement, ImportInspection, MarketSurvey, QualityTraining
from khcn.registries.quality.tests.conftest import registration, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules", "enterprise", "importer", "certifier")]

TODAY = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)

ANNOUNCEMENT_HEADERS = [
    "Số thông báo tiếp nhận",
    "Ngày tiếp nhận",
    "Loại công bố",
    "Doanh nghiệp",
    "Sản phẩm, hàng hóa",
    "Quy chuẩn, tiêu chuẩn áp dụng",
    "Căn cứ công bố",
    "Tổ chức chứng nhận",
    "Số giấy chứng nhận",
    "Giấy chứng nhận có hiệu lực đến",
    "Ngày ký báo cáo tự đánh giá",
]
IMPORT_HEADERS = [
    "Số đăng ký",
    "Ngày đăng ký",
    "Doanh nghiệp nhập khẩu",
    "Ngày thông quan",
    "Hàng hóa",
    "Khối lượng, số lượng",
    "Đơn vị tính",
    "Quy chuẩn áp dụng",
    "Kết quả kiểm tra",
    "Số thông báo kết quả",
    "Ngày thông báo kết quả",
]


def errors_by_row(result) -> dict:
    found: dict = {}
    for error in result.errors:
        found.setdefault(error.row, []).append(f"{error.column}: {error.message}")
    return found


@time_machine.travel(TODAY, tick=False)
def test_announcements_import_with_their_validity(quality_officer):
    data = xlsx(
        ANNOUNCEMENT_HEADERS,
        [
            [
                "01/2023/TB-HQ",
                "10/04/2023",
                "Công bố hợp quy",
                "0900000101",
                "Nồi cơm điện",
                "QCVN 4:2009/BKHCN",
                "Tự đánh giá của doanh nghiệp (bên thứ nhất)",
                "",
                "",
                "",
                "31/03/2023",
            ],
            [
                "02/2023/TB-HC",
                "11/04/2023",
                "standard",
                "Công ty TNHH Thép Như Quỳnh (giả định)",
                "Thép tấm",
                "TCVN 1765:1975",
                "certification",
                "Tổ chức chứng nhận (A)",
                "55/CN",
                "31/12/2025",
                "",
            ],
        ],
    )
    result = datasets.run_import("conformity_announcements", "cong-bo.xlsx", data, user=quality_officer)
    assert result.ok, result.errors
    assert ConformityAnnouncement.objects.get(receipt_no="01/2023/TB-HQ").valid_until == dt.date(2026, 3, 31)
    certified = ConformityAnnouncement.objects.get(receipt_no="02/2023/TB-HC")
    assert (certified.kind, certified.valid_until, certified.certifying_body.name) == (
        "standard",
        dt.date(2025, 12, 31),
        "Tổ chức chứng nhận (A)",
    )

    # The same receipt number again updates that announcement, and its validity follows.
    again = xlsx(
        ANNOUNCEMENT_HEADERS,
        [
            [
                "01/2023/TB-HQ",
                "10/04/2023",
                "Công bố hợp quy",
                "0900000101",
                "Nồi cơm điện 1,8 L",
                "QCVN 4:2009/BKHCN",
                "self_assessment",
                "",
                "",
                "",
                "01/04/2023",
            ]
        ],
    )
    updated = datasets.run_import("conformity_announcements", "cong-bo.xlsx", again, user=quality_officer)
    assert (updated.created, updated.updated) == (0, 1)
    first = ConformityAnnouncement.objects.get(receipt_no="01/2023/TB-HQ")
    assert (first.product, first.valid_until, first.version) == ("Nồi cơm điện 1,8 L", dt.date(2026, 4, 1), 2)


@time_machine.travel(TODAY, tick=False)
def test_an_announcement_file_with_bad_rows_writes_nothing(quality_officer):
    data = xlsx(
        ANNOUNCEMENT_HEADERS,
        [
            [
                "01/2023/TB-HQ",
                "10/04/2023",
                "Công bố hợp quy",
                "0900000101",
                "Quạt",
                "QCVN 4:2009/BKHCN",
                "self_assessment",
                "",
                "",
                "",
                "31/03/2023",
            ],
            [
                "02/2023/TB-HQ",
                "10/04/2023",
                "Công bố hợp quy",
                "0900000101",
                "Ấm",
                "QCVN 4:2009/BKHCN",
                "certification",
                "Tổ chức chứng nhận (A)",
                "9/CN",
                "09/04/2023",
                "",
            ],
            [
                "03/2023/TB-HQ",
                "10/04/2023",
                "hợp quy",
                "0900000101",
                "Ấm",
                "QCVN 4:2009/BKHCN",
                "self_assessment",
                "",
                "",
                "",
                "31/03/2023",
            ],
            [
                "04/2023/TB-HQ",
                "10/04/2023",
                "regulation",
                "0999",
                "Ấm",
                "QCVN 4:2009/BKHCN",
                "self_assessment",
                "",
                "",
                "",
                "31/03/2023",
            ],
            [
                "01/2023/TB-HQ",
                "10/04/2023",
                "regulation",
                "0900000101",
                "Quạt",
                "QCVN 4:2009/BKHCN",
                "self_assessment",
                "",
                "",
                "",
                "31/03/2023",
            ],
        ],
    )
    result = datasets.run_import("conformity_announcements", "loi.xlsx", data, user=quality_officer)
    bad = errors_by_row(result)
    assert sorted(bad) == [3, 4, 5, 6]
    assert "Giấy chứng nhận hết hiệu lực ngày 09/04/2023, trước ngày tiếp nhận 10/04/2023." in bad[3][0]
    assert bad[4][0].startswith("Loại công bố: Không có trong danh mục")
    assert "Không tìm thấy tổ chức" in bad[5][0]
    assert "Trùng Số thông báo tiếp nhận với dòng 2" in bad[6][0]
    assert not ConformityAnnouncement.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_import_registrations_import_with_their_deadline(quality_officer):
    data = xlsx(
        IMPORT_HEADERS,
        [
            [
                "001/2023/ĐKNK",
                "01/03/2023",
                "0900000102",
                "03/03/2023",
                "Thép cuộn",
                "1.234,5",
                "tấn",
                "QCVN 7:2019/BKHCN",
                "",
                "",
                "",
            ],
            [
                "002/2023/ĐKNK",
                "01/03/2023",
                "0900000102",
                "",
                "Đồ chơi",
                1500,
                "chiếc",
                "QCVN 3:2019/BKHCN",
                "Đạt yêu cầu chất lượng",
                "7/TB-KQ",
                "20/03/2023",
            ],
        ],
    )
    result = datasets.run_import("import_inspections", "nk.xlsx", data, user=quality_officer)
    assert result.ok, result.errors
    steel = ImportInspection.objects.get(registration_no="001/2023/ĐKNK")
    assert (steel.quantity, steel.certificate_due_on) == (Decimal("1234.5"), dt.date(2023, 3, 24))
    toys = ImportInspection.objects.get(registration_no="002/2023/ĐKNK")
    assert (toys.result, toys.certificate_due_on) == ("conforming", dt.date(2023, 3, 22))


@time_machine.travel(TODAY, tick=False)
def test_an_import_file_with_bad_rows_writes_nothing(importer, quality_officer):
    registration(importer, "900/2023/ĐKNK", dt.date(2023, 1, 5))
    data = xlsx(
        IMPORT_HEADERS,
        [
            [
                "001/2023/ĐKNK",
                "01/03/2023",
                "0900000102",
                "28/02/2023",
                "Thép",
                "12",
                "tấn",
                "QCVN 7:2019/BKHCN",
                "",
                "",
                "",
            ],
            ["002/2023/ĐKNK", "01/03/2023", "0900000102", "", "Thép", "mười", "tấn", "QCVN 7:2019/BKHCN", "", "", ""],
            [
                "003/2023/ĐKNK",
                "01/03/2023",
                "0900000102",
                "",
                "Thép",
                "5",
                "tấn",
                "QCVN 7:2019/BKHCN",
                "Đạt yêu cầu chất lượng",
                "",
                "",
            ],
            ["004/2023/ĐKNK", "01/03/2023", "0900000102", "", "Thép", "5", "tấn", "QCVN 7:2019/BKHCN", "", "", ""],
        ],
    )
    result = datasets.run_import("import_inspections", "loi.xlsx", data, user=quality_officer)
    bad = errors_by_row(result)
    assert sorted(bad) == [2, 3, 4]
    assert "Ngày thông quan 28/02/2023 trước ngày đăng ký 01/03/2023." in bad[2][0]
    assert "Phải là một số" in bad[3][0]
    assert "Đã có kết quả thì phải ghi số và ngày thông báo kết quả." in bad[4][0]
    assert list(ImportInspection.objects.values_list("registration_no", flat=True)) == ["900/2023/ĐKNK"]


@time_machine.travel(TODAY, tick=False)
def test_surveys_and_trainings_import_and_export(enterprise, quality_officer):
    surveys = xlsx(
        ["Ngày khảo sát", "Cơ sở kinh doanh", "Loại cơ sở", "Hàng hóa khảo sát", "Số mẫu", "Số mẫu không đạt"],
        [
            ["05/08/2023", "0900000101", "Cửa hàng xăng dầu", "Xăng RON 95-III", 2, ""],
            ["06/08/2023", "0900000101", "petrol_station", "Xăng E5", 1, 2],
        ],
    )
    bad = datasets.run_import("market_surveys", "ks.xlsx", surveys, user=quality_officer)
    assert errors_by_row(bad) == {3: ["Số mẫu không đạt: Số mẫu không đạt (2) lớn hơn số mẫu (1)."]}
    assert not MarketSurvey.objects.exists()

    trainings = xlsx(
        ["Tên lớp", "Ngày bắt đầu", "Ngày kết thúc", "Số học viên"],
        [["Lớp ISO khóa 1", "10/05/2023", "12/05/2023", 95], ["Lớp ISO khóa 2", "10/06/2023", "", 88]],
    )
    result = datasets.run_import("quality_trainings", "lop.xlsx", trainings, user=quality_officer)
    assert result.ok, result.errors
    assert sum(QualityTraining.objects.values_list("trainee_count", flat=True)) == 183
    assert set(QualityTraining.objects.values_list("topic", flat=True)) == {"TCVN ISO 9001:2015"}

    exported = list(
        load_workbook(io.BytesIO(datasets.run_export("quality_trainings"))).active.iter_rows(values_only=True)
    )
    assert exported[0][0] == "Tên lớp" and {r[0] for r in exported[1:]} == {"Lớp ISO khóa 1", "Lớp ISO khóa 2"}
    again = datasets.run_import(
        "quality_trainings", "lop.xlsx", datasets.run_export("quality_trainings"), user=quality_officer
    )
    assert (again.created, again.updated) == (0, 2)
