"""Serializers of the API: public fields only for anonymous readers (never a person's personal
data), and the proposal and task fields a host organisation sees on its own pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from khcn.councils.models import Council
from khcn.directory.models import FieldOfScience, Organisation, Person, TaskForm
from khcn.public import search as public_search
from khcn.public import selectors as public_selectors
from khcn.research.forms_host import MAX_FILES, MultipleFileField
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Asset,
    Call,
    Contract,
    ContractAmendment,
    Disbursement,
    Grade,
    MonitoringVisit,
    Output,
    ProgressReport,
    Proposal,
    Recovery,
    ResultApplication,
    ResultRegistration,
    Settlement,
    Source,
    Task,
    TaskMember,
    Tranche,
)
from khcn.research.models.execution import MAX_QUANTITY


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicTaskSerializer(serializers.ModelSerializer):
    form = serializers.CharField(source="form.name")
    field_code = serializers.CharField(source="field.code")
    field = serializers.CharField(source="field.name")
    status_label = serializers.CharField(source="get_status_display")
    host = serializers.SerializerMethodField()
    pi = serializers.SerializerMethodField()
    total_budget = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = (
            "id", "code", "title", "form", "field_code", "field", "level", "plan_year", "status", "status_label",
            "host", "pi", "start", "end", "state_budget", "total_budget", "objectives", "url",
        )  # fmt: skip

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_host(self, task: Task) -> dict[str, Any] | None:
        return {"id": task.host.pk, "name": task.host.name} if task.host else None

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_pi(self, task: Task) -> dict[str, Any] | None:
        # A principal investigator is named only with their consent to a public profile.
        name = public_selectors.public_name(task.pi)
        return {"id": task.pi.pk, "name": name} if name and task.pi else None

    def get_url(self, task: Task) -> str:
        from django.urls import reverse

        return reverse("public:task-detail", args=[task.pk])


class PublicOrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    public_task_count = serializers.IntegerField()

    class Meta:
        model = Organisation
        fields = ("id", "name", "short_name", "kind", "kind_label", "address", "website", "public_task_count")


class PublicPersonSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", default="")
    field = serializers.CharField(source="field.name", default="")
    display_name = serializers.CharField()

    class Meta:
        model = Person
        # Never Person.PERSONAL_FIELDS (email, phone, birth year, ID number).
        fields = ("id", "full_name", "display_name", "academic_title", "degree", "position", "organisation", "field")


class PublicCertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    designation = serializers.CharField()
    holder = serializers.SerializerMethodField()
    product = serializers.CharField()
    growing_area = serializers.CharField()
    issue_date = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)

    def get_holder(self, certificate: Any) -> str:
        return public_search.certificate_holder_name(certificate)


class PublicInitiativeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField(source="unit.name")
    field = serializers.CharField()
    year = serializers.IntegerField()
    recognised_on = serializers.DateField(allow_null=True)


class PublicLegalDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    form = serializers.CharField()
    issue_date = serializers.DateField()
    issuer = serializers.CharField(source="issuer.name")
    subject = serializers.CharField()
    expired = serializers.BooleanField()
    url = serializers.CharField(source="get_public_url")


class PublicArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    topic = serializers.CharField()
    published_at = serializers.DateTimeField()
    url = serializers.CharField(source="get_public_url")


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField(source="entry.kind")
    kind_label = serializers.CharField()
    object_id = serializers.IntegerField(source="entry.object_id")
    title = serializers.CharField(source="entry.title")
    summary = serializers.CharField(source="entry.summary")
    title_highlighted = serializers.CharField(source="title_html", help_text="HTML, đã escape; từ khớp trong <mark>")
    summary_highlighted = serializers.CharField(source="summary_html")
    year = serializers.IntegerField(source="entry.year", allow_null=True)
    url = serializers.CharField(source="entry.url")
    score = serializers.FloatField()


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())
    fuzzy = serializers.BooleanField()
    capped = serializers.BooleanField(
        help_text="Khớp hơn KHCN_SEARCH_COUNT_CAP bản ghi: total và by_kind là cận dưới, kết quả được xếp hạng "
        "trong số các bản ghi khớp đầu tiên (thu hẹp truy vấn để có xếp hạng đầy đủ)."
    )
    results = SearchHitSerializer(many=True, source="hits")


class CodeRelatedField(serializers.SlugRelatedField):
    """A record named by its code. A NUL character is refused before the lookup: PostgreSQL cannot
    compare text holding one and answered 500 (found by schemathesis)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


