"""Builders for the radiation tests: facilities, licences, a survey, and the unit table."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from khcn.directory import units
from khcn.directory.models import AdministrativeUnit
from khcn.registries.radiation import services
from khcn.registries.radiation.models import (
    Device,
    MeasurementPoint,
    RadiationFacility,
    RadiationLicence,
    Survey,
)

# Inside today's Hưng Yên: old TP Hưng Yên (phường Hiến Nam area) and Thái Bình city.
PHO_HIEN = (Decimal("20.652000"), Decimal("106.052000"))
THAI_BINH = (Decimal("20.450000"), Decimal("106.340000"))
# Outside: Hà Nội (Hoàn Kiếm), Hải Phòng, Nam Định city.
HA_NOI = (Decimal("21.028500"), Decimal("105.854200"))
HAI_PHONG = (Decimal("20.844900"), Decimal("106.688100"))

POINT_HEADERS = [
    "Mã đợt quan trắc",
    "Mã điểm",
    "Ngày đo",
    "Vĩ độ",
    "Kinh độ",
    "Địa danh",
    "Mã xã/phường (khi đo)",
    "Loại bề mặt",
    "Độ cao đo (m)",
    "Thiết bị đo",
    "Ngày hiệu chuẩn",
    "Giá trị đo",
    "Đơn vị đo",
    "Người đo",
    "Ghi chú",
]


@pytest.fixture
def unit_table(db: Any) -> None:
    units.load_all()


def old_unit(code: str, level: str = AdministrativeUnit.Level.COMMUNE) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code, valid_to=dt.date(2025, 7, 1))


def current_unit(code: str, level: str = AdministrativeUnit.Level.COMMUNE) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code, valid_to__isnull=True)


def make_facility(by: Any, name: str = "Phòng khám đa khoa Thử Nghiệm", **fields: Any) -> RadiationFacility:
    return services.facility_save(facility=RadiationFacility(name=name, **fields), by=by)


def make_device(by: Any, facility: RadiationFacility, kind: str = "general", **fields: Any) -> Device:
    fields.setdefault("manufacturer", "Shimadzu")
    fields.setdefault("serial", f"SN-{Device.objects.count() + 1:04d}")
    return services.device_save(device=Device(facility=facility, kind=kind, **fields), by=by)


def make_licence(
    by: Any, facility: RadiationFacility, number: str, issue_date: dt.date, **fields: Any
) -> RadiationLicence:
    return services.licence_issue(facility=facility, number=number, issue_date=issue_date, by=by, **fields)


def make_survey(by: Any, code: str = "HY-TEST", **fields: Any) -> Survey:
    fields.setdefault("name", "Đợt quan trắc thử nghiệm")
    fields.setdefault("start_date", dt.date(2023, 4, 1))
    return services.survey_save(survey=Survey(code=code, **fields), by=by)


def make_point(by: Any, survey: Survey, code: str, value: str, unit: str = "nSv/h", **fields: Any) -> MeasurementPoint:
    lat, lon = fields.pop("at", PHO_HIEN)
    fields.setdefault("measured_on", dt.date(2023, 5, 10))
    point = MeasurementPoint(
        survey=survey, code=code, latitude=lat, longitude=lon, raw_value=Decimal(value), raw_unit=unit, **fields
    )
    return services.measurement_point_save(point=point, by=by)


def csv_bytes(rows: list[list[Any]], headers: list[str] = POINT_HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def point_row(
    code: str, lat: Any = "20.652", lon: Any = "106.052", value: Any = "0.095", unit: str = "µSv/h", **extra: Any
) -> list[Any]:
    """A row for POINT_HEADERS; `extra` overrides by field name (survey, commune, date, note...)."""
    return [
        extra.get("survey", "HY-TEST"),
        code,
        extra.get("date", "10/05/2023"),
        lat,
        lon,
        extra.get("place", "Cánh đồng thôn Đông"),
        extra.get("commune", ""),
        extra.get("land_use", "Ruộng lúa"),
        extra.get("height", "1"),
        extra.get("instrument", "Atomtex AT1121 – 40518"),
        extra.get("calibrated", "15/02/2023"),
        value,
        unit,
        extra.get("by", "Tổ đo số 1"),
        extra.get("note", ""),
    ]
