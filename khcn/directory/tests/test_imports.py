"""Organisations and people through the tabular engine: import, update, dry run, round trip."""

from __future__ import annotations

import csv
import io
import time

import pytest
from django.forms.models import model_to_dict
from openpyxl import Workbook, load_workbook

from khcn.core import datasets
from khcn.core.models import ImportBatch
from khcn.directory.models import AdministrativeUnit, Organisation, Person

ORG_HEADERS = [
    "Tên tổ chức",
    "Tên viết tắt",
    "Loại hình",
    "Mã số thuế",
    "Địa chỉ",
    "Mã đơn vị hành chính",
    "Điện thoại",
    "Thư điện tử",
    "Người đại diện",
]
PERSON_HEADERS = ["Họ và tên", "Học hàm", "Học vị", "Chức vụ", "Cơ quan", "Thư điện tử", "Điện thoại", "Năm sinh"]


def xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


@pytest.fixture
def hung_yen(db):
    province = AdministrativeUnit.objects.create(code="33", name="Hưng Yên", level=AdministrativeUnit.Level.PROVINCE)
    return AdministrativeUnit.objects.create(
        code="12166", name="Phường Phố Hiến", level=AdministrativeUnit.Level.COMMUNE, parent=province
    )


def snapshot(model: type, exclude: tuple[str, ...] = ("updated_at", "version")) -> list[dict]:
    return [model_to_dict(obj, exclude=exclude) | {"pk": obj.pk} for obj in model.objects.order_by("pk")]


# --- Organisations ------------------------------------------------------------------------------


def test_good_xlsx_creates_organisations_with_history_and_provenance(hung_yen, science_officer):
    data = xlsx(
        ORG_HEADERS,
        [
            [
                "Công ty Cổ phần Giống cây trồng Hưng Yên",
                "HYSeed",
                "Doanh nghiệp",
                "0900123456",
                "Phố Hiến",
                "12166",
                "0221 3862 123",
                "Lienhe@HYSeed.vn",
                "Nguyễn Văn An",
            ],
            ["Hợp tác xã nhãn lồng Hồng Nam", "", "cooperative", "", "", "", "", "", ""],
        ],
    )
    result = datasets.run_import("organisations", "to-chuc.xlsx", data, user=science_officer)

    assert result.ok, result.errors
    assert (result.row_count, result.created, result.updated) == (2, 2, 0)
    seed = Organisation.objects.get(tax_code="0900123456")
    assert seed.kind == Organisation.Kind.ENTERPRISE
    assert seed.administrative_unit == hung_yen
    assert seed.email == "Lienhe@HYSeed.vn"
    assert seed.name_folded == "cong ty co phan giong cay trong hung yen"
    coop = Organisation.objects.get(name="Hợp tác xã nhãn lồng Hồng Nam")
    assert coop.kind == Organisation.Kind.COOPERATIVE and coop.administrative_unit is None

    history = seed.history.get()
    assert history.history_type == "+"
    assert history.history_user == science_officer
    assert "to-chuc.xlsx" in history.history_change_reason

    batch = result.batch
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert (batch.dataset, batch.file_name, batch.size) == ("organisations", "to-chuc.xlsx", len(data))
    assert batch.sha256 == ImportBatch.checksum(data)
    assert (batch.row_count, batch.created_count, batch.updated_count, batch.error_count) == (2, 2, 0, 0)
    assert batch.created_by == science_officer


def test_rows_with_a_known_tax_code_update_that_organisation(science_officer):
    existing = Organisation.objects.create(name="Tên cũ", tax_code="0900123456", phone="111")
    data = csv_bytes(
        ["Tên tổ chức", "Mã số thuế", "Điện thoại"],
        [["Tên mới", "0900123456", "222"], ["Tổ chức khác", "0900999999", ""]],
    )

    result = datasets.run_import("organisations", "cap-nhat.csv", data, user=science_officer)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert (existing.name, existing.phone, existing.name_folded, existing.version) == ("Tên mới", "222", "ten moi", 2)
    assert existing.history.latest().history_type == "~"
    assert Organisation.objects.count() == 2


def test_columns_left_out_of_the_file_are_left_alone(science_officer):
    existing = Organisation.objects.create(name="Viện A", tax_code="0900123456", address="Số 1 Phố Hiến", phone="111")
    data = xlsx(["Mã số thuế", "Tên tổ chức"], [["0900123456", "Viện A (đổi tên)"]])

    assert datasets.run_import("organisations", "t.xlsx", data, user=science_officer).ok
    existing.refresh_from_db()
    assert (existing.name, existing.address, existing.phone) == ("Viện A (đổi tên)", "Số 1 Phố Hiến", "111")


