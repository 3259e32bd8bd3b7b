from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from khcn.public import selectors


class StaticSitemap(Sitemap):
    def items(self) -> list[str]:
        return [
            "public:home",
            "public:task-list",
            "public:organisation-list",
            "public:person-list",
            "public:certificate-list",
            "public:initiative-list",
            "public:data-dictionary",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class RecordSitemap(Sitemap):
    def __init__(self, queryset: Any, name: str) -> None:
        self.queryset = queryset
        self.name = name

    def items(self) -> Any:
        return self.queryset().select_related(None).only("pk").order_by("pk")

    def location(self, item: Any) -> str:
        return reverse(self.name, args=[item.pk])


SITEMAPS = {
    "trang": StaticSitemap,
    "nhiem-vu": RecordSitemap(selectors.task_list_public, "public:task-detail"),
    "to-chuc": RecordSitemap(selectors.organisation_list_public, "public:organisation-detail"),
    "nha-khoa-hoc": RecordSitemap(selectors.person_list_public, "public:person-detail"),
}
