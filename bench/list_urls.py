"""URLs for the list-page benchmark (bench/list_load.py): the whole product plus the two floors.

(a) /bench/constant/  a bare view returning a constant: the cost of gunicorn + Django's middleware.
(b) /bench/floor/     the same first N published tasks as the public list (N = ?n=, default 50),
                      read in one query and rendered through a plain template (no layout, no
                      paging, no facets): the floor for a list page of N rows.
(b') /bench/floor/?ids=1  the same, the rows read ids first then by primary key (two queries),
                      as the lists do since issue 8: the cheaper read, so the stricter floor.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from khcn.public import selectors

_FLOOR = engines["django"].from_string(
    "<!doctype html><title>tasks</title><table>"
    '{% for t in tasks %}<tr><td><a href="/csdl/nhiem-vu/{{ t.pk }}/">{{ t.code }} – {{ t.title }}</a>'
    "<br><small>{{ t.form.name }} · {{ t.field.name }}</small></td><td>{{ t.host.name|default:'' }}</td>"
    "<td>{{ t.plan_year }}</td><td>{{ t.get_status_display }}</td></tr>{% endfor %}</table>"
)


def constant(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def floor(request: HttpRequest) -> HttpResponse:
    try:
        n = max(1, min(100, int(request.GET.get("n", "50"))))
    except ValueError:
        n = 50
    tasks = selectors.task_list_public()
    if request.GET.get("ids"):
        # (b') the same rows read ids first, then by primary key (khcn/lib/paging.py)
        ids = list(tasks.values_list("pk", flat=True)[:n])
        by_id = tasks.in_bulk(ids)
        tasks = [by_id[pk] for pk in ids]
    else:
        tasks = list(tasks[:n])
    return HttpResponse(_FLOOR.render({"tasks": tasks}, request))


urlpatterns = [
    path("bench/constant/", constant),
    path("bench/floor/", floor),
    path("", include("khcn.urls")),
]
