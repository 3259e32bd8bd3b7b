"""/api/v1/: anonymous read endpoints over the public database (the same selectors as /csdl/),
the same ranked search as the site, and token-authenticated proposal endpoints that read through
research.selectors and write through research.services, exactly like the web pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from khcn.accounts.permissions import has_role
from khcn.api import serializers as s
from khcn.api.permissions import IsStaffOrHost
from khcn.core.services import attachments_add
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
from khcn.research import views_execution as execution_views
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Contract,
    Disbursement,
    ProgressReport,
    Proposal,
    Recovery,
    ResultApplication,
    ResultRegistration,
    Source,
    Task,
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
DOCX = execution_views.DOCX

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
        contract = _contract_of(task)
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

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="contract/docx", pagination_class=None, filter_backends=[])
    def contract_docx(self, request: Request, pk: str, **kwargs: Any) -> HttpResponse:
        """The contract as DOCX (model of Circular 05/2014), research staff only: the staff page's own
        view (research.views_execution.contract_docx_view), with its getter and its checks."""
        return execution_views.contract_docx_view(request._request, pk=_pk(pk))

    def act(self, request: Request, spec: TaskAction, **kwargs: Any) -> Response:
        """Every write on a task, the same steps as the web pages: the task through the access-checked
        getter (404 for a task the user may not see), the staff action's roles (403, as
        views_execution.action_view), the record of the task the path names (404), the request's
        fields (400), then the service in a transaction with the files sent, if any."""
        user: Any = request.user
        if spec.staff:
            task = research_selectors.get_task_for(user, _pk(self.kwargs["pk"]))
            _require_staff(user, spec.staff)
        else:
            task = self.get_object()
        obj = spec.find(task, kwargs[spec.lookup]) if spec.find is not None else None
        data: dict[str, Any] = {}
        if spec.body is not None:
            serializer = spec.body(data=request.data, **spec.inputs(request, task))
            serializer.is_valid(raise_exception=True)  # nested rows' errors: exceptions.flat_errors
            data = dict(serializer.validated_data)
        _staff_only_dates(request, data, *spec.paper_dates)
        uploads = data.pop("attachments", [])

        def write() -> Any:
            result = spec.run(request, task, data, obj)
            if uploads:
                attachments_add(record=result, uploads=uploads, by=user)
            return result

        result = _through_service(write)
        answer = spec.answer(spec.present(self, task, result))
        return Response(answer.data, status=status.HTTP_201_CREATED if spec.created else status.HTTP_200_OK)


# --- The writes on a task, as data -----------------------------------------------------------------------

Run = Callable[[Request, Task, dict[str, Any], Any], Any]


@dataclass(frozen=True)
class TaskAction:
    """One write on a task under /api/v1/my-tasks/{id}/, run by MyTaskViewSet.act.

    `staff`: the roles of a staff-only action (research staff holding one of them, else 403), taken
    from the staff page's table (research.views_execution.ACTIONS) so the two cannot disagree; empty
    for the host's actions (the host of the task or a science officer; the service checks).
    `run` calls the service; `present` gives the record the answer shows."""

    name: str  # the method's name; the URL name is api:my-task-<name with dashes>
    path: str  # under my-tasks/{id}/
    doc: str
    body: type[serializers.Serializer] | None
    answer: type[serializers.Serializer]
    run: Run
    staff: tuple[str, ...] = ()
    created: bool = False
    paper_dates: tuple[str, ...] = ()  # dates only staff recording a paper submission may give
    lookup: str = ""  # a path parameter naming a record of the task
    find: Callable[[Task, str], Any] | None = None
    inputs: Callable[[Request, Task], dict[str, Any]] = lambda request, task: {}
    present: Callable[[Any, Task, Any], Any] = lambda view, task, result: result


class _Filled:
    """The validated request in the shape the staff page's action functions read their form
    (research.views_execution: cleaned_data, has_document(), doc_kind, tranches()): the API runs the
    very same function, so a decision or minutes is recorded with the same kind and subject."""

    def __init__(self, data: dict[str, Any], doc_kind: str | None) -> None:
        self.cleaned_data = data
        self.doc_kind = doc_kind

    def has_document(self) -> bool:
        return bool((self.cleaned_data.get("doc_number") or "").strip())

    def tranches(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.cleaned_data.get("tranches", [])]


def _staff_action(web_name: str, name: str, path: str, doc: str, body: Any, answer: Any, **extra: Any) -> TaskAction:
    """A staff action of the web's table (research.views_execution.ACTIONS): its roles and its run."""
    web = execution_views.ACTION_BY_NAME[web_name]
    doc_kind = getattr(web.form, "doc_kind", None)

    def run(request: Request, task: Task, data: dict[str, Any], obj: Any) -> Any:
        return web.run(request, task, _Filled(data, doc_kind), obj)  # type: ignore[arg-type]

    return TaskAction(name, path, doc, body, answer, run, staff=web.roles, **extra)


