"""Forms of the staff pages of part 2 (contract to results). They read and check input; the
services (services/execution.py) decide and write, and their messages land on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khcn.councils.models import Council
from khcn.directory.models import OfficialDocument, Organisation, Person
from khcn.research.forms import DATE_WIDGET, MoneyField, _field
from khcn.research.models import (
    Adjustment,
    Asset,
    Grade,
    MonitoringVisit,
    Output,
    Plan,
    Recovery,
    Source,
    Task,
    TaskMember,
    Tranche,
)
from khcn.research.models.execution import MAX_QUANTITY

TEXTAREA = forms.Textarea(attrs={"rows": 3})
TRANCHE_ROWS = 4


def _today() -> Any:
    return timezone.localdate()


def _state_agencies() -> Any:
    return Organisation.objects.active().filter(kind=Organisation.Kind.STATE_AGENCY).order_by("name")


class DocumentFields(forms.Form):
    """A document (decision, minutes) typed from the signed paper, optional unless `doc_required`.
    The view records it through services.document_record in the same transaction as the action."""

    doc_required = False
    doc_kind = OfficialDocument.Kind.DECISION
    doc_label: Any = _("Quyết định")
    doc_issuer_prefix = "Ủy ban nhân dân tỉnh"

    doc_issuer = forms.ModelChoiceField(
        label=_("Cơ quan ban hành"), queryset=Organisation.objects.none(), required=False
    )
    doc_number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    doc_date = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET, required=False)
    doc_signer = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    doc_signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuers = _state_agencies()
        _field(self, "doc_issuer").queryset = issuers
        default = issuers.filter(name__istartswith=self.doc_issuer_prefix).first()
        if default is not None and not self.is_bound:
            self.fields["doc_issuer"].initial = default.pk
        suffix = "" if self.doc_required else str(_(" (nếu có)"))
        self.fields["doc_number"].label = f"{self.doc_label}: {_('số, ký hiệu')}{suffix}"
        self.fields["doc_date"].label = f"{self.doc_label}: {_('ngày ban hành')}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number = (cleaned.get("doc_number") or "").strip()
        if self.doc_required and not number:
            self.add_error("doc_number", _("Hãy nhập số, ký hiệu của văn bản."))
        if number:
            if not cleaned.get("doc_date"):
                self.add_error("doc_date", _("Hãy nhập ngày ban hành văn bản."))
            if not cleaned.get("doc_issuer"):
                self.add_error("doc_issuer", _("Hãy chọn cơ quan ban hành."))
        return cleaned

    def has_document(self) -> bool:
        return bool((self.cleaned_data.get("doc_number") or "").strip())


# --- Contract ------------------------------------------------------------------------------------


class ContractSignForm(forms.Form):
    number = forms.CharField(label=_("Số hợp đồng"), max_length=60, help_text=_("Ví dụ: 12/2024/HĐ-KHCN"))
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DATE_WIDGET)
    department = forms.ModelChoiceField(label=_("Bên đặt hàng (bên A)"), queryset=Organisation.objects.none())
    department_signer = forms.CharField(label=_("Người ký bên A"), max_length=200, required=False)
    start = forms.DateField(label=_("Bắt đầu"), widget=DATE_WIDGET, required=False)
    end = forms.DateField(label=_("Kết thúc"), widget=DATE_WIDGET, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = _state_agencies()
        _field(self, "department").queryset = agencies
        if not self.is_bound:
            department = agencies.filter(name__istartswith="Sở Khoa học và Công nghệ").first()
            self.initial.update(
                {
                    "department": department.pk if department else None,
                    "department_signer": department.representative if department else "",
                    "start": task.start,
                    "end": task.end,
                    "signed_on": _today(),
                }
            )
        for n in range(1, TRANCHE_ROWS + 1):
            self.fields[f"t{n}_amount"] = MoneyField(label=_("Đợt %(n)d: số tiền (đồng)") % {"n": n}, required=False)
            self.fields[f"t{n}_kind"] = forms.ChoiceField(
                label=_("Đợt %(n)d: loại") % {"n": n}, choices=Tranche.Kind.choices, initial=Tranche.Kind.ADVANCE
            )
            self.fields[f"t{n}_condition"] = forms.ChoiceField(
                label=_("Đợt %(n)d: điều kiện cấp") % {"n": n},
                choices=Tranche.Condition.choices,
                initial=Tranche.Condition.NONE if n == 1 else Tranche.Condition.PROGRESS_REPORT,
            )
            self.fields[f"t{n}_planned_on"] = forms.DateField(
                label=_("Đợt %(n)d: dự kiến cấp") % {"n": n}, widget=DATE_WIDGET, required=False
            )

    def tranches(self) -> list[dict[str, Any]]:
        rows = []
        for n in range(1, TRANCHE_ROWS + 1):
            amount = self.cleaned_data.get(f"t{n}_amount")
            if amount:
                rows.append(
                    {
                        "amount": amount,
                        "kind": self.cleaned_data[f"t{n}_kind"],
                        "condition": self.cleaned_data[f"t{n}_condition"],
                        "planned_on": self.cleaned_data.get(f"t{n}_planned_on"),
                    }
                )
        return rows


class ContractAmendForm(forms.Form):
    number = forms.CharField(label=_("Số phụ lục"), max_length=60)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DATE_WIDGET)
    content = forms.CharField(label=_("Nội dung"), widget=TEXTAREA)
    adjustment = forms.ModelChoiceField(
        label=_("Ghi nhận điều chỉnh đã chấp thuận"), queryset=Adjustment.objects.none(), required=False
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "adjustment").queryset = (
            Adjustment.objects.active().filter(task=task, status=Adjustment.Status.APPROVED).select_related("task")
        )


class TrancheAddForm(forms.Form):
    amount = MoneyField(label=_("Số tiền (đồng)"))
    kind = forms.ChoiceField(label=_("Loại"), choices=Tranche.Kind.choices)
    condition = forms.ChoiceField(label=_("Điều kiện cấp"), choices=Tranche.Condition.choices)
    planned_on = forms.DateField(label=_("Dự kiến cấp"), widget=DATE_WIDGET, required=False)


class ContractLiquidateForm(DocumentFields):
    doc_kind = OfficialDocument.Kind.MINUTES
    doc_label = _("Biên bản thanh lý")
    doc_issuer_prefix = "Sở Khoa học và Công nghệ"

    liquidated_on = forms.DateField(label=_("Ngày thanh lý"), widget=DATE_WIDGET)

    field_order = ["liquidated_on"]


# --- Members and outputs -------------------------------------------------------------------------


class MemberAddForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Cá nhân"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"), choices=TaskMember.Role.choices, initial=TaskMember.Role.MEMBER)
    workdays = forms.IntegerField(label=_("Số ngày công"), min_value=0, max_value=5000, initial=0)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.active().select_related("organisation").order_by("full_name")
        if task.host_id:
            people = people.filter(organisation_id=task.host_id)
        _field(self, "person").queryset = people.exclude(task_memberships__task=task)


class OutputAddForm(forms.Form):
    form = forms.ChoiceField(label=_("Dạng sản phẩm"), choices=Output.Form.choices)
    name = forms.CharField(label=_("Tên sản phẩm"), max_length=500)
    quantity_planned = forms.IntegerField(label=_("Số lượng đăng ký"), min_value=1, max_value=MAX_QUANTITY, initial=1)
    quality_target = forms.CharField(label=_("Chỉ tiêu chất lượng"), required=False, widget=TEXTAREA)


class OutputAssessForm(forms.Form):
    output = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=Output.objects.none())
    quantity_achieved = forms.IntegerField(label=_("Số lượng đạt"), min_value=0, max_value=MAX_QUANTITY)
    achieved = forms.TypedChoiceField(
        label=_("Kết quả"),
        choices=[("1", _("Đạt yêu cầu")), ("0", _("Không đạt"))],
        coerce=lambda v: v == "1",
    )
    assessed_on = forms.DateField(label=_("Ngày đánh giá"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "output").queryset = Output.objects.active().filter(task=task)


# --- Money ---------------------------------------------------------------------------------------


class DisbursementForm(forms.Form):
    tranche = forms.ModelChoiceField(label=_("Đợt cấp"), queryset=Tranche.objects.none(), required=False)
    source = forms.ChoiceField(label=_("Nguồn"), choices=Source.choices, initial=Source.STATE_BUDGET)
    kind = forms.ChoiceField(
        label=_("Loại (để trống: theo đợt)"), choices=[("", "—"), *Tranche.Kind.choices], required=False
    )
    amount = MoneyField(label=_("Số tiền (đồng)"))
    paid_on = forms.DateField(label=_("Ngày cấp"), widget=DATE_WIDGET)
    budget_year = forms.IntegerField(
        label=_("Năm ngân sách (để trống: năm của ngày cấp)"), min_value=2000, max_value=2100, required=False
    )
    voucher = forms.CharField(label=_("Chứng từ"), max_length=200, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "tranche").queryset = Tranche.objects.active().filter(contract__task=task).order_by("number")
        if not self.is_bound:
            self.initial.setdefault("paid_on", _today())


class SettlementForm(forms.Form):
    year = forms.IntegerField(label=_("Năm quyết toán"), min_value=2000, max_value=2100)
    settled_on = forms.DateField(label=_("Ngày quyết toán"), widget=DATE_WIDGET)
    amount_settled = MoneyField(label=_("Kinh phí được quyết toán (đồng)"))
    carried_over = MoneyField(label=_("Kinh phí chuyển sang năm sau (đồng)"), required=False)
    is_final = forms.BooleanField(label=_("Quyết toán cuối cùng"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)


class RecoveryForm(forms.Form):
    reason = forms.ChoiceField(label=_("Lý do"), choices=Recovery.Reason.choices)
    amount = MoneyField(label=_("Số tiền thu hồi (đồng)"))
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)


# --- Monitoring ----------------------------------------------------------------------------------


class ProgressReportForm(forms.Form):
    """A paper report entered by staff (the host submits on its own pages)."""

    period_start = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("Đến ngày"), widget=DATE_WIDGET)
    submitted_on = forms.DateField(label=_("Ngày nộp"), widget=DATE_WIDGET)
    work_done = forms.CharField(label=_("Nội dung đã thực hiện"), widget=TEXTAREA)
    next_steps = forms.CharField(label=_("Kế hoạch kỳ tới"), required=False, widget=TEXTAREA)
    spent_amount = MoneyField(label=_("Kinh phí đã sử dụng lũy kế (đồng)"), required=False)


class ProgressReportReviewForm(forms.Form):
    to = forms.ChoiceField(label=_("Kết quả xem xét"), choices=())
    note = forms.CharField(
        label=_("Ý kiến của Sở (bắt buộc khi trả lại)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "to").choices = choices


class MonitoringVisitForm(DocumentFields):
    doc_kind = OfficialDocument.Kind.MINUTES
    doc_label = _("Biên bản kiểm tra")
    doc_issuer_prefix = "Sở Khoa học và Công nghệ"

    visited_on = forms.DateField(label=_("Ngày kiểm tra"), widget=DATE_WIDGET)
    inspectors = forms.CharField(label=_("Đoàn kiểm tra"), max_length=500, required=False)
    findings = forms.CharField(label=_("Kết quả kiểm tra"), widget=TEXTAREA)
    conclusion = forms.ChoiceField(label=_("Kết luận"), choices=MonitoringVisit.Conclusion.choices)
    recommendations = forms.CharField(label=_("Kiến nghị"), required=False, widget=TEXTAREA)

    field_order = ["visited_on", "inspectors", "findings", "conclusion", "recommendations"]


class AdjustmentRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại điều chỉnh"), choices=Adjustment.Kind.choices)
    requested_on = forms.DateField(label=_("Ngày đề nghị"), widget=DATE_WIDGET)
    description = forms.CharField(label=_("Nội dung, lý do đề nghị"), widget=TEXTAREA)
    before = forms.CharField(label=_("Trước điều chỉnh"), required=False, widget=TEXTAREA)
    after = forms.CharField(label=_("Sau điều chỉnh"), required=False, widget=TEXTAREA)
    new_end = forms.DateField(label=_("Thời hạn mới (khi gia hạn)"), widget=DATE_WIDGET, required=False)


class AdjustmentDecideForm(DocumentFields):
    doc_issuer_prefix = "Sở Khoa học và Công nghệ"

    to = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[(Adjustment.Status.APPROVED, _("Chấp thuận")), (Adjustment.Status.REJECTED, _("Không chấp thuận"))],
    )
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi không chấp thuận)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["to", "reason"]


# --- Suspension and termination ------------------------------------------------------------------


class SuspendForm(DocumentFields):
    doc_issuer_prefix = "Sở Khoa học và Công nghệ"

    reason = forms.CharField(label=_("Lý do tạm dừng"), widget=TEXTAREA)
    field_order = ["reason"]


class ResumeForm(DocumentFields):
    doc_issuer_prefix = "Sở Khoa học và Công nghệ"

    reason = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)
    field_order = ["reason"]


class TerminateForm(DocumentFields):
    doc_required = True
    doc_label = _("Quyết định chấm dứt hợp đồng")

    reason = forms.CharField(label=_("Lý do chấm dứt"), widget=TEXTAREA)
    recovery_amount = MoneyField(label=_("Kinh phí phải thu hồi (đồng)"), required=False)
    field_order = ["reason", "recovery_amount"]


# --- Acceptance ----------------------------------------------------------------------------------


class AcceptanceSubmitForm(forms.Form):
    """A paper dossier entered by staff."""

    submitted_on = forms.DateField(label=_("Ngày nộp hồ sơ"), widget=DATE_WIDGET)
    self_evaluation = forms.CharField(label=_("Kết quả tự đánh giá"), widget=TEXTAREA)
    self_grade = forms.ChoiceField(label=_("Tự xếp loại"), choices=Grade.choices)
    has_final_report = forms.BooleanField(label=_("Báo cáo tổng hợp, báo cáo tóm tắt"), required=False)
    has_products = forms.BooleanField(label=_("Sản phẩm và tài liệu kèm theo"), required=False)
    has_self_evaluation_minutes = forms.BooleanField(label=_("Biên bản tự đánh giá"), required=False)
    has_spending_report = forms.BooleanField(label=_("Báo cáo sử dụng kinh phí"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=TEXTAREA)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Ghi chú, lý do"), required=False, widget=TEXTAREA)


class AcceptanceCouncilForm(forms.Form):
    council = forms.ModelChoiceField(label=_("Hội đồng đánh giá, nghiệm thu"), queryset=Council.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "council").queryset = (
            Council.objects.active().filter(kind=Council.Kind.ACCEPTANCE).order_by("-year", "name")
        )


class AcceptanceConcludeForm(DocumentFields):
    doc_label = _("Quyết định công nhận kết quả")

    graded_on = forms.DateField(label=_("Ngày họp hội đồng"), widget=DATE_WIDGET)
    field_order = ["graded_on"]


# --- Results -------------------------------------------------------------------------------------


class ResultRegisterForm(forms.Form):
    number = forms.CharField(label=_("Số giấy chứng nhận đăng ký"), max_length=60)
    registered_on = forms.DateField(label=_("Ngày đăng ký"), widget=DATE_WIDGET)
    deposit_place = forms.CharField(label=_("Nơi lưu giữ"), max_length=300)
    national_system_id = forms.CharField(label=_("Mã trên hệ thống thông tin quốc gia"), max_length=60, required=False)
    summary = forms.CharField(label=_("Tóm tắt kết quả"), required=False, widget=TEXTAREA)


class ResultHandOverForm(forms.Form):
    handed_over_on = forms.DateField(label=_("Ngày bàn giao"), widget=DATE_WIDGET)
    to = forms.ModelChoiceField(label=_("Đơn vị nhận bàn giao"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "to").queryset = Organisation.objects.active().filter(parent__isnull=True).order_by("name")


class AssetRecordForm(forms.Form):
    name = forms.CharField(label=_("Tên tài sản"), max_length=300)
    origin = forms.ChoiceField(label=_("Nguồn gốc"), choices=Asset.Origin.choices)
    original_value = MoneyField(label=_("Nguyên giá (đồng)"))


class AssetHandleForm(forms.Form):
    asset = forms.ModelChoiceField(label=_("Tài sản"), queryset=Asset.objects.none())
    handling = forms.ChoiceField(
        label=_("Hình thức xử lý"), choices=[c for c in Asset.Handling.choices if c[0] != Asset.Handling.PENDING]
    )
    handled_on = forms.DateField(label=_("Ngày xử lý"), widget=DATE_WIDGET)
    recipient = forms.ModelChoiceField(label=_("Đơn vị nhận"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "asset").queryset = Asset.objects.active().filter(task=task, handling=Asset.Handling.PENDING)
        _field(self, "recipient").queryset = Organisation.objects.active().filter(parent__isnull=True).order_by("name")


class ResultApplicationForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1990, max_value=2100)
    place = forms.CharField(label=_("Địa điểm"), max_length=300)
    organisation = forms.ModelChoiceField(
        label=_("Đơn vị ứng dụng"), queryset=Organisation.objects.none(), required=False
    )
    scale = forms.CharField(label=_("Quy mô"), max_length=300)
    effect = forms.CharField(label=_("Hiệu quả"), widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "organisation").queryset = (
            Organisation.objects.active().filter(parent__isnull=True).order_by("name")
        )
        if not self.is_bound:
            self.initial.setdefault("year", _today().year)


# --- Carry-over ----------------------------------------------------------------------------------


class CarryOverForm(forms.Form):
    """One allocation per unfinished task; a task left blank is not carried over."""

    def __init__(self, *args: Any, plan: Plan, candidates: list[Task], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for task in candidates:
            self.fields[f"task_{task.pk}"] = MoneyField(
                label=f"{task.code} – {task.title}" + (f" ({task.host})" if task.host_id else ""), required=False
            )

    def allocations(self) -> dict[int, int]:
        return {
            task.pk: self.cleaned_data[f"task_{task.pk}"]
            for task in self.candidates
            if self.cleaned_data.get(f"task_{task.pk}")
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.allocations():
            raise ValidationError(_("Hãy nhập kinh phí năm cho ít nhất một nhiệm vụ."))
        return cleaned
