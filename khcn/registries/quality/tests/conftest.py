"""Builders for the quality tests: deadline rules, enterprises, records, files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.registries.quality import services
from khcn.registries.quality.models import ConformityAnnouncement, DeadlineRule, ImportInspection


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def rules(db) -> dict[str, DeadlineRule]:
    """15 working days for the import certificate (10 before 2020, to see the rule by date), and
    36 months of validity for a self-assessment."""
    return {
        "old_import": DeadlineRule.objects.create(
            kind=DeadlineRule.Kind.IMPORT_CERTIFICATE, valid_from=dt.date(2015, 1, 1), amount=10, unit="working_days"
        ),
        "import": DeadlineRule.objects.create(
            kind=DeadlineRule.Kind.IMPORT_CERTIFICATE, valid_from=dt.date(2020, 1, 1), amount=15, unit="working_days"
        ),
        "validity": DeadlineRule.objects.create(
            kind=DeadlineRule.Kind.SELF_ASSESSMENT_VALIDITY, valid_from=dt.date(2013, 2, 1), amount=36, unit="months"
        ),
    }


@pytest.fixture
def unit(db) -> AdministrativeUnit:
    province = AdministrativeUnit.objects.create(code="33", name="Hưng Yên", level=AdministrativeUnit.Level.PROVINCE)
    return AdministrativeUnit.objects.create(
        code="12166", name="Phường Phố Hiến", level=AdministrativeUnit.Level.COMMUNE, parent=province
    )


@pytest.fixture
def enterprise(unit) -> Organisation:
    return Organisation.objects.create(
        name="Công ty TNHH Thiết bị điện Phố Nối (giả định)",
        tax_code="0900000101",
        kind=Organisation.Kind.ENTERPRISE,
        email="pn@example.vn",
        administrative_unit=unit,
    )


@pytest.fixture
def importer(db) -> Organisation:
    return Organisation.objects.create(name="Công ty TNHH Thép Như Quỳnh (giả định)", tax_code="0900000102")


@pytest.fixture
def certifier(db) -> Organisation:
    return Organisation.objects.create(name="Tổ chức chứng nhận (A)", kind=Organisation.Kind.STATE_AGENCY)


def announcement(enterprise: Organisation, number: str, day: dt.date, **fields: Any) -> ConformityAnnouncement:
    values: dict[str, Any] = {
        "kind": ConformityAnnouncement.Kind.REGULATION,
        "enterprise": enterprise,
        "product": "Nồi cơm điện",
        "standard_code": "QCVN 4:2009/BKHCN",
        "basis": ConformityAnnouncement.Basis.SELF_ASSESSMENT,
        "self_assessment_date": day - dt.timedelta(days=10),
        "receipt_no": number,
        "receipt_date": day,
    }
    values.update(fields)
    return services.announcement_save(announcement=ConformityAnnouncement(**values), by=None)


def registration(importer: Organisation, number: str, day: dt.date, **fields: Any) -> ImportInspection:
    values: dict[str, Any] = {
        "registration_no": number,
        "registration_date": day,
        "enterprise": importer,
        "goods": "Thép cuộn cán nóng",
        "quantity": Decimal("120.5"),
        "unit": "tấn",
        "standard_code": "QCVN 7:2019/BKHCN",
    }
    values.update(fields)
    return services.import_inspection_save(inspection=ImportInspection(**values), by=None)
