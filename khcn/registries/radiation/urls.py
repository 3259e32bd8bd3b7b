from __future__ import annotations

from django.urls import path

from khcn.registries.radiation import views

app_name = "radiation"

urlpatterns = [
    path("quan-trac/", views.survey_list, name="survey-list"),
    path("quan-trac/<int:pk>/ban-do/", views.survey_map, name="survey-map"),
]
