"""Builders for the legal document tests: issuers, documents through the service, personas."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from khcn import testing
from khcn.accounts import roles
from khcn.directory.models import Organisation
from khcn.registries.legaldocs import services
from khcn.registries.legaldocs.models import LegalDocument

UBND = "Ủy ban nhân dân tỉnh Hưng Yên"
QH = "Quốc hội"


@pytest.fixture
def finance_officer(db):
    return testing.make_user("finance_officer", roles.FINANCE_OFFICER)


@pytest.fixture
def technology_officer(db):
    return testing.make_user("technology_officer", roles.TECHNOLOGY_OFFICER)


@pytest.fixture
def ubnd(db):
    return Organisation.objects.create(name=UBND, kind=Organisation.Kind.STATE_AGENCY)


@pytest.fixture
def quoc_hoi(db):
    return Organisation.objects.create(name=QH, kind=Organisation.Kind.STATE_AGENCY)


class Builder:
    def __init__(self, by: Any, issuer: Organisation) -> None:
        self.by = by
        self.issuer = issuer

    def doc(self, number: str, subject: str = "Về khoa học và công nghệ", **fields: Any) -> LegalDocument:
        values: dict[str, Any] = {
            "kind": LegalDocument.Kind.DIRECTIVE,
            "form": LegalDocument.Form.DECISION,
            "issue_date": dt.date(2023, 5, 1),
            "issuer": self.issuer,
        }
        values.update(fields)
        return services.legal_document_save(
            document=LegalDocument(number=number, subject=subject, **values), by=self.by
        )


@pytest.fixture
def build(science_officer, ubnd):
    return Builder(science_officer, ubnd)


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# A real (tiny) PDF: attachments are typed by content, not by name.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