def test_without_a_tax_code_the_name_is_the_key_but_never_of_an_organisation_that_has_one(science_officer):
    plain = Organisation.objects.create(name="Trung tâm Nấm Văn Giang")
    taxed = Organisation.objects.create(name="Công ty Giống", tax_code="0900123456")
    data = xlsx(
        ["Tên tổ chức", "Mã số thuế", "Điện thoại"],
        [["Trung tâm Nấm Văn Giang", "", "333"], ["Công ty Giống", "", "444"]],
    )

    result = datasets.run_import("organisations", "t.xlsx", data, user=science_officer)

    assert (result.created, result.updated) == (1, 1)
    plain.refresh_from_db()
    taxed.refresh_from_db()
    assert plain.phone == "333"
    assert taxed.phone == ""  # the row without a tax code is a different organisation


def test_duplicate_tax_code_in_the_file_fails_on_the_second_row(science_officer):
    data = xlsx(["Tên tổ chức", "Mã số thuế"], [["A", "0900123456"], ["B", "0900000001"], ["C", "0900123456"]])

    result = datasets.run_import("organisations", "t.xlsx", data, user=science_officer)

    assert [(e.row, e.column, e.message) for e in result.errors] == [(4, "Mã số thuế", "Trùng Mã số thuế với dòng 2")]
    assert Organisation.objects.count() == 0
    assert result.batch.status == ImportBatch.Status.FAILED


def test_two_saved_organisations_matching_one_row_is_reported_not_guessed(science_officer):
    Organisation.objects.create(name="Trạm Khuyến nông")
    Organisation.objects.create(name="Trạm Khuyến nông")
    result = datasets.run_import(
        "organisations", "t.xlsx", xlsx(["Tên tổ chức"], [["Trạm Khuyến nông"]]), user=science_officer
    )

    assert [(e.row, e.message) for e in result.errors] == [
        (2, "Có 2 bản ghi đã lưu cùng khớp dòng này; hãy sửa trong hệ thống trước khi nhập")
    ]


def test_unknown_unit_code_and_bad_kind_are_row_errors_and_nothing_is_written(hung_yen, science_officer):
    data = xlsx(
        ["Tên tổ chức", "Loại hình", "Mã đơn vị hành chính"],
        [["A", "Doanh nghiệp", "12166"], ["B", "Tập đoàn", ""], ["C", "", "99999"]],
    )
    result = datasets.run_import("organisations", "t.xlsx", data, user=science_officer)

    assert [(e.row, e.column) for e in result.errors] == [(3, "Loại hình"), (4, "Mã đơn vị hành chính")]
    assert result.errors[1].message == "Không tìm thấy đơn vị hành chính có mã “99999”"
    assert Organisation.objects.count() == 0


def test_unit_code_prefers_the_current_unit_over_an_abolished_one(science_officer):
    import datetime as dt

    old = AdministrativeUnit.objects.create(
        code="12166", name="Phường cũ", level="commune", valid_to=dt.date(2025, 7, 1)
    )
    new = AdministrativeUnit.objects.create(
        code="12166", name="Phường mới", level="commune", valid_from=dt.date(2025, 7, 1)
    )
    result = datasets.run_import(
        "organisations", "t.xlsx", xlsx(["Tên tổ chức", "Mã đơn vị hành chính"], [["A", "12166"]]), user=science_officer
    )

    assert result.ok, result.errors
    assert Organisation.objects.get().administrative_unit == new != old


def test_wrong_headers_name_the_columns_and_write_nothing(science_officer):
    data = xlsx(["Tên đơn vị", "Mã số thuế", "Fax"], [["A", "1", "2"]])
    result = datasets.run_import("organisations", "t.xlsx", data, user=science_officer)

    problems = {(e.column, e.message) for e in result.errors}
    assert ("Tên đơn vị", "Cột không có trong mẫu “Tổ chức”") in problems
    assert ("Fax", "Cột không có trong mẫu “Tổ chức”") in problems
    assert ("Tên tổ chức", "Thiếu cột bắt buộc") in problems
    assert Organisation.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_ten_thousand_rows_with_one_bad_row_write_nothing_and_name_that_row(science_officer):
    rows: list[list[object]] = [
        [f"Doanh nghiệp số {i}", "", "Doanh nghiệp", f"09{i:08d}", "Hưng Yên", "", "", f"dn{i}@example.vn", ""]
        for i in range(10_000)
    ]
    rows[7_340][7] = "không-phải-email"  # Excel row 7,342 (header is row 1)
    data = xlsx(ORG_HEADERS, rows)

    started = time.monotonic()
    result = datasets.run_import("organisations", "lon.xlsx", data, user=science_officer)
    elapsed = time.monotonic() - started

    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (7_342, "Thư điện tử", "không-phải-email", "Địa chỉ thư điện tử không hợp lệ")
    ]
    assert result.row_count == 10_000
    assert Organisation.objects.count() == 0
    assert Organisation.history.count() == 0
    assert result.batch.errors == [
        {
            "row": 7_342,
            "column": "Thư điện tử",
            "value": "không-phải-email",
            "message": "Địa chỉ thư điện tử không hợp lệ",
        }
    ]
    report = load_workbook(io.BytesIO(datasets.error_report(result.batch))).active
    assert list(report.iter_rows(min_row=2, values_only=True)) == [
        (7_342, "Thư điện tử", "không-phải-email", "Địa chỉ thư điện tử không hợp lệ")
    ]
    assert elapsed < 10