# --- Proposals (authenticated) --------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    call: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    call_year = serializers.IntegerField(source="call.year", read_only=True)
    proposer_org = NamedSerializer(read_only=True)
    field = serializers.CharField(source="field.code", read_only=True)
    task_form = serializers.CharField(source="task_form.code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Proposal
        fields = (
            "id", "code", "call", "call_year", "title", "urgency", "objectives", "expected_results",
            "estimated_budget", "estimated_duration_months", "application_place", "source", "proposer_org",
            "field", "task_form", "status", "status_label", "received_on", "channel",
        )  # fmt: skip
        read_only_fields = fields


class ProposalSubmitSerializer(serializers.Serializer):
    """What a proposal submission carries; the service (research.services.proposal_submit)
    decides the proposer, the day received and the rules."""

    call: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(queryset=Call.objects.active())
    title = serializers.CharField(max_length=500)
    urgency = serializers.CharField()
    objectives = serializers.CharField()
    expected_results = serializers.CharField()
    estimated_budget = serializers.IntegerField(min_value=0)
    estimated_duration_months = serializers.IntegerField(min_value=1)
    application_place = serializers.CharField()
    field = CodeRelatedField(slug_field="code", queryset=FieldOfScience.objects.filter(is_active=True))
    task_form = CodeRelatedField(slug_field="code", queryset=TaskForm.objects.filter(is_active=True))
    proposer_org = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.active(), required=False, allow_null=True,
        help_text="Chỉ cán bộ Sở nhập phiếu giấy; tổ chức chủ trì luôn đề xuất cho chính mình.",
    )  # fmt: skip


# --- Tasks under contract: part 2 of the lifecycle (authenticated) -------------------------------------


