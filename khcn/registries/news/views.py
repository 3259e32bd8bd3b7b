"""The public news pages (no login): the list of published articles and each article's page.
Drafts never appear: both views read through selectors.article_list_public."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from khcn.registries.news import selectors
from khcn.registries.news.models import Article

PER_PAGE = 12


def article_list(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("chu-de", "")
    articles = selectors.article_list_public(topic=topic)
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("trang"))
    context = {"page": page, "topic": topic, "topics": Article.Topic.choices}
    return render(request, "news/article_list.html", context)


def article_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    article = selectors.get_public_article(pk)
    if slug != article.slug and article.slug:
        # One address per article: an old or missing slug redirects to the current one.
        return redirect(article.get_public_url(), permanent=True)
    context = {"article": article, "links": selectors.links_of(article)}
    return render(request, "news/article_detail.html", context)
