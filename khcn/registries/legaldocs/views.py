"""The public library of legal documents (no login): a searchable list, each document's page, and
its files. Function views; each reads through a selector that applies the rules first."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from khcn.registries.legaldocs import selectors
from khcn.registries.legaldocs.models import LegalDocument

PER_PAGE = 25


def document_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("loai", "")
    status = request.GET.get("hieu-luc", "")
    try:
        year = int(request.GET.get("nam", "") or 0) or None
    except ValueError:
        year = None
    documents = selectors.document_list_public(query=query, kind=kind, year=year, status=status)
    page = Paginator(documents, PER_PAGE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "page": page,
        "query": query,
        "kind": kind,
        "year": year,
        "status": status,
        "kinds": LegalDocument.Kind.choices,
        "years": selectors.years_available(),
        "querystring": params.urlencode(),
    }
    return render(request, "legaldocs/document_list.html", context)


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_public_document(pk)
    outgoing, incoming = selectors.relations_of(document)
    context = {
        "document": document,
        "outgoing": outgoing,
        "incoming": incoming,
        "files": selectors.files_of(document),
        "can_change": selectors.can_change(request.user),
    }
    return render(request, "legaldocs/document_detail.html", context)


def document_file(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = selectors.get_public_file(pk, attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