class ExecutionTaskSerializer(serializers.ModelSerializer):
    """A task under contract or later as its host (or staff) sees it in the list."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    field = serializers.CharField(source="field.code", read_only=True, allow_null=True)
    form = serializers.CharField(source="form.code", read_only=True, allow_null=True)
    host = NamedSerializer(read_only=True, allow_null=True)
    pi = serializers.CharField(source="pi.full_name", read_only=True, allow_null=True)
    effective_end = serializers.DateField(read_only=True, allow_null=True, help_text="Kết thúc (kể cả gia hạn)")
    contract_number = serializers.CharField(source="contract.number", read_only=True, allow_null=True)
    disbursed = serializers.IntegerField(read_only=True, help_text="Ngân sách nhà nước đã cấp (đồng)")

    class Meta:
        model = Task
        fields = (
            "id", "code", "title", "plan_year", "status", "status_label", "field", "form", "host", "pi",
            "start", "end", "effective_end", "state_budget", "contract_number", "disbursed",
        )  # fmt: skip
        read_only_fields = fields


class ContractAmendmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractAmendment
        fields = ("id", "number", "signed_on", "content")
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    department = NamedSerializer(read_only=True)
    total_budget = serializers.IntegerField(read_only=True)
    amendments = ContractAmendmentSerializer(many=True, read_only=True, source="active_amendments")

    class Meta:
        model = Contract
        fields = (
            "id", "number", "signed_on", "department", "start", "end", "state_budget", "state_budget_lump_sum",
            "counterpart_budget", "other_budget", "total_budget", "liquidated_on", "amendments",
        )  # fmt: skip
        read_only_fields = fields


class TrancheRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="tranche.pk")
    number = serializers.IntegerField(source="tranche.number")
    kind = serializers.ChoiceField(source="tranche.kind", choices=Tranche.Kind.choices)
    amount = serializers.IntegerField(source="tranche.amount")
    planned_on = serializers.DateField(source="tranche.planned_on", allow_null=True)
    condition = serializers.ChoiceField(source="tranche.condition", choices=Tranche.Condition.choices)
    condition_label = serializers.CharField(source="tranche.get_condition_display")
    disbursed = serializers.IntegerField()
    remaining = serializers.IntegerField()
    condition_met = serializers.BooleanField()
    why = serializers.CharField(help_text="Vì sao chưa được cấp (trống khi đã đủ điều kiện)")


class YearMoneySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    allocated = serializers.IntegerField(help_text="Bố trí trong kế hoạch được phê duyệt")
    carried_in = serializers.IntegerField(help_text="Chuyển từ năm trước")
    disbursed = serializers.IntegerField()
    settled = serializers.IntegerField()
    carried_out = serializers.IntegerField(help_text="Chuyển sang năm sau")
    remaining = serializers.IntegerField(help_text="Còn được cấp trong năm")
    is_settled = serializers.BooleanField()


class SourceMoneySerializer(serializers.Serializer):
    # Serializer fields named like Field's own attributes: DRF's metaclass takes them off the class.
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]
    label = serializers.CharField()  # type: ignore[assignment]
    budget = serializers.IntegerField()
    disbursed = serializers.IntegerField()
    remaining = serializers.IntegerField()


class TaskMoneySerializer(serializers.Serializer):
    """Computed from the records (research.selectors.task_money): never a stored total."""

    years = YearMoneySerializer(many=True)
    sources = SourceMoneySerializer(many=True)
    allocated_total = serializers.IntegerField()
    disbursed_total = serializers.IntegerField()
    settled_total = serializers.IntegerField()
    recovered_total = serializers.IntegerField()
    returned_total = serializers.IntegerField()
    unsettled = serializers.IntegerField()
    final_settled = serializers.BooleanField()


class DisbursementSerializer(serializers.ModelSerializer):
    tranche_number = serializers.IntegerField(source="tranche.number", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Disbursement
        fields = (
            "id", "tranche", "tranche_number", "kind", "kind_label", "source", "source_label", "budget_year",
            "amount", "paid_on", "voucher", "note",
        )  # fmt: skip
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ProgressReport
        fields = (
            "id", "period_start", "period_end", "due_on", "submitted_on", "work_done", "next_steps",
            "spent_amount", "status", "status_label", "review_note",
        )  # fmt: skip
        read_only_fields = fields


def _document_label(document: Any) -> str | None:
    return str(document) if document is not None else None


class AdjustmentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    decision = serializers.CharField(read_only=True, allow_null=True, help_text="Quyết định (số, ngày)")

    class Meta:
        model = Adjustment
        fields = (
            "id", "kind", "kind_label", "requested_on", "description", "before", "after", "new_end", "status",
            "status_label", "decision",
        )  # fmt: skip
        read_only_fields = fields


class AcceptanceSerializer(serializers.ModelSerializer):
    self_grade_label = serializers.CharField(source="get_self_grade_display", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    council = serializers.CharField(source="council.name", read_only=True, allow_null=True)
    decision = serializers.CharField(read_only=True, allow_null=True, help_text="Quyết định (số, ngày)")

    class Meta:
        model = Acceptance
        fields = (
            "id", "submitted_on", "self_evaluation", "self_grade", "self_grade_label", *Acceptance.DOSSIER_PARTS,
            "council", "grade", "grade_label", "graded_on", "decision",
        )  # fmt: skip
        read_only_fields = fields


class ResultRegistrationSerializer(serializers.ModelSerializer):
    handed_over_to = NamedSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ResultRegistration
        fields = (
            "id", "number", "registered_on", "deposit_place", "national_system_id", "summary", "handed_over_on",
            "handed_over_to",
        )  # fmt: skip
        read_only_fields = fields


class ResultApplicationSerializer(serializers.ModelSerializer):
    organisation = NamedSerializer(read_only=True, allow_null=True)
    unit = serializers.CharField(source="unit.name", read_only=True, allow_null=True)

    class Meta:
        model = ResultApplication
        fields = ("id", "year", "organisation", "place", "unit", "scale", "effect")
        read_only_fields = fields


class ExecutionTaskDetailSerializer(serializers.Serializer):
    """One task with everything of part 2 the host's page shows."""

    task = ExecutionTaskSerializer()
    contract = ContractSerializer(allow_null=True)
    tranches = TrancheRowSerializer(many=True)
    money = TaskMoneySerializer()
    disbursements = DisbursementSerializer(many=True)
    progress_reports = ProgressReportSerializer(many=True)
    adjustments = AdjustmentSerializer(many=True)
    acceptances = AcceptanceSerializer(many=True)
    result_registration = ResultRegistrationSerializer(allow_null=True)
    applications = ResultApplicationSerializer(many=True)


