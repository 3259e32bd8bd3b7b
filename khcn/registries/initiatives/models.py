"""Initiatives (sáng kiến) and their recognition at provincial level (registries.md §6).

An initiative is submitted, judged by the provincial initiative council (a council of the
initiatives kind in khcn.councils, which computes its recommendation from the members' votes),
then recognised by a decision of the province (an OfficialDocument). The status moves only along
workflow.TRANSITIONS, through services.initiative_transition, and every move is kept as an
InitiativeEvent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.councils.models import CouncilObject
from khcn.directory.models import OfficialDocument, Organisation, Person


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class Initiative(Record):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã nộp hồ sơ")
        RECOMMENDED = "recommended", _("Hội đồng đề nghị công nhận")
        NOT_RECOMMENDED = "not_recommended", _("Hội đồng không đề nghị công nhận")
        RECOGNISED = "recognised", _("Đã được công nhận")
        WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")

    class Field(models.TextChoices):
        EDUCATION = "education", _("Giáo dục và đào tạo")
        HEALTH = "health", _("Y tế")
        AGRICULTURE = "agriculture", _("Nông nghiệp, nông thôn")
        ENGINEERING = "engineering", _("Kỹ thuật, công nghệ")
        ADMINISTRATION = "administration", _("Quản lý nhà nước, cải cách hành chính")
        ECONOMY = "economy", _("Kinh tế, tài chính")
        CULTURE = "culture", _("Văn hóa, xã hội")
        SECURITY = "security", _("Quốc phòng, an ninh")
        OTHER = "other", _("Lĩnh vực khác")

    class Scope(models.TextChoices):
        UNIT = "unit", _("Cơ sở")
        PROVINCE = "province", _("Cấp tỉnh")
        NATIONAL = "national", _("Toàn quốc")

    code = models.CharField(
        _("mã hồ sơ"), max_length=50, help_text=_("Ví dụ SK-2023-001; dùng để nhận ra hồ sơ khi nhập")
    )
    title = models.CharField(_("tên sáng kiến"), max_length=500)
    authors = models.ManyToManyField(
        Person, through="InitiativeAuthor", related_name="initiatives", blank=True, verbose_name=_("tác giả")
    )
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("cơ quan, đơn vị")
    )
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=Field.choices, default=Field.OTHER)
    year = models.PositiveSmallIntegerField(
        _("năm xét"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Năm thi đua, khen thưởng"),
    )
    description = models.TextField(_("mô tả sáng kiến"), blank=True)
    benefit = models.TextField(_("hiệu quả, lợi ích"), blank=True)
    benefit_amount = models.PositiveBigIntegerField(_("lợi ích kinh tế (đồng/năm)"), null=True, blank=True)
    first_applied_on = models.DateField(_("ngày áp dụng lần đầu"), null=True, blank=True)
    scope = models.CharField(_("phạm vi ảnh hưởng"), max_length=20, choices=Scope.choices, default=Scope.PROVINCE)
    # Changed only by services.initiative_transition (workflow.py), never in a form.
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    council_object = models.ForeignKey(
        CouncilObject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("xét tại hội đồng"),
    )
    recommended_on = models.DateField(_("ngày hội đồng xét"), null=True, blank=True, editable=False)
    decision = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognised_initiatives",
        editable=False,
        verbose_name=_("quyết định công nhận"),
    )
    recognised_on = models.DateField(_("ngày công nhận"), null=True, blank=True, editable=False)
    supported_for_wider_application = models.BooleanField(_("được hỗ trợ nhân rộng"), default=False, editable=False)
    wider_application_where = models.TextField(_("nơi nhân rộng"), blank=True, editable=False)
    wider_support_amount = models.PositiveBigIntegerField(
        _("kinh phí hỗ trợ nhân rộng (đồng)"), null=True, blank=True, editable=False
    )
    wider_support_date = models.DateField(_("ngày hỗ trợ nhân rộng"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sáng kiến")
        verbose_name_plural = _("sáng kiến")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                condition=Q(archived_at__isnull=True),
                name="initiative_unique_code",
                violation_error_message=_("Mã hồ sơ sáng kiến này đã được dùng."),
            ),
        ]
        indexes = [models.Index(fields=["status", "recommended_on"]), models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    def clean(self) -> None:
        super().clean()
        self.code = (self.code or "").strip()
        errors: dict[str, Any] = {}
        if self.code and self.archived_at is None:
            taken = Initiative.objects.active().filter(code__iexact=self.code).exclude(pk=self.pk)
            if taken.exists():
                errors["code"] = _("Mã hồ sơ “%(c)s” đã được dùng cho sáng kiến khác.") % {"c": self.code}
        today = timezone.localdate()
        if self.first_applied_on and self.first_applied_on > today:
            errors["first_applied_on"] = _(
                "Ngày áp dụng lần đầu (%(d)s) ở tương lai; sáng kiến phải đã được áp dụng."
            ) % {"d": _d(self.first_applied_on)}
        elif self.first_applied_on and self.year and self.first_applied_on.year > self.year:
            errors["first_applied_on"] = _("Ngày áp dụng lần đầu (%(d)s) sau năm xét %(y)d.") % {
                "d": _d(self.first_applied_on),
                "y": self.year,
            }
        if errors:
            raise ValidationError(errors)


class InitiativeAuthor(models.Model):
    """An author of an initiative, in the order the application lists them, with their share."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="author_links", verbose_name=_("sáng kiến")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("tác giả"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    # Shares may not add up to 100 % in real applications (registries.md §6 (e)); kept as written.
    share_percent = models.DecimalField(
        _("tỷ lệ đóng góp (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tác giả sáng kiến")
        verbose_name_plural = _("tác giả sáng kiến")
        ordering = ["initiative", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "person"],
                name="initiative_author_once",
                violation_error_message=_("Người này đã là tác giả của sáng kiến."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.person}"


class InitiativeEvent(models.Model):
    """One move of an initiative's status: who, when, why, on which council or decision."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="events", verbose_name=_("sáng kiến")
    )
    from_status = models.CharField(_("từ trạng thái"), max_length=20, choices=Initiative.Status.choices)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=Initiative.Status.choices)
    effective_date = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    at = models.DateTimeField(_("ghi lúc"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người thực hiện")
    )
    reason = models.TextField(_("lý do, ghi chú"), blank=True)
    document = models.ForeignKey(
        OfficialDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("văn bản")
    )
    council_object = models.ForeignKey(
        CouncilObject, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("hội đồng")
    )

    class Meta:
        verbose_name = _("diễn biến hồ sơ sáng kiến")
        verbose_name_plural = _("diễn biến hồ sơ sáng kiến")
        ordering = ["initiative", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
