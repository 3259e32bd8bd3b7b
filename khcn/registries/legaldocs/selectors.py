"""Reads with rules for the legal document library: the public library, staff access, search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from khcn.accounts.permissions import is_department_staff
from khcn.core.models import Attachment
from khcn.lib.text import fold
from khcn.registries.legaldocs.models import LegalDocument, LegalDocumentRelation


def can_view(user: Any) -> bool:
    return is_department_staff(user) and user.has_perm("legaldocs.view_legaldocument")


def can_change(user: Any) -> bool:
    return is_department_staff(user) and user.has_perm("legaldocs.change_legaldocument")


def search(qs: QuerySet[LegalDocument], query: str) -> QuerySet[LegalDocument]:
    """Every word of the query, folded, must appear in the folded text: "khoa hoc" finds "khoa
    học", "do luong" and "Đo lường" both find "Đo lường"."""
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs


def in_force_q(on: dt.date) -> Q:
    """Documents in force on `on`: taken effect (or no effective date recorded) and not ended."""
    started = Q(effective_date__isnull=True, issue_date__lte=on) | Q(effective_date__lte=on)
    not_ended = Q(expired=False) | Q(expired_on__gt=on)
    return started & not_ended


def public_documents() -> QuerySet[LegalDocument]:
    return LegalDocument.objects.active().filter(is_public=True).select_related("issuer")


def document_list_public(
    *, query: str = "", kind: str = "", year: int | None = None, status: str = ""
) -> QuerySet[LegalDocument]:
    """The public library, filtered: a search, a kind, a year of issue, in force or expired."""
    qs = public_documents()
    if query:
        qs = search(qs, query)
    if kind in LegalDocument.Kind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(issue_date__year=year)
    today = timezone.localdate()
    if status == "con-hieu-luc":
        qs = qs.filter(in_force_q(today))
    elif status == "het-hieu-luc":
        qs = qs.exclude(in_force_q(today))
    return qs.order_by("-issue_date", "number")


def get_public_document(pk: int) -> LegalDocument:
    document = public_documents().filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def relations_of(document: LegalDocument, public_only: bool = True) -> tuple[list[Any], list[Any]]:
    """(what this document does to others, what others do to it), two queries."""
    outgoing = LegalDocumentRelation.objects.filter(source=document, target__archived_at__isnull=True).select_related(
        "target", "target__issuer"
    )
    incoming = LegalDocumentRelation.objects.filter(target=document, source__archived_at__isnull=True).select_related(
        "source", "source__issuer"
    )
    if public_only:
        outgoing = outgoing.filter(target__is_public=True)
        incoming = incoming.filter(source__is_public=True)
    return list(outgoing.order_by("kind", "-target__issue_date")), list(
        incoming.order_by("kind", "-source__issue_date")
    )


def files_of(document: LegalDocument) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(LegalDocument),
        object_id=str(document.pk),
        archived_at__isnull=True,
    ).order_by("uploaded_at", "pk")


def get_public_file(document_pk: int, attachment_pk: int) -> Attachment:
    """A file of a public document: anyone may download it (the library is public)."""
    document = get_public_document(document_pk)
    attachment = files_of(document).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


def years_available() -> list[int]:
    dates = public_documents().dates("issue_date", "year", order="DESC")
    return [d.year for d in dates]


def document_list_visible_to(user: Any) -> QuerySet[LegalDocument]:
    qs = LegalDocument.objects.active().select_related("issuer")
    return qs if can_view(user) else qs.none()
