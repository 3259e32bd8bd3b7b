"""Builders for the news tests: articles through the services, personas."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.registries.news import services
from khcn.registries.news.models import Article

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def finance_officer(db):
    return testing.make_user("finance_officer", roles.FINANCE_OFFICER)


@pytest.fixture
def inspector(db):
    return testing.make_user("inspector", roles.INSPECTOR)


class Builder:
    def __init__(self, by: Any) -> None:
        self.by = by

    def draft(self, title: str = "Tin khoa học", **fields: Any) -> Article:
        fields.setdefault("summary", "Tóm tắt")
        fields.setdefault("body", "Nội dung.\n\nĐoạn hai.")
        return services.article_save(article=Article(title=title, **fields), by=self.by)

    def published(self, title: str = "Tin đã đăng", when: dt.datetime | None = None, **fields: Any) -> Article:
        article = self.draft(title, **fields)
        return services.article_publish(article=article, by=self.by, at=when)


@pytest.fixture
def build(science_officer):
    return Builder(science_officer)
