from django.urls import path

from khcn.core import views

app_name = "core"

urlpatterns = [
    path("dinh-kem/<int:pk>/", views.attachment_download, name="attachment-download"),
]
