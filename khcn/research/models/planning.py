"""S&T tasks, part 1: calls, proposals, the annual plan, tasks, selection and appraisal.

The Task itself lives here; what happens after the approval (contract, money, reports,
acceptance, results) is in execution.py.

Statuses change only through the services in services.py, which check the tables in
workflow.py and write one event row per change (who, when, why, the decision document).
Money is whole đồng in BigIntegerFields; no floats anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.directory.models import (
    AdministrativeUnit,
    FieldOfScience,
    OfficialDocument,
    Organisation,
    Person,
    TaskForm,
)

# A sanity bound, not a legal rule: the largest provincial task seen is a few tens of billions;
# a budget above one thousand billion đồng is a typing slip (an extra "000"), so it is refused.
MAX_BUDGET = 1_000_000_000_000
# A provincial task runs for months, not decades; anything longer than ten years is a slip too.
MAX_DURATION_MONTHS = 120

# On every money field, so a back-office form says what is wrong instead of hitting the
# database's check constraint.
MONEY_VALIDATORS = [
    MinValueValidator(0, message=_("Số tiền không được âm.")),
    MaxValueValidator(MAX_BUDGET, message=_("Số tiền lớn bất thường; hãy kiểm tra lại số chữ số 0.")),
]
MONTHS_VALIDATORS = [MinValueValidator(1), MaxValueValidator(MAX_DURATION_MONTHS)]


class BudgetTotal:
    """Tasks, applications and appraisals carry the same budget by source (whole đồng)."""

    state_budget: int
    counterpart_budget: int
    other_budget: int

    @property
    def total_budget(self) -> int:
        return self.state_budget + self.counterpart_budget + self.other_budget


def budget_by_source_constraint(name: str) -> models.CheckConstraint:
    """Amounts are never negative, stay below MAX_BUDGET, and the lump-sum part is within the state budget."""
    return models.CheckConstraint(
        condition=Q(state_budget__gte=0)
        & Q(state_budget__lte=MAX_BUDGET)
        & Q(state_budget_lump_sum__gte=0)
        & Q(counterpart_budget__gte=0)
        & Q(other_budget__gte=0)
        & Q(state_budget_lump_sum__lte=F("state_budget")),
        name=name,
    )


class LegalRegime(models.TextChoices):
    """The rules a task is managed under (tasks.md §0): the law and the province's own decision."""

    LKHCN2013_HY2017 = "LKHCN2013_HY2017", _("Luật KH&CN 2013; QĐ 03/2017/QĐ-UBND tỉnh Hưng Yên")
    LKHCN2013_TB2020 = "LKHCN2013_TB2020", _("Luật KH&CN 2013; QĐ 16/2020/QĐ-UBND tỉnh Thái Bình")
    LKHCNDMST2025 = "LKHCNDMST2025", _("Luật KH,CN&ĐMST 93/2025/QH15")


# Law 93/2025/QH15 took effect on 01/10/2025; tasks approved before stay under the 2013 law.
LAW_2025_IN_FORCE = dt.date(2025, 10, 1)


def legal_regime_on(day: dt.date) -> str:
    return LegalRegime.LKHCNDMST2025 if day >= LAW_2025_IN_FORCE else LegalRegime.LKHCN2013_HY2017


class Mode(models.TextChoices):
    """How the host organisation is chosen (phương thức)."""

    SELECTION = "selection", _("Tuyển chọn")
    DIRECT_ASSIGNMENT = "direct_assignment", _("Giao trực tiếp")


class Level(models.TextChoices):
    NATIONAL = "national", _("Cấp quốc gia")
    PROVINCIAL = "provincial", _("Cấp tỉnh")
    GRASSROOTS = "grassroots", _("Cấp cơ sở")


