"""The library's annual figures on a hand-built fixture: only what the department drafted, by
kind, in the year, archived documents left out."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.registries.legaldocs import services
from khcn.registries.legaldocs.models import LegalDocument

pytestmark = pytest.mark.django_db
N, C = LegalDocument.Kind.NORMATIVE, LegalDocument.Kind.DIRECTIVE


def test_figures_count_the_departments_documents_of_the_year(build, science_officer, quoc_hoi):
    build.doc("1/2023/QĐ-UBND", kind=N, drafted_by_department=True, issue_date=dt.date(2023, 1, 5))
    build.doc("2/2023/QĐ-UBND", kind=N, drafted_by_department=True, issue_date=dt.date(2023, 12, 31))
    build.doc("3/2024/QĐ-UBND", kind=N, drafted_by_department=True, issue_date=dt.date(2024, 1, 1))
    build.doc("29/2013/QH13", kind=N, issuer=quoc_hoi, issue_date=dt.date(2023, 6, 18))  # not the department's
    for n in range(1, 4):
        build.doc(f"{n}/KH-UBND", kind=C, drafted_by_department=True, issue_date=dt.date(2023, n, 1))
    wrong = build.doc("9/KH-UBND", kind=C, drafted_by_department=True, issue_date=dt.date(2023, 9, 1))
    services.legal_document_archive(document=wrong, by=science_officer, reason="Nhập nhầm")

    year = metrics.Period.year(2023)
    assert metrics.get("legaldocs.normative").compute(year) == 2
    assert metrics.get("legaldocs.directive").compute(year) == 3
    assert metrics.get("legaldocs.normative").compute(metrics.Period.year(2024)) == 1
