"""Imports through the shared engine: survey points (thousands, with the survey as a column),
licences, certificates, facilities. A file with any bad row writes nothing and names every bad row."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from khcn.core import datasets
from khcn.core.models import ImportBatch
from khcn.registries.radiation.models import MeasurementPoint, RadiationFacility, RadiationLicence, WorkerCertificate

from .conftest import POINT_HEADERS, csv_bytes, make_facility, make_licence, make_survey, point_row


@pytest.fixture
def survey(radiation_officer):
    return make_survey(radiation_officer)


def run(dataset: str, data: bytes, user, name: str = "diem-do.csv"):
    return datasets.run_import(dataset, name, data, user=user)


def errors_by_row(result) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for error in result.errors:
        found.setdefault(error.row, []).append(f"[{error.column}] {error.message}")
    return found


# --- Survey points ---------------------------------------------------------------------------------


def test_a_good_file_creates_points_normalised_and_mapped(radiation_officer, survey, unit_table):
    data = csv_bytes(
        [
            point_row("P-1", value="0,095", unit="uSv/h", commune="11953"),
            point_row("P-2", lat="20,45", lon="106,34", value="87", unit="nGy/h", commune="12454"),
            point_row("P-3", value="10", unit="µR/h", commune="323"),
        ]
    )
    result = run("radiation_points", data, radiation_officer)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    points = {p.code: p for p in MeasurementPoint.objects.select_related("unit_named", "current_unit", "district_then")}
    assert points["P-1"].value_nsv_h == Decimal("95.0") and points["P-1"].raw_unit == "µSv/h"
    assert points["P-1"].unit_named.name == "Phường Hiến Nam" and points["P-1"].current_unit.name == "Phường Phố Hiến"
    assert points["P-2"].value_nsv_h == Decimal("87.0") and points["P-2"].district_then.name == "Thành phố Thái Bình"
    assert points["P-3"].value_nsv_h == Decimal("87.7") and points["P-3"].district_then.code == "323"
    assert points["P-1"].history.get().history_user == radiation_officer
    assert ImportBatch.objects.get().status == ImportBatch.Status.SUCCEEDED


def test_a_mixed_file_writes_nothing_and_names_every_bad_row(radiation_officer, survey, unit_table):
    data = csv_bytes(
        [
            point_row("OK-1"),  # row 2
            point_row("OUT-1", lat="21.0285", lon="105.8542"),  # row 3: Hà Nội
            point_row("SWAP-1", lat="106.052", lon="20.652"),  # row 4
            point_row("NEG-1", value="-0.02"),  # row 5
            point_row("BIG-1", value="250", unit="µSv/h"),  # row 6: 250,000 nSv/h
            point_row("UNIT-1", unit="mR/năm"),  # row 7
            point_row("OK-2"),  # row 8
            point_row("SURV-1", survey="HY-1999"),  # row 9
            point_row("COMM-1", commune="00004"),  # row 10: a commune of Hà Nội
            point_row("OK-1"),  # row 11: the same point twice
            point_row("NOVAL-1", value="", unit=""),  # row 12: no value and no reason
        ]
    )
    result = run("radiation_points", data, radiation_officer)
    assert not result.ok
    assert not MeasurementPoint.objects.exists()
    bad = errors_by_row(result)
    assert set(bad) == {3, 4, 5, 6, 7, 9, 10, 11, 12}
    assert "nằm ngoài ranh giới tỉnh Hưng Yên" in bad[3][0] and bad[3][0].startswith("[Vĩ độ]")
    assert "Vĩ độ và kinh độ bị đảo" in bad[4][0]
    assert "[Giá trị đo] Suất liều không được âm" in bad[5]
    assert "Suất liều lớn bất thường: 250.000 nSv/h" in bad[6][0]
    assert "[Đơn vị đo] Đơn vị đo “mR/năm” không được hỗ trợ" in bad[7][0]
    assert "Không tìm thấy đợt quan trắc có mã “HY-1999”" in bad[9][0]
    assert "thuộc tỉnh Hưng Yên" in bad[10][0]
    assert "Trùng Mã đợt quan trắc, Mã điểm với dòng 2" in bad[11][0]
    assert "phải ghi lý do ở cột Ghi chú" in bad[12][0]
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and batch.error_count == 9


def test_a_corrected_file_updates_the_points_it_names(radiation_officer, survey):
    assert run("radiation_points", csv_bytes([point_row("P-1"), point_row("P-2")]), radiation_officer).ok
    result = run("radiation_points", csv_bytes([point_row("P-2", value="0.120"), point_row("P-3")]), radiation_officer)
    assert result.ok and (result.created, result.updated) == (1, 1)
    point = MeasurementPoint.objects.get(code="P-2")
    assert point.value_nsv_h == Decimal("120.0") and point.version == 2
    assert MeasurementPoint.objects.count() == 3


def test_an_excel_file_with_numbers_and_dates(radiation_officer, survey):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(POINT_HEADERS)
    sheet.append(
        ["HY-TEST", "X-1", dt.datetime(2023, 5, 10), 20.652, 106.052, "", "", "", 1, "", None, 0.095, "μSv/h", "", ""]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run("radiation_points", buffer.getvalue(), radiation_officer, name="diem-do.xlsx")
    assert result.ok, result.errors
    assert MeasurementPoint.objects.get().value_nsv_h == Decimal("95.0")


def test_points_export_and_reimport_unchanged(radiation_officer, survey):
    assert run(
        "radiation_points", csv_bytes([point_row("P-1", value="0.0954"), point_row("P-2")]), radiation_officer
    ).ok
    exported = datasets.run_export("radiation_points", fmt="xlsx")
    rows = list(load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("Mã đợt quan trắc", "Mã điểm", "Ngày đo", "Vĩ độ", "Kinh độ")
    result = run("radiation_points", exported, radiation_officer, name="xuat.xlsx")
    assert result.ok and (result.created, result.updated) == (0, 2)
    assert MeasurementPoint.objects.get(code="P-1").value_nsv_h == Decimal("95.4")


def test_thousands_of_points_in_a_few_queries(radiation_officer, survey, django_assert_max_num_queries):
    rows = [point_row(f"P-{i:04d}", lat=f"20.{700 + i % 200}", lon=f"106.{20 + i % 80:03d}") for i in range(2000)]
    with django_assert_max_num_queries(120):
        result = run("radiation_points", csv_bytes(rows), radiation_officer)
    assert result.ok, result.errors[:3]
    assert MeasurementPoint.objects.count() == 2000


# --- Licences, certificates, facilities ------------------------------------------------------------

LICENCE_HEADERS = [
    "Số giấy phép",
    "Loại thủ tục",
    "Cơ sở (mã hoặc tên)",
    "Giấy phép trước (số)",
    "Ngày cấp",
    "Ngày hết hạn",
]


def test_licences_import_with_computed_expiry_and_links(radiation_officer):
    facility = make_facility(radiation_officer, code="HY-BX-001", name="Bệnh viện A")
    make_licence(radiation_officer, facility, "03/2020/GP-SKHCN", dt.date(2020, 2, 14))
    data = csv_bytes(
        [
            ["01/2023/GP-SKHCN", "Cấp mới", "HY-BX-001", "", "01/03/2023", ""],
            ["02/2023/GP-SKHCN", "Gia hạn", "Bệnh viện A", "03/2020/GP-SKHCN", "18/01/2023", ""],
        ],
        headers=LICENCE_HEADERS,
    )
    result = run("radiation_licences", data, radiation_officer, name="giay-phep.csv")
    assert result.ok, result.errors
    assert RadiationLicence.objects.get(number="01/2023/GP-SKHCN").expiry_date == dt.date(2026, 2, 28)
    renewal = RadiationLicence.objects.get(number="02/2023/GP-SKHCN")
    assert renewal.previous.number == "03/2020/GP-SKHCN" and renewal.expiry_date == dt.date(2026, 2, 12)


def test_bad_licence_rows_are_all_named(radiation_officer):
    make_facility(radiation_officer, code="HY-BX-001", name="Bệnh viện A")
    other = make_facility(radiation_officer, code="HY-BX-002", name="Nha khoa B")
    make_licence(radiation_officer, other, "09/2020/GP-SKHCN", dt.date(2020, 5, 1))
    data = csv_bytes(
        [
            ["01/2023/GP-SKHCN", "Cấp mới", "HY-BX-001", "", "01/03/2023", "01/02/2023"],  # expiry before issue
            ["02/2023/GP-SKHCN", "Gia hạn", "HY-BX-001", "", "01/03/2023", ""],  # renewal of nothing
            ["03/2023/GP-SKHCN", "Cấp mới", "Không có", "", "01/03/2023", ""],  # unknown facility
            ["04/2023/GP-SKHCN", "Cấp mới", "HY-BX-001", "", "01/03/2023", ""],
            ["04/2023/GP-SKHCN", "Cấp mới", "HY-BX-001", "", "02/03/2023", ""],  # duplicate number in the file
            ["05/2023/GP-SKHCN", "Gia hạn", "HY-BX-001", "09/2020/GP-SKHCN", "02/03/2023", ""],  # another's licence
        ],
        headers=LICENCE_HEADERS,
    )
    result = run("radiation_licences", data, radiation_officer, name="giay-phep.csv")
    bad = errors_by_row(result)
    assert set(bad) == {2, 3, 4, 6, 7}
    assert "Ngày hết hạn (01/02/2023) trước ngày cấp (01/03/2023)" in bad[2][0]
    assert "phải ghi số giấy phép trước" in bad[3][0]
    assert "Không tìm thấy cơ sở bức xạ" in bad[4][0]
    assert "Trùng Số giấy phép với dòng 5" in bad[6][0]
    assert "Giấy phép trước thuộc cơ sở khác (Nha khoa B)" in bad[7][0]
    assert RadiationLicence.objects.count() == 1


def test_certificates_import_checks_the_expiry_rule(radiation_officer):
    headers = ["Số chứng chỉ", "Họ và tên", "Ngày cấp", "Ngày hết hạn"]
    data = csv_bytes(
        [
            ["001/2023/CC-NVBX", "Nguyễn Văn An", "02/05/2023", ""],
            ["002/2023/CC-NVBX", "Trần Thị Bình", "02/05/2023", "02/05/2028"],
        ],
        headers=headers,
    )
    result = run("radiation_certificates", data, radiation_officer, name="chung-chi.csv")
    assert errors_by_row(result) == {
        3: ["[Ngày hết hạn] Chứng chỉ cấp từ ngày 01/02/2021 không có thời hạn; hãy để trống ngày hết hạn"]
    }
    assert not WorkerCertificate.objects.exists()
    good = csv_bytes([["001/2023/CC-NVBX", "Nguyễn Văn An", "02/05/2023", ""]], headers=headers)
    assert run("radiation_certificates", good, radiation_officer, name="chung-chi.csv").ok
    assert WorkerCertificate.objects.get().issuing_body == "Sở Khoa học và Công nghệ tỉnh Hưng Yên"


def test_facilities_round_trip(radiation_officer, unit_table):
    data = csv_bytes(
        [["HY-BX-009", "Nha khoa Thử Nghiệm", "Phòng khám nha khoa", "11953", "nhakhoa@example.vn"]],
        headers=["Mã cơ sở", "Tên cơ sở", "Loại cơ sở", "Mã đơn vị hành chính", "Thư điện tử"],
    )
    assert run("radiation_facilities", data, radiation_officer, name="co-so.csv").ok
    facility = RadiationFacility.objects.get()
    assert facility.kind == "dental" and facility.administrative_unit.name == "Phường Phố Hiến"
    exported = datasets.run_export("radiation_facilities", fmt="csv")
    result = run("radiation_facilities", exported, radiation_officer, name="co-so.csv")
    assert result.ok and (result.created, result.updated) == (0, 1)
