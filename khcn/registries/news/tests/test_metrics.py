"""Communications figures on a hand-built fixture: innovation news of the year (published, topic
innovation, in the local calendar year), nothing else."""

from __future__ import annotations

import pytest

from khcn.core import metrics
from khcn.registries.news import services

from .conftest import at

pytestmark = pytest.mark.django_db


def test_innovation_news_items_count_published_innovation_articles_of_the_year(build, science_officer):
    build.published("Đầu năm", topic="innovation", when=at(2023, 1, 1, 0, 30))  # 31/12/2022 17:30 UTC
    build.published("Cuối năm", topic="innovation", when=at(2023, 12, 31, 23, 30))
    build.published("Năm sau", topic="innovation", when=at(2024, 1, 1, 6, 0))
    build.published("Chủ đề khác", topic="standards", when=at(2023, 6, 1, 8, 0))
    build.draft("Bản nháp", topic="innovation")
    withdrawn = build.published("Bị gỡ", topic="innovation", when=at(2023, 5, 5, 8, 0))
    services.article_withdraw(article=withdrawn, by=science_officer, reason="Sai")

    year = metrics.Period.year(2023)
    assert metrics.get("innovation.news_items").compute(year) == 2
    assert metrics.get("news.published").compute(year) == 3
    assert metrics.get("innovation.news_items").section == "innovation"