class TimelineEntrySerializer(serializers.Serializer):
    day = serializers.DateField()
    kind = serializers.CharField(help_text="status, contract, money, report, visit, adjustment, acceptance, result…")
    title = serializers.CharField()
    detail = serializers.CharField()
    document = serializers.SerializerMethodField()

    def get_document(self, entry: Any) -> str | None:
        return _document_label(entry.document)


# Writes: what each request carries; the research service decides the rest and the rules.


class ProgressReportSubmitSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    work_done = serializers.CharField()
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    spent_amount = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Kinh phí đã sử dụng lũy kế (đồng)"
    )
    submitted_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Chỉ cán bộ Sở ghi nhận bản giấy; tổ chức chủ trì nộp với ngày hôm nay.",
    )  # fmt: skip


class AdjustmentRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Adjustment.Kind.choices)
    description = serializers.CharField()
    before = serializers.CharField(required=False, allow_blank=True, default="")
    after = serializers.CharField(required=False, allow_blank=True, default="")
    new_end = serializers.DateField(required=False, allow_null=True, default=None, help_text="Chỉ khi gia hạn")
    requested_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Chỉ cán bộ Sở ghi nhận bản giấy; tổ chức chủ trì đề nghị với ngày hôm nay.",
    )  # fmt: skip


class ResultApplicationRecordSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    place = serializers.CharField(max_length=300)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True, default=None,
        help_text="Đơn vị ứng dụng, nếu có trong danh bạ (tổ chức chủ trì: chỉ chính mình).",
    )  # fmt: skip
    scale = serializers.CharField(max_length=300)
    effect = serializers.CharField()

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class TaskScopedSerializer(serializers.Serializer):
    """A serializer whose choices are records of one task (its outputs, assets, adjustments...):
    `scoped` names each such field and how to find the task's records."""

    scoped: dict[str, Any] = {}

    def __init__(self, *args: Any, task: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if task is not None:
            for name, records in self.scoped.items():
                self.fields[name].queryset = records(task)  # type: ignore[attr-defined]


class DisbursementRecordSerializer(TaskScopedSerializer):
    scoped = {"tranche": lambda task: Tranche.objects.active().filter(contract__task=task)}

    tranche = serializers.PrimaryKeyRelatedField(
        queryset=Tranche.objects.none(), required=False, allow_null=True, default=None
    )
    source = serializers.ChoiceField(choices=Source.choices, default=Source.STATE_BUDGET)  # type: ignore[assignment]
    kind = serializers.ChoiceField(
        choices=Tranche.Kind.choices, required=False, allow_null=True, default=None, help_text="Trống: theo đợt"
    )
    amount = serializers.IntegerField(help_text="Số tiền (đồng)")
    paid_on = serializers.DateField()
    budget_year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, allow_null=True, default=None,
        help_text="Trống: năm của ngày cấp",
    )  # fmt: skip
    voucher = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressReportReviewSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[ProgressReport.Status.ACCEPTED, ProgressReport.Status.RETURNED])
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Bắt buộc khi trả lại")


class ProgressReportResubmitSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="Nội dung đã bổ sung, giải trình")