def test_ten_thousand_good_rows_are_written_in_one_go(science_officer):
    rows = [[f"Doanh nghiệp số {i}", "", "", f"09{i:08d}", "", "", "", "", ""] for i in range(10_000)]
    result = datasets.run_import("organisations", "lon.xlsx", xlsx(ORG_HEADERS, rows), user=science_officer)

    assert result.ok and result.created == 10_000
    assert Organisation.objects.count() == 10_000
    assert Organisation.history.filter(history_type="+").count() == 10_000
    assert Organisation.objects.get(tax_code="0900009999").name_folded == "doanh nghiep so 9999"


def test_dry_run_writes_nothing_but_is_recorded(science_officer):
    Organisation.objects.create(name="Đã có", tax_code="0900123456")
    data = xlsx(["Tên tổ chức", "Mã số thuế"], [["Đã có (mới)", "0900123456"], ["Mới", "0900000002"]])

    result = datasets.run_import("organisations", "thu.xlsx", data, user=science_officer, dry_run=True)

    assert result.ok and result.dry_run
    assert (result.created, result.updated) == (1, 1)
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Đã có"]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created_count, batch.updated_count) == (ImportBatch.Status.DRY_RUN, 1, 1)


def test_a_broken_file_is_a_recorded_failure_not_a_crash(science_officer):
    result = datasets.run_import("organisations", "hong.xlsx", b"PK\x03\x04 not really a zip", user=science_officer)

    assert not result.ok
    assert result.errors[0].message.startswith("Tệp Excel bị hỏng")
    assert result.batch.status == ImportBatch.Status.FAILED
    assert result.batch.error_count == 1


def test_a_file_over_the_limit_is_refused(settings, science_officer):
    settings.IMPORT_MAX_BYTES = 1_000
    result = datasets.run_import("organisations", "lon.xlsx", b"x" * 1_001, user=science_officer)
    assert result.errors[0].message.startswith("Tệp quá lớn")
    assert Organisation.objects.count() == 0


def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(datasets.UnknownDataset) as info:
        datasets.get("khong-co")
    assert "organisations" in info.value.message and "people" in info.value.message


# --- People -------------------------------------------------------------------------------------


def test_people_csv_finds_organisations_by_tax_code_or_exact_name(science_officer):
    seed = Organisation.objects.create(name="Công ty Giống", tax_code="0900123456")
    coop = Organisation.objects.create(name="Hợp tác xã nhãn lồng Hồng Nam")
    data = csv_bytes(
        PERSON_HEADERS,
        [
            ["Trần Thị Bình", "PGS", "Tiến sĩ", "Giám đốc", "0900123456", "Binh.TT@example.vn", "0912 345 678", "1975"],
            ["Lê Văn Cường", "", "ThS", "", "Hợp tác xã nhãn lồng Hồng Nam", "", "", ""],
        ],
    )
    result = datasets.run_import("people", "nguoi.csv", data, user=science_officer)

    assert result.ok, result.errors
    binh = Person.objects.get(email="Binh.TT@example.vn")
    assert (binh.academic_title, binh.degree, binh.organisation, binh.birth_year) == ("PGS", "TS", seed, 1975)
    assert binh.name_folded == "tran thi binh"
    cuong = Person.objects.get(full_name="Lê Văn Cường")
    assert (cuong.degree, cuong.organisation, cuong.birth_year) == ("ThS", coop, None)


