"""Forms of the research pages. They read and check input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khcn.councils.models import Council
from khcn.directory.models import FieldOfScience, Organisation, Person, TaskForm
from khcn.lib.formats import ParseError, group_thousands, parse_vnd
from khcn.research import selectors
from khcn.research.models import (
    MAX_BUDGET,
    MAX_DURATION_MONTHS,
    Application,
    ApplicationMember,
    Call,
    Level,
    Mode,
    Plan,
    PlanGroup,
    PlanItem,
    Proposal,
    Task,
)


def _field(form: forms.Form, name: str) -> Any:
    """A form field with its concrete type's attributes (queryset, choices) for the type checker."""
    return form.fields[name]


DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class MoneyField(forms.Field):
    """Whole đồng, typed as 850000000, 850.000.000 or 850,000,000; never negative, never absurd."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "850.000.000"})
    default_error_messages = {
        "invalid": _("Hãy nhập số tiền bằng số (đồng), ví dụ 850.000.000."),
        "negative": _("Số tiền không được âm."),
        "too_large": _("Số tiền lớn bất thường (quá %(max)s đồng); hãy kiểm tra lại số chữ số 0."),
    }

    def prepare_value(self, value: Any) -> Any:
        return group_thousands(value) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        if isinstance(value, int):
            amount = value
        else:
            text = str(value).strip()
            if text.startswith("-"):
                raise ValidationError(self.error_messages["negative"], code="negative")
            try:
                amount = parse_vnd(text)
            except ParseError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount < 0:
            raise ValidationError(self.error_messages["negative"], code="negative")
        if amount > MAX_BUDGET:
            raise ValidationError(
                self.error_messages["too_large"], code="too_large", params={"max": group_thousands(MAX_BUDGET)}
            )
        return amount


def _months_field(label: Any = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("Thời gian thực hiện (tháng)"),
        min_value=1,
        max_value=MAX_DURATION_MONTHS,
        error_messages={
            "invalid": _("Hãy nhập số tháng (số nguyên)."),
            "min_value": _("Ít nhất 1 tháng."),
            "max_value": _("Nhiều nhất %(limit_value)s tháng."),
        },
    )


def _fields_of_science() -> Any:
    return FieldOfScience.objects.filter(is_active=True).select_related("parent").order_by("code")


class ProposalForm(forms.Form):
    """The proposal form (phiếu đề xuất nhiệm vụ); staff entering a paper form also name the proposer."""

    call = forms.ModelChoiceField(label=_("Đợt đề xuất"), queryset=Call.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Tên nhiệm vụ đề xuất"), max_length=500)
    urgency = forms.CharField(label=_("Tính cấp thiết"), widget=forms.Textarea(attrs={"rows": 4}))
    objectives = forms.CharField(label=_("Mục tiêu"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_results = forms.CharField(label=_("Kết quả, sản phẩm dự kiến"), widget=forms.Textarea(attrs={"rows": 3}))
    estimated_budget = MoneyField(label=_("Kinh phí dự kiến (đồng)"))
    estimated_duration_months = _months_field(_("Thời gian thực hiện dự kiến (tháng)"))
    application_place = forms.CharField(label=_("Địa chỉ ứng dụng kết quả"), widget=forms.Textarea(attrs={"rows": 2}))
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=FieldOfScience.objects.none())
    task_form = forms.ModelChoiceField(label=_("Hình thức"), queryset=TaskForm.objects.none())

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        if staff:
            # Paper proposals are entered after the fact: any proposals call, checked by date.
            _field(self, "call").queryset = Call.objects.active().filter(kind=Call.Kind.PROPOSALS)
            self.fields["proposer_org"] = forms.ModelChoiceField(
                label=_("Tổ chức đề xuất"), queryset=Organisation.objects.active().order_by("name")
            )
            self.fields["received_on"] = forms.DateField(label=_("Ngày nhận"), initial=today, widget=DATE_WIDGET)
        else:
            _field(self, "call").queryset = selectors.call_list_open(Call.Kind.PROPOSALS, today)
        _field(self, "field").queryset = _fields_of_science()
        _field(self, "task_form").queryset = TaskForm.objects.filter(is_active=True)


class ProposalTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Chuyển sang"))
    reason = forms.CharField(label=_("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    other = forms.ModelChoiceField(
        label=_("Phiếu gốc (khi trùng lặp hoặc gộp)"), queryset=Proposal.objects.none(), required=False
    )

    def __init__(self, *args: Any, proposal: Proposal, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "to").choices = choices
        _field(self, "other").queryset = (
            Proposal.objects.active()
            .filter(call__year=proposal.call.year)
            .exclude(pk=proposal.pk)
            .exclude(status__in=[Proposal.Status.DUPLICATE, Proposal.Status.MERGED, Proposal.Status.WITHDRAWN])
            .order_by("code")
        )


class CouncilSendForm(forms.Form):
    council = forms.ModelChoiceField(label=_("Hội đồng tư vấn xác định nhiệm vụ"), queryset=Council.objects.none())
    proposals = forms.ModelMultipleChoiceField(
        label=_("Phiếu đề xuất hợp lệ"), queryset=Proposal.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, councils: Any, year: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "council").queryset = councils
        proposals = Proposal.objects.active().filter(status=Proposal.Status.VALID).select_related("proposer_org")
        if year:
            proposals = proposals.filter(call__year=year)
        _field(self, "proposals").queryset = proposals.order_by("code")
        _field(self, "proposals").label_from_instance = lambda p: f"{p.code} – {p.title} ({p.proposer_org})"


class CallForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại đợt"), choices=Call.Kind.choices)
    year = forms.IntegerField(label=_("Năm kế hoạch"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên đợt"), max_length=300)
    opens_on = forms.DateField(label=_("Ngày mở"), widget=DATE_WIDGET)
    deadline = forms.DateField(label=_("Hạn nộp"), widget=DATE_WIDGET)
    description = forms.CharField(label=_("Hướng dẫn"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Năm kế hoạch"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên kế hoạch (để trống: tự đặt)"), max_length=300, required=False)


class PlanItemForm(forms.Form):
    """One line of a draft plan: a carried-over task, a recommended proposal, or a named new task."""

    task = forms.ModelChoiceField(label=_("Nhiệm vụ chuyển tiếp"), queryset=Task.objects.none(), required=False)
    proposal = forms.ModelChoiceField(
        label=_("Hoặc: phiếu đề xuất được đề nghị thực hiện"), queryset=Proposal.objects.none(), required=False
    )
    title = forms.CharField(label=_("Hoặc: tên nhiệm vụ mới"), max_length=500, required=False)
    group = forms.ModelChoiceField(label=_("Nhóm"), queryset=PlanGroup.objects.filter(is_active=True), required=False)
    form = forms.ModelChoiceField(label=_("Hình thức"), queryset=TaskForm.objects.none(), required=False)
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=FieldOfScience.objects.none(), required=False)
    mode = forms.ChoiceField(label=_("Phương thức"), choices=Mode.choices, initial=Mode.SELECTION)
    level = forms.ChoiceField(label=_("Cấp quản lý"), choices=Level.choices, initial=Level.PROVINCIAL)
    allocation = MoneyField(label=_("Kinh phí năm kế hoạch (đồng)"))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_plan = PlanItem.objects.active().filter(plan=plan, task__isnull=False).values("task_id")
        _field(self, "task").queryset = (
            Task.objects.active()
            .filter(plan_year__lt=plan.year)
            .exclude(status__in=[Task.Status.COMPLETED, Task.Status.CANCELLED])
            .exclude(pk__in=in_plan)
            .order_by("code")
        )
        _field(self, "proposal").queryset = (
            Proposal.objects.active()
            .filter(status=Proposal.Status.RECOMMENDED, call__year=plan.year)
            .exclude(plan_items__isnull=False)
            .order_by("code")
        )
        _field(self, "form").queryset = TaskForm.objects.filter(is_active=True)
        _field(self, "field").queryset = _fields_of_science()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [bool(cleaned.get("task")), bool(cleaned.get("proposal")), bool(cleaned.get("title"))]
        if sum(chosen) != 1:
            raise ValidationError(
                _("Chọn đúng một trong ba: nhiệm vụ chuyển tiếp, phiếu đề xuất, hoặc tên nhiệm vụ mới.")
            )
        return cleaned


class DecisionForm(forms.Form):
    """A decision as typed from the signed paper: issuer, number, date, signer."""

    issuer = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Organisation.objects.none())
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, help_text=_("Ví dụ: 105/QĐ-UBND"))
    date = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET)
    signer = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuers = Organisation.objects.active().filter(kind=Organisation.Kind.STATE_AGENCY, parent__isnull=True)
        _field(self, "issuer").queryset = issuers.order_by("name")
        committee = issuers.filter(name__istartswith="Ủy ban nhân dân tỉnh").first()
        if committee is not None and not self.is_bound:
            self.fields["issuer"].initial = committee.pk


class PlanAdjustForm(DecisionForm):
    reason = forms.CharField(label=_("Lý do điều chỉnh"), widget=forms.Textarea(attrs={"rows": 2}))
    item = forms.ModelChoiceField(label=_("Nhiệm vụ được điều chỉnh"), queryset=PlanItem.objects.none())
    allocation = MoneyField(label=_("Kinh phí mới (đồng)"), required=False)
    remove = forms.BooleanField(label=_("Đưa nhiệm vụ ra khỏi kế hoạch"), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "item").queryset = selectors.plan_items(plan).order_by("group__order", "order")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("allocation") is None and not cleaned.get("remove"):
            raise ValidationError(_("Hãy nhập kinh phí mới hoặc chọn đưa nhiệm vụ ra khỏi kế hoạch."))
        return cleaned


class TaskOpenCallForm(forms.Form):
    call = forms.ModelChoiceField(label=_("Đợt tuyển chọn, giao trực tiếp"), queryset=Call.objects.none())
    mode = forms.ChoiceField(label=_("Phương thức"), choices=Mode.choices)
    host = forms.ModelChoiceField(
        label=_("Tổ chức được giao (khi giao trực tiếp)"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "call").queryset = Call.objects.active().filter(kind=Call.Kind.APPLICATIONS).order_by("-deadline")
        self.fields["mode"].initial = task.mode
        _field(self, "host").queryset = Organisation.objects.active().filter(parent__isnull=True).order_by("name")
        self.fields["host"].initial = task.host_id


class ApplicationForm(forms.Form):
    pi = forms.ModelChoiceField(label=_("Chủ nhiệm nhiệm vụ"), queryset=Person.objects.none())
    members = forms.ModelMultipleChoiceField(
        label=_("Thành viên chính"), queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label=_("Tóm tắt thuyết minh"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    duration_months = _months_field()
    state_budget = MoneyField(label=_("Ngân sách nhà nước đề nghị (đồng)"))
    state_budget_lump_sum = MoneyField(label=_("Trong đó kinh phí khoán (đồng)"), required=False)
    counterpart_budget = MoneyField(label=_("Vốn đối ứng (đồng)"), required=False)
    other_budget = MoneyField(label=_("Nguồn khác (đồng)"), required=False)

    def __init__(self, *args: Any, organisation: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.active().order_by("full_name")
        if organisation is not None:
            people = people.filter(organisation=organisation)
        _field(self, "pi").queryset = people
        _field(self, "members").queryset = people

    def members_with_roles(self) -> list[tuple[Person, str]]:
        return [(person, ApplicationMember.Role.MAIN) for person in self.cleaned_data.get("members") or []]


class CouncilChoiceForm(forms.Form):
    council = forms.ModelChoiceField(label=_("Hội đồng"), queryset=Council.objects.none())

    def __init__(self, *args: Any, councils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "council").queryset = councils


class SelectionConcludeForm(forms.Form):
    winner = forms.ModelChoiceField(
        label=_("Hồ sơ được chọn (chỉ khi bằng điểm)"), queryset=Application.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "winner").queryset = task.applications.active().select_related("host")  # type: ignore[attr-defined]


class AppraisalForm(forms.Form):
    date = forms.DateField(label=_("Ngày thẩm định"), widget=DATE_WIDGET)
    state_budget = MoneyField(label=_("Ngân sách nhà nước (đồng)"))
    state_budget_lump_sum = MoneyField(label=_("Trong đó kinh phí khoán (đồng)"))
    counterpart_budget = MoneyField(label=_("Vốn đối ứng (đồng)"), required=False)
    other_budget = MoneyField(label=_("Nguồn khác (đồng)"), required=False)
    duration_months = _months_field()
    conclusion = forms.CharField(
        label=_("Kết luận của tổ thẩm định"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        state, lump = cleaned.get("state_budget"), cleaned.get("state_budget_lump_sum")
        if state is not None and lump is not None and lump > state:
            self.add_error("state_budget_lump_sum", _("Kinh phí khoán không được lớn hơn ngân sách nhà nước."))
        return cleaned


class TaskApproveForm(DecisionForm):
    start = forms.DateField(label=_("Bắt đầu"), widget=DATE_WIDGET)
    end = forms.DateField(
        label=_("Kết thúc (để trống: tính theo thời gian thẩm định)"), required=False, widget=DATE_WIDGET
    )


class TaskTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Chuyển sang"))
    reason = forms.CharField(label=_("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "to").choices = choices


def proposal_filter_q(params: Any) -> Q:
    """The list page's filters (year, status), read leniently from the query string."""
    q = Q()
    year = params.get("nam", "")
    if year.isdigit():
        q &= Q(call__year=int(year))
    status = params.get("trang_thai", "")
    if status in Proposal.Status.values:
        q &= Q(status=status)
    return q