class DocumentSerializer(serializers.Serializer):
    """A document (decision, minutes) typed from the signed paper, as on the staff page's forms
    (research.forms_execution.DocumentFields): optional unless `doc_required`; with a number, its
    date and issuer are required. The view records it in the same transaction as the action."""

    doc_required = False

    doc_issuer = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.active().filter(kind=Organisation.Kind.STATE_AGENCY),
        required=False, allow_null=True, default=None, help_text="Cơ quan ban hành văn bản",
    )  # fmt: skip
    doc_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Số, ký hiệu văn bản"
    )
    doc_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Ngày ban hành")
    doc_signer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    doc_signer_position = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The same rule and messages as research.forms_execution.DocumentFields.clean.
        errors: dict[str, str] = {}
        if attrs["doc_number"].strip():
            if not attrs.get("doc_date"):
                errors["doc_date"] = _("Hãy nhập ngày ban hành văn bản.")
            if not attrs.get("doc_issuer"):
                errors["doc_issuer"] = _("Hãy chọn cơ quan ban hành.")
        elif self.doc_required:
            errors["doc_number"] = _("Hãy nhập số, ký hiệu của văn bản.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AdjustmentDecideSerializer(DocumentSerializer):
    """The decision on a request, and the decision document typed from the signed paper (as the
    staff page's form, research.forms_execution.AdjustmentDecideForm): required to approve."""

    to = serializers.ChoiceField(choices=[Adjustment.Status.APPROVED, Adjustment.Status.REJECTED])
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Bắt buộc khi không chấp thuận"
    )


class AcceptanceSubmitSerializer(serializers.Serializer):
    """The acceptance dossier: the self-evaluation, the self-grade and the checklist of its parts
    (research.services.acceptance_submit refuses an incomplete one, naming what is missing)."""

    self_evaluation = serializers.CharField()
    self_grade = serializers.ChoiceField(choices=Grade.choices)
    has_final_report = serializers.BooleanField(default=False, help_text="Báo cáo tổng hợp, báo cáo tóm tắt")
    has_products = serializers.BooleanField(default=False, help_text="Sản phẩm và tài liệu kèm theo")
    has_self_evaluation_minutes = serializers.BooleanField(default=False, help_text="Biên bản tự đánh giá")
    has_spending_report = serializers.BooleanField(default=False, help_text="Báo cáo sử dụng kinh phí")
    submitted_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Chỉ cán bộ Sở ghi nhận bản giấy; tổ chức chủ trì nộp với ngày hôm nay.",
    )  # fmt: skip


class ResultRegisterSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60, help_text="Số giấy chứng nhận đăng ký")
    registered_on = serializers.DateField(help_text="Ngày đăng ký")
    deposit_place = serializers.CharField(max_length=300, help_text="Nơi lưu giữ")
    national_system_id = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text="Mã trên hệ thống thông tin quốc gia"
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="", help_text="Tóm tắt kết quả")


# --- Files sent with a write (multipart/form-data) --------------------------------------------------


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.Field):
    """One file of a multipart request, taken as sent: validate_attachments checks them all with the
    web pages' field, so every refusal is a flat list of messages like the other fields' (a nested
    {"0": [...]} from DRF's own FileField broke the documented error format)."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> str:
        return str(getattr(value, "name", ""))


class AttachmentsSerializer(serializers.Serializer):
    """Files sent with the record (multipart/form-data, the field repeated once a file), checked as
    the host's web pages check them (research.forms_host.MultipleFileField: the real type read from
    the content, the size, at most MAX_FILES), with the same messages. The view attaches them in the
    record's transaction, so a refused file leaves no record behind and a refused record no file."""

    attachments = serializers.ListField(
        child=UploadField(),
        required=False, default=list,
        help_text=f"Tệp đính kèm (multipart/form-data): PDF, Word, Excel, ảnh, ZIP; tối đa {MAX_FILES} tệp.",
    )  # fmt: skip

    def validate_attachments(self, uploads: list[Any]) -> list[Any]:
        field = MultipleFileField()
        if not all(isinstance(upload, UploadedFile) for upload in uploads):
            # A JSON body, or a form field that is not a file: Django's own message for it.
            raise serializers.ValidationError(field.error_messages["invalid"])
        try:
            return field.clean(uploads)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class ProgressReportUploadSerializer(AttachmentsSerializer, ProgressReportSubmitSerializer):
    pass


class ProgressReportResubmitUploadSerializer(AttachmentsSerializer, ProgressReportResubmitSerializer):
    pass