class PlanGroup(models.Model):
    """A group of the annual plan's task list (nhóm nhiệm vụ), as data: the province names its
    groups in each plan decision, so they are rows staff can extend, not code."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhóm nhiệm vụ trong kế hoạch")
        verbose_name_plural = _("nhóm nhiệm vụ trong kế hoạch")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class EventBase(models.Model):
    """One status change: from, to, who, when, why, and the decision document if the step has one."""

    from_status = models.CharField(_("từ trạng thái"), max_length=30, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người thực hiện")
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    reason = models.TextField(_("lý do, ghi chú"), blank=True)
    document = models.ForeignKey(
        OfficialDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("văn bản")
    )

    # Each concrete event names its entity's status choices, for labels on pages.
    STATUS_CHOICES: ClassVar[Sequence[tuple[str, Any]]] = ()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    @property
    def to_status_label(self) -> str:
        return str(dict(self.STATUS_CHOICES).get(self.to_status, self.to_status))


# --- Calls and proposals ------------------------------------------------------------------------


class Call(Record):
    """A call (đợt): for proposals of tasks for a plan year, or for host organisations' applications."""

    class Kind(models.TextChoices):
        PROPOSALS = "proposals", _("Đề xuất, đặt hàng nhiệm vụ")
        APPLICATIONS = "applications", _("Tuyển chọn, giao trực tiếp tổ chức chủ trì")

    kind = models.CharField(_("loại đợt"), max_length=20, choices=Kind.choices, default=Kind.PROPOSALS)
    year = models.PositiveSmallIntegerField(_("năm kế hoạch"))
    # The province whose department opened the call, so that a database holding several
    # provinces counts each one's proposals apart; null (calls from before the field) counts for
    # every province, which leaves a single-province installation's figures as they were.
    province = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh"),
    )
    title = models.CharField(_("tên đợt"), max_length=300)
    opens_on = models.DateField(_("ngày mở"))
    deadline = models.DateField(_("hạn nộp"))
    notice = models.ForeignKey(
        OfficialDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("thông báo")
    )
    description = models.TextField(_("hướng dẫn"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt đề xuất, tuyển chọn")
        verbose_name_plural = _("đợt đề xuất, tuyển chọn")
        ordering = ["-year", "-deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")),
                name="call_deadline_after_opening",
                violation_error_message=_("Hạn nộp phải sau ngày mở đợt."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.deadline


class Proposal(Record):
    """A proposal of a task (phiếu đề xuất, đặt hàng) for a plan year."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã gửi")
        VALID = "valid", _("Hợp lệ")
        INVALID = "invalid", _("Không hợp lệ")
        DUPLICATE = "duplicate", _("Trùng lặp")
        MERGED = "merged", _("Đã gộp")
        WITHDRAWN = "withdrawn", _("Đã rút")
        IN_COUNCIL = "in_council", _("Đang xét tại hội đồng")
        RECOMMENDED = "recommended", _("Được đề nghị thực hiện")
        REJECTED = "rejected", _("Không được đề nghị")
        IN_PLAN = "in_plan", _("Đã vào kế hoạch")

    class Source(models.TextChoices):
        ORGANISATION = "organisation", _("Tổ chức")
        PERSON = "person", _("Cá nhân")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        COMMUNE = "commune", _("UBND cấp xã")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Gửi trực tuyến")
        STAFF = "staff", _("Cán bộ Sở nhập")
        IMPORT = "import", _("Nhập từ tệp")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("đợt đề xuất"))
    code = models.CharField(_("số phiếu"), max_length=30, unique=True)
    title = models.CharField(_("tên nhiệm vụ đề xuất"), max_length=500)
    urgency = models.TextField(_("tính cấp thiết"))
    objectives = models.TextField(_("mục tiêu"))
    expected_results = models.TextField(_("kết quả, sản phẩm dự kiến"))
    estimated_budget = models.BigIntegerField(_("kinh phí dự kiến (đồng)"), validators=MONEY_VALIDATORS)
    estimated_duration_months = models.PositiveSmallIntegerField(
        _("thời gian thực hiện dự kiến (tháng)"), validators=MONTHS_VALIDATORS
    )
    application_place = models.TextField(_("địa chỉ ứng dụng kết quả"))
    source = models.CharField(_("nguồn đề xuất"), max_length=20, choices=Source.choices, default=Source.ORGANISATION)
    proposer_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("tổ chức đề xuất")
    )
    proposer_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("người đề xuất"),
    )
    field = models.ForeignKey(FieldOfScience, on_delete=models.PROTECT, related_name="+", verbose_name=_("lĩnh vực"))
    task_form = models.ForeignKey(TaskForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("hình thức"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    received_on = models.DateField(_("ngày nhận"))
    channel = models.CharField(_("cách nhận"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates", verbose_name=_("trùng với")
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged", verbose_name=_("gộp vào")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phiếu đề xuất nhiệm vụ")
        verbose_name_plural = _("phiếu đề xuất nhiệm vụ")
        ordering = ["-call__year", "code"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["proposer_org", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_budget__gte=0) & Q(estimated_budget__lte=MAX_BUDGET),
                name="proposal_budget_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class ProposalEvent(EventBase):
    STATUS_CHOICES = Proposal.Status.choices

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("diễn biến phiếu đề xuất")
        verbose_name_plural = _("diễn biến phiếu đề xuất")


# --- Tasks ---------------------------------------------------------------------------------------


class Task(BudgetTotal, Record):
    """An S&T task (nhiệm vụ KH&CN). One row for its whole life, across every plan year it appears in."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Đã duyệt danh mục, chờ chọn tổ chức chủ trì")
        CALLING = "calling", _("Đang nhận hồ sơ đăng ký chủ trì")
        SELECTING = "selecting", _("Đang xét chọn tại hội đồng")
        NO_WINNER = "no_winner", _("Không chọn được tổ chức chủ trì")
        SELECTED = "selected", _("Đã chọn tổ chức chủ trì")
        APPRAISED = "appraised", _("Đã thẩm định nội dung, kinh phí")
        APPROVED = "approved", _("Đã phê duyệt chủ trì, kinh phí")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        SUSPENDED = "suspended", _("Tạm dừng")
        AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Đã nộp hồ sơ đánh giá, nghiệm thu")
        ACCEPTED = "accepted", _("Đã nghiệm thu, công nhận kết quả")
        FAILED = "failed", _("Nghiệm thu không đạt")
        TERMINATED = "terminated", _("Đã chấm dứt hợp đồng")
        COMPLETED = "completed", _("Đã kết thúc")
        CANCELLED = "cancelled", _("Đã dừng")

    code = models.CharField(_("mã số"), max_length=40, unique=True)
    title = models.CharField(_("tên nhiệm vụ"), max_length=500)
    level = models.CharField(_("cấp quản lý"), max_length=20, choices=Level.choices, default=Level.PROVINCIAL)
    form = models.ForeignKey(TaskForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("hình thức"))
    field = models.ForeignKey(FieldOfScience, on_delete=models.PROTECT, related_name="+", verbose_name=_("lĩnh vực"))
    group = models.ForeignKey(PlanGroup, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("nhóm"))
    mode = models.CharField(_("phương thức"), max_length=20, choices=Mode.choices, default=Mode.SELECTION)
    host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_tasks",
        verbose_name=_("tổ chức chủ trì"),
    )
    pi = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("chủ nhiệm")
    )
    plan_year = models.PositiveSmallIntegerField(_("năm bắt đầu vào kế hoạch"))
    start = models.DateField(_("bắt đầu"), null=True, blank=True)
    end = models.DateField(_("kết thúc"), null=True, blank=True)
    # The end after an approved extension; `end` keeps the date first approved.
    extended_end = models.DateField(_("kết thúc sau gia hạn"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.ORDERED)
    legal_regime = models.CharField(
        _("chế độ pháp lý"), max_length=30, choices=LegalRegime.choices, default=LegalRegime.LKHCN2013_HY2017
    )
    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="task", verbose_name=_("phiếu đề xuất")
    )
    selection_call = models.ForeignKey(
        Call,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("đợt tuyển chọn, giao trực tiếp"),
    )
    objectives = models.TextField(_("mục tiêu"), blank=True)
    # The approved budget by source (whole đồng), fixed by the appraisal and the approval decision.
    state_budget = models.BigIntegerField(_("ngân sách nhà nước"), default=0, validators=MONEY_VALIDATORS)
    state_budget_lump_sum = models.BigIntegerField(_("trong đó kinh phí khoán"), default=0, validators=MONEY_VALIDATORS)
    counterpart_budget = models.BigIntegerField(_("vốn đối ứng"), default=0, validators=MONEY_VALIDATORS)
    other_budget = models.BigIntegerField(_("nguồn khác"), default=0, validators=MONEY_VALIDATORS)
    approval = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định phê duyệt chủ trì, kinh phí"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ KH&CN")
        verbose_name_plural = _("nhiệm vụ KH&CN")
        ordering = ["-plan_year", "code"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["host", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state_budget__gte=0)
                & Q(state_budget_lump_sum__gte=0)
                & Q(counterpart_budget__gte=0)
                & Q(other_budget__gte=0)
                & Q(state_budget_lump_sum__lte=F("state_budget")),
                name="task_budget_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def state_budget_not_lump_sum(self) -> int:
        return self.state_budget - self.state_budget_lump_sum

    @property
    def effective_end(self) -> dt.date | None:
        return self.extended_end or self.end


class TaskEvent(EventBase):
    STATUS_CHOICES = Task.Status.choices

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("diễn biến nhiệm vụ")
        verbose_name_plural = _("diễn biến nhiệm vụ")


# --- The annual plan -----------------------------------------------------------------------------


class Plan(Record):
    """The province's S&T plan for a year (kế hoạch KH&CN năm), approved by a decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã trình phê duyệt")
        APPROVED = "approved", _("Đã phê duyệt")

    year = models.PositiveSmallIntegerField(_("năm"))
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh"))
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    decision = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định phê duyệt"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch KH&CN năm")
        verbose_name_plural = _("kế hoạch KH&CN năm")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "province"],
                name="plan_one_per_year_and_province",
                violation_error_message=_("Tỉnh này đã có kế hoạch KH&CN cho năm này."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanEvent(EventBase):
    STATUS_CHOICES = Plan.Status.choices

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("diễn biến kế hoạch")
        verbose_name_plural = _("diễn biến kế hoạch")


class PlanAdjustment(Record):
    """A later decision that changes an approved plan: allocations changed, items added or removed."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("kế hoạch"))
    decision = models.ForeignKey(
        OfficialDocument, on_delete=models.PROTECT, related_name="+", verbose_name=_("quyết định điều chỉnh")
    )
    reason = models.TextField(_("lý do điều chỉnh"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người cập nhật")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điều chỉnh kế hoạch")
        verbose_name_plural = _("điều chỉnh kế hoạch")
        ordering = ["plan", "decision__date", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} – {self.decision}"


class PlanItem(Record):
    """One task in a year's plan, with that year's allocation. A new item has no task until the
    plan is approved (approval creates it); a carried-over item points at the existing task."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items", verbose_name=_("kế hoạch"))
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items", verbose_name=_("nhiệm vụ")
    )
    proposal = models.ForeignKey(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
        verbose_name=_("phiếu đề xuất"),
    )
    carried_over = models.BooleanField(_("chuyển tiếp"), default=False)
    title = models.CharField(_("tên nhiệm vụ"), max_length=500)
    group = models.ForeignKey(PlanGroup, on_delete=models.PROTECT, related_name="items", verbose_name=_("nhóm"))
    form = models.ForeignKey(TaskForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("hình thức"))
    field = models.ForeignKey(FieldOfScience, on_delete=models.PROTECT, related_name="+", verbose_name=_("lĩnh vực"))
    mode = models.CharField(_("phương thức"), max_length=20, choices=Mode.choices, default=Mode.SELECTION)
    level = models.CharField(_("cấp quản lý"), max_length=20, choices=Level.choices, default=Level.PROVINCIAL)
    host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức chủ trì (dự kiến)"),
    )
    duration_months = models.PositiveSmallIntegerField(
        _("thời gian thực hiện (tháng)"), null=True, blank=True, validators=MONTHS_VALIDATORS
    )
    allocation = models.BigIntegerField(_("kinh phí năm kế hoạch (đồng)"), validators=MONEY_VALIDATORS)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    added_by = models.ForeignKey(
        PlanAdjustment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="added_items",
        verbose_name=_("bổ sung theo điều chỉnh"),
    )
    removed_by = models.ForeignKey(
        PlanAdjustment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="removed_items",
        verbose_name=_("đưa ra theo điều chỉnh"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ trong kế hoạch")
        verbose_name_plural = _("nhiệm vụ trong kế hoạch")
        ordering = ["plan", "group__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "task"],
                condition=Q(task__isnull=False),
                name="plan_item_task_once_per_plan",
                violation_error_message=_("Nhiệm vụ này đã có trong kế hoạch năm đó."),
            ),
            models.CheckConstraint(
                condition=Q(allocation__gte=0) & Q(allocation__lte=MAX_BUDGET), name="plan_item_allocation_in_range"
            ),
            models.CheckConstraint(
                condition=Q(carried_over=False) | Q(task__isnull=False), name="plan_item_carried_over_has_task"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanAdjustmentLine(models.Model):
    """One change an adjustment made, with the values before and after (kept for the record)."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Điều chỉnh kinh phí")
        ADD = "add", _("Bổ sung nhiệm vụ")
        REMOVE = "remove", _("Đưa ra khỏi kế hoạch")

    adjustment = models.ForeignKey(PlanAdjustment, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="adjustment_lines")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    allocation_before = models.BigIntegerField(_("kinh phí trước"), null=True, blank=True, validators=MONEY_VALIDATORS)
    allocation_after = models.BigIntegerField(_("kinh phí sau"), null=True, blank=True, validators=MONEY_VALIDATORS)

    class Meta:
        verbose_name = _("nội dung điều chỉnh")
        verbose_name_plural = _("nội dung điều chỉnh")
        ordering = ["adjustment", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.item}"


# --- Selection, direct assignment and appraisal -------------------------------------------------


class Application(BudgetTotal, Record):
    """A host organisation's dossier to carry out a task (hồ sơ đăng ký chủ trì)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã nộp")
        VALID = "valid", _("Hợp lệ")
        INVALID = "invalid", _("Không hợp lệ")
        WITHDRAWN = "withdrawn", _("Đã rút")
        IN_COUNCIL = "in_council", _("Đang xét tại hội đồng")
        SELECTED = "selected", _("Được chọn")
        NOT_SELECTED = "not_selected", _("Không được chọn")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="applications", verbose_name=_("nhiệm vụ"))
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.PROTECT, related_name="applications", verbose_name=_("đợt")
    )
    host = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("tổ chức đăng ký chủ trì")
    )
    pi = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("chủ nhiệm"))
    summary = models.TextField(_("tóm tắt thuyết minh"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("thời gian thực hiện (tháng)"), validators=MONTHS_VALIDATORS)
    state_budget = models.BigIntegerField(_("ngân sách nhà nước đề nghị"), validators=MONEY_VALIDATORS)
    state_budget_lump_sum = models.BigIntegerField(_("trong đó kinh phí khoán"), default=0, validators=MONEY_VALIDATORS)
    counterpart_budget = models.BigIntegerField(_("vốn đối ứng"), default=0, validators=MONEY_VALIDATORS)
    other_budget = models.BigIntegerField(_("nguồn khác"), default=0, validators=MONEY_VALIDATORS)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    received_on = models.DateField(_("ngày nhận"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hồ sơ đăng ký chủ trì")
        verbose_name_plural = _("hồ sơ đăng ký chủ trì")
        ordering = ["task", "pk"]
        constraints = [
            budget_by_source_constraint("application_budget_consistent"),
        ]

    def __str__(self) -> str:
        return f"{self.host} – {self.task.code}"


class ApplicationMember(models.Model):
    class Role(models.TextChoices):
        SECRETARY = "secretary", _("Thư ký khoa học")
        MAIN = "main", _("Thành viên chính")
        MEMBER = "member", _("Thành viên")
        TECHNICIAN = "technician", _("Kỹ thuật viên")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("cá nhân"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("thành viên thực hiện")
        verbose_name_plural = _("thành viên thực hiện")
        constraints = [
            models.UniqueConstraint(fields=["application", "person"], name="application_member_once"),
        ]

    def __str__(self) -> str:
        return str(self.person)


class ApplicationEvent(EventBase):
    STATUS_CHOICES = Application.Status.choices

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("diễn biến hồ sơ")
        verbose_name_plural = _("diễn biến hồ sơ")


class Appraisal(BudgetTotal, Record):
    """The content and budget appraisal (thẩm định nội dung, kinh phí) that fixes the budget."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="appraisals", verbose_name=_("nhiệm vụ"))
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("hồ sơ")
    )
    date = models.DateField(_("ngày thẩm định"))
    minutes = models.ForeignKey(
        OfficialDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("biên bản")
    )
    state_budget = models.BigIntegerField(_("ngân sách nhà nước"), validators=MONEY_VALIDATORS)
    state_budget_lump_sum = models.BigIntegerField(_("trong đó kinh phí khoán"), validators=MONEY_VALIDATORS)
    counterpart_budget = models.BigIntegerField(_("vốn đối ứng"), default=0, validators=MONEY_VALIDATORS)
    other_budget = models.BigIntegerField(_("nguồn khác"), default=0, validators=MONEY_VALIDATORS)
    duration_months = models.PositiveSmallIntegerField(_("thời gian thực hiện (tháng)"), validators=MONTHS_VALIDATORS)
    conclusion = models.TextField(_("kết luận"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thẩm định nội dung, kinh phí")
        verbose_name_plural = _("thẩm định nội dung, kinh phí")
        ordering = ["task", "-date"]
        constraints = [
            budget_by_source_constraint("appraisal_budget_consistent"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.date:%d/%m/%Y}"
