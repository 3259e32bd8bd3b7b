"""Builders for the inspection tests: campaigns, establishments (all invented), decisions."""

from __future__ import annotations

import datetime as dt
import io
from itertools import count
from typing import Any

import pytest
from openpyxl import Workbook

from khcn import testing
from khcn.accounts import roles
from khcn.directory.models import OfficialDocument, Organisation
from khcn.registries.inspections import services
from khcn.registries.inspections.models import Inspection, Sanction

_numbers = count(1)


@pytest.fixture
def inspector(db):
    return testing.make_user("inspector", roles.INSPECTOR)


@pytest.fixture
def technology_officer(db):
    return testing.make_user("technology_officer", roles.TECHNOLOGY_OFFICER)


@pytest.fixture
def department(db):
    return Organisation.objects.create(
        name="Sở Khoa học và Công nghệ (thử nghiệm)", kind=Organisation.Kind.STATE_AGENCY
    )


class Builder:
    def __init__(self, by: Any, department: Organisation) -> None:
        self.by = by
        self.department = department

    def decision(self, date: dt.date, number: str | None = None) -> OfficialDocument:
        return OfficialDocument.objects.create(
            number=number or f"{next(_numbers)}/QĐ-SKHCN",
            date=date,
            issuer=self.department,
            subject="Quyết định kiểm tra",
        )

    def establishment(self, name: str | None = None) -> Organisation:
        return Organisation.objects.create(name=name or f"Cửa hàng thử nghiệm {next(_numbers):03d}")

    def campaign(
        self,
        kind: str = Inspection.Kind.CHECK,
        start: dt.date = dt.date(2023, 3, 1),
        end: dt.date | None = dt.date(2023, 3, 31),
        establishments: int | list[Organisation] = 0,
        **fields: Any,
    ) -> Inspection:
        inspection = services.inspection_save(
            inspection=Inspection(
                kind=kind,
                subject=fields.pop("subject", "Kiểm tra đo lường xăng dầu"),
                start_date=start,
                end_date=end,
                **fields,
            ),
            by=self.by,
        )
        orgs = (
            establishments
            if isinstance(establishments, list)
            else [self.establishment() for _ in range(establishments)]
        )
        for org in orgs:
            services.inspection_cover(inspection=inspection, organisation=org, by=self.by)
        return inspection

    def sanction(self, inspection: Inspection, organisation: Organisation, **fields: Any) -> Sanction:
        values: dict[str, Any] = {
            "decision_number": f"{next(_numbers)}/QĐ-XPHC",
            "decision_date": inspection.start_date + dt.timedelta(days=5),
            "violation": "Sử dụng cân chưa kiểm định",
            "legal_ground": "NĐ 119/2017/NĐ-CP (sửa đổi bởi NĐ 126/2021/NĐ-CP)",
            "amount": 2_500_000,
            "payment_due": inspection.start_date + dt.timedelta(days=15),
        }
        values.update(fields)
        return services.sanction_save(
            sanction=Sanction(inspection=inspection, organisation=organisation, **values), by=self.by
        )


@pytest.fixture
def build(inspector, department):
    return Builder(inspector, department)


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