class AdjustmentRequestUploadSerializer(AttachmentsSerializer, AdjustmentRequestSerializer):
    pass


class AcceptanceSubmitUploadSerializer(AttachmentsSerializer, AcceptanceSubmitSerializer):
    pass


# --- Staff actions of part 2 (research.views_execution.ACTIONS): what each request carries --------


def _state_agencies() -> Any:
    return Organisation.objects.active().filter(kind=Organisation.Kind.STATE_AGENCY)


def _top_organisations() -> Any:
    return Organisation.objects.active().filter(parent__isnull=True)


class TrancheInputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, help_text="Số tiền (đồng)")
    kind = serializers.ChoiceField(choices=Tranche.Kind.choices, default=Tranche.Kind.ADVANCE)
    condition = serializers.ChoiceField(choices=Tranche.Condition.choices, default=Tranche.Condition.NONE)
    planned_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Dự kiến cấp")


class ContractSignSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60, help_text="Số hợp đồng, ví dụ 12/2024/HĐ-KHCN")
    signed_on = serializers.DateField()
    department = serializers.PrimaryKeyRelatedField(queryset=_state_agencies(), help_text="Bên đặt hàng (bên A)")
    department_signer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    start = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Trống: ngày bắt đầu của nhiệm vụ"
    )
    end = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Trống: ngày kết thúc của nhiệm vụ"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    tranches = TrancheInputSerializer(many=True, required=False, default=list, help_text="Lịch cấp kinh phí NSNN")


class TrancheAddSerializer(TrancheInputSerializer):
    pass


class ContractAmendSerializer(TaskScopedSerializer):
    scoped = {
        "adjustment": lambda task: Adjustment.objects.active().filter(task=task, status=Adjustment.Status.APPROVED)
    }

    number = serializers.CharField(max_length=60, help_text="Số phụ lục")
    signed_on = serializers.DateField()
    content = serializers.CharField()
    adjustment = serializers.PrimaryKeyRelatedField(
        queryset=Adjustment.objects.none(), required=False, allow_null=True, default=None,
        help_text="Đề nghị điều chỉnh đã chấp thuận mà phụ lục ghi nhận",
    )  # fmt: skip


class ContractLiquidateSerializer(DocumentSerializer):
    """With the liquidation minutes (biên bản thanh lý), if any."""

    liquidated_on = serializers.DateField()


class MemberAddSerializer(TaskScopedSerializer):
    scoped = {
        "person": lambda task: (
            Person.objects.active()
            .filter(**({"organisation_id": task.host_id} if task.host_id else {}))
            .exclude(task_memberships__task=task)
        )
    }

    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), help_text="Cá nhân của tổ chức chủ trì, chưa là thành viên"
    )
    role = serializers.ChoiceField(choices=TaskMember.Role.choices, default=TaskMember.Role.MEMBER)
    workdays = serializers.IntegerField(min_value=0, max_value=5000, default=0)


class OutputAddSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=Output.Form.choices)
    name = serializers.CharField(max_length=500)
    quantity_planned = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    quality_target = serializers.CharField(required=False, allow_blank=True, default="")


class OutputAssessSerializer(TaskScopedSerializer):
    scoped = {"output": lambda task: Output.objects.active().filter(task=task)}

    output = serializers.PrimaryKeyRelatedField(queryset=Output.objects.none(), help_text="Sản phẩm của nhiệm vụ")
    quantity_achieved = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)
    achieved = serializers.BooleanField()
    assessed_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SettlementRecordSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    settled_on = serializers.DateField()
    amount_settled = serializers.IntegerField(help_text="Kinh phí được quyết toán (đồng)")
    carried_over = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Kinh phí chuyển sang năm sau (đồng)"
    )
    is_final = serializers.BooleanField(default=False, help_text="Quyết toán cuối cùng")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RecoveryRecordSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Recovery.Reason.choices)
    amount = serializers.IntegerField(help_text="Số tiền thu hồi (đồng)")
    decided_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RecoveryReturnedSerializer(serializers.Serializer):
    returned_on = serializers.DateField(help_text="Ngày nộp trả")


