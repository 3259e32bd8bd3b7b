from __future__ import annotations

from django.urls import path

from khcn.registries.news import views

app_name = "news"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("<int:pk>/", views.article_detail, name="article-detail-short"),
    path("<int:pk>-<slug:slug>/", views.article_detail, name="article-detail"),
]
