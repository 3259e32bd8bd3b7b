from django.urls import path

from khcn.core import views

app_name = "core"

urlpatterns = [
    path("dinh-kem/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("xuat/<str:name>/", views.export_start, name="export-start"),
    path("xuat-tep/<int:pk>/", views.export_detail, name="export-detail"),
    path("xuat-tep/<int:pk>/tai/", views.export_download, name="export-download"),
]
