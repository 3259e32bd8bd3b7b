"""S&T tasks, part 2: from the contract to the results applied in practice (tasks.md steps 9–15).

Money is whole đồng. No figure is stored twice: what was allocated comes from the approved plans'
lines, what was disbursed, settled, carried over and recovered from the rows here, and every
total (per task, per plan, per year and source) is a sum over them (selectors.task_money).
The limits the rules set (report period, one extension, 30 days before the end...) live in
ExecutionRule rows bound to a legal regime, never in code.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation, Person
from khcn.research.models.planning import (
    MAX_BUDGET,
    MONEY_VALIDATORS,
    BudgetTotal,
    EventBase,
    LegalRegime,
    Task,
    budget_by_source_constraint,
)

POSITIVE_MONEY = [
    MinValueValidator(1, message=_("Số tiền phải lớn hơn 0.")),
    MaxValueValidator(MAX_BUDGET, message=_("Số tiền lớn bất thường; hãy kiểm tra lại số chữ số 0.")),
]


class Source(models.TextChoices):
    """Where money comes from. The department pays out the state budget; the other sources are the
    host's and are recorded as the host reports spending them."""

    STATE_BUDGET = "state_budget", _("Ngân sách nhà nước")
    COUNTERPART = "counterpart", _("Vốn đối ứng")
    OTHER = "other", _("Nguồn khác")


# --- Rules ---------------------------------------------------------------------------------------


