"""The public S&T database (no login): home with figures, tasks with facets, organisations,
scientists who consented, GI holders, initiatives, search, open data. Function views; each reads
through selectors.py, which applies the publication rules first."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from khcn.lib.paging import IdsFirstPaginator
from khcn.public import exports, search, selectors
from khcn.public.selectors import TaskFilters

PER_PAGE = 25
# `?so-dong=` lets a reader (or a script) ask for a longer page of tasks, up to this many rows.
MAX_PER_PAGE = 100


def _int(value: str | None) -> int | None:
    try:
        return int(value or "") or None
    except ValueError:
        return None


def _per_page(request: HttpRequest) -> int:
    rows = _int(request.GET.get("so-dong"))
    return min(rows, MAX_PER_PAGE) if rows and rows > 0 else PER_PAGE


def _querystring(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for key in ("trang", *drop):
        params.pop(key, None)
    return params.urlencode()


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"summary": selectors.summary()})


def _task_filters(request: HttpRequest) -> TaskFilters:
    query = request.GET.get("q", "").strip()[:200]
    ids = None
    if query:
        # The same search as /csdl/tim-kiem/, restricted to tasks (the first 500 hits).
        hits = search.search(query, kind="task", limit=500).hits
        ids = tuple(h.entry.object_id for h in hits)
    return TaskFilters(
        field=request.GET.get("linh-vuc", "")[:10],
        year=_int(request.GET.get("nam")),
        status=request.GET.get("trang-thai", ""),
        host=_int(request.GET.get("chu-tri")),
        area=request.GET.get("dia-ban", "")[:10],
        form=request.GET.get("hinh-thuc", "")[:40],
        ids=ids,
    )


# Stands for the request's query string in a cached facet block: a "<" cannot come out of escaped
# data, so only the template's own links carry it.
_QUERYSTRING_MARK = "<querystring>"


def _facet_block(filters: TaskFilters, tasks: Any, querystring: str) -> tuple[SafeString, int]:
    """The task list's six facets as HTML, and the number of tasks they count, from the cache when
    neither the filters, the language nor anything the facets show (selectors.task_facets_stamp, one
    query) changed since they were counted; counted and rendered again otherwise (four queries, ~35
    ms at 10,000 tasks). The links' query string is the request's own, put in after the cache.

    The number is kept with the block because the facets already read every matching task: the
    pager takes it instead of counting the list again (one query less on a warm page)."""
    seconds = settings.FACET_CACHE_SECONDS
    key = html = None
    if seconds > 0:
        normalised = (
            filters.field, filters.year, filters.status if filters.status in selectors.PUBLIC_TASK_STATUSES else "",
            filters.host, filters.area, filters.form, filters.ids,
        )  # fmt: skip
        digest = hashlib.sha256(repr((normalised, selectors.task_facets_stamp())).encode()).hexdigest()
        key = f"khcn:public:task-facets:2:{get_language()}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            html, total = cached
    if html is None:
        mark = mark_safe(_QUERYSTRING_MARK)  # noqa: S308 (a constant)
        facets = selectors.task_facets(tasks)
        total = sum(count for _code, _label, count in facets["status"])  # every task has one status
        context = {"facets": facets, "filters": filters, "querystring": mark}
        html = render_to_string("public/_task_facets.html", context)
        if key:
            cache.set(key, (html, total), seconds)
    prefix = f"{escape(querystring)}&amp;" if querystring else ""
    block = mark_safe(html.replace(f"{_QUERYSTRING_MARK}&amp;", prefix))  # noqa: S308 (both parts escaped)
    return block, total


@require_GET
def task_list(request: HttpRequest) -> HttpResponseBase:
    filters = _task_filters(request)
    tasks = selectors.task_list_filtered(filters)
    fmt = request.GET.get("dinh-dang", "")
    if fmt == "csv":
        return exports.csv_response(exports.TASKS, tasks)
    if fmt == "json":
        return exports.json_response(exports.TASKS, tasks)
    facet_block, total = _facet_block(filters, tasks, _querystring(request))
    paginator = IdsFirstPaginator(tasks, _per_page(request))
    paginator.count = total  # type: ignore[misc]  # counted with the facets (a cached_property)
    page = paginator.get_page(request.GET.get("trang"))
    context = {
        "page": page,
        "filters": filters,
        "query": request.GET.get("q", "").strip()[:200],
        "facet_block": facet_block,
        "querystring": _querystring(request),
        "export_querystring": _querystring(request, "dinh-dang"),
    }
    return render(request, "public/task_list.html", context)


@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_public_task(pk)
    return render(
        request,
        "public/task_detail.html",
        {"task": task, "pi_name": selectors.public_name(task.pi), "results": selectors.task_results_public(task)},
    )


def _simple_list(
    request: HttpRequest, table: exports.Table, template: str, extra: dict[str, Any] | None = None
) -> HttpResponseBase:
    qs = table.queryset()
    fmt = request.GET.get("dinh-dang", "")
    if fmt == "csv":
        return exports.csv_response(table, qs)
    if fmt == "json":
        return exports.json_response(table, qs)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("trang"))
    return render(
        request, template, {"page": page, "table": table, "querystring": _querystring(request), **(extra or {})}
    )


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponseBase:
    return _simple_list(request, exports.ORGANISATIONS, "public/organisation_list.html")


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_public_organisation(pk)
    tasks = selectors.task_list_public().filter(host=organisation)
    people = selectors.person_list_public().filter(organisation=organisation)
    return render(
        request, "public/organisation_detail.html", {"organisation": organisation, "tasks": tasks, "people": people}
    )


@require_GET
def person_list(request: HttpRequest) -> HttpResponseBase:
    return _simple_list(request, exports.PEOPLE, "public/person_list.html")


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_public_person(pk)
    tasks = selectors.task_list_public().filter(pi=person)
    return render(request, "public/person_detail.html", {"person": person, "tasks": tasks})


@require_GET
def certificate_list(request: HttpRequest) -> HttpResponseBase:
    return _simple_list(
        request,
        exports.CERTIFICATES,
        "public/certificate_list.html",
        {"holder_name": search.certificate_holder_name},
    )


@require_GET
def initiative_list(request: HttpRequest) -> HttpResponseBase:
    return _simple_list(request, exports.INITIATIVES, "public/initiative_list.html")


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("loai", "")
    page_number = _int(request.GET.get("trang")) or 1
    results = search.search(query, kind=kind, limit=PER_PAGE, offset=(page_number - 1) * PER_PAGE)
    if request.GET.get("dinh-dang") == "csv":
        return _search_csv(query, kind)
    pages = max(1, -(-results.total // PER_PAGE))
    context = {
        "query": query,
        "kind": kind,
        "results": results,
        "count_cap": search.count_cap(),
        "kinds": [(k, s.label, results.by_kind.get(k, 0)) for k, s in search.SOURCES.items()],
        "page_number": page_number,
        "pages": pages,
        "querystring": _querystring(request),
    }
    return render(request, "public/search.html", context)


def _search_csv(query: str, kind: str) -> HttpResponse:
    from khcn.lib import tabular

    results = search.search(query, kind=kind, limit=1000)
    headers = ["Loại", "Tiêu đề", "Tóm tắt", "Năm", "Đường dẫn"]
    rows = ([h.kind_label, h.entry.title, h.entry.summary, h.entry.year or "", h.entry.url] for h in results.hits)
    response = HttpResponse(tabular.write_csv(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tim-kiem.csv"'
    return response


@require_GET
def data_dictionary(request: HttpRequest) -> HttpResponse:
    return render(request, "public/data_dictionary.html", {"tables": exports.TABLES.values()})


@require_GET
def export_table(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    table = exports.TABLES.get(name)
    if table is None:
        raise Http404
    return exports.csv_response(table) if fmt == "csv" else exports.json_response(table)


@require_GET
def form1(request: HttpRequest) -> HttpResponse:
    return exports.form1_xlsx()