def _on_task(service: Callable[..., Any]) -> Run:
    """A service that takes the task, the acting user and the request's fields."""
    return lambda request, task, data, obj: service(task=task, by=request.user, **data)


def _record_of(model: Any, message: str) -> Callable[[Task, str], Any]:
    """A record of the task named in the path; another task's, or none, is a 404."""

    def find(task: Task, value: str) -> Any:
        record = model.objects.active().filter(task=task, pk=_pk(value)).first()
        if record is None:
            raise NotFound(message)
        return record

    return find


def _scoped(request: Request, task: Task) -> dict[str, Any]:
    return {"task": task}


def _contract_of(task: Task, result: Any = None) -> Contract | None:
    """The task's contract with its amendments, as the task's detail shows it."""
    contract = Contract.objects.filter(task=task).select_related("department").first()
    if contract is not None:
        contract.active_amendments = list(contract.amendments.active())  # type: ignore[attr-defined]
    return contract


_REPORT = {"lookup": "report_pk", "find": _record_of(ProgressReport, gettext_lazy("Không tìm thấy báo cáo."))}
_ADJUSTMENT = {
    "lookup": "adjustment_pk",
    "find": _record_of(Adjustment, gettext_lazy("Không tìm thấy đề nghị điều chỉnh.")),
}
_RECOVERY = {"lookup": "recovery_pk", "find": _record_of(Recovery, gettext_lazy("Không tìm thấy quyết định thu hồi."))}
# The task as the list shows it, for the actions that move it (suspend, close...).
_TASK = {"answer": s.ExecutionTaskSerializer, "present": lambda view, task, result: view._task_row(task)}
_CONTRACT = {"answer": s.ContractSerializer, "present": lambda view, task, result: _contract_of(task)}
_LATEST_ACCEPTANCE = {"present": lambda view, task, result: research_services.latest_acceptance(task)}
RS = ProgressReport.Status