def test_people_are_matched_by_email_else_by_name_and_organisation(science_officer):
    org = Organisation.objects.create(name="Viện A")
    by_email = Person.objects.create(full_name="Nguyễn An", email="An@Example.vn")
    by_name = Person.objects.create(full_name="Phạm Hoa", organisation=org)
    namesake_elsewhere = Person.objects.create(full_name="Phạm Hoa")
    data = xlsx(
        ["Họ và tên", "Thư điện tử", "Cơ quan", "Chức vụ"],
        [["Nguyễn Văn An", "AN@example.vn", "", "Trưởng phòng"], ["Phạm Hoa", "", "Viện A", "Nghiên cứu viên"]],
    )
    result = datasets.run_import("people", "t.xlsx", data, user=science_officer)

    assert (result.created, result.updated) == (0, 2)
    by_email.refresh_from_db()
    by_name.refresh_from_db()
    namesake_elsewhere.refresh_from_db()
    assert (by_email.full_name, by_email.position) == ("Nguyễn Văn An", "Trưởng phòng")
    assert by_email.email == "AN@example.vn"  # kept as the file writes it
    assert by_name.position == "Nghiên cứu viên"
    assert namesake_elsewhere.position == ""


def test_the_same_email_twice_in_a_file_is_a_duplicate_whatever_its_case(science_officer):
    data = xlsx(["Họ và tên", "Thư điện tử"], [["Trần A", "a@example.vn"], ["Trần A", "A@Example.VN"]])
    result = datasets.run_import("people", "t.xlsx", data, user=science_officer)

    assert [(e.row, e.message) for e in result.errors] == [(3, "Trùng Thư điện tử với dòng 2")]
    assert Person.objects.count() == 0


def test_unknown_organisation_of_a_person_is_an_error(science_officer):
    data = xlsx(["Họ và tên", "Cơ quan", "Năm sinh"], [["Trần B", "Công ty không có", 1980], ["Trần C", "", 1850]])
    result = datasets.run_import("people", "t.xlsx", data, user=science_officer)

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Cơ quan", "Không tìm thấy tổ chức có mã số thuế hoặc tên “Công ty không có”"),
        (3, "Năm sinh", "Không được nhỏ hơn 1900"),
    ]
    assert Person.objects.count() == 0


# --- Round trip and formula injection -----------------------------------------------------------


@pytest.fixture
def directory(hung_yen):
    seed = Organisation.objects.create(
        name="Công ty Cổ phần Giống cây trồng",
        short_name='=HYPERLINK("http://lừa.đảo","bấm")',
        kind=Organisation.Kind.ENTERPRISE,
        tax_code="0900123456",
        address="+84 Phố Hiến",
        administrative_unit=hung_yen,
        phone="-0221 386",
        email="lienhe@giong.vn",
        representative="@Nguyễn Văn An",
    )
    coop = Organisation.objects.create(name="Hợp tác xã gà Đông Tảo", kind=Organisation.Kind.COOPERATIVE)
    Person.objects.create(
        full_name="Trần Thị Bình",
        academic_title="PGS",
        degree="TS",
        position="Giám đốc",
        organisation=seed,
        email="Binh.TT@Giong.vn",
        phone="0912",
        birth_year=1975,
    )
    Person.objects.create(full_name="Lê Văn Cường", degree="KS", organisation=coop)
    Person.objects.create(full_name="Đỗ Thu", position="'=chức vụ lạ")
    return seed


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("dataset", "model"), [("organisations", Organisation), ("people", Person)])
def test_an_export_reimports_unchanged_as_updates(directory, science_officer, fmt, dataset, model):
    before = snapshot(model)
    versions = list(model.objects.order_by("pk").values_list("version", flat=True))
    data = datasets.run_export(dataset, None, fmt)

    result = datasets.run_import(dataset, f"xuat.{fmt}", data, user=science_officer)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, len(before))
    assert snapshot(model) == before
    assert list(model.objects.order_by("pk").values_list("version", flat=True)) == [v + 1 for v in versions]


def test_exports_escape_formula_injection(directory):
    sheet = load_workbook(io.BytesIO(datasets.run_export("organisations", None, "xlsx"))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    seed = rows["Công ty Cổ phần Giống cây trồng"]
    assert seed[1] == '\'=HYPERLINK("http://lừa.đảo","bấm")'
    assert seed[4] == "'+84 Phố Hiến"
    assert seed[6] == "'-0221 386"
    assert seed[8] == "'@Nguyễn Văn An"
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for row in rows.values() for v in row)

    text = datasets.run_export("organisations", None, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=" not in text


def test_export_headers_are_the_import_headers(directory):
    sheet = load_workbook(io.BytesIO(datasets.run_export("people", None, "xlsx"))).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == PERSON_HEADERS


def test_export_costs_a_fixed_number_of_queries(directory, django_assert_max_num_queries):
    for i in range(30):
        Person.objects.create(full_name=f"Người {i}", organisation=directory)
    # Two to read, up to four for the audit row (lock, chain head, insert, savepoint): none per row.
    with django_assert_max_num_queries(2 + 4):
        datasets.run_export("people", None, "csv")
