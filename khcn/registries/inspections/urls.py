from __future__ import annotations

from django.urls import path

from khcn.registries.inspections import views

app_name = "inspections"

urlpatterns = [
    path("co-so/", views.establishment_list, name="establishment-list"),
    path("co-so/<int:pk>/", views.establishment_detail, name="establishment-detail"),
]