class ExecutionRule(Record):
    """Deadlines and limits for carrying out a task under one legal regime (tasks.md §3).

    The values come from national patterns (TT 04/2015, TT 11/2014, TT 03/2023); the province's
    own texts were not read, so `legal_basis` marks them "[chưa xác minh]" and staff may edit them.
    """

    legal_regime = models.CharField(_("chế độ pháp lý"), max_length=30, choices=LegalRegime.choices)
    name = models.CharField(_("tên bộ quy định"), max_length=255)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("áp dụng đến hết ngày"), null=True, blank=True)
    report_period_months = models.PositiveSmallIntegerField(
        _("kỳ báo cáo tiến độ (tháng)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    report_due_days = models.PositiveSmallIntegerField(_("hạn nộp báo cáo sau kỳ (ngày)"), default=15)
    extension_max_count = models.PositiveSmallIntegerField(_("số lần gia hạn tối đa"), default=1)
    extension_min_days_before_end = models.PositiveSmallIntegerField(
        _("đề nghị gia hạn trước khi kết thúc ít nhất (ngày)"), default=30
    )
    short_task_max_months = models.PositiveSmallIntegerField(
        _("nhiệm vụ ngắn: thời gian thực hiện tối đa (tháng)"), default=24
    )
    extension_max_months_short = models.PositiveSmallIntegerField(
        _("gia hạn tối đa cho nhiệm vụ ngắn (tháng)"), default=6
    )
    extension_max_months_long = models.PositiveSmallIntegerField(
        _("gia hạn tối đa cho nhiệm vụ dài (tháng)"), default=12
    )
    acceptance_dossier_days = models.PositiveSmallIntegerField(
        _("nộp hồ sơ nghiệm thu sau khi kết thúc (ngày)"), default=30
    )
    result_registration_days = models.PositiveSmallIntegerField(
        _("đăng ký kết quả sau khi công nhận (ngày)"), default=30
    )
    contract_ending_warning_days = models.PositiveSmallIntegerField(
        _("nhắc hợp đồng sắp kết thúc trước (ngày)"), default=60
    )
    settlement_due_days = models.PositiveSmallIntegerField(_("quyết toán năm sau khi hết năm (ngày)"), default=90)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy định thực hiện nhiệm vụ")
        verbose_name_plural = _("quy định thực hiện nhiệm vụ")
        ordering = ["legal_regime", "-valid_from"]

    def __str__(self) -> str:
        return self.name


# --- Contract ------------------------------------------------------------------------------------


class Contract(BudgetTotal, Record):
    """The contract (hợp đồng thực hiện nhiệm vụ, model of Circular 05/2014) between the department
    and the host; its budget by source is the task's approved budget at signing."""

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="contract", verbose_name=_("nhiệm vụ"))
    number = models.CharField(_("số hợp đồng"), max_length=60, unique=True)
    signed_on = models.DateField(_("ngày ký"))
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("bên đặt hàng (bên A)")
    )
    department_signer = models.CharField(_("người ký bên A"), max_length=200, blank=True)
    host = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("tổ chức chủ trì (bên B)")
    )
    pi = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("chủ nhiệm"))
    start = models.DateField(_("bắt đầu"))
    end = models.DateField(_("kết thúc"))
    state_budget = models.BigIntegerField(_("ngân sách nhà nước"), validators=MONEY_VALIDATORS)
    state_budget_lump_sum = models.BigIntegerField(_("trong đó kinh phí khoán"), default=0, validators=MONEY_VALIDATORS)
    counterpart_budget = models.BigIntegerField(_("vốn đối ứng"), default=0, validators=MONEY_VALIDATORS)
    other_budget = models.BigIntegerField(_("nguồn khác"), default=0, validators=MONEY_VALIDATORS)
    note = models.TextField(_("ghi chú"), blank=True)
    liquidated_on = models.DateField(_("ngày thanh lý"), null=True, blank=True)
    liquidation = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("biên bản thanh lý"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hợp đồng thực hiện nhiệm vụ")
        verbose_name_plural = _("hợp đồng thực hiện nhiệm vụ")
        ordering = ["-signed_on", "number"]
        constraints = [
            budget_by_source_constraint("contract_budget_consistent"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="contract_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.number


class ContractAmendment(Record):
    """An amendment (phụ lục hợp đồng), usually recording an approved adjustment."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("hợp đồng")
    )
    number = models.CharField(_("số phụ lục"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    content = models.TextField(_("nội dung"))
    adjustment = models.ForeignKey(
        "Adjustment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("điều chỉnh"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phụ lục hợp đồng")
        verbose_name_plural = _("phụ lục hợp đồng")
        ordering = ["contract", "signed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="amendment_number_unique")]

    def __str__(self) -> str:
        return f"{self.contract.number} – {self.number}"


class Tranche(Record):
    """One instalment of the contract's state budget and the condition that must hold first."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Tạm ứng")
        PAYMENT = "payment", _("Thanh toán")

    class Condition(models.TextChoices):
        NONE = "none", _("Khi ký hợp đồng")
        PROGRESS_REPORT = "progress_report", _("Sau khi báo cáo tiến độ được chấp nhận")
        MONITORING = "monitoring", _("Sau khi kiểm tra tiến độ đạt yêu cầu")
        ACCEPTANCE = "acceptance", _("Sau khi nghiệm thu đạt")

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="tranches", verbose_name=_("hợp đồng")
    )
    number = models.PositiveSmallIntegerField(_("đợt"), validators=[MinValueValidator(1)])
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.ADVANCE)
    amount = models.BigIntegerField(_("số tiền (đồng)"), validators=POSITIVE_MONEY)
    planned_on = models.DateField(_("dự kiến cấp"), null=True, blank=True)
    condition = models.CharField(_("điều kiện"), max_length=20, choices=Condition.choices, default=Condition.NONE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt cấp kinh phí")
        verbose_name_plural = _("đợt cấp kinh phí")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="tranche_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
        ]

    def __str__(self) -> str:
        return _("Đợt %(n)d") % {"n": self.number}


# --- Members and outputs -------------------------------------------------------------------------


class TaskMember(Record):
    class Role(models.TextChoices):
        PI = "pi", _("Chủ nhiệm")
        SECRETARY = "secretary", _("Thư ký khoa học")
        MAIN = "main", _("Thành viên chính")
        MEMBER = "member", _("Thành viên")
        TECHNICIAN = "technician", _("Kỹ thuật viên, nhân viên hỗ trợ")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="members", verbose_name=_("nhiệm vụ"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="task_memberships", verbose_name=_("cá nhân")
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    workdays = models.PositiveIntegerField(_("số ngày công"), default=0, validators=[MaxValueValidator(5000)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành viên thực hiện nhiệm vụ")
        verbose_name_plural = _("thành viên thực hiện nhiệm vụ")
        ordering = ["task", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["task", "person"], name="task_member_unique")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


# The largest quantity an output's columns hold (a PostgreSQL integer): forms and the API refuse
# more with a message instead of failing in the database.
MAX_QUANTITY = 2_147_483_647


class Output(Record):
    """A promised product (sản phẩm) with its targets, later assessed as achieved or not."""

    class Form(models.TextChoices):
        TYPE_I = "type_i", _("Dạng I: mẫu, vật liệu, thiết bị, giống")
        TYPE_II = "type_ii", _("Dạng II: quy trình, tiêu chuẩn, phần mềm, bản vẽ")
        TYPE_III = "type_iii", _("Dạng III: báo cáo, bài báo, sách")
        TRAINING = "training", _("Đào tạo")
        IP = "ip", _("Sở hữu trí tuệ")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="outputs", verbose_name=_("nhiệm vụ"))
    form = models.CharField(_("dạng sản phẩm"), max_length=10, choices=Form.choices)
    name = models.CharField(_("tên sản phẩm"), max_length=500)
    quality_target = models.TextField(_("chỉ tiêu chất lượng"), blank=True)
    quantity_planned = models.PositiveIntegerField(_("số lượng đăng ký"), default=1, validators=[MinValueValidator(1)])
    quantity_achieved = models.PositiveIntegerField(_("số lượng đạt"), null=True, blank=True)
    achieved = models.BooleanField(_("đạt yêu cầu"), null=True, blank=True)
    assessed_on = models.DateField(_("ngày đánh giá"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sản phẩm của nhiệm vụ")
        verbose_name_plural = _("sản phẩm của nhiệm vụ")
        ordering = ["task", "form", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Money ---------------------------------------------------------------------------------------


class Disbursement(Record):
    """Money paid out (cấp phát): an advance or a payment, against a tranche, in a budget year."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("nhiệm vụ"))
    tranche = models.ForeignKey(
        Tranche, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("đợt")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Tranche.Kind.choices, default=Tranche.Kind.ADVANCE)
    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices, default=Source.STATE_BUDGET)
    budget_year = models.PositiveSmallIntegerField(_("năm ngân sách"))
    amount = models.BigIntegerField(_("số tiền (đồng)"), validators=POSITIVE_MONEY)
    paid_on = models.DateField(_("ngày cấp"))
    voucher = models.CharField(_("chứng từ"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cấp phát kinh phí")
        verbose_name_plural = _("cấp phát kinh phí")
        ordering = ["task", "paid_on", "pk"]
        indexes = [models.Index(fields=["budget_year", "source"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive")]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.paid_on:%d/%m/%Y}"


class Settlement(Record):
    """The yearly (or final) settlement of a task's state budget (quyết toán, TT 03/2023): what was
    accepted as spent, and what of the year's unspent allocation is carried to the next year
    (chuyển nguồn). The rest of the unspent allocation lapses."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("nhiệm vụ"))
    year = models.PositiveSmallIntegerField(_("năm quyết toán"))
    settled_on = models.DateField(_("ngày quyết toán"))
    amount_settled = models.BigIntegerField(_("kinh phí được quyết toán"), validators=MONEY_VALIDATORS)
    carried_over = models.BigIntegerField(_("kinh phí chuyển sang năm sau"), default=0, validators=MONEY_VALIDATORS)
    is_final = models.BooleanField(_("quyết toán cuối cùng"), default=False)
    document = models.ForeignKey(
        OfficialDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("văn bản")
    )
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết toán kinh phí")
        verbose_name_plural = _("quyết toán kinh phí")
        ordering = ["task", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "year"], condition=Q(archived_at__isnull=True), name="settlement_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(amount_settled__gte=0) & Q(carried_over__gte=0), name="settlement_amounts_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.year}"


class Recovery(Record):
    """Funds the host must return (thu hồi): on termination, failure, or unspent at the end."""

    class Reason(models.TextChoices):
        TERMINATION = "termination", _("Chấm dứt hợp đồng")
        FAILURE = "failure", _("Nghiệm thu không đạt")
        UNSPENT = "unspent", _("Kinh phí không sử dụng hết")
        OTHER = "other", _("Khác")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="recoveries", verbose_name=_("nhiệm vụ"))
    reason = models.CharField(_("lý do"), max_length=20, choices=Reason.choices)
    amount = models.BigIntegerField(_("số tiền thu hồi (đồng)"), validators=POSITIVE_MONEY)
    decided_on = models.DateField(_("ngày quyết định"))
    decision = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định"),
    )
    returned_on = models.DateField(_("ngày nộp trả"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thu hồi kinh phí")
        verbose_name_plural = _("thu hồi kinh phí")
        ordering = ["task", "decided_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.get_reason_display()}"


# --- Monitoring ----------------------------------------------------------------------------------


class ProgressReport(Record):
    """A periodic progress report (báo cáo định kỳ, A-2-BCTĐ) by the host, reviewed by staff."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã nộp, chờ xem xét")
        ACCEPTED = "accepted", _("Đã chấp nhận")
        RETURNED = "returned", _("Trả lại để bổ sung")

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("nhiệm vụ")
    )
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    due_on = models.DateField(_("hạn nộp"))
    submitted_on = models.DateField(_("ngày nộp"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("người nộp")
    )
    work_done = models.TextField(_("nội dung đã thực hiện"))
    next_steps = models.TextField(_("kế hoạch kỳ tới"), blank=True)
    spent_amount = models.BigIntegerField(
        _("kinh phí đã sử dụng lũy kế (đồng)"), null=True, blank=True, validators=MONEY_VALIDATORS
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.TextField(_("ý kiến của Sở"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["task", "period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"


class ProgressReportEvent(EventBase):
    STATUS_CHOICES = ProgressReport.Status.choices

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("diễn biến báo cáo tiến độ")
        verbose_name_plural = _("diễn biến báo cáo tiến độ")


class MonitoringVisit(Record):
    """A check of a task on site (kiểm tra, giám sát) with its findings."""

    class Conclusion(models.TextChoices):
        ON_TRACK = "on_track", _("Đúng tiến độ, đạt yêu cầu")
        BEHIND = "behind", _("Chậm tiến độ, cần khắc phục")
        SERIOUS = "serious", _("Vi phạm nghiêm trọng, đề nghị tạm dừng hoặc chấm dứt")

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="monitoring_visits", verbose_name=_("nhiệm vụ")
    )
    visited_on = models.DateField(_("ngày kiểm tra"))
    inspectors = models.CharField(_("đoàn kiểm tra"), max_length=500, blank=True)
    findings = models.TextField(_("kết quả kiểm tra"))
    conclusion = models.CharField(_("kết luận"), max_length=20, choices=Conclusion.choices)
    recommendations = models.TextField(_("kiến nghị"), blank=True)
    minutes = models.ForeignKey(
        OfficialDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("biên bản")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kiểm tra tiến độ")
        verbose_name_plural = _("kiểm tra tiến độ")
        ordering = ["task", "visited_on"]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.visited_on:%d/%m/%Y}"


class Adjustment(Record):
    """A request to change a task (điều chỉnh, gia hạn) and the decision on it."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("Gia hạn thời gian")
        CONTENT = "content", _("Điều chỉnh nội dung")
        BUDGET = "budget", _("Điều chỉnh kinh phí")
        MEMBERS = "members", _("Thay đổi thành viên")
        HOST = "host", _("Thay đổi tổ chức chủ trì")
        PI = "pi", _("Thay đổi chủ nhiệm")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Đã đề nghị, chờ quyết định")
        APPROVED = "approved", _("Đã chấp thuận")
        REJECTED = "rejected", _("Không chấp thuận")
        WITHDRAWN = "withdrawn", _("Đã rút đề nghị")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("nhiệm vụ"))
    kind = models.CharField(_("loại điều chỉnh"), max_length=20, choices=Kind.choices)
    requested_on = models.DateField(_("ngày đề nghị"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đề nghị")
    )
    description = models.TextField(_("nội dung, lý do đề nghị"))
    before = models.TextField(_("trước điều chỉnh"), blank=True)
    after = models.TextField(_("sau điều chỉnh"), blank=True)
    new_end = models.DateField(_("thời hạn mới"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    decision = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điều chỉnh, gia hạn")
        verbose_name_plural = _("điều chỉnh, gia hạn")
        ordering = ["task", "requested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.get_kind_display()}"


class AdjustmentEvent(EventBase):
    STATUS_CHOICES = Adjustment.Status.choices

    adjustment = models.ForeignKey(Adjustment, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("diễn biến điều chỉnh")
        verbose_name_plural = _("diễn biến điều chỉnh")


# --- Acceptance and results ----------------------------------------------------------------------


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Xuất sắc")
    PASSED = "passed", _("Đạt")
    FAILED = "failed", _("Không đạt")


class Acceptance(Record):
    """The acceptance dossier (hồ sơ đánh giá, nghiệm thu) with the host's self-evaluation, and
    the provincial council's grade and the decision recognising it."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="acceptances", verbose_name=_("nhiệm vụ"))
    submitted_on = models.DateField(_("ngày nộp hồ sơ"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("người nộp")
    )
    self_evaluation = models.TextField(_("kết quả tự đánh giá"))
    self_grade = models.CharField(_("tự xếp loại"), max_length=10, choices=Grade.choices)
    has_final_report = models.BooleanField(_("báo cáo tổng hợp, báo cáo tóm tắt"), default=False)
    has_products = models.BooleanField(_("sản phẩm và tài liệu kèm theo"), default=False)
    has_self_evaluation_minutes = models.BooleanField(_("biên bản tự đánh giá"), default=False)
    has_spending_report = models.BooleanField(_("báo cáo sử dụng kinh phí"), default=False)
    council = models.ForeignKey(
        "councils.Council",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hội đồng nghiệm thu"),
    )
    grade = models.CharField(_("xếp loại"), max_length=10, choices=Grade.choices, blank=True)
    graded_on = models.DateField(_("ngày họp hội đồng"), null=True, blank=True)
    decision = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định công nhận kết quả"),
    )
    history = HistoricalRecords()

    DOSSIER_PARTS = ("has_final_report", "has_products", "has_self_evaluation_minutes", "has_spending_report")

    class Meta:
        verbose_name = _("đánh giá, nghiệm thu")
        verbose_name_plural = _("đánh giá, nghiệm thu")
        ordering = ["task", "submitted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.submitted_on:%d/%m/%Y}"

    @property
    def missing_parts(self) -> list[str]:
        fields = {f.name: f for f in self._meta.concrete_fields}
        return [str(fields[name].verbose_name) for name in self.DOSSIER_PARTS if not getattr(self, name)]


class ResultRegistration(Record):
    """Registration and deposit of the results (đăng ký kết quả, Mẫu 5), within the rule's days."""

    task = models.OneToOneField(
        Task, on_delete=models.PROTECT, related_name="result_registration", verbose_name=_("nhiệm vụ")
    )
    number = models.CharField(_("số giấy chứng nhận đăng ký"), max_length=60, unique=True)
    registered_on = models.DateField(_("ngày đăng ký"))
    deposit_place = models.CharField(_("nơi lưu giữ"), max_length=300)
    national_system_id = models.CharField(_("mã trên hệ thống thông tin quốc gia"), max_length=60, blank=True)
    summary = models.TextField(_("tóm tắt kết quả"), blank=True)
    handed_over_on = models.DateField(_("ngày bàn giao kết quả"), null=True, blank=True)
    handed_over_to = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị nhận bàn giao"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đăng ký kết quả")
        verbose_name_plural = _("đăng ký kết quả")
        ordering = ["-registered_on"]

    def __str__(self) -> str:
        return self.number


class Asset(Record):
    """An asset formed or bought by the task (tài sản hình thành) and how it was handled."""

    class Origin(models.TextChoices):
        BOUGHT = "bought", _("Mua sắm")
        FORMED = "formed", _("Hình thành từ nhiệm vụ")
        RENTED = "rented", _("Thuê")

    class Handling(models.TextChoices):
        PENDING = "pending", _("Chưa xử lý")
        HANDED_TO_HOST = "handed_to_host", _("Giao cho tổ chức chủ trì")
        TRANSFERRED = "transferred", _("Điều chuyển")
        SOLD = "sold", _("Bán")
        LIQUIDATED = "liquidated", _("Thanh lý")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assets", verbose_name=_("nhiệm vụ"))
    name = models.CharField(_("tên tài sản"), max_length=300)
    origin = models.CharField(_("nguồn gốc"), max_length=10, choices=Origin.choices, default=Origin.BOUGHT)
    original_value = models.BigIntegerField(_("nguyên giá (đồng)"), validators=MONEY_VALIDATORS)
    handling = models.CharField(_("hình thức xử lý"), max_length=20, choices=Handling.choices, default=Handling.PENDING)
    handled_on = models.DateField(_("ngày xử lý"), null=True, blank=True)
    recipient = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị nhận")
    )
    decision = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài sản hình thành")
        verbose_name_plural = _("tài sản hình thành")
        ordering = ["task", "pk"]

    def __str__(self) -> str:
        return self.name


class ResultApplication(Record):
    """Where and how a task's results are applied (Mẫu 12), year after year."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="result_applications", verbose_name=_("nhiệm vụ")
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị ứng dụng"),
    )
    place = models.CharField(_("địa điểm"), max_length=300)
    unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị hành chính"),
    )
    scale = models.CharField(_("quy mô"), max_length=300)
    effect = models.TextField(_("hiệu quả"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("người nhập")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ứng dụng kết quả")
        verbose_name_plural = _("ứng dụng kết quả")
        ordering = ["task", "-year", "pk"]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.year} – {self.place}"
