"""Standards and quality: conformity announcements, import quality inspections, market quality
surveys, and quality-management (TCVN ISO 9001) training classes.

Legal basis (registries.md §9–11): Luật Tiêu chuẩn và Quy chuẩn kỹ thuật 2006 and Luật Chất lượng
sản phẩm, hàng hóa 2007 (both amended 2018 and 2025); NĐ 132/2008 as amended by NĐ 74/2018 and
NĐ 154/2018; TT 28/2012/TT-BKHCN (amended by TT 02/2017, TT 06/2020) on announcements; TT
27/2012/TT-BKHCN (amended by TT 07/2017) on imports. Deadlines those texts set are data
(`DeadlineRule`), bound to the date from which they apply.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.lib.dates import add_months


def add_working_days(day: dt.date, count: int) -> dt.date:
    """`day` plus `count` working days (Monday to Friday). Public holidays are not known here
    (no holiday calendar yet), so a deadline spanning Tết comes out earlier than the real one."""
    current = day
    remaining = count
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


class DeadlineRule(models.Model):
    """A deadline or validity the law sets, from the date it applies (a new row supersedes)."""

    class Kind(models.TextChoices):
        IMPORT_CERTIFICATE = (
            "import_certificate",
            _("Hạn nộp bản sao giấy chứng nhận hợp quy của lô hàng nhập khẩu (tính từ ngày thông quan)"),
        )
        SELF_ASSESSMENT_VALIDITY = (
            "self_assessment_validity",
            _("Hiệu lực của công bố dựa trên kết quả tự đánh giá (tính từ ngày ký báo cáo)"),
        )

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("ngày làm việc")
        DAYS = "days", _("ngày")
        MONTHS = "months", _("tháng")

    kind = models.CharField(_("loại thời hạn"), max_length=40, choices=Kind.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    amount = models.PositiveSmallIntegerField(_("thời hạn"))
    unit = models.CharField(_("đơn vị"), max_length=20, choices=Unit.choices)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    note = models.CharField(
        _("ghi chú"), max_length=500, blank=True, help_text=_("Ghi [U] nếu giá trị chưa được xác nhận.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thời hạn theo quy định")
        verbose_name_plural = _("thời hạn theo quy định")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "valid_from"],
                name="deadline_rule_once_per_date",
                violation_error_message=_("Đã có thời hạn loại này áp dụng từ ngày này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} {self.get_unit_display()} ({self.valid_from:%d/%m/%Y})"

    def apply(self, start: dt.date) -> dt.date:
        if self.unit == self.Unit.WORKING_DAYS:
            return add_working_days(start, self.amount)
        if self.unit == self.Unit.MONTHS:
            return add_months(start, self.amount)
        return start + dt.timedelta(days=self.amount)


class ConformityAnnouncement(Record):
    """The department's acknowledgement of an announcement of conformity to a technical
    regulation (hợp quy, QCVN) or to a standard (hợp chuẩn, TCVN...)."""

    class Kind(models.TextChoices):
        REGULATION = "regulation", _("Công bố hợp quy")
        STANDARD = "standard", _("Công bố hợp chuẩn")

    class Basis(models.TextChoices):
        CERTIFICATION = "certification", _("Chứng nhận của tổ chức chứng nhận (bên thứ ba)")
        SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá của doanh nghiệp (bên thứ nhất)")

    kind = models.CharField(_("loại công bố"), max_length=20, choices=Kind.choices)
    enterprise = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="conformity_announcements", verbose_name=_("doanh nghiệp")
    )
    product = models.CharField(_("sản phẩm, hàng hóa"), max_length=500)
    brand_models = models.CharField(_("nhãn hiệu, kiểu loại"), max_length=500, blank=True)
    standard_code = models.CharField(
        _("quy chuẩn, tiêu chuẩn áp dụng"), max_length=100, help_text=_("Ví dụ QCVN 4:2009/BKHCN, TCVN 6592-1:2009")
    )
    basis = models.CharField(_("căn cứ công bố"), max_length=20, choices=Basis.choices)
    certifying_body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tổ chức chứng nhận"),
    )
    certificate_no = models.CharField(_("số giấy chứng nhận"), max_length=60, blank=True)
    certificate_expiry = models.DateField(_("giấy chứng nhận có hiệu lực đến"), null=True, blank=True)
    self_assessment_date = models.DateField(_("ngày ký báo cáo tự đánh giá"), null=True, blank=True)
    receipt_no = models.CharField(_("số thông báo tiếp nhận"), max_length=60, unique=True)
    receipt_date = models.DateField(_("ngày tiếp nhận"))
    # The certificate's expiry, or the self-assessment date plus the rule's validity.
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("công bố hợp chuẩn, hợp quy")
        verbose_name_plural = _("công bố hợp chuẩn, hợp quy")
        ordering = ["-receipt_date", "-id"]
        indexes = [models.Index(fields=["receipt_date"], name="announcement_receipt_date")]

    def __str__(self) -> str:
        return f"{self.receipt_no} – {self.product}"


class ImportInspection(Record):
    """A registration for state quality inspection of an imported lot (group-2 goods)."""

    class Result(models.TextChoices):
        PENDING = "", _("Chưa có kết quả")
        CONFORMING = "conforming", _("Đạt yêu cầu chất lượng")
        NON_CONFORMING = "non_conforming", _("Không đạt yêu cầu chất lượng")

    registration_no = models.CharField(_("số đăng ký"), max_length=60, unique=True)
    registration_date = models.DateField(_("ngày đăng ký"))
    enterprise = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="import_inspections",
        verbose_name=_("doanh nghiệp nhập khẩu"),
    )
    customs_declaration_no = models.CharField(_("số tờ khai hải quan"), max_length=60, blank=True)
    clearance_date = models.DateField(_("ngày thông quan"), null=True, blank=True)
    goods = models.CharField(_("hàng hóa"), max_length=500)
    hs_code = models.CharField(_("mã HS"), max_length=20, blank=True)
    origin = models.CharField(_("xuất xứ"), max_length=100, blank=True)
    quantity = models.DecimalField(
        _("khối lượng, số lượng"), max_digits=14, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit = models.CharField(_("đơn vị tính"), max_length=30, help_text=_("tấn, kg, chiếc, bộ..."))
    standard_code = models.CharField(_("quy chuẩn áp dụng"), max_length=100)
    certifying_body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tổ chức chứng nhận"),
    )
    certificate_no = models.CharField(_("số giấy chứng nhận hợp quy"), max_length=60, blank=True)
    certificate_due_on = models.DateField(_("hạn nộp giấy chứng nhận"), null=True, blank=True, editable=False)
    certificate_submitted_on = models.DateField(_("ngày nộp giấy chứng nhận"), null=True, blank=True)
    result = models.CharField(_("kết quả kiểm tra"), max_length=20, choices=Result.choices, blank=True, default="")
    result_notice_no = models.CharField(_("số thông báo kết quả"), max_length=60, blank=True)
    result_notice_date = models.DateField(_("ngày thông báo kết quả"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đăng ký kiểm tra chất lượng hàng nhập khẩu")
        verbose_name_plural = _("đăng ký kiểm tra chất lượng hàng nhập khẩu")
        ordering = ["-registration_date", "-id"]
        indexes = [
            models.Index(fields=["registration_date"], name="import_registration_date"),
            models.Index(fields=["certificate_due_on"], name="import_certificate_due"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_no} – {self.goods}"

    @property
    def awaiting_certificate(self) -> bool:
        """No certificate submitted and no result yet: the lot still owes its certificate."""
        return self.certificate_submitted_on is None and not self.result

    def is_overdue(self, today: dt.date) -> bool:
        return self.awaiting_certificate and self.certificate_due_on is not None and today > self.certificate_due_on


class MarketSurvey(Record):
    """A quality survey of goods on the market at one business (fuel, electrical goods...)."""

    class BusinessKind(models.TextChoices):
        PETROL_STATION = "petrol_station", _("Cửa hàng xăng dầu")
        ELECTRICAL_SHOP = "electrical_shop", _("Cửa hàng điện, điện tử")
        OTHER = "other", _("Khác")

    survey_date = models.DateField(_("ngày khảo sát"))
    business = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="market_surveys", verbose_name=_("cơ sở kinh doanh")
    )
    business_kind = models.CharField(_("loại cơ sở"), max_length=20, choices=BusinessKind.choices)
    goods = models.CharField(_("hàng hóa khảo sát"), max_length=300)
    standard_code = models.CharField(_("quy chuẩn, tiêu chuẩn đối chiếu"), max_length=100, blank=True)
    sample_count = models.PositiveIntegerField(_("số mẫu"), validators=[MinValueValidator(1)])
    failed_count = models.PositiveIntegerField(_("số mẫu không đạt"), default=0)
    testing_lab = models.CharField(_("phòng thử nghiệm"), max_length=255, blank=True)
    findings = models.TextField(_("kết quả, kiến nghị"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khảo sát chất lượng hàng hóa")
        verbose_name_plural = _("khảo sát chất lượng hàng hóa")
        ordering = ["-survey_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(failed_count__lte=models.F("sample_count")),
                name="survey_failed_within_samples",
                violation_error_message=_("Số mẫu không đạt không được lớn hơn số mẫu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_date:%d/%m/%Y} – {self.goods}"


class QualityTraining(Record):
    """A training class on quality management (e.g. TCVN ISO 9001:2015 for state agencies)."""

    name = models.CharField(_("tên lớp"), max_length=300)
    topic = models.CharField(_("nội dung"), max_length=200, default="TCVN ISO 9001:2015")
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    location = models.CharField(_("địa điểm"), max_length=300, blank=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị hành chính"),
    )
    audience = models.CharField(_("đối tượng"), max_length=500, blank=True)
    trainee_count = models.PositiveIntegerField(_("số học viên"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lớp đào tạo về quản lý chất lượng")
        verbose_name_plural = _("lớp đào tạo về quản lý chất lượng")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name
