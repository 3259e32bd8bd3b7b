"""The demo articles: 15 innovation news items published in 2023, drafts that never show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khcn.accounts.models import User
from khcn.core import metrics
from khcn.registries.news import demo
from khcn.registries.news.models import Article

pytestmark = pytest.mark.django_db


def test_the_demo_gives_15_innovation_news_items_in_2023_and_loads_twice(db, client):
    User.objects.create_superuser(username="admin", password="x-demo-password-1", email="a@khcn.local")
    demo.load()
    assert metrics.get("innovation.news_items").compute(metrics.Period.year(2023)) == 15
    assert demo.load().startswith("0 tin bài mới")
    body = client.get(reverse("news:article-list")).content.decode()
    for draft in Article.objects.filter(status=Article.Status.DRAFT):
        assert draft.title not in body
