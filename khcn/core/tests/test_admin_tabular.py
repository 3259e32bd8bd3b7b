"""The back office's "Nhập từ Excel" page, error report and exports (TabularAdminMixin)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from khcn.core.models import ImportBatch
from khcn.directory.models import Organisation, Person

IMPORT_URL = "admin:directory_organisation_tabular_import"
XLSX_URL = "admin:directory_organisation_tabular_export_xlsx"
CSV_URL = "admin:directory_organisation_tabular_export_csv"
CHANGELIST_URL = "admin:directory_organisation_changelist"


def xlsx_upload(rows, headers=("Tên tổ chức", "Mã số thuế", "Loại hình"), name="to-chuc.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def officer_client(client, science_officer):
    client.force_login(science_officer)
    return client


@pytest.fixture
def orgs(db):
    Organisation.objects.create(name="Công ty Giống", tax_code="0900123456", kind=Organisation.Kind.ENTERPRISE)
    Organisation.objects.create(name="Trung tâm Nấm", kind=Organisation.Kind.RESEARCH_INSTITUTE)
    Organisation.objects.create(name="HTX gà Đông Tảo", kind=Organisation.Kind.COOPERATIVE)


# --- Import page --------------------------------------------------------------------------------


def test_changelist_offers_import_and_exports_to_the_science_officer(officer_client, orgs):
    response = officer_client.get(reverse(CHANGELIST_URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse(IMPORT_URL) in body
    assert "Nhập từ Excel" in body and "Xuất Excel" in body and "Xuất CSV" in body


def test_export_links_carry_the_changelist_filters(officer_client, orgs):
    response = officer_client.get(reverse(CHANGELIST_URL), {"kind__exact": "enterprise", "q": "Giống"})
    body = response.content.decode()
    assert f"{reverse(XLSX_URL)}?kind__exact=enterprise&amp;q=Gi%E1%BB%91ng" in body
    assert f"{reverse(CSV_URL)}?kind__exact=enterprise&amp;q=Gi%E1%BB%91ng" in body
    assert f'href="{reverse(IMPORT_URL)}"' in body  # the import page has nothing to filter


def test_import_page_shows_the_form_and_the_columns(officer_client):
    response = officer_client.get(reverse(IMPORT_URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'type="file"' in body and 'name="dry_run"' in body
    for header in ("Tên tổ chức", "Mã số thuế", "Mã đơn vị hành chính"):
        assert header in body
    assert "admin/tabular/import.html" in [t.name for t in response.templates]


def test_good_upload_imports_and_returns_to_the_list_with_counts(officer_client, orgs, science_officer):
    upload = xlsx_upload([["Công ty Giống (mới)", "0900123456", "Doanh nghiệp"], ["Viện mới", "0900000001", ""]])
    response = officer_client.post(reverse(IMPORT_URL), {"file": upload}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(CHANGELIST_URL)
    assert "Đã nhập to-chuc.xlsx: 2 dòng, 1 tạo mới, 1 cập nhật." in response.content.decode()
    assert Organisation.objects.get(tax_code="0900123456").name == "Công ty Giống (mới)"
    assert Organisation.objects.filter(name="Viện mới").exists()
    assert ImportBatch.objects.get().created_by == science_officer


def test_dry_run_checkbox_reports_counts_and_writes_nothing(officer_client, orgs):
    upload = xlsx_upload([["Viện mới", "0900000001", ""]])
    response = officer_client.post(reverse(IMPORT_URL), {"file": upload, "dry_run": "on"})

    assert response.status_code == 200
    assert "Chạy thử thành công: 1 dòng hợp lệ, sẽ tạo mới 1 và cập nhật 0 bản ghi." in response.content.decode()
    assert not Organisation.objects.filter(name="Viện mới").exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.DRY_RUN


def test_bad_upload_lists_bad_rows_and_links_the_error_report(officer_client, orgs):
    upload = xlsx_upload([["Viện mới", "0900000001", ""], ["", "0900000002", "Tập đoàn"]])
    response = officer_client.post(reverse(IMPORT_URL), {"file": upload})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Không nhập tệp to-chuc.xlsx: có 2 lỗi." in body
    assert "Bắt buộc phải có giá trị" in body and "Tập đoàn" in body
    assert body.count('class="error-row"') == 2
    assert not Organisation.objects.filter(name="Viện mới").exists()

    batch = ImportBatch.objects.get()
    report_url = reverse("admin:directory_organisation_tabular_error_report", args=[batch.pk])
    assert report_url in body
    report = officer_client.get(report_url)
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"loi-nhap-organisations-{batch.pk}.xlsx" in report["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Dòng", "Cột", "Giá trị", "Lỗi")
    assert (3, "Tên tổ chức", None, "Bắt buộc phải có giá trị") in rows
    assert rows[2][:3] == (3, "Loại hình", "Tập đoàn")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7 a report", "bao-cao.pdf", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."),
        (b"PK\x03\x04 broken", "hong.xlsx", "Tệp Excel bị hỏng hoặc không đọc được."),
    ],
)
def test_broken_or_foreign_files_get_a_clear_message(officer_client, content, name, message):
    response = officer_client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_upload_over_the_limit_is_refused_and_recorded(officer_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    upload = xlsx_upload([["Viện mới", "0900000001", ""]])
    response = officer_client.post(reverse(IMPORT_URL), {"file": upload})

    assert "Tệp quá lớn" in response.content.decode()
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.size) == (ImportBatch.Status.FAILED, upload.size)
    assert len(batch.sha256) == 64


def test_people_import_page_uses_the_people_dataset(officer_client):
    response = officer_client.get(reverse("admin:directory_person_tabular_import"))
    assert response.status_code == 200
    assert "Họ và tên" in response.content.decode()


# --- Exports ------------------------------------------------------------------------------------


def test_export_xlsx_holds_the_filtered_list(officer_client, orgs):
    response = officer_client.get(reverse(XLSX_URL), {"kind__exact": "enterprise"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Tên tổ chức"
    assert [r[0] for r in rows[1:]] == ["Công ty Giống"]


def test_export_csv_follows_the_search_box(officer_client, orgs):
    response = officer_client.get(reverse(CSV_URL), {"q": "nam"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Trung tâm Nấm"]


def test_template_download_is_headers_only(officer_client, orgs):
    response = officer_client.get(reverse(XLSX_URL), {"mau": "1"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 and rows[0][0] == "Tên tổ chức"


def test_people_export_for_the_science_officer(officer_client):
    Person.objects.create(full_name="Trần Thị Bình", email="binh@example.vn")
    response = officer_client.get(reverse("admin:directory_person_tabular_export_csv"))
    assert response.status_code == 200
    assert "binh@example.vn" in response.content.decode("utf-8-sig")


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [IMPORT_URL, XLSX_URL, CSV_URL, "admin:directory_person_tabular_import"])
def test_outsider_is_sent_to_log_in(client, outsider, url):
    client.force_login(outsider)
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert "login" in response["Location"] or "dang-nhap" in response["Location"]


def test_anonymous_cannot_post_an_import(client, db):
    response = client.post(reverse(IMPORT_URL), {"file": xlsx_upload([["A", "", ""]])})
    assert response.status_code == 302
    assert Organisation.objects.count() == 0


def test_provincial_leader_cannot_import(client, provincial_leader):
    client.force_login(provincial_leader)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    response = client.post(reverse(IMPORT_URL), {"file": xlsx_upload([["A", "", ""]])})
    assert response.status_code == 403
    assert Organisation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_provincial_leader_sees_no_import_button_and_no_people_export(client, provincial_leader):
    client.force_login(provincial_leader)
    body = client.get(reverse(CHANGELIST_URL)).content.decode()
    assert reverse(IMPORT_URL) not in body
    assert reverse(XLSX_URL) in body  # organisations are not personal data
    # People's exports carry e-mail, phone and birth year: department staff only.
    assert client.get(reverse("admin:directory_person_tabular_export_xlsx")).status_code == 403
    assert (
        reverse("admin:directory_person_tabular_export_xlsx")
        not in client.get(reverse("admin:directory_person_changelist")).content.decode()
    )


def test_error_report_needs_import_permission_and_the_right_dataset(client, officer_client, provincial_leader, orgs):
    officer_client.post(reverse(IMPORT_URL), {"file": xlsx_upload([["", "", ""]])})
    batch = ImportBatch.objects.get()
    assert (
        officer_client.get(reverse("admin:directory_person_tabular_error_report", args=[batch.pk])).status_code == 404
    )

    client.force_login(provincial_leader)
    assert client.get(reverse("admin:directory_organisation_tabular_error_report", args=[batch.pk])).status_code == 403
