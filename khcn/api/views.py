"""/api/v1/: anonymous read endpoints over the public database (the same selectors as /csdl/),
the same ranked search as the site, and token-authenticated proposal endpoints that read through
research.selectors and write through research.services, exactly like the web pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from khcn.api import serializers as s
from khcn.api.permissions import IsStaffOrHost
from khcn.directory.models import Organisation, Person
from khcn.public import search as public_search
from khcn.public import selectors as public
from khcn.registries.initiatives.models import Initiative
from khcn.registries.ip.models import UseRightCertificate
from khcn.registries.legaldocs.models import LegalDocument
from khcn.registries.news.models import Article
from khcn.research import selectors as research_selectors
from khcn.research import services as research_services
from khcn.research.models import Proposal, Task


def _pk(value: str) -> int:
    """A record id from the URL; anything else is a record that does not exist (404, not 500)."""
    if not value.isdigit():
        raise NotFound()
    return int(value)


class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = (AllowAny,)
    # Anonymous reads need no session: skip CSRF/session work and keep the schema's security honest.
    authentication_classes = ()

    model: Any = None  # for the schema only: the type of the records this endpoint lists

    def public_queryset(self) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        # Schema generation (also run by `check`) must not touch the database, which may be empty.
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return self.public_queryset()


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number in the database's range. NumberFilter reads a decimal, and a huge
    one (1e20) reached the foreign-key lookup and overflowed the database integer (a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class TaskFilter(django_filters.FilterSet):
    field = django_filters.CharFilter(field_name="field__code", label="Mã lĩnh vực")
    form = django_filters.CharFilter(field_name="form__code", label="Mã hình thức")
    host = IdFilter(field_name="host_id", label="Mã tổ chức chủ trì")
    area = django_filters.CharFilter(field_name="host__administrative_unit__code", label="Mã địa bàn")
    status = django_filters.ChoiceFilter(choices=Task.Status.choices)
    plan_year = django_filters.NumberFilter()

    class Meta:
        model = Task
        fields = ("field", "form", "host", "area", "status", "plan_year")


class TaskViewSet(PublicReadOnly):
    """Published S&T tasks."""

    model = Task
    serializer_class = s.PublicTaskSerializer
    filterset_class = TaskFilter

    def public_queryset(self) -> Any:
        return public.task_list_public()


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter()

    class Meta:
        model = public.Organisation
        fields = ("kind",)


class OrganisationViewSet(PublicReadOnly):
    """Published organisations."""

    model = Organisation
    serializer_class = s.PublicOrganisationSerializer
    filterset_class = OrganisationFilter

    def public_queryset(self) -> Any:
        return public.organisation_list_public()


class PersonViewSet(PublicReadOnly):
    """Scientists who consented to a public profile."""

    model = Person
    serializer_class = s.PublicPersonSerializer
    filterset_fields = ("organisation",)

    def public_queryset(self) -> Any:
        return public.person_list_public()


class CertificateViewSet(PublicReadOnly):
    """Holders of the GI "Hưng Yên" and the certification mark "Long nhãn Hưng Yên" (published)."""

    model = UseRightCertificate
    serializer_class = s.PublicCertificateSerializer
    filterset_fields = ("kind", "product")

    def public_queryset(self) -> Any:
        return public.certificate_list_public()


class InitiativeViewSet(PublicReadOnly):
    """Recognised, published initiatives."""

    model = Initiative
    serializer_class = s.PublicInitiativeSerializer
    filterset_fields = ("year", "field")

    def public_queryset(self) -> Any:
        return public.initiative_list_public()


class LegalDocumentViewSet(PublicReadOnly):
    """The public library of legal documents."""

    model = LegalDocument
    serializer_class = s.PublicLegalDocumentSerializer
    filterset_fields = ("kind", "form", "area")

    def public_queryset(self) -> Any:
        return public.legal_document_list_public()


class ArticleViewSet(PublicReadOnly):
    """Published articles."""

    model = Article
    serializer_class = s.PublicArticleSerializer
    filterset_fields = ("topic",)

    def public_queryset(self) -> Any:
        return public.article_list_public()


class SearchView(APIView):
    """The site's search (/csdl/tim-kiem/): the same ranking and highlights."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="Có dấu hoặc không dấu"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(public_search.SOURCES)),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses=s.SearchResultsSerializer,
    )
    def get(self, request: Request) -> Response:
        page_size = 20
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        results = public_search.search(
            request.query_params.get("q", "")[:200],
            kind=request.query_params.get("kind", ""),
            limit=page_size,
            offset=(page - 1) * page_size,
        )
        return Response(s.SearchResultsSerializer(results).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@authentication_classes([])
@permission_classes([AllowAny])
def not_found(request: Request, *args: Any, **kwargs: Any) -> Response:
    """Any other /api/v1/.../ path: a 404 in the API's format (JSON), not the site's HTML page.
    (An id the router's pattern refuses, such as "1.5", used to get the HTML page.)"""
    raise NotFound()


class ProposalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Proposals the user may see (staff: all; a host user: its organisation's), and submission."""

    permission_classes = (IsStaffOrHost,)
    filterset_fields = ("status",)

    def get_queryset(self) -> Any:
        return research_selectors.proposal_list_visible_to(self.request.user).order_by("-call__year", "code")

    def get_serializer_class(self) -> Any:
        return s.ProposalSubmitSerializer if self.action == "create" else s.ProposalSerializer

    def get_object(self) -> Proposal:
        # The same access-checked getter as the web page: 404 for a proposal the user may not see.
        return research_selectors.get_proposal_for(self.request.user, _pk(self.kwargs["pk"]))

    @extend_schema(request=s.ProposalSubmitSerializer, responses={201: s.ProposalSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.ProposalSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("proposer_org") is None:
            data.pop("proposer_org", None)
        try:
            # IsStaffOrHost has already refused anonymous users.
            proposal = research_services.proposal_submit(by=request.user, **data)  # type: ignore[arg-type]
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc))
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            )
        proposal = research_selectors.get_proposal_for(request.user, proposal.pk)
        return Response(s.ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)
