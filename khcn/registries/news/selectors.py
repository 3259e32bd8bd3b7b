"""Reads with rules for communications: what the public sees (published, its time come, not
archived: never a draft), and the records an article is about."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from khcn.accounts.permissions import is_department_staff
from khcn.registries.news.models import Article, ArticleLink


def can_view(user: Any) -> bool:
    return is_department_staff(user) and user.has_perm("news.view_article")


def article_list_public(*, topic: str = "", query: str = "") -> QuerySet[Article]:
    """Published articles whose publication time has come, newest first. Drafts and withdrawn
    articles never appear, whoever asks."""
    qs = Article.objects.active().filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())
    if topic in Article.Topic.values:
        qs = qs.filter(topic=topic)
    if query:
        for word in query.split():
            qs = qs.filter(title__icontains=word)
    return qs.defer("body").order_by("-published_at", "-pk")


def get_public_article(pk: int) -> Article:
    article = article_list_public().filter(pk=pk).first()
    if article is None:
        raise Http404
    # The list defers the body; the page needs it (one more column, same query count).
    return Article.objects.get(pk=article.pk)


def links_of(article: Article) -> list[dict[str, Any]]:
    """The records an article is about, with their public page when they have one. The records
    are fetched per type (prefetch), not one query per link."""
    links = ArticleLink.objects.filter(article=article).select_related("content_type").prefetch_related("record")
    result = []
    for link in links:
        record = link.record
        if record is None or getattr(record, "archived_at", None) is not None:
            continue
        url = record.get_public_url() if hasattr(record, "get_public_url") else ""
        result.append({"label": str(record), "kind": link.content_type.name, "url": url, "note": link.note})
    return result


def article_list_visible_to(user: Any) -> QuerySet[Article]:
    qs = Article.objects.active().select_related("author")
    return qs if can_view(user) else qs.none()