class MonitoringVisitRecordSerializer(DocumentSerializer):
    """With the visit's minutes (biên bản kiểm tra), if any."""

    visited_on = serializers.DateField()
    inspectors = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    findings = serializers.CharField()
    conclusion = serializers.ChoiceField(choices=MonitoringVisit.Conclusion.choices)
    recommendations = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Lý do")


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Ghi chú, lý do")


class SuspendSerializer(DocumentSerializer):
    reason = serializers.CharField(help_text="Lý do tạm dừng")


class ResumeSerializer(DocumentSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Ghi chú")


class TerminateSerializer(DocumentSerializer):
    """With the decision terminating the contract (required)."""

    doc_required = True

    reason = serializers.CharField(help_text="Lý do chấm dứt")
    recovery_amount = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Kinh phí phải thu hồi (đồng)"
    )


class AcceptanceCouncilSerializer(serializers.Serializer):
    council = serializers.PrimaryKeyRelatedField(
        queryset=Council.objects.active().filter(kind=Council.Kind.ACCEPTANCE),
        help_text="Hội đồng đánh giá, nghiệm thu",
    )


class AcceptanceConcludeSerializer(DocumentSerializer):
    """With the decision recognising the result, if any."""

    graded_on = serializers.DateField(help_text="Ngày họp hội đồng")


class ResultHandOverSerializer(serializers.Serializer):
    handed_over_on = serializers.DateField()
    to = serializers.PrimaryKeyRelatedField(queryset=_top_organisations(), help_text="Đơn vị nhận bàn giao")


class AssetRecordSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    origin = serializers.ChoiceField(choices=Asset.Origin.choices)
    original_value = serializers.IntegerField(help_text="Nguyên giá (đồng)")


class AssetHandleSerializer(TaskScopedSerializer):
    scoped = {"asset": lambda task: Asset.objects.active().filter(task=task, handling=Asset.Handling.PENDING)}

    asset = serializers.PrimaryKeyRelatedField(queryset=Asset.objects.none(), help_text="Tài sản chưa xử lý")
    handling = serializers.ChoiceField(choices=[c for c in Asset.Handling.choices if c[0] != Asset.Handling.PENDING])
    handled_on = serializers.DateField()
    recipient = serializers.PrimaryKeyRelatedField(
        queryset=_top_organisations(), required=False, allow_null=True, default=None, help_text="Đơn vị nhận"
    )


# --- What the staff actions answer ----------------------------------------------------------------------


class TrancheSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tranche
        fields = ("id", "number", "kind", "amount", "planned_on", "condition")
        read_only_fields = fields


class TaskMemberSerializer(serializers.ModelSerializer):
    person: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = TaskMember
        fields = ("id", "person", "person_name", "role", "role_label", "workdays")
        read_only_fields = fields


class OutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Output
        fields = (
            "id", "form", "name", "quantity_planned", "quality_target", "quantity_achieved", "achieved", "assessed_on",
            "note",
        )  # fmt: skip
        read_only_fields = fields


class SettlementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Settlement
        fields = ("id", "year", "settled_on", "amount_settled", "carried_over", "is_final", "note")
        read_only_fields = fields


class RecoverySerializer(serializers.ModelSerializer):
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    decision = serializers.CharField(read_only=True, allow_null=True, help_text="Quyết định (số, ngày)")

    class Meta:
        model = Recovery
        fields = ("id", "reason", "reason_label", "amount", "decided_on", "decision", "returned_on", "note")
        read_only_fields = fields


class MonitoringVisitSerializer(serializers.ModelSerializer):
    conclusion_label = serializers.CharField(source="get_conclusion_display", read_only=True)
    minutes = serializers.CharField(read_only=True, allow_null=True, help_text="Biên bản (số, ngày)")

    class Meta:
        model = MonitoringVisit
        fields = (
            "id", "visited_on", "inspectors", "findings", "conclusion", "conclusion_label", "recommendations",
            "minutes",
        )  # fmt: skip
        read_only_fields = fields


class AssetSerializer(serializers.ModelSerializer):
    recipient = NamedSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Asset
        fields = ("id", "name", "origin", "original_value", "handling", "handled_on", "recipient")
        read_only_fields = fields
