"""Staff pages of the inspection registry beyond the back office: the establishments covered by
campaigns, and one establishment's record (its campaigns, findings and sanctions).

Function views; each reads through an access-checked selector first (style.md, "Views"). Staff
only: these pages name establishments and their violations.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from khcn.registries.inspections import selectors

PER_PAGE = 50


@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:200]
    establishments = selectors.establishment_list_visible_to(request.user, query)
    page = Paginator(establishments, PER_PAGE).get_page(request.GET.get("trang"))
    context = {
        **admin.site.each_context(request),
        "title": _("Cơ sở đã được thanh tra, kiểm tra"),
        "page": page,
        "query": query,
    }
    return render(request, "inspections/establishment_list.html", context)


@login_required
def establishment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.establishment_record_for(request.user, pk)
    context = {
        **admin.site.each_context(request),
        "title": _("Hồ sơ thanh tra, kiểm tra: %(name)s") % {"name": record.organisation.name},
        "record": record,
        "can_change": selectors.can_change(request.user),
    }
    return render(request, "inspections/establishment_detail.html", context)