TASK_ACTIONS: tuple[TaskAction, ...] = (
    # --- The host's actions (the host of the task, or a science officer for a paper submission) ---
    TaskAction(
        "progress_report_submit", "progress-reports",
        "A progress report for a period, with its files (the host of the task, or a science officer for a "
        "paper one).",
        s.ProgressReportUploadSerializer, s.ProgressReportSerializer,
        _on_task(research_services.progress_report_submit), created=True, paper_dates=("submitted_on",),
    ),
    TaskAction(
        "progress_report_resubmit", r"progress-reports/(?P<report_pk>[^/.]+)/resubmit",
        "A returned report handed in again, with what was supplemented and its files (the host of the "
        "task, or a science officer for it), as on the host's page.",
        s.ProgressReportResubmitUploadSerializer, s.ProgressReportSerializer,
        lambda request, task, data, obj: research_services.progress_report_transition(
            report=obj, to=RS.SUBMITTED, note=data["note"], by=request.user  # type: ignore[arg-type]
        ),
        **_REPORT,
    ),
    TaskAction(
        "adjustment_request", "adjustments",
        "A request to adjust or extend the task, with its files, checked against the rule records.",
        s.AdjustmentRequestUploadSerializer, s.AdjustmentSerializer,
        _on_task(research_services.adjustment_request), created=True, paper_dates=("requested_on",),
    ),
    TaskAction(
        "adjustment_withdraw", r"adjustments/(?P<adjustment_pk>[^/.]+)/withdraw",
        "Withdraw a request still waiting for the decision (the host of the task, or a science officer), "
        "as on the host's page.",
        None, s.AdjustmentSerializer,
        lambda request, task, data, obj: research_services.adjustment_transition(
            adjustment=obj, to=Adjustment.Status.WITHDRAWN, reason=_("Rút đề nghị"), by=request.user  # type: ignore[arg-type]
        ),
        **_ADJUSTMENT,
    ),
    TaskAction(
        "acceptance_submit", "acceptance",
        "The acceptance dossier with the self-evaluation, the checklist of its parts and its files (the "
        "host of the task, or a science officer for a paper dossier); the task then awaits acceptance.",
        s.AcceptanceSubmitUploadSerializer, s.AcceptanceSerializer,
        _on_task(research_services.acceptance_submit), created=True, paper_dates=("submitted_on",),
    ),
    TaskAction(
        "result_register", "result-registration",
        "Register and deposit the results once they are recognised (the host of the task, or a science "
        "officer), once per task.",
        s.ResultRegisterSerializer, s.ResultRegistrationSerializer,
        _on_task(research_services.result_register), created=True,
    ),
    TaskAction(
        "application_record", "applications",
        "Where the task's results are applied (after acceptance), by the host or staff.",
        s.ResultApplicationRecordSerializer, s.ResultApplicationSerializer,
        _on_task(research_services.result_application_record), created=True,
        inputs=lambda request, task: {"organisations": organisation_list_visible_to(request.user)},
    ),
    # --- Staff actions: the staff task page's (research.views_execution.ACTIONS) ---
    _staff_action(
        "contract-sign", "contract_sign", "contract/sign",
        "Staff (science officer): sign the contract of an approved task with its tranche schedule; the "
        "task starts.",
        s.ContractSignSerializer, created=True, **_CONTRACT,
    ),
    _staff_action(
        "tranche-add", "tranche_add", "contract/tranches",
        "Staff (science officer): add a tranche to the contract's schedule, within its state budget.",
        s.TrancheAddSerializer, s.TrancheSerializer, created=True,
    ),
    _staff_action(
        "contract-amend", "contract_amend", "contract/amendments",
        "Staff (science officer): record an amendment (phụ lục), with the approved adjustment it records.",
        s.ContractAmendSerializer, s.ContractAmendmentSerializer, created=True, inputs=_scoped,
    ),
    _staff_action(
        "contract-liquidate", "contract_liquidate", "contract/liquidate",
        "Staff (science officer): liquidate the contract after the final settlement, with the minutes.",
        s.ContractLiquidateSerializer, **_CONTRACT,
    ),
    _staff_action(
        "member-add", "member_add", "members",
        "Staff (science officer): add a person of the host organisation to the task's members.",
        s.MemberAddSerializer, s.TaskMemberSerializer, created=True, inputs=_scoped,
    ),
    _staff_action(
        "output-add", "output_add", "outputs",
        "Staff (science officer): add a promised product.",
        s.OutputAddSerializer, s.OutputSerializer, created=True,
    ),
    _staff_action(
        "output-assess", "output_assess", "outputs/assess",
        "Staff (science officer): mark a promised product achieved or not, at acceptance.",
        s.OutputAssessSerializer, s.OutputSerializer, inputs=_scoped,
    ),
    _staff_action(
        "disbursement-record", "disbursement_record", "disbursements",
        "Staff (finance or science officer): money paid out, within the allocation and the tranche's "
        "condition.",
        s.DisbursementRecordSerializer, s.DisbursementSerializer, created=True, inputs=_scoped,
    ),
    _staff_action(
        "settlement-record", "settlement_record", "settlements",
        "Staff (finance or science officer): settle a year (quyết toán).",
        s.SettlementRecordSerializer, s.SettlementSerializer, created=True,
    ),
    _staff_action(
        "recovery-record", "recovery_record", "recoveries",
        "Staff (finance or science officer): decide funds to recover.",
        s.RecoveryRecordSerializer, s.RecoverySerializer, created=True,
    ),
    TaskAction(
        "recovery_returned", r"recoveries/(?P<recovery_pk>[^/.]+)/returned",
        "Staff (finance or science officer): the recovered funds were paid back (the back office's "
        "'ngày nộp trả').",
        s.RecoveryReturnedSerializer, s.RecoverySerializer,
        lambda request, task, data, obj: research_services.recovery_mark_returned(
            recovery=obj, by=request.user, **data  # type: ignore[arg-type]
        ),
        staff=execution_views.MONEY, **_RECOVERY,
    ),
    _staff_action(
        "progress-report-review", "progress_report_review", r"progress-reports/(?P<report_pk>[^/.]+)/review",
        "Staff (science officer): accept a progress report, or return it with the reason.",
        s.ProgressReportReviewSerializer, s.ProgressReportSerializer, **_REPORT,
    ),
    _staff_action(
        "monitoring-visit-record", "monitoring_visit_record", "visits",
        "Staff (science officer): a monitoring visit, with its minutes.",
        s.MonitoringVisitRecordSerializer, s.MonitoringVisitSerializer, created=True,
    ),
    _staff_action(
        "adjustment-decide", "adjustment_decide", r"adjustments/(?P<adjustment_pk>[^/.]+)/decide",
        "Staff (science officer, department leader): approve a request with the decision (an extension "
        "moves the task's end), or refuse it with the reason.",
        s.AdjustmentDecideSerializer, s.AdjustmentSerializer, **_ADJUSTMENT,
    ),
    _staff_action(
        "task-suspend", "task_suspend", "suspend",
        "Staff (science officer, department leader): suspend the task, with the decision if any.",
        s.SuspendSerializer, **_TASK,
    ),
    _staff_action(
        "task-resume", "task_resume", "resume",
        "Staff (science officer, department leader): let a suspended task go on.",
        s.ResumeSerializer, **_TASK,
    ),
    _staff_action(
        "task-terminate", "task_terminate", "terminate",
        "Staff (department leader): terminate the contract with the decision; funds to recover with it.",
        s.TerminateSerializer, **_TASK,
    ),
    _staff_action(
        "acceptance-return", "acceptance_return", "acceptance/return",
        "Staff (science officer): send the acceptance dossier back with the reason; the task goes on.",
        s.ReasonSerializer, **_TASK,
    ),
    _staff_action(
        "acceptance-council", "acceptance_council", "acceptance/council",
        "Staff (science officer): put the task before an acceptance council.",
        s.AcceptanceCouncilSerializer, s.AcceptanceSerializer, **_LATEST_ACCEPTANCE,
    ),
    _staff_action(
        "acceptance-conclude", "acceptance_conclude", "acceptance/conclude",
        "Staff (science officer, department leader): take the council's grade, with the decision "
        "recognising the result; the task is accepted or failed.",
        s.AcceptanceConcludeSerializer, s.AcceptanceSerializer,
    ),
    _staff_action(
        "result-hand-over", "result_hand_over", "result-registration/hand-over",
        "Staff (science officer): the registered results handed over to an organisation.",
        s.ResultHandOverSerializer, s.ResultRegistrationSerializer,
    ),
    _staff_action(
        "asset-record", "asset_record", "assets",
        "Staff (finance or science officer): an asset the task formed or bought.",
        s.AssetRecordSerializer, s.AssetSerializer, created=True,
    ),
    _staff_action(
        "asset-handle", "asset_handle", "assets/handle",
        "Staff (finance or science officer): how a pending asset was handled.",
        s.AssetHandleSerializer, s.AssetSerializer, inputs=_scoped,
    ),
    _staff_action(
        "task-close", "task_close", "close",
        "Staff (science officer): close an accepted or failed task once its steps are done.",
        s.OptionalReasonSerializer, **_TASK,
    ),
)  # fmt: skip


def _action_view(spec: TaskAction) -> Callable[..., Response]:
    """The viewset method of one TaskAction: its route, and its schema (request, answer, path
    parameter)."""

    def view(self: MyTaskViewSet, request: Request, pk: str, **kwargs: Any) -> Response:
        # **kwargs: the record's path parameter, and `format` from the router's format-suffix twin
        # (an action without it answered 500).
        return self.act(request, spec, **kwargs)

    view.__name__ = view.__qualname__ = spec.name
    view.__doc__ = spec.doc
    parameters = [OpenApiParameter(spec.lookup, OpenApiTypes.INT, OpenApiParameter.PATH)] if spec.lookup else None
    responses = {201: spec.answer} if spec.created else spec.answer
    schema = extend_schema(request=spec.body, responses=responses, parameters=parameters)
    # extend_schema above @action, as on a method: it annotates the action's own view function.
    return schema(action(detail=True, methods=["post"], url_path=spec.path)(view))


for _spec in TASK_ACTIONS:
    setattr(MyTaskViewSet, _spec.name, _action_view(_spec))
