from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from khcn.api import docs, views

router = DefaultRouter()
router.register("tasks", views.TaskViewSet, basename="task")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("people", views.PersonViewSet, basename="person")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("initiatives", views.InitiativeViewSet, basename="initiative")
router.register("legal-documents", views.LegalDocumentViewSet, basename="legal-document")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("my-tasks", views.MyTaskViewSet, basename="my-task")

app_name = "api"

urlpatterns = [
    path("v1/search/", views.SearchView.as_view(), name="search"),
    path("v1/", include(router.urls)),
    # After the router: only paths that end with a slash, so that APPEND_SLASH still redirects
    # "/api/v1/tasks" to "/api/v1/tasks/".
    re_path(r"^v1/.*/$", views.not_found, name="not-found"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="schema"),
    path("docs/", docs.docs, name="docs"),
]
