"""Personas and builders for the innovation tests."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from khcn import testing
from khcn.accounts import roles
from khcn.directory.models import Organisation


@pytest.fixture
def technology_officer(db):
    return testing.make_user("technology_officer", roles.TECHNOLOGY_OFFICER)


@pytest.fixture
def inspector(db):
    return testing.make_user("inspector", roles.INSPECTOR)


@pytest.fixture
def startup(db):
    return Organisation.objects.create(name="Công ty TNHH Khởi nghiệp Thử nghiệm", kind=Organisation.Kind.ENTERPRISE)


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
