"""Writes of communications: drafting, publishing (article_publish is the only way to the public
page), withdrawing, links to records, and who may do it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.directory.models import Organisation
from khcn.registries.news import services
from khcn.registries.news.models import Article, ArticleLink

from .conftest import at

pytestmark = pytest.mark.django_db


def test_a_new_article_is_a_draft_by_its_writer_with_a_folded_slug(build, science_officer):
    article = build.draft("Đổi mới sáng tạo ở Hưng Yên")
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.author == science_officer
    assert article.slug == "doi-moi-sang-tao-o-hung-yen"
    assert article.history.first().history_user == science_officer


@time_machine.travel(dt.datetime(2024, 1, 19, 10, 0, tzinfo=dt.UTC), tick=False)
def test_publishing_stamps_the_time_and_keeps_history(build, science_officer):
    article = services.article_publish(article=build.draft(), by=science_officer)
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == dt.datetime(2024, 1, 19, 10, 0, tzinfo=dt.UTC)
    assert article.history.first().history_change_reason == "Đăng tin bài"


def test_an_empty_draft_cannot_be_published(build, science_officer):
    article = build.draft(summary="", body="  ")
    with pytest.raises(ValidationError) as exc:
        services.article_publish(article=article, by=science_officer)
    assert "chưa có tóm tắt hay nội dung" in exc.value.messages[0]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_an_article_is_published_once(build, science_officer):
    article = build.published()
    with pytest.raises(ValidationError):
        services.article_publish(article=article, by=science_officer)


def test_withdrawing_needs_a_reason_and_republishing_keeps_the_first_time(build, science_officer):
    article = build.published(when=at(2023, 3, 10, 9, 0))
    with pytest.raises(ValidationError):
        services.article_withdraw(article=article, by=science_officer, reason="")
    services.article_withdraw(article=article, by=science_officer, reason="Sai số liệu")
    assert article.status == Article.Status.WITHDRAWN
    services.article_publish(article=article, by=science_officer)
    assert article.published_at == at(2023, 3, 10, 9, 0)


@pytest.mark.parametrize("persona", ["science_officer", "department_leader"])
def test_the_leaders_and_the_science_division_draft_and_publish(request, persona):
    user = request.getfixturevalue(persona)
    article = services.article_save(article=Article(title="Tin", summary="Tóm tắt"), by=user)
    services.article_publish(article=article, by=user)
    assert article.status == Article.Status.PUBLISHED


@pytest.mark.parametrize("persona", ["finance_officer", "inspector", "provincial_leader", "outsider"])
def test_other_roles_neither_draft_nor_publish(request, persona, build):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.article_save(article=Article(title="Tin"), by=user)
    draft = build.draft()
    with pytest.raises(PermissionDenied):
        services.article_publish(article=draft, by=user)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_an_article_links_to_records_it_is_about_once(build, science_officer):
    article = build.draft()
    organisation = Organisation.objects.create(name="Trung tâm Nấm Văn Giang")
    services.article_link_add(article=article, record=organisation, by=science_officer)
    with pytest.raises(ValidationError):
        services.article_link_add(article=article, record=organisation, by=science_officer)
    assert ArticleLink.objects.get().record == organisation


def test_inspection_records_cannot_be_linked_to_a_public_article(build, science_officer):
    from khcn.registries.inspections.models import InspectionAuthorityRule

    rule = InspectionAuthorityRule.objects.first()
    with pytest.raises(ValidationError) as exc:
        services.article_link_add(article=build.draft(), record=rule, by=science_officer)
    assert "Không gắn tin bài với loại hồ sơ này" in str(exc.value)
    assert not ArticleLink.objects.exists()
