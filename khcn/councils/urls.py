from __future__ import annotations

from django.urls import path

from khcn.councils import views

app_name = "councils"

urlpatterns = [
    path("", views.my_councils, name="my-councils"),
    path("<int:pk>/", views.council_detail, name="council-detail"),
    path("<int:pk>/bien-ban.docx", views.council_minutes_docx, name="council-minutes"),
    path("<int:council_pk>/doi-tuong/<int:object_pk>/cham-diem/", views.object_score, name="object-score"),
    path(
        "<int:council_pk>/doi-tuong/<int:object_pk>/cham-diem/tong/",
        views.object_score_total,
        name="object-score-total",
    ),
    path("<int:council_pk>/doi-tuong/<int:object_pk>/xung-dot/", views.object_conflict, name="object-conflict"),
    path("<int:council_pk>/doi-tuong/<int:object_pk>/ket-qua/", views.object_result, name="object-result"),
    path("<int:council_pk>/doi-tuong/<int:object_pk>/tong-hop.docx", views.object_summary_docx, name="object-summary"),
]
