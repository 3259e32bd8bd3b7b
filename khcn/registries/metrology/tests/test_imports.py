"""The verification year file (a bulk dataset) and the instruments file, through the shared runner."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from khcn.core import datasets
from khcn.core.models import ImportBatch
from khcn.registries.metrology.imports import VerificationDataset
from khcn.registries.metrology.models import Instrument, Verification
from khcn.registries.metrology.tests.conftest import VERIFICATION_HEADERS, row, verify, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("types", "owner", "other_owner", "body")]

TODAY = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)


def verifications_import(*, file_name: str, data: bytes, by: Any, dry_run: bool = False) -> datasets.ImportResult:
    return datasets.run_import("verifications", file_name, data, user=by, dry_run=dry_run)


def errors_by_row(result: datasets.ImportResult) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for error in result.errors:
        found.setdefault(error.row, []).append(f"{error.column}: {error.message}")
    return found


@time_machine.travel(TODAY, tick=False)
def test_a_good_file_records_verifications_creates_new_instruments_and_keeps_provenance(meter, quality_officer):
    data = xlsx(
        VERIFICATION_HEADERS,
        [
            row("SN-001", "15/03/2023"),  # the registered meter
            row("SN-900", dt.date(2023, 4, 20), year=2023),  # a real Excel date; a new meter
            row(
                "SN-901",
                "21/04/2023",
                type_code="Cân đồng hồ lò xo",
                maker="",
                result="Không đạt",
                owner="Công ty TNHH Cân điện tử Phố Nối",
            ),
        ],
    )
    result = verifications_import(file_name="kiem-dinh-2023.xlsx", data=data, by=quality_officer)

    assert result.ok, result.errors
    assert (result.row_count, result.created) == (3, 3)
    assert Verification.objects.count() == 3
    assert Instrument.objects.count() == 3

    meter.refresh_from_db()
    assert (meter.last_verified_on, meter.next_due_on, meter.status) == (
        dt.date(2023, 3, 15),
        dt.date(2028, 3, 15),
        Instrument.Status.IN_USE,
    )
    new_meter = Instrument.objects.get(serial="SN-900")
    assert (new_meter.manufacturer, new_meter.manufacture_year, new_meter.owner.tax_code) == (
        "EMIC",
        2023,
        "0900000001",
    )
    assert new_meter.next_due_on == dt.date(2028, 4, 20)
    scale = Instrument.objects.get(serial="SN-901")
    assert scale.status == Instrument.Status.REJECTED and scale.owner.name == "Công ty TNHH Cân điện tử Phố Nối"
    failed = scale.verifications.get()
    assert (failed.result, failed.certificate_no, failed.valid_until, failed.cycle_months) == ("failed", "", None, 12)

    batch = result.batch
    assert (batch.dataset, batch.status, batch.row_count, batch.created_count) == ("verifications", "succeeded", 3, 3)
    assert batch.sha256 == ImportBatch.checksum(data) and batch.created_by == quality_officer
    history = Verification.history.filter(id=failed.pk).get()
    assert history.history_type == "+" and history.history_user == quality_officer
    assert "kiem-dinh-2023.xlsx" in history.history_change_reason
    assert Instrument.history.filter(id=new_meter.pk, history_type="+").count() == 1


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("chunk_rows", [2000, 2])  # one chunk, or rows checked across chunks
def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_row(meter, body, chunk_rows, monkeypatch):
    monkeypatch.setattr(VerificationDataset, "chunk_rows", chunk_rows)
    verify(meter, dt.date(2022, 5, 5), body, number="DA-CO/2022")
    data = xlsx(
        VERIFICATION_HEADERS,
        [
            row("SN-100", "10/01/2023"),  # 2: good
            row("SN-101", "11/01/2023", owner="0999999999"),  # 3: unknown owner
            row("SN-102", "32/01/2023"),  # 4: not a date
            row("SN-103", "12/01/2023", certificate=""),  # 5: passed without certificate
            row("SN-104", "13/01/2023", certificate="TRUNG/2023"),  # 6: good
            row("SN-105", "13/01/2023", certificate="TRUNG/2023"),  # 7: same certificate as row 6
            row("SN-106", "14/01/2023", certificate="DA-CO/2022"),  # 8: certificate already stored
            row("SN-001", "05/05/2022", year=2019),  # 9: the meter already verified that day
            row("SN-001", "15/03/2018", year=""),  # 10: before the meter was made (2019, registry)
            row("SN-107", "16/01/2023", type_code="KHONG-CO"),  # 11: unknown type
            row("SN-108", "17/01/2023", year=2024),  # 12: made after the verification
            row("SN-109", "18/01/2023", result="Không đạt", stamp="T-1"),  # 13: failed with a stamp
            row("SN-100", "10/01/2023", certificate="KHAC-1"),  # 14: same instrument, same day as row 2
        ],
    )
    result = verifications_import(file_name="loi.xlsx", data=data, by=None)

    assert not result.ok
    bad = errors_by_row(result)
    assert sorted(k for k in bad if k is not None) == [3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14]
    assert "Không tìm thấy tổ chức có mã số thuế hoặc tên “0999999999”" in bad[3][0]
    assert bad[4][0].startswith("Ngày kiểm định:")
    assert "phải có số giấy chứng nhận kiểm định" in bad[5][0]
    assert "Trùng số giấy chứng nhận của cùng đơn vị kiểm định với dòng 6" in bad[7][0]
    assert "“DA-CO/2022” đã được đơn vị kiểm định này cấp cho lần kiểm định ngày 05/05/2022" in bad[8][0]
    assert "đã có kết quả kiểm định ngày 05/05/2022 trong hệ thống" in bad[9][0]
    assert "trước năm sản xuất 2019" in bad[10][0]
    assert "Không tìm thấy loại phương tiện đo có mã hoặc tên “KHONG-CO”" in bad[11][0]
    assert "trước năm sản xuất 2024" in bad[12][0]
    assert "không được dán tem" in bad[13][0]
    assert "Trùng phương tiện đo và ngày kiểm định với dòng 2" in bad[14][0]

    assert Verification.objects.count() == 1  # only the one stored before
    assert not Instrument.objects.filter(serial__startswith="SN-1").exists()
    assert result.batch.status == ImportBatch.Status.FAILED and result.batch.error_count == len(result.errors)


@time_machine.travel(TODAY, tick=False)
def test_importing_the_same_file_twice_adds_nothing_the_second_time(quality_officer):
    data = xlsx(VERIFICATION_HEADERS, [row("SN-300", "10/02/2023"), row("SN-301", "11/02/2023", result="Không đạt")])
    assert verifications_import(file_name="a.xlsx", data=data, by=quality_officer).ok
    again = verifications_import(file_name="a.xlsx", data=data, by=quality_officer)

    assert not again.ok and sorted(errors_by_row(again)) == [2, 3]
    assert Verification.objects.count() == 2 and Instrument.objects.count() == 2


@time_machine.travel(TODAY, tick=False)
def test_the_newest_row_gives_a_registered_instrument_its_owner(meter, other_owner, quality_officer):
    data = xlsx(VERIFICATION_HEADERS, [row("SN-001", "15/03/2023", owner="0900000002")])
    assert verifications_import(file_name="b.xlsx", data=data, by=quality_officer).ok
    meter.refresh_from_db()
    assert meter.owner == other_owner and meter.version == 2
    assert meter.history.get(history_type="~").history_user == quality_officer


@time_machine.travel(TODAY, tick=False)
def test_an_older_row_does_not_move_a_registered_instrument(meter, body, quality_officer):
    verify(meter, dt.date(2024, 1, 10), body)
    data = xlsx(VERIFICATION_HEADERS, [row("SN-001", "15/03/2023", owner="0900000002", result="Không đạt")])
    assert verifications_import(file_name="c.xlsx", data=data, by=quality_officer).ok
    meter.refresh_from_db()
    assert (meter.status, meter.last_verified_on, meter.owner.tax_code) == (
        "in_use",
        dt.date(2024, 1, 10),
        "0900000001",
    )


@time_machine.travel(TODAY, tick=False)
def test_a_serial_shared_by_two_manufacturers_needs_the_manufacturer(types, owner, quality_officer):
    from khcn.registries.metrology import services

    for maker in ("EMIC", "Gelex"):
        services.instrument_register(
            instrument_type=types["CT-1P"], serial="SN-X", manufacturer=maker, owner=owner, by=None
        )
    ambiguous = verifications_import(
        file_name="d.xlsx", data=xlsx(VERIFICATION_HEADERS, [row("SN-X", maker="")]), by=None
    )
    assert "hãy ghi đúng hãng sản xuất" in ambiguous.errors[0].message

    named = verifications_import(
        file_name="e.xlsx", data=xlsx(VERIFICATION_HEADERS, [row("SN-X", maker="gelex")]), by=None
    )
    assert named.ok
    assert Verification.objects.get().instrument.manufacturer == "Gelex"


@time_machine.travel(TODAY, tick=False)
def test_a_given_next_due_date_must_match_the_cycle(quality_officer):
    headers = [*VERIFICATION_HEADERS, "Hạn kiểm định tiếp theo"]
    data = xlsx(headers, [row("SN-400", "15/03/2023") + ["15/03/2028"], row("SN-401", "15/03/2023") + ["15/03/2024"]])
    result = verifications_import(file_name="f.xlsx", data=data, by=None)
    assert errors_by_row(result) == {
        3: ["Hạn kiểm định tiếp theo: Hạn kiểm định tiếp theo phải là 15/03/2028 (ngày kiểm định + chu kỳ 60 tháng)."]
    }


@time_machine.travel(TODAY, tick=False)
def test_dry_run_checks_everything_and_writes_nothing(quality_officer):
    data = xlsx(VERIFICATION_HEADERS, [row("SN-500")])
    result = verifications_import(file_name="g.xlsx", data=data, by=quality_officer, dry_run=True)
    assert result.ok and result.dry_run and result.created == 1
    assert not Verification.objects.exists() and not Instrument.objects.exists()
    assert result.batch.status == ImportBatch.Status.DRY_RUN


@time_machine.travel(TODAY, tick=False)
def test_export_has_the_import_headers_and_the_computed_due_date(meter, body):
    verify(meter, dt.date(2023, 3, 15), body, number="123/2023")
    data = datasets.run_export("verifications")
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert list(rows[0]) == datasets.get("verifications").headers
    assert set(VERIFICATION_HEADERS) <= set(rows[0])
    exported = dict(zip(rows[0], rows[1], strict=True))
    assert exported["Mã loại phương tiện đo"] == "CT-1P" and exported["Số sêri"] == "SN-001"
    assert exported["Chủ sở hữu"] == "0900000001" and exported["Kết quả"] == "Đạt"
    assert exported["Số giấy chứng nhận"] == "123/2023"
    assert exported["Hạn kiểm định tiếp theo"].date() == dt.date(2028, 3, 15)


@time_machine.travel(TODAY, tick=False)
def test_the_command_imports_a_file_and_reports_bad_rows(tmp_path, quality_officer, capsys):
    good = tmp_path / "tot.xlsx"
    good.write_bytes(xlsx(VERIFICATION_HEADERS, [row("SN-700")]))
    call_command("import_verifications", str(good), user=quality_officer.username)
    assert "1 lần kiểm định mới" in capsys.readouterr().out

    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(xlsx(VERIFICATION_HEADERS, [row("SN-701", owner="khong-co")]))
    with pytest.raises(CommandError):
        call_command("import_verifications", str(bad))
    assert "Dòng 2 [Chủ sở hữu]" in capsys.readouterr().err
    assert Verification.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_the_instruments_file_goes_through_the_shared_runner(meter, quality_officer):
    headers = [
        "Mã loại phương tiện đo",
        "Số sêri",
        "Hãng sản xuất",
        "Năm sản xuất",
        "Ngày đăng ký lần đầu",
        "Chủ sở hữu",
    ]
    good_rows = [
        ["CT-1P", "SN-001", "EMIC", 2019, "01/06/2019", "0900000002"],  # updates the meter
        ["CAN", "C-77", "", 2021, "", "Cửa hàng xăng dầu số 12"],
    ]
    bad = datasets.run_import(
        "instruments",
        "ptd.xlsx",
        xlsx(headers, [*good_rows, ["CAN", "C-78", "", 2022, "01/01/2021", "0900000001"]]),
        user=quality_officer,
    )
    assert [(e.row, e.column) for e in bad.errors] == [(4, "Ngày đăng ký lần đầu")]
    assert Instrument.objects.count() == 1

    good = datasets.run_import("instruments", "ptd.xlsx", xlsx(headers, good_rows), user=quality_officer)
    assert good.ok and (good.created, good.updated) == (1, 1)
    meter.refresh_from_db()
    assert meter.owner.tax_code == "0900000002" and meter.first_registered_on == dt.date(2019, 6, 1)
