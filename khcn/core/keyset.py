"""Keyset paging for back-office lists of big tables (metrology's instruments and verifications).

Django's admin pages by OFFSET and counts the filtered list on every view; on a table of
millions of rows both mean reading most of it. `KeysetAdminMixin` pages in one fixed order
instead: a page is `WHERE (date, id) < (last date, last id) ORDER BY date DESC, id DESC LIMIT n+1`,
read along an index; the "next page" link carries the last row's key; nothing is counted.
Filters and search still apply; sorting by a column is off (the order is the index's).

Use: `class VerificationAdmin(KeysetAdminMixin, ..., RecordAdmin)` with `keyset = ("-date", "-id")`
and an index on those fields; `show_full_result_count` is then moot (nothing is counted).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from unfold.paginator import InfinitePaginator

CURSOR_VAR = "sau"
_SEPARATOR = "_"


class KeysetPaginator(InfinitePaginator):
    """Never counts; only here so unfold's pagination block renders our links."""

    template_name = "core/admin/keyset_pagination.html"


def _key_fields(model: Any, keyset: tuple[str, ...]) -> list[tuple[str, bool, Any]]:
    """(lookup name, descending, model field) for each part of the order."""
    fields = []
    for name in keyset:
        bare = name.lstrip("-")
        field = model._meta.pk if bare in ("pk", "id") else model._meta.get_field(bare)
        fields.append(("pk" if bare in ("pk", "id") else field.attname, name.startswith("-"), field))
    return fields


def after(keys: list[tuple[str, bool, Any]], values: list[Any]) -> Q:
    """Rows after `values` in the order `keys`: (a, b) < (va, vb) written out for the ORM."""
    condition = Q()
    for index, (name, descending, _field) in enumerate(keys):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier in range(index):
            step &= Q(**{keys[earlier][0]: values[earlier]})
        condition |= step
    return condition


class KeysetChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        # The cursor is not a filter: keep it out of the lookups and out of every filter link.
        self.params.pop(CURSOR_VAR, None)
        self.filter_params.pop(CURSOR_VAR, None)
        return super().get_queryset(request, exclude_parameters)

    def get_results(self, request: HttpRequest) -> None:
        keyset: tuple[str, ...] = getattr(self.model_admin, "keyset", ("-id",))
        keys = _key_fields(self.model, keyset)
        cursor = request.GET.get(CURSOR_VAR)
        queryset = self.queryset.order_by(*keyset)
        if cursor:
            parts = cursor.split(_SEPARATOR)
            if len(parts) != len(keys):
                raise IncorrectLookupParameters(cursor)
            try:
                values = [field.to_python(part) for part, (_n, _d, field) in zip(parts, keys, strict=True)]
            except ValidationError as exc:
                raise IncorrectLookupParameters(exc) from exc
            queryset = queryset.filter(after(keys, values))
        per_page = self.list_per_page
        rows = list(queryset[: per_page + 1])
        has_next = len(rows) > per_page
        self.result_list = rows[:per_page]
        # Counting is what this list must not do: the page's own length stands in for the count,
        # which also hides "select all N" (an action over millions of rows is not a click).
        self.result_count = len(self.result_list)
        self.full_result_count = self.result_count
        self.show_full_result_count = False
        self.show_admin_actions = True
        self.can_show_all = False
        self.multi_page = has_next or bool(cursor)
        self.paginator = KeysetPaginator([], per_page)
        self.keyset_first_page = not cursor
        self.keyset_first_url = self.get_query_string(remove=[CURSOR_VAR])
        self.keyset_next_url = ""
        if has_next:
            last = self.result_list[-1]
            token = _SEPARATOR.join(str(getattr(last, name)) for name, _d, _f in keys)
            self.keyset_next_url = self.get_query_string({CURSOR_VAR: token})


class KeysetAdminMixin:
    """Mix in front of a ModelAdmin; set `keyset` to the order, e.g. ("-date", "-id"), with an
    index on those fields."""

    keyset: tuple[str, ...] = ("-id",)
    sortable_by: tuple[str, ...] = ()

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return KeysetChangeList
