"""The public news pages: published articles only, never a draft, a withdrawn, an archived or a
scheduled article; a fixed number of queries whatever the list's length."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from khcn.directory.models import Organisation
from khcn.registries.news import services

from .conftest import at

pytestmark = pytest.mark.django_db
LIST = reverse("news:article-list")


def test_published_articles_are_public_without_login(client, build):
    article = build.published("Ngày hội khởi nghiệp 2023", topic="innovation")
    body = client.get(LIST).content.decode()
    assert "Ngày hội khởi nghiệp 2023" in body
    page = client.get(article.get_public_url())
    assert page.status_code == 200
    assert "Đoạn hai." in page.content.decode()


def test_drafts_never_appear_publicly(client, build, science_officer):
    draft = build.draft("Bản nháp chưa duyệt")
    assert "Bản nháp chưa duyệt" not in client.get(LIST).content.decode()
    assert client.get(reverse("news:article-detail-short", args=[draft.pk])).status_code == 404
    assert client.get(reverse("news:article-detail", args=[draft.pk, draft.slug])).status_code == 404
    # Not even to staff who may edit it: the public page is the public page.
    client.force_login(science_officer)
    assert "Bản nháp chưa duyệt" not in client.get(LIST).content.decode()
    assert client.get(reverse("news:article-detail", args=[draft.pk, draft.slug])).status_code == 404


def test_withdrawn_and_archived_articles_leave_the_public_page(client, build, science_officer):
    withdrawn = build.published("Tin bị gỡ")
    services.article_withdraw(article=withdrawn, by=science_officer, reason="Sai số liệu")
    archived = build.published("Tin lưu trữ")
    services.article_archive(article=archived, by=science_officer, reason="Trùng")
    body = client.get(LIST).content.decode()
    assert "Tin bị gỡ" not in body and "Tin lưu trữ" not in body
    assert client.get(withdrawn.get_public_url()).status_code == 404
    assert client.get(archived.get_public_url()).status_code == 404


def test_a_scheduled_article_appears_when_its_time_comes(client, build):
    with time_machine.travel(at(2024, 1, 18, 8, 0)):
        article = build.published("Tin hẹn giờ", when=at(2024, 1, 19, 17, 0))
        assert "Tin hẹn giờ" not in client.get(LIST).content.decode()
        assert client.get(article.get_public_url()).status_code == 404
    with time_machine.travel(at(2024, 1, 19, 17, 1)):
        assert "Tin hẹn giờ" in client.get(LIST).content.decode()


def test_an_old_address_redirects_to_the_current_slug(client, build):
    article = build.published("Tiêu đề mới")
    response = client.get(reverse("news:article-detail-short", args=[article.pk]))
    assert response.status_code == 301 and response["Location"] == article.get_public_url()


def test_the_topic_filter(client, build):
    build.published("Tin đổi mới", topic="innovation")
    build.published("Tin đo lường", topic="standards")
    body = client.get(LIST, {"chu-de": "innovation"}).content.decode()
    assert "Tin đổi mới" in body and "Tin đo lường" not in body


def test_linked_records_show_on_the_article_page(client, build, science_officer):
    article = build.published("Trung tâm Nấm được hỗ trợ")
    services.article_link_add(
        article=article, record=Organisation.objects.create(name="Trung tâm Nấm Văn Giang"), by=science_officer
    )
    body = client.get(article.get_public_url()).content.decode()
    assert "Hồ sơ liên quan" in body and "Trung tâm Nấm Văn Giang" in body


def test_the_list_costs_the_same_for_few_or_many(
    client, build, django_assert_max_num_queries, django_assert_num_queries
):
    build.published("Tin 0")
    with django_assert_max_num_queries(5) as few:
        client.get(LIST)
    for n in range(1, 30):
        build.published(f"Tin {n}", when=at(2023, 1, 1, 8, 0) + dt.timedelta(days=n))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(LIST)
