"""Tabular dataset of the legal document library (one engine: khcn.lib.tabular + core.datasets).

- legal_documents: one row per document; a row is matched to a stored document by issuer and
  number, so re-importing a corrected file updates instead of duplicating. Relations between
  documents and their files are added in the back office.

Headers are the file's contract: Vietnamese, the same whatever the interface language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import Organisation
from khcn.lib import tabular
from khcn.registries.legaldocs.models import LegalDocument, number_key

_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.active().exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.active(), "name"),
)


def _organisation_key(organisation: Organisation) -> str:
    return organisation.tax_code or organisation.name


@datasets.register
class LegalDocumentDataset(tabular.Dataset):
    name = "legal_documents"
    title = gettext_lazy("Văn bản quy phạm pháp luật, chỉ đạo điều hành")
    model = LegalDocument
    natural_keys = (("issuer", "number"),)
    derived_fields = ("search_text", "expired", "number_key")
    columns = (
        tabular.Choice("Loại văn bản", "kind", choices=LegalDocument.Kind.choices, required=True),
        tabular.Choice("Hình thức", "form", choices=LegalDocument.Form.choices, default=LegalDocument.Form.DECISION),
        tabular.Text("Số, ký hiệu", "number", max_length=100, required=True),
        tabular.Date("Ngày ban hành", "issue_date", required=True),
        tabular.Lookup(
            "Cơ quan ban hành",
            "issuer",
            resolve=_resolve_organisation,
            display=_organisation_key,
            noun=gettext_lazy("cơ quan có mã số thuế hoặc tên"),
            required=True,
            help_text=gettext_lazy("Tên đầy đủ của cơ quan (như trong danh bạ tổ chức) hoặc mã số thuế"),
        ),
        tabular.Text("Người ký", "signer", max_length=200),
        tabular.Text("Trích yếu", "subject", required=True),
        tabular.Choice("Lĩnh vực", "area", choices=LegalDocument.Area.choices, default=LegalDocument.Area.SCIENCE),
        tabular.Date("Ngày có hiệu lực", "effective_date"),
        tabular.Boolean("Hết hiệu lực", "expired", default=False),
        tabular.Date("Ngày hết hiệu lực", "expired_on"),
        tabular.Boolean("Do Sở tham mưu", "drafted_by_department", default=False),
        tabular.Boolean("Công khai", "is_public", default=True),
        tabular.Text("Ghi chú", "note"),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        # The same date rules as services.legal_document_check, row by row.
        errors: list[tuple[str, str]] = []
        issued, effective, ended = values.get("issue_date"), values.get("effective_date"), values.get("expired_on")
        if issued and effective and effective < issued:
            errors.append(("effective_date", _("Ngày có hiệu lực không được trước ngày ban hành")))
        start = effective or issued
        if start and ended and ended < start:
            errors.append(("expired_on", _("Ngày hết hiệu lực không được trước ngày văn bản có hiệu lực")))
        return errors

    def prepare(self, instance: Any) -> None:
        instance.number = instance.number.strip()
        instance.number_key = number_key(instance.number)
        if instance.expired_on:
            instance.expired = True
        instance.search_text = instance.compute_search_text(instance.issuer.name if instance.issuer_id else "")

    def export_queryset(self) -> Any:
        return LegalDocument.objects.active().order_by("-issue_date", "number")
