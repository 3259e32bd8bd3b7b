"""Paging a list by its ids first (issue 8, docs/benchmarks.md "Task lists under load").

A list page that joins its related records (select_related) and sorts by columns without an index
makes the database join every matching row before it can sort and keep one page: on 10,000 tasks
that join, and planning a query of eight or nine tables, cost most of the page's time. Sorting the
narrow ids and then reading one page of rows by primary key gives the same rows in the same order,
for one extra, cheap query whatever the page size.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdsFirstPaginator(Paginator):
    """A Paginator over a queryset's primary keys (count and slice run on the ids only) whose pages
    hold the queryset's own objects, read in one query by primary key and kept in the ids' order."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, *args: Any, **kwargs: Any) -> None:
        self.rows = object_list
        super().__init__(object_list.values_list("pk", flat=True), per_page, *args, **kwargs)

    def page(self, number: int | str) -> Page:
        page = super().page(number)
        ids = list(page.object_list)
        by_id = self.rows.in_bulk(ids)
        # A row gone between the two queries is left out rather than failing the page.
        page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return page
