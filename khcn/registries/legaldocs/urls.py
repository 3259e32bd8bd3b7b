from __future__ import annotations

from django.urls import path

from khcn.registries.legaldocs import views

app_name = "legaldocs"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("<int:pk>/tep/<int:attachment_pk>/", views.document_file, name="document-file"),
]
