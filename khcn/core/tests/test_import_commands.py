"""manage.py import_data and export_data."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from openpyxl import Workbook, load_workbook

from khcn.core.models import ImportBatch
from khcn.directory.models import Organisation


def write_xlsx(path, headers, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path):
    return write_xlsx(
        tmp_path / "to-chuc.xlsx",
        ["Tên tổ chức", "Mã số thuế", "Loại hình"],
        [["Công ty Giống", "0900123456", "Doanh nghiệp"], ["Trung tâm Nấm", "", "Viện, trung tâm nghiên cứu"]],
    )


@pytest.fixture
def bad_file(tmp_path):
    return write_xlsx(
        tmp_path / "sai.xlsx",
        ["Tên tổ chức", "Thư điện tử"],
        [["A", "a@example.vn"], ["", "b@example.vn"], ["C", "không phải thư"]],
    )


def test_import_prints_a_summary_and_records_the_user(good_file, science_officer):
    out, _err = run("import_data", "organisations", str(good_file), "--user", "science_officer")

    assert "2 dòng, 2 tạo mới, 0 cập nhật, 0 lỗi" in out
    assert "Đã nhập xong." in out
    assert Organisation.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created_by, batch.file_name) == ("succeeded", science_officer, "to-chuc.xlsx")


def test_import_dry_run_writes_nothing(good_file, db):
    out, _err = run("import_data", "organisations", str(good_file), "--dry-run")

    assert "Chạy thử: chưa ghi gì" in out
    assert Organisation.objects.count() == 0
    assert ImportBatch.objects.get().status == "dry_run"


def test_import_failure_lists_every_bad_row_and_raises(bad_file, db):
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập"):
        call_command("import_data", "organisations", str(bad_file), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert "Dòng 3 [Tên tổ chức]: Bắt buộc phải có giá trị" in lines
    assert "Dòng 4 [Thư điện tử] “không phải thư”: Địa chỉ thư điện tử không hợp lệ" in lines
    assert Organisation.objects.count() == 0
    assert ImportBatch.objects.get().status == "failed"


def test_import_failure_exits_non_zero_from_the_command_line(bad_file, db, capsys):
    with pytest.raises(SystemExit) as info:
        ManagementUtility(["manage.py", "import_data", "organisations", str(bad_file)]).execute()
    assert info.value.code != 0
    assert "Dòng 4" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["khong-co", "x.xlsx"], "Không có bộ dữ liệu “khong-co”"),
        (["organisations", "/khong/co/tep.xlsx"], "Không tìm thấy tệp"),
        (["organisations", "x.xlsx", "--user", "ai-do"], "Không có người dùng “ai-do”"),
    ],
)
def test_import_refuses_bad_arguments_clearly(db, args, message):
    with pytest.raises(CommandError, match=message):
        run("import_data", *args)


def test_export_then_import_is_a_round_trip(tmp_path, good_file, db):
    run("import_data", "organisations", str(good_file))
    for name in ("xuat.xlsx", "xuat.csv"):
        target = tmp_path / name
        out, _err = run("export_data", "organisations", str(target))
        assert "Đã xuất" in out and target.stat().st_size > 0

        out, _err = run("import_data", "organisations", str(target))
        assert "2 dòng, 0 tạo mới, 2 cập nhật, 0 lỗi" in out
    assert Organisation.objects.count() == 2
    rows = list(load_workbook(tmp_path / "xuat.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Tên tổ chức", "Tên viết tắt", "Loại hình")
    assert {r[0] for r in rows[1:]} == {"Công ty Giống", "Trung tâm Nấm"}
    assert (tmp_path / "xuat.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_needs_a_known_extension(tmp_path, db):
    with pytest.raises(CommandError, match=r"\.xlsx hoặc \.csv"):
        run("export_data", "people", str(tmp_path / "xuat.pdf"))
