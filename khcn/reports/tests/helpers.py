"""Hand-built records for the report tests: legal documents through their app's service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from khcn.directory.models import Organisation
from khcn.registries.legaldocs import services
from khcn.registries.legaldocs.models import LegalDocument

N, C = LegalDocument.Kind.NORMATIVE, LegalDocument.Kind.DIRECTIVE


def legal_doc(
    by: Any, issuer: Organisation, number: str, kind: str, issue_date: dt.date, **fields: Any
) -> LegalDocument:
    values: dict[str, Any] = {
        "kind": kind,
        "form": LegalDocument.Form.DECISION,
        "issue_date": issue_date,
        "issuer": issuer,
        "drafted_by_department": True,
    }
    values.update(fields)
    return services.legal_document_save(document=LegalDocument(number=number, subject="Về KH&CN", **values), by=by)


def two_years_of_documents(by: Any, issuer: Organisation) -> None:
    """2023: 2 normative, 3 directive; 2022: 1 normative, 1 directive."""
    legal_doc(by, issuer, "1/2023/QĐ-UBND", N, dt.date(2023, 1, 5))
    legal_doc(by, issuer, "2/2023/QĐ-UBND", N, dt.date(2023, 11, 20))
    for n in range(1, 4):
        legal_doc(by, issuer, f"{n}/KH-UBND", C, dt.date(2023, 2 * n, 1))
    legal_doc(by, issuer, "7/2022/QĐ-UBND", N, dt.date(2022, 6, 1))
    legal_doc(by, issuer, "8/KH-UBND", C, dt.date(2022, 7, 1))
