"""Inspections, checks and administrative fines (registries.md §13).

An `Inspection` is one campaign: an inspection (thanh tra) or a check (kiểm tra), opened by a
decision, run by a team, covering many establishments (`InspectedEstablishment`, one row per
establishment with its outcome and minutes). `Finding`s record what was found at an establishment,
violations included; a `Sanction` is a decision imposing a fine (whole đồng) on an establishment,
with its legal ground, payment deadline and enforcement status.

Which kinds the department may record depends on the date: since 01/07/2025 (Luật Thanh tra 2025,
84/2025/QH15) the department no longer inspects; it checks, and inspections belong to the
provincial inspectorate. That rule is data (`InspectionAuthorityRule`, seeded by a migration and
editable in the back office with history), never a date in code.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import ArchivableQuerySet, Record
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation, Person
from khcn.lib.text import fold


def decision_key(number: str) -> str:
    return fold(number).replace(" ", "")


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("Thanh tra")
    CHECK = "check", _("Kiểm tra")


class RuleQuerySet(ArchivableQuerySet):
    def in_force(self, on: dt.date) -> RuleQuerySet:
        """Rules in force on `on`: valid_from <= on < valid_to (valid_to empty: still in force)."""
        return (
            self.filter(archived_at__isnull=True, valid_from__lte=on)
            .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=on))
            .order_by("-valid_from", "-pk")
        )


class InspectionAuthorityRule(Record):
    """Whether the department may record campaigns of `kind` dated in [valid_from, valid_to)."""

    kind = models.CharField(_("loại"), max_length=20, choices=InspectionKind.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("đến trước ngày"), null=True, blank=True, help_text=_("Để trống nếu còn áp dụng."))
    allowed = models.BooleanField(_("Sở được thực hiện"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    refusal_message = models.CharField(
        _("thông báo khi từ chối"),
        max_length=500,
        blank=True,
        help_text=_("Hiện cho người nhập khi quy tắc không cho phép ghi nhận."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    objects = RuleQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("quy tắc thẩm quyền thanh tra, kiểm tra")
        verbose_name_plural = _("quy tắc thẩm quyền thanh tra, kiểm tra")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="inspection_rule_dates_in_order",
                violation_error_message=_("Ngày kết thúc áp dụng phải sau ngày bắt đầu áp dụng."),
            )
        ]

    def __str__(self) -> str:
        end = f" – {self.valid_to:%d/%m/%Y}" if self.valid_to else ""
        verdict = _("được") if self.allowed else _("không được")
        return f"{self.get_kind_display()}: {verdict} ({self.valid_from:%d/%m/%Y}{end})"


class Inspection(Record):
    """One inspection or check campaign of the department."""

    Kind = InspectionKind

    class Mode(models.TextChoices):
        PLANNED = "planned", _("Theo kế hoạch")
        AD_HOC = "ad_hoc", _("Đột xuất")

    class Field(models.TextChoices):
        MEASUREMENT = "measurement", _("Đo lường")
        QUALITY = "quality", _("Chất lượng sản phẩm, hàng hóa")
        LABELLING = "labelling", _("Nhãn hàng hóa")
        STANDARDS = "standards", _("Đo lường, chất lượng, nhãn hàng hóa")
        RADIATION = "radiation", _("An toàn bức xạ")
        IP = "ip", _("Sở hữu trí tuệ")
        TECHNOLOGY = "technology", _("Chuyển giao công nghệ")
        SCIENCE = "science", _("Hoạt động khoa học và công nghệ")
        OTHER = "other", _("Khác")

    code = models.CharField(
        _("mã cuộc"),
        max_length=30,
        unique=True,
        blank=True,
        help_text=_("Để trống để hệ thống tự đặt, ví dụ KT-2023-05"),
    )
    kind = models.CharField(_("loại"), max_length=20, choices=InspectionKind.choices, default=InspectionKind.CHECK)
    mode = models.CharField(_("hình thức"), max_length=20, choices=Mode.choices, default=Mode.PLANNED)
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=Field.choices, default=Field.STANDARDS)
    subject = models.TextField(
        _("nội dung, phạm vi"), help_text=_("Ví dụ: đo lường, chất lượng xăng dầu tại các cửa hàng")
    )
    decision = models.OneToOneField(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection",
        verbose_name=_("quyết định thanh tra, kiểm tra"),
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    leader = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("trưởng đoàn")
    )
    team = models.ManyToManyField(
        Person, blank=True, related_name="inspection_teams", verbose_name=_("thành viên đoàn")
    )
    establishments = models.ManyToManyField(
        Organisation,
        through="InspectedEstablishment",
        blank=True,
        related_name="inspections",
        verbose_name=_("cơ sở được thanh tra, kiểm tra"),
    )
    conclusion = models.TextField(_("kết luận, thông báo kết quả"), blank=True)
    conclusion_document = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("văn bản kết luận"),
    )
    provincial_reference = models.CharField(
        _("cuộc thanh tra liên quan của Thanh tra tỉnh"),
        max_length=300,
        blank=True,
        help_text=_("Từ 01/07/2025: số quyết định của cuộc thanh tra do Thanh tra tỉnh thực hiện mà Sở phối hợp."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cuộc thanh tra, kiểm tra")
        verbose_name_plural = _("cuộc thanh tra, kiểm tra")
        ordering = ["-start_date", "code"]
        indexes = [models.Index(fields=["kind", "start_date"])]

    def __str__(self) -> str:
        return f"{self.code or '—'} {self.get_kind_display().lower()}: {self.subject[:80]}"

    @property
    def authority_date(self) -> dt.date | None:
        """The day whose rules decide who may act: the decision's date (the campaign is opened
        under the law of that day), else the first day of fieldwork."""
        if self.decision_id and self.decision is not None:
            return self.decision.date
        return self.start_date


class InspectedEstablishment(models.Model):
    """An establishment covered by a campaign, and what came of it there."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Đang thực hiện")
        COMPLIANT = "compliant", _("Không phát hiện vi phạm")
        VIOLATION = "violation", _("Có vi phạm")
        REFERRED = "referred", _("Chuyển cơ quan khác xử lý")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("cuộc thanh tra, kiểm tra")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="inspection_coverage", verbose_name=_("cơ sở")
    )
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    visited_on = models.DateField(_("ngày làm việc"), null=True, blank=True)
    minutes_number = models.CharField(_("số biên bản"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ sở được thanh tra, kiểm tra")
        verbose_name_plural = _("cơ sở được thanh tra, kiểm tra")
        ordering = ["inspection", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "organisation"],
                name="inspection_establishment_once",
                violation_error_message=_("Cơ sở này đã có trong cuộc thanh tra, kiểm tra."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.inspection.code}"


class Finding(Record):
    """What the team found at an establishment: a violation or a shortcoming, and its follow-up."""

    class Violation(models.TextChoices):
        NONE = "", _("Không phải vi phạm")
        MEASUREMENT = "measurement", _("Vi phạm về đo lường")
        QUALITY = "quality", _("Vi phạm về chất lượng sản phẩm, hàng hóa")
        LABELLING = "labelling", _("Vi phạm về nhãn hàng hóa")
        STANDARDS = "standards", _("Vi phạm về tiêu chuẩn, công bố hợp chuẩn, hợp quy")
        RADIATION = "radiation", _("Vi phạm về an toàn bức xạ")
        IP = "ip", _("Vi phạm về sở hữu trí tuệ")
        OTHER = "other", _("Vi phạm khác")

    class FollowUp(models.TextChoices):
        NONE = "none", _("Không cần theo dõi")
        OPEN = "open", _("Đang theo dõi khắc phục")
        DONE = "done", _("Đã khắc phục")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("cuộc thanh tra, kiểm tra")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="inspection_findings", verbose_name=_("cơ sở")
    )
    description = models.TextField(_("nội dung phát hiện"))
    violation = models.CharField(_("vi phạm"), max_length=20, choices=Violation.choices, blank=True)
    remedy = models.TextField(_("yêu cầu khắc phục"), blank=True)
    follow_up = models.CharField(_("theo dõi"), max_length=10, choices=FollowUp.choices, default=FollowUp.NONE)
    follow_up_due = models.DateField(_("hạn khắc phục"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("ngày khắc phục xong"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phát hiện, vi phạm")
        verbose_name_plural = _("phát hiện, vi phạm")
        ordering = ["inspection", "organisation__name", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.description[:80]}"

    @property
    def is_violation(self) -> bool:
        return bool(self.violation)


class Sanction(Record):
    """A decision imposing an administrative fine (whole đồng) on an establishment or a person."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Chưa nộp phạt")
        PAID = "paid", _("Đã nộp phạt")
        ENFORCED = "enforced", _("Đã cưỡng chế")

    class Offender(models.TextChoices):
        ORGANISATION = "organisation", _("Tổ chức")
        INDIVIDUAL = "individual", _("Cá nhân, hộ kinh doanh")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="sanctions", verbose_name=_("cuộc thanh tra, kiểm tra")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="inspection_sanctions", verbose_name=_("cơ sở")
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="sanctions", verbose_name=_("vi phạm")
    )
    offender_kind = models.CharField(
        _("đối tượng bị xử phạt"), max_length=20, choices=Offender.choices, default=Offender.ORGANISATION
    )
    offender_name = models.CharField(
        _("tên cá nhân bị xử phạt"), max_length=200, blank=True, help_text=_("Chỉ ghi khi người bị xử phạt là cá nhân.")
    )
    decision_number = models.CharField(_("số quyết định xử phạt"), max_length=100)
    # The number as compared for duplicates (khcn.lib.text.fold, no spaces): "05/QĐ-XPHC" and
    # "05/qd-xphc" are one decision.
    decision_key = models.CharField(max_length=100, editable=False, unique=True)
    decision_date = models.DateField(_("ngày quyết định"))
    issued_by = models.CharField(_("người ra quyết định"), max_length=200, blank=True)
    violation = models.TextField(_("hành vi vi phạm"))
    legal_ground = models.CharField(
        _("căn cứ pháp lý"),
        max_length=500,
        help_text=_("Điểm, khoản, điều của nghị định xử phạt, ví dụ: điểm a khoản 1 Điều 10 NĐ 119/2017/NĐ-CP"),
    )
    amount = models.BigIntegerField(_("số tiền phạt (đồng)"))
    additional_penalty = models.CharField(_("hình thức xử phạt bổ sung"), max_length=500, blank=True)
    remedial_measures = models.TextField(_("biện pháp khắc phục hậu quả"), blank=True)
    payment_due = models.DateField(_("hạn nộp phạt"))
    status = models.CharField(_("tình trạng thi hành"), max_length=10, choices=Status.choices, default=Status.UNPAID)
    paid_on = models.DateField(_("ngày nộp phạt"), null=True, blank=True)
    enforced_on = models.DateField(_("ngày cưỡng chế"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định xử phạt")
        verbose_name_plural = _("quyết định xử phạt")
        ordering = ["-decision_date", "decision_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="sanction_amount_not_negative",
                violation_error_message=_("Số tiền phạt không được âm."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} – {self.organisation}"
