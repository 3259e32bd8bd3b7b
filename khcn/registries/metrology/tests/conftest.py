"""Builders for the metrology tests: instrument types with cycles, owners, instruments, files."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.registries.metrology import services
from khcn.registries.metrology.models import Instrument, InstrumentType, Verification, VerificationCycle

VERIFICATION_HEADERS = [
    "Mã loại phương tiện đo",
    "Số sêri",
    "Hãng sản xuất",
    "Năm sản xuất",
    "Chủ sở hữu",
    "Ngày kiểm định",
    "Hình thức kiểm định",
    "Đơn vị kiểm định",
    "Kiểm định viên",
    "Kết quả",
    "Số giấy chứng nhận",
    "Số tem",
]


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(
    serial: str,
    day: str | dt.date = "15/03/2023",
    *,
    type_code: str = "CT-1P",
    maker: str = "EMIC",
    year: Any = 2020,
    owner: str = "0900000001",
    result: str = "Đạt",
    certificate: str | None = None,
    stamp: str | None = None,
    body: str = "Trung tâm Kiểm định Thử nghiệm (A)",
) -> list[Any]:
    passed = result == "Đạt"
    tag = f"{serial}-{day:%d%m%Y}" if isinstance(day, dt.date) else f"{serial}-{day.replace('/', '')}"
    return [
        type_code,
        serial,
        maker,
        year,
        owner,
        day,
        "Định kỳ",
        body,
        "Nguyễn Văn An",
        result,
        (certificate if certificate is not None else f"GCN-{tag}") if passed else (certificate or ""),
        (stamp if stamp is not None else f"T-{tag}") if passed else (stamp or ""),
    ]


@pytest.fixture
def unit(db) -> AdministrativeUnit:
    province = AdministrativeUnit.objects.create(code="33", name="Hưng Yên", level=AdministrativeUnit.Level.PROVINCE)
    return AdministrativeUnit.objects.create(
        code="12166", name="Phường Phố Hiến", level=AdministrativeUnit.Level.COMMUNE, parent=province
    )


@pytest.fixture
def types(db) -> dict[str, InstrumentType]:
    """A meter (60 months), a scale (12), a thermometer (initial only), and a taximeter whose
    cycle changed from 18 to 24 months on 01/01/2024."""
    made = {
        "CT-1P": InstrumentType.objects.create(code="CT-1P", name="Công tơ điện 1 pha"),
        "CAN": InstrumentType.objects.create(code="CAN", name="Cân đồng hồ lò xo"),
        "NK": InstrumentType.objects.create(code="NK", name="Nhiệt kế y học"),
        "TAXI": InstrumentType.objects.create(code="TAXI", name="Taximet"),
    }
    VerificationCycle.objects.create(instrument_type=made["CT-1P"], valid_from=dt.date(2014, 1, 1), cycle_months=60)
    VerificationCycle.objects.create(instrument_type=made["CAN"], valid_from=dt.date(2014, 1, 1), cycle_months=12)
    VerificationCycle.objects.create(instrument_type=made["NK"], valid_from=dt.date(2014, 1, 1), cycle_months=None)
    VerificationCycle.objects.create(instrument_type=made["TAXI"], valid_from=dt.date(2014, 1, 1), cycle_months=18)
    VerificationCycle.objects.create(
        instrument_type=made["TAXI"], valid_from=dt.date(2024, 1, 1), cycle_months=24, note="[R] giá trị thử"
    )
    return made


@pytest.fixture
def owner(unit) -> Organisation:
    return Organisation.objects.create(
        name="Cửa hàng xăng dầu số 12",
        tax_code="0900000001",
        kind=Organisation.Kind.ENTERPRISE,
        email="ch12@example.vn",
        administrative_unit=unit,
    )


@pytest.fixture
def other_owner(db) -> Organisation:
    return Organisation.objects.create(name="Công ty TNHH Cân điện tử Phố Nối", tax_code="0900000002")


@pytest.fixture
def body(db) -> Organisation:
    return Organisation.objects.create(name="Trung tâm Kiểm định Thử nghiệm (A)", kind=Organisation.Kind.STATE_AGENCY)


@pytest.fixture
def other_body(db) -> Organisation:
    return Organisation.objects.create(name="Trung tâm Kiểm định Thử nghiệm (B)", kind=Organisation.Kind.STATE_AGENCY)


@pytest.fixture
def meter(types, owner) -> Instrument:
    return services.instrument_register(
        instrument_type=types["CT-1P"],
        serial="SN-001",
        manufacturer="EMIC",
        manufacture_year=2019,
        owner=owner,
        by=None,
    )


def verify(
    instrument: Instrument, day: dt.date, body: Organisation, *, passed: bool = True, number: str = ""
) -> Verification:
    number = number or f"GCN-{instrument.serial}-{day:%Y%m%d}"
    return services.verification_record(
        instrument=instrument,
        date=day,
        verifying_body=body,
        result=Verification.Result.PASSED if passed else Verification.Result.FAILED,
        certificate_no=number if passed else "",
        stamp_no=f"T-{number}" if passed else "",
        by=None,
    )
