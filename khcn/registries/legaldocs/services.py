"""Every write of the legal document library. Keyword-only, typed, the acting user as `by`; each
runs in one transaction, saves through core.services (history, optimistic locking) and refuses
what the rules forbid with a Vietnamese message, changing nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.core import services as core_services
from khcn.core.models import Attachment
from khcn.registries.legaldocs.models import LegalDocument, LegalDocumentRelation, number_key


def _require(by: User | None, action: str, model: type[Model]) -> None:
    """Writes are for the staff who draft documents (legaldocs.* in roles.py)."""
    perm = f"legaldocs.{action}_{model._meta.model_name}"
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(perm):
        raise PermissionDenied(_("Bạn không có quyền sửa thư viện văn bản."))


# --- Checks (the admin forms run the same ones, so a refusal shows on the form) -------------------


def legal_document_check(document: LegalDocument) -> None:
    """Refuse a duplicate number from the same issuer and dates in the wrong order."""
    errors: dict[str, list[str]] = {}
    document.number = (document.number or "").strip()
    document.number_key = number_key(document.number)
    if document.number and document.issuer_id:
        taken = (
            LegalDocument.objects.filter(issuer_id=document.issuer_id, number_key=document.number_key)
            .exclude(pk=document.pk)
            .exists()
        )
        if taken:
            errors.setdefault("number", []).append(
                _("Cơ quan này đã có văn bản số “%(n)s”. Mỗi số, ký hiệu chỉ dùng cho một văn bản.")
                % {"n": document.number}
            )
    issued = document.issue_date
    if issued and document.effective_date and document.effective_date < issued:
        errors.setdefault("effective_date", []).append(
            _("Ngày có hiệu lực (%(e)s) không được trước ngày ban hành (%(i)s).")
            % {"e": f"{document.effective_date:%d/%m/%Y}", "i": f"{issued:%d/%m/%Y}"}
        )
    if document.expired_on:
        start = document.effective_date or issued
        if start and document.expired_on < start:
            errors.setdefault("expired_on", []).append(
                _("Ngày hết hiệu lực (%(x)s) không được trước ngày văn bản có hiệu lực (%(s)s).")
                % {"x": f"{document.expired_on:%d/%m/%Y}", "s": f"{start:%d/%m/%Y}"}
            )
    if errors:
        raise ValidationError(errors)


def relation_check(*, source: LegalDocument, target: LegalDocument, kind: str, pk: Any = None) -> None:
    """A document acts on another, older one, once per kind of relation."""
    if source.pk is not None and source.pk == target.pk:
        raise ValidationError({"target": _("Một văn bản không thể sửa đổi, thay thế hay bãi bỏ chính nó.")})
    if source.issue_date and target.issue_date and target.issue_date > source.issue_date:
        raise ValidationError(
            {
                "target": _(
                    "Văn bản %(t)s ban hành ngày %(td)s, sau văn bản %(s)s (%(sd)s): văn bản ban hành trước "
                    "không thể sửa đổi, thay thế hay bãi bỏ văn bản ban hành sau."
                )
                % {
                    "t": target.number,
                    "td": f"{target.issue_date:%d/%m/%Y}",
                    "s": source.number,
                    "sd": f"{source.issue_date:%d/%m/%Y}",
                }
            }
        )
    if (
        source.pk is not None
        and LegalDocumentRelation.objects.filter(source=source, target=target, kind=kind).exclude(pk=pk).exists()
    ):
        raise ValidationError({"target": _("Quan hệ này giữa hai văn bản đã được ghi.")})


# --- Documents ------------------------------------------------------------------------------------


@transaction.atomic
def legal_document_save(
    *, document: LegalDocument, by: User, expected_version: int | None = None, reason: str = ""
) -> LegalDocument:
    """Create or update a document: its number is unique for its issuer, its dates in order; a
    date of expiry marks it expired; the folded search column is refreshed."""
    _require(by, "change" if document.pk else "add", LegalDocument)
    legal_document_check(document)
    if document.expired_on:
        document.expired = True
    document.full_clean()
    document.search_text = document.compute_search_text()
    return core_services.record_save(record=document, by=by, expected_version=expected_version, reason=reason)


def legal_document_archive(*, document: LegalDocument, by: User, reason: str) -> LegalDocument:
    """Take a document out of the library (entered by mistake); it is kept, with its history."""
    _require(by, "change", LegalDocument)
    return core_services.record_archive(record=document, by=by, reason=reason)


def legal_document_attach(
    *, document: LegalDocument, upload: UploadedFile, by: User, description: str = ""
) -> Attachment:
    """Attach the document's file (the signed scan or the text); the type is checked by content."""
    _require(by, "change", LegalDocument)
    return core_services.attachment_add(record=document, upload=upload, by=by, description=description)


# --- Relations ------------------------------------------------------------------------------------


@transaction.atomic
def legal_document_relate(
    *, source: LegalDocument, target: LegalDocument, kind: str, by: User, note: str = ""
) -> LegalDocumentRelation:
    """Record that `source` amends, replaces, guides or repeals the older `target`. Replacing or
    repealing ends the target's force from the day `source` takes effect, unless an expiry was
    already recorded."""
    relation = LegalDocumentRelation(source=source, target=target, kind=kind, note=note)
    return legal_document_relation_save(relation=relation, by=by)


@transaction.atomic
def legal_document_relation_save(*, relation: LegalDocumentRelation, by: User) -> LegalDocumentRelation:
    _require(by, "change", LegalDocument)
    relation_check(source=relation.source, target=relation.target, kind=relation.kind, pk=relation.pk)
    relation.full_clean()
    relation._history_user = by  # type: ignore[attr-defined]
    relation.save()
    target = relation.target
    if relation.kind in LegalDocumentRelation.ENDING_KINDS and not target.expired:
        source = relation.source
        target.expired = True
        target.expired_on = source.effective_date or source.issue_date
        legal_document_save(
            document=target,
            by=by,
            reason=_("Hết hiệu lực do %(kind)s bởi %(n)s")
            % {"kind": relation.get_kind_display().lower(), "n": source.number},
        )
    return relation


@transaction.atomic
def legal_document_unrelate(*, relation: LegalDocumentRelation, by: User) -> None:
    """Remove a relation entered by mistake (the history keeps it). The target's expiry is left as
    it is: whether it is still in force is for the editor to decide."""
    _require(by, "change", LegalDocument)
    relation._history_user = by  # type: ignore[attr-defined]
    relation.delete()
