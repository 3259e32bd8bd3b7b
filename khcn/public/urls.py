from __future__ import annotations

from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from khcn.public import views
from khcn.public.sitemaps import SITEMAPS

app_name = "public"

# Stable addresses: Vietnamese slugs, numeric ids that never change (records are archived, never deleted).
urlpatterns = [
    path("", views.home, name="home"),
    path("nhiem-vu/", views.task_list, name="task-list"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task-detail"),
    path("to-chuc/", views.organisation_list, name="organisation-list"),
    path("to-chuc/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("nha-khoa-hoc/", views.person_list, name="person-list"),
    path("nha-khoa-hoc/<int:pk>/", views.person_detail, name="person-detail"),
    path("chi-dan-dia-ly/", views.certificate_list, name="certificate-list"),
    path("sang-kien/", views.initiative_list, name="initiative-list"),
    path("tim-kiem/", views.search_page, name="search"),
    path("du-lieu-mo/", views.data_dictionary, name="data-dictionary"),
    re_path(r"^du-lieu-mo/(?P<name>[a-z-]+)\.(?P<fmt>csv|json)$", views.export_table, name="export"),
    path("du-lieu-mo/mau-1-nhiem-vu-dang-tien-hanh.xlsx", views.form1, name="form1"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS, "template_name": "public/sitemap.xml"}, name="sitemap"),
]
