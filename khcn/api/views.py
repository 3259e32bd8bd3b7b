"""/api/v1/: anonymous read endpoints over the public database (the same selectors as /csdl/),
the same ranked search as the site, and token-authenticated proposal endpoints that read through
research.selectors and write through research.services, exactly like the web pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from khcn.accounts import roles
from khcn.accounts.permissions import has_role
from khcn.api import serializers as s
from khcn.api.permissions import IsStaffOrHost
from khcn.directory.models import Organisation, Person
from khcn.directory.selectors import organisation_list_visible_to
from khcn.lib.paging import IdsFirstPaginator
from khcn.public import search as public_search
from khcn.public import selectors as public
from khcn.registries.initiatives.models import Initiative
from khcn.registries.ip.models import UseRightCertificate
from khcn.registries.legaldocs.models import LegalDocument
from khcn.registries.news.models import Article
from khcn.research import selectors as research_selectors
from khcn.research import services as research_services
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Contract,
    Disbursement,
    ProgressReport,
    Proposal,
    ResultApplication,
    ResultRegistration,
    Source,
    Task,
    Tranche,
)


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


class IdsFirstPagination(PageNumberPagination):
    """Pages by ids, then reads the page's rows (khcn/lib/paging.py): 10,000 published tasks are
    not joined to their form, field, host and PI only to keep 50 of them."""

    django_paginator_class = IdsFirstPaginator


class TaskViewSet(PublicReadOnly):
    """Published S&T tasks."""

    model = Task
    serializer_class = s.PublicTaskSerializer
    filterset_class = TaskFilter
    pagination_class = IdsFirstPagination

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


# --- Tasks under contract: part 2 of the lifecycle ------------------------------------------------------

TS = Task.Status
# Under contract or later, as on the host's pages (research.views_host.EXECUTION).
EXECUTION = (TS.IN_PROGRESS, TS.SUSPENDED, TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, TS.FAILED, TS.TERMINATED, TS.COMPLETED)
SCIENCE = (roles.SCIENCE_OFFICER,)
MONEY = (roles.FINANCE_OFFICER, roles.SCIENCE_OFFICER)
LEADERS = (roles.SCIENCE_OFFICER, roles.DEPARTMENT_LEADER)

T = TypeVar("T")


def _service_errors(exc: DjangoValidationError) -> dict[str, Any]:
    """A service's ValidationError in the API's format: by field, the rest under non_field_errors."""
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == NON_FIELD_ERRORS else k): v for k, v in exc.message_dict.items()}
    return {"non_field_errors": exc.messages}


def _through_service(call: Callable[[], T]) -> T:
    """Run one service call in a transaction: a refusal writes nothing and becomes a 400 (with the
    service's message) or a 403."""
    try:
        with transaction.atomic():
            return call()
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None)
    except DjangoValidationError as exc:
        raise ValidationError(_service_errors(exc))


def _require_staff(user: Any, codes: tuple[str, ...]) -> None:
    # As the staff task page (research.views_execution.action_view): research staff with one of the
    # service's roles; the service checks again.
    if not (research_selectors.is_research_staff(user) and has_role(user, *codes)):
        raise PermissionDenied(_("Bạn không có quyền thực hiện việc này."))


def _staff_only_dates(request: Request, data: dict[str, Any], *names: str) -> None:
    """A paper submission's date is for staff recording it; a host user submits today."""
    if research_selectors.is_research_staff(request.user):
        return
    given = [name for name in names if data.get(name) is not None]
    if given:
        raise ValidationError({name: [_("Chỉ cán bộ Sở ghi nhận ngày của bản giấy.")] for name in given})
    for name in names:
        data.pop(name, None)


class MyTaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=[(s.value, s.label) for s in EXECUTION])
    plan_year = django_filters.NumberFilter()

    class Meta:
        model = Task
        fields = ("status", "plan_year")


class MyTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tasks under contract or later: a host user's organisation's, every task for staff. Reads through
    research.selectors (the host pages' getter: 404 for another organisation's task), writes through
    research.services, as on the web pages."""

    permission_classes = (IsStaffOrHost,)
    serializer_class = s.ExecutionTaskSerializer
    filterset_class = MyTaskFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        active = Q(disbursements__archived_at__isnull=True, disbursements__source=Source.STATE_BUDGET)
        return (
            research_selectors.hosted_tasks_for(self.request.user)
            .filter(status__in=EXECUTION)
            .select_related("contract")
            .annotate(disbursed=Coalesce(Sum("disbursements__amount", filter=active), 0))
            .order_by("-plan_year", "code")
        )

    def get_object(self) -> Task:
        return research_selectors.get_hosted_task_for(self.request.user, _pk(self.kwargs["pk"]))

    def _task_row(self, task: Task) -> Task:
        """The task as the list shows it (with its disbursed total), for the responses of one task."""
        return (
            research_selectors.hosted_tasks_for(self.request.user)
            .select_related("contract")
            .annotate(
                disbursed=Coalesce(
                    Sum(
                        "disbursements__amount",
                        filter=Q(disbursements__archived_at__isnull=True, disbursements__source=Source.STATE_BUDGET),
                    ),
                    0,
                )
            )
            .get(pk=task.pk)
        )

    @extend_schema(responses=s.ExecutionTaskDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self._task_row(self.get_object())
        contract = Contract.objects.filter(task=task).select_related("department").first()
        if contract is not None:
            contract.active_amendments = list(contract.amendments.active())  # type: ignore[attr-defined]
        bundle = {
            "task": task,
            "contract": contract,
            "tranches": research_selectors.tranche_rows(contract) if contract else [],
            "money": research_selectors.task_money(task),
            "disbursements": Disbursement.objects.active()
            .filter(task=task)
            .select_related("tranche")
            .order_by("paid_on", "pk"),
            "progress_reports": ProgressReport.objects.active().filter(task=task).order_by("period_start", "pk"),
            "adjustments": Adjustment.objects.active()
            .filter(task=task)
            .select_related("decision")
            .order_by("requested_on", "pk"),
            "acceptances": Acceptance.objects.active()
            .filter(task=task)
            .select_related("decision", "council")
            .order_by("submitted_on", "pk"),
            "result_registration": ResultRegistration.objects.filter(task=task)
            .select_related("handed_over_to")
            .first(),
            "applications": ResultApplication.objects.active().filter(task=task).select_related("organisation", "unit"),
        }
        return Response(s.ExecutionTaskDetailSerializer(bundle).data)

    # Every action takes **kwargs: the router's format-suffix twin (timeline.json) passes `format`,
    # and an action without it answered 500.
    @extend_schema(responses=s.TimelineEntrySerializer(many=True))
    # The whole timeline, not a page of it, and no list filters (the schema said both; schemathesis saw).
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """Everything that happened to the task, oldest first (the task page's timeline)."""
        task = self.get_object()
        return Response(s.TimelineEntrySerializer(research_selectors.task_timeline(task), many=True).data)

    @extend_schema(request=s.ProgressReportSubmitSerializer, responses={201: s.ProgressReportSerializer})
    @action(detail=True, methods=["post"], url_path="progress-reports")
    def progress_report_submit(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """A progress report for a period (the host of the task, or a science officer for a paper one)."""
        task = self.get_object()
        serializer = s.ProgressReportSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        _staff_only_dates(request, data, "submitted_on")
        report = _through_service(
            lambda: research_services.progress_report_submit(task=task, by=request.user, **data)  # type: ignore[arg-type]
        )
        return Response(s.ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ProgressReportReviewSerializer,
        responses=s.ProgressReportSerializer,
        parameters=[OpenApiParameter("report_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"progress-reports/(?P<report_pk>[^/.]+)/review")
    def progress_report_review(self, request: Request, pk: str, report_pk: str, **kwargs: Any) -> Response:
        """Staff (science officer): accept a progress report, or return it with the reason."""
        task = self.get_object()
        _require_staff(request.user, SCIENCE)
        report = self._report(task, report_pk)
        serializer = s.ProgressReportReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = _through_service(
            lambda: research_services.progress_report_transition(
                report=report,
                to=data["to"],
                note=data["note"],
                by=request.user,  # type: ignore[arg-type]
            )
        )
        return Response(s.ProgressReportSerializer(report).data)

    @extend_schema(request=s.AdjustmentRequestSerializer, responses={201: s.AdjustmentSerializer})
    @action(detail=True, methods=["post"], url_path="adjustments")
    def adjustment_request(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """A request to adjust or extend the task, checked against the rule records."""
        task = self.get_object()
        serializer = s.AdjustmentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        _staff_only_dates(request, data, "requested_on")
        adjustment = _through_service(
            lambda: research_services.adjustment_request(task=task, by=request.user, **data)  # type: ignore[arg-type]
        )
        return Response(s.AdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ResultApplicationRecordSerializer, responses={201: s.ResultApplicationSerializer})
    @action(detail=True, methods=["post"], url_path="applications")
    def application_record(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """Where the task's results are applied (after acceptance), by the host or staff."""
        task = self.get_object()
        serializer = s.ResultApplicationRecordSerializer(
            data=request.data, organisations=organisation_list_visible_to(request.user)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        application = _through_service(
            lambda: research_services.result_application_record(task=task, by=request.user, **data)  # type: ignore[arg-type]
        )
        return Response(s.ResultApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DisbursementRecordSerializer, responses={201: s.DisbursementSerializer})
    @action(detail=True, methods=["post"], url_path="disbursements")
    def disbursement_record(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """Staff (finance or science officer): money paid out, within the allocation and the tranche's
        condition."""
        task = self.get_object()
        _require_staff(request.user, MONEY)
        serializer = s.DisbursementRecordSerializer(
            data=request.data, tranches=Tranche.objects.active().filter(contract__task=task)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        disbursement = _through_service(
            lambda: research_services.disbursement_record(task=task, by=request.user, **data)  # type: ignore[arg-type]
        )
        return Response(s.DisbursementSerializer(disbursement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ProgressReportResubmitSerializer,
        responses=s.ProgressReportSerializer,
        parameters=[OpenApiParameter("report_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"progress-reports/(?P<report_pk>[^/.]+)/resubmit")
    def progress_report_resubmit(self, request: Request, pk: str, report_pk: str, **kwargs: Any) -> Response:
        """A returned report handed in again, with what was supplemented (the host of the task, or a
        science officer for it), as on the host's page."""
        task = self.get_object()
        report = self._report(task, report_pk)
        serializer = s.ProgressReportResubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = serializer.validated_data["note"]
        report = _through_service(
            lambda: research_services.progress_report_transition(
                report=report,
                to=ProgressReport.Status.SUBMITTED,
                note=note,
                by=request.user,  # type: ignore[arg-type]
            )
        )
        return Response(s.ProgressReportSerializer(report).data)

    @extend_schema(
        request=None,
        responses=s.AdjustmentSerializer,
        parameters=[OpenApiParameter("adjustment_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"adjustments/(?P<adjustment_pk>[^/.]+)/withdraw")
    def adjustment_withdraw(self, request: Request, pk: str, adjustment_pk: str, **kwargs: Any) -> Response:
        """Withdraw a request still waiting for the decision (the host of the task, or a science
        officer), as on the host's page."""
        task = self.get_object()
        adjustment = self._adjustment(task, adjustment_pk)
        adjustment = _through_service(
            lambda: research_services.adjustment_transition(
                adjustment=adjustment,
                to=Adjustment.Status.WITHDRAWN,
                reason=_("Rút đề nghị"),
                by=request.user,  # type: ignore[arg-type]
            )
        )
        return Response(s.AdjustmentSerializer(adjustment).data)

    @extend_schema(
        request=s.AdjustmentDecideSerializer,
        responses=s.AdjustmentSerializer,
        parameters=[OpenApiParameter("adjustment_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"adjustments/(?P<adjustment_pk>[^/.]+)/decide")
    def adjustment_decide(self, request: Request, pk: str, adjustment_pk: str, **kwargs: Any) -> Response:
        """Staff (science officer, department leader): approve a request with the decision (an
        extension moves the task's end), or refuse it with the reason."""
        task = self.get_object()
        _require_staff(request.user, LEADERS)
        adjustment = self._adjustment(task, adjustment_pk)
        serializer = s.AdjustmentDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user: Any = request.user

        def decide() -> Adjustment:
            # The decision document is recorded in the same transaction as the decision, as on the
            # staff page (research.views_execution._adjust_decide).
            decision = None
            if data["doc_number"].strip():
                decision = research_services.document_record(
                    issuer=data["doc_issuer"],
                    number=data["doc_number"],
                    date=data["doc_date"],
                    signer=data["doc_signer"],
                    signer_position=data["doc_signer_position"],
                    subject=_("%(k)s nhiệm vụ %(c)s") % {"k": adjustment.get_kind_display(), "c": task.code},
                    by=user,
                )
            return research_services.adjustment_transition(
                adjustment=adjustment, to=data["to"], reason=data["reason"], decision=decision, by=user
            )

        adjustment = _through_service(decide)
        return Response(s.AdjustmentSerializer(adjustment).data)

    @extend_schema(request=s.AcceptanceSubmitSerializer, responses={201: s.AcceptanceSerializer})
    @action(detail=True, methods=["post"], url_path="acceptance")
    def acceptance_submit(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """The acceptance dossier with the self-evaluation and the checklist of its parts (the host of
        the task, or a science officer for a paper dossier); the task then awaits acceptance."""
        task = self.get_object()
        serializer = s.AcceptanceSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        _staff_only_dates(request, data, "submitted_on")
        acceptance = _through_service(
            lambda: research_services.acceptance_submit(task=task, by=request.user, **data)  # type: ignore[arg-type]
        )
        return Response(s.AcceptanceSerializer(acceptance).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ResultRegisterSerializer, responses={201: s.ResultRegistrationSerializer})
    @action(detail=True, methods=["post"], url_path="result-registration")
    def result_register(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """Register and deposit the results once they are recognised (the host of the task, or a
        science officer), once per task."""
        task = self.get_object()
        serializer = s.ResultRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        registration = _through_service(
            lambda: research_services.result_register(task=task, by=request.user, **data)  # type: ignore[arg-type]
        )
        return Response(s.ResultRegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _report(task: Task, report_pk: str) -> ProgressReport:
        report = ProgressReport.objects.active().filter(task=task, pk=_pk(report_pk)).first()
        if report is None:
            raise NotFound(_("Không tìm thấy báo cáo."))
        return report

    @staticmethod
    def _adjustment(task: Task, adjustment_pk: str) -> Adjustment:
        adjustment = Adjustment.objects.active().filter(task=task, pk=_pk(adjustment_pk)).first()
        if adjustment is None:
            raise NotFound(_("Không tìm thấy đề nghị điều chỉnh."))
        return adjustment
