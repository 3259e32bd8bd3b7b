from __future__ import annotations

from django.urls import path

from khcn.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("nam/<int:year>/", views.annual, name="annual"),
    path("nam/<int:year>/docx/", views.annual_docx, name="annual-docx"),
    path("nam/<int:year>/xlsx/", views.annual_xlsx, name="annual-xlsx"),
    path("nam/<int:year>/pdf/", views.annual_pdf, name="annual-pdf"),
    path("nam/<int:year>/bieu-do/", views.dashboard, name="dashboard"),
    path("chi-tiet/<str:key>/", views.drill_down, name="drill-down"),
    path("viec-den-han/", views.due_list, name="due"),
    path("thong-ke/<int:year>/", views.statistics, name="statistics"),
    path("thong-ke/<int:year>/xlsx/", views.statistics_xlsx, name="statistics-xlsx"),
]
