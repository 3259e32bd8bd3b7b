"""Keyset paging (khcn.core.keyset): the "after this row" condition walks a list in its order."""

from __future__ import annotations

import pytest

from khcn.core.keyset import _key_fields, after
from khcn.core.models import ImportBatch

pytestmark = pytest.mark.django_db


def walk(keyset: tuple[str, ...], per_page: int) -> list[int]:
    """Page through every batch in `keyset` order, as KeysetChangeList does, by the last row's key."""
    keys = _key_fields(ImportBatch, keyset)
    seen: list[int] = []
    queryset = ImportBatch.objects.order_by(*keyset)
    page = list(queryset[:per_page])
    while page:
        seen += [batch.pk for batch in page]
        last = page[-1]
        page = list(queryset.filter(after(keys, [getattr(last, name) for name, _d, _f in keys]))[:per_page])
    return seen


@pytest.mark.parametrize("keyset", [("-id",), ("dataset", "-id"), ("-dataset", "id")])
def test_paging_by_key_visits_every_row_once_in_order(keyset):
    for n in range(11):
        ImportBatch.objects.create(dataset=f"bo-{n % 3}", file_name=f"{n}.xlsx", sha256="0" * 64, status="succeeded")
    expected = list(ImportBatch.objects.order_by(*keyset).values_list("pk", flat=True))

    assert walk(keyset, per_page=4) == expected
