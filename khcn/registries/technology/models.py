"""Technology registry (registries.md §1, §2): opinions on the technology of investment projects,
technology transfer registration certificates, and the department's technology and IP workshops.

Appraisal councils are councils of the technology_appraisal kind (khcn.councils); an opinion is
put before one through councils.services.council_object_add, so no council data is kept here.

Deadlines the law sets are rule records (DeadlineRule), bound to a start date, never literals:
the 90 days a party has to file a transfer for registration after signing (Luật CGCN 2017,
Điều 31) and the days the department has to answer a request for an opinion.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import ArchivableQuerySet, Record
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def number_key(text: str) -> str:
    """How a document number compares: spaces collapsed, case folded in Python, because SQLite's
    LOWER() and LIKE fold ASCII only (“GCNĐK” and “gcnđk” would differ there)."""
    return " ".join((text or "").split()).casefold()


# --- Rules as data -------------------------------------------------------------------------------


class RuleQuerySet(ArchivableQuerySet):
    def in_force(self, on: dt.date) -> RuleQuerySet:
        return self.filter(archived_at__isnull=True, valid_from__lte=on).order_by("-valid_from", "-pk")


class DeadlineRule(Record):
    """How many days a step may take, counted from the day it starts, for the period from
    `valid_from` on. The rule in force on the start day (signing, receipt) applies."""

    class Kind(models.TextChoices):
        TRANSFER_FILING = "transfer_filing", _("Nộp hồ sơ đăng ký chuyển giao công nghệ, tính từ ngày ký hợp đồng")
        OPINION_ANSWER = "opinion_answer", _("Trả lời ý kiến về công nghệ, tính từ ngày nhận văn bản đề nghị")

    kind = models.CharField(_("loại thời hạn"), max_length=30, choices=Kind.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    days = models.PositiveSmallIntegerField(_("số ngày"), validators=[MinValueValidator(1), MaxValueValidator(3650)])
    working_days = models.BooleanField(
        _("tính theo ngày làm việc"),
        default=False,
        help_text=_("Bỏ chọn: tính theo ngày lịch. Ngày làm việc bỏ qua thứ Bảy, Chủ nhật (chưa trừ ngày lễ)."),
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    objects = RuleQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("quy tắc thời hạn")
        verbose_name_plural = _("quy tắc thời hạn")
        ordering = ["kind", "-valid_from"]

    def __str__(self) -> str:
        unit = _("ngày làm việc") if self.working_days else _("ngày")
        return f"{self.get_kind_display()}: {self.days} {unit} ({_('từ')} {_d(self.valid_from)})"

    def due_date(self, start: dt.date) -> dt.date:
        """The last day allowed: `days` after `start` (the start day itself not counted)."""
        if not self.working_days:
            return start + dt.timedelta(days=self.days)
        day, left = start, self.days
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day


# --- Opinions on investment projects -------------------------------------------------------------


class InvestmentProject(Record):
    """An investment project the department is asked about. Several opinions (rounds, stages)
    may concern one project; the annual figure counts projects."""

    code = models.CharField(
        _("mã dự án"),
        max_length=50,
        blank=True,
        help_text=_("Mã số dự án đầu tư (nếu có); dùng để nhận ra dự án khi nhập"),
    )
    name = models.CharField(_("tên dự án"), max_length=500)
    investor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="investment_projects", verbose_name=_("nhà đầu tư")
    )
    location = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("địa điểm (đơn vị hành chính)"),
        help_text=_("Xã, phường (hoặc huyện cũ) nơi thực hiện dự án, như ghi trong hồ sơ"),
    )
    industrial_park = models.CharField(_("khu, cụm công nghiệp"), max_length=255, blank=True)
    is_fdi = models.BooleanField(_("dự án có vốn đầu tư nước ngoài"), default=False)
    capital = models.PositiveBigIntegerField(_("tổng vốn đầu tư (đồng)"), null=True, blank=True)
    capital_usd = models.PositiveBigIntegerField(_("tổng vốn đầu tư (USD, như hồ sơ ghi)"), null=True, blank=True)
    sector = models.CharField(_("ngành, lĩnh vực"), max_length=255, blank=True)
    technology = models.TextField(_("công nghệ, dây chuyền"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dự án đầu tư")
        verbose_name_plural = _("dự án đầu tư")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code="") & Q(archived_at__isnull=True),
                name="technology_project_unique_code",
                violation_error_message=_("Mã dự án này đã được dùng cho dự án khác."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.code = (self.code or "").strip()
        if self.code and self.archived_at is None:
            taken = InvestmentProject.objects.active().filter(code__iexact=self.code).exclude(pk=self.pk)
            if taken.exists():
                raise ValidationError(
                    {"code": _("Mã dự án “%(code)s” đã được dùng cho dự án khác.") % {"code": self.code}}
                )


class TechnologyOpinion(Record):
    """The department's opinion on the technology of one investment project, for one request."""

    class Conclusion(models.TextChoices):
        AGREE = "agree", _("Đồng ý")
        CONDITIONAL = "conditional", _("Đồng ý có điều kiện")
        DISAGREE = "disagree", _("Không đồng ý")

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("dự án")
    )
    stage = models.CharField(
        _("giai đoạn, lần"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: chấp thuận chủ trương đầu tư; điều chỉnh lần 1"),
    )
    request_number = models.CharField(_("số văn bản đề nghị"), max_length=100, blank=True)
    request_date = models.DateField(_("ngày nhận văn bản đề nghị"))
    answer_number = models.CharField(
        _("số văn bản trả lời"), max_length=100, blank=True, help_text=_("Ví dụ 1234/SKHCN-QLCN")
    )
    answer_date = models.DateField(_("ngày trả lời"), null=True, blank=True)
    # Set by the services from the deadline rule in force on the request date, so a later change
    # of the rule does not move an old deadline.
    answer_due = models.DateField(_("hạn trả lời"), null=True, blank=True, editable=False)
    conclusion = models.CharField(_("kết luận của Sở"), max_length=20, choices=Conclusion.choices, blank=True)
    equipment_origin = models.CharField(_("xuất xứ thiết bị"), max_length=255, blank=True)
    equipment_year = models.PositiveSmallIntegerField(
        _("năm sản xuất thiết bị"), null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    remarks = models.TextField(_("nội dung ý kiến, điều kiện"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ý kiến về công nghệ dự án đầu tư")
        verbose_name_plural = _("ý kiến về công nghệ dự án đầu tư")
        ordering = ["-request_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("answer_number"),
                condition=~Q(answer_number="") & Q(archived_at__isnull=True),
                name="technology_opinion_unique_answer_number",
                violation_error_message=_("Số văn bản trả lời này đã được dùng cho ý kiến khác."),
            ),
            models.CheckConstraint(
                condition=Q(answer_date__isnull=True) | Q(answer_date__gte=models.F("request_date")),
                name="technology_opinion_answer_after_request",
                violation_error_message=_("Ngày trả lời không được trước ngày nhận văn bản đề nghị."),
            ),
        ]
        indexes = [models.Index(fields=["answer_date"])]

    def __str__(self) -> str:
        if self.answer_number:
            return f"{self.answer_number} – {self.project}"
        return _("Đề nghị ngày %(date)s – %(project)s") % {"date": _d(self.request_date), "project": self.project}

    @property
    def answered_late(self) -> bool | None:
        """True if answered after the deadline, None while there is no answer or no deadline."""
        if self.answer_date is None or self.answer_due is None:
            return None
        return self.answer_date > self.answer_due

    def clean(self) -> None:
        super().clean()
        self.answer_number = (self.answer_number or "").strip()
        errors: dict[str, Any] = {}
        if self.answer_date and self.request_date and self.answer_date < self.request_date:
            errors["answer_date"] = _("Ngày trả lời (%(a)s) trước ngày nhận văn bản đề nghị (%(r)s).") % {
                "a": _d(self.answer_date),
                "r": _d(self.request_date),
            }
        if self.answer_date and not self.conclusion:
            errors["conclusion"] = _("Đã có ngày trả lời thì phải ghi kết luận của Sở.")
        if self.conclusion and not self.answer_date:
            errors["answer_date"] = _("Đã ghi kết luận thì phải có ngày trả lời.")
        if self.answer_number and self.archived_at is None:
            taken = (
                TechnologyOpinion.objects.active().filter(answer_number__iexact=self.answer_number).exclude(pk=self.pk)
            )
            if taken.exists():
                errors["answer_number"] = _("Số văn bản trả lời “%(n)s” đã được dùng cho ý kiến khác.") % {
                    "n": self.answer_number
                }
        if errors:
            raise ValidationError(errors)


# --- Technology transfer registration ------------------------------------------------------------


class TechnologyTransferCertificate(Record):
    """A certificate of registration of a technology transfer (GCN đăng ký chuyển giao công nghệ),
    or of its extension or amendment, which names the certificate it changes."""

    class Kind(models.TextChoices):
        NEW = "new", _("Cấp mới")
        AMENDMENT = "amendment", _("Gia hạn, sửa đổi, bổ sung")

    class Form(models.TextChoices):
        CONTRACT = "contract", _("Hợp đồng chuyển giao công nghệ độc lập")
        INVESTMENT = "investment", _("Phần chuyển giao công nghệ trong dự án đầu tư")
        CAPITAL = "capital", _("Góp vốn bằng công nghệ")
        OTHER = "other", _("Hình thức khác")

    number = models.CharField(_("số giấy chứng nhận"), max_length=100)
    number_key = models.CharField(max_length=100, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.NEW)
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("giấy chứng nhận được gia hạn, sửa đổi"),
    )
    transferor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="technology_transfers_out", verbose_name=_("bên giao")
    )
    transferor_country = models.CharField(_("quốc gia của bên giao"), max_length=100, blank=True)
    transferee = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="technology_transfers_in", verbose_name=_("bên nhận")
    )
    technology = models.CharField(_("tên công nghệ"), max_length=500)
    form = models.CharField(_("hình thức chuyển giao"), max_length=20, choices=Form.choices, default=Form.CONTRACT)
    project = models.ForeignKey(
        InvestmentProject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfer_certificates",
        verbose_name=_("dự án liên quan"),
    )
    contract_number = models.CharField(_("số hợp đồng"), max_length=100)
    contract_value = models.PositiveBigIntegerField(
        _("giá trị hợp đồng (đồng)"),
        null=True,
        blank=True,
        help_text=_("Số đồng nguyên; quy đổi nếu hợp đồng ghi ngoại tệ"),
    )
    contract_signed_on = models.DateField(_("ngày ký hợp đồng"))
    contract_end = models.DateField(_("hợp đồng có hiệu lực đến"), null=True, blank=True)
    filed_on = models.DateField(_("ngày nộp hồ sơ"))
    issue_date = models.DateField(_("ngày cấp"))
    # The last filing day under the rule in force on the signing date, kept with the certificate.
    filing_due = models.DateField(_("hạn nộp hồ sơ"), null=True, blank=True, editable=False)
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giấy chứng nhận đăng ký chuyển giao công nghệ")
        verbose_name_plural = _("giấy chứng nhận đăng ký chuyển giao công nghệ")
        ordering = ["-issue_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_key"],
                condition=Q(archived_at__isnull=True),
                name="technology_transfer_unique_number",
                violation_error_message=_("Số giấy chứng nhận này đã được dùng."),
            ),
            models.CheckConstraint(
                condition=Q(filed_on__gte=models.F("contract_signed_on")),
                name="technology_transfer_filed_after_signing",
                violation_error_message=_("Ngày nộp hồ sơ không được trước ngày ký hợp đồng."),
            ),
            models.CheckConstraint(
                condition=Q(issue_date__gte=models.F("filed_on")),
                name="technology_transfer_issued_after_filing",
                violation_error_message=_("Ngày cấp không được trước ngày nộp hồ sơ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.technology}"

    def clean(self) -> None:
        """Numbers are unique whatever the case; dates run signing ≤ filing ≤ issue; an amendment
        names the certificate it changes; the filing is within the rule's days of signing."""
        super().clean()
        from khcn.registries.technology import rules

        self.number = " ".join((self.number or "").split())
        self.number_key = number_key(self.number)
        errors = rules.transfer_certificate_errors(self)
        if errors:
            raise ValidationError(errors)


# --- Workshops and trainings ---------------------------------------------------------------------


class Workshop(Record):
    """A workshop (hội thảo) or training (tập huấn) on technology, technology transfer or IP."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Hội thảo")
        TRAINING = "training", _("Tập huấn")

    title = models.CharField(_("tên hội thảo, tập huấn"), max_length=500)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    date = models.DateField(_("ngày tổ chức"))
    place = models.CharField(_("địa điểm"), max_length=500, blank=True)
    location = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị hành chính"),
    )
    attendee_count = models.PositiveIntegerField(_("số người tham dự"))
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="technology_workshops", verbose_name=_("tổ chức, doanh nghiệp tham dự")
    )
    plan = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kế hoạch, quyết định tổ chức"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords(m2m_fields=[organisations])

    class Meta:
        verbose_name = _("hội thảo, tập huấn")
        verbose_name_plural = _("hội thảo, tập huấn")
        ordering = ["-date", "title"]
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.title} ({_d(self.date)})"
