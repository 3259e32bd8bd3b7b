"""Intellectual property registry (registries.md §3, §4).

- Support for registering trademarks and industrial designs: the province pays part of the cost;
  the applications are filed with and decided by the national IP Office (Cục SHTT), so a mark's
  status here is the department's record of the Office's status, refreshed from time to time.
- Certificates of the right to use the geographical indication "Hưng Yên" for longan and the
  certification mark "Long nhãn Hưng Yên" (the province manages the GI and grants its use).

How long a use-right certificate runs is set by provincial rules, so it is a rule record
(UseRightValidityRule), never a literal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import ArchivableQuerySet, Record
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation, Person


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def number_key(text: str) -> str:
    """How a certificate number compares: spaces collapsed, case folded in Python, because
    SQLite's LOWER() and LIKE fold ASCII only (“CDĐL” and “cdđl” would differ there)."""
    return " ".join((text or "").split()).casefold()


def _one_holder(org_field: str, person_field: str) -> Q:
    return (Q(**{f"{org_field}__isnull": False}) & Q(**{f"{person_field}__isnull": True})) | (
        Q(**{f"{org_field}__isnull": True}) & Q(**{f"{person_field}__isnull": False})
    )


# --- Support for registering marks and designs ---------------------------------------------------


class IPSupportCase(Record):
    """The province's support to one applicant (an organisation or an individual) in one year,
    for one or more marks or designs."""

    applicant_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ip_support_cases",
        verbose_name=_("tổ chức được hỗ trợ"),
    )
    applicant_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ip_support_cases",
        verbose_name=_("cá nhân được hỗ trợ"),
    )
    year = models.PositiveSmallIntegerField(
        _("năm hỗ trợ"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    support_amount = models.PositiveBigIntegerField(_("kinh phí hỗ trợ (đồng)"), default=0)
    decision = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định hỗ trợ"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hồ sơ hỗ trợ đăng ký nhãn hiệu, kiểu dáng")
        verbose_name_plural = _("hỗ trợ đăng ký nhãn hiệu, kiểu dáng")
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_holder("applicant_organisation", "applicant_person"),
                name="ip_support_one_applicant",
                violation_error_message=_("Chọn đúng một bên được hỗ trợ: một tổ chức hoặc một cá nhân."),
            ),
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return _("Hỗ trợ %(a)s năm %(y)s") % {"a": self.applicant, "y": self.year}

    @property
    def applicant(self) -> Organisation | Person | None:
        if self.applicant_organisation_id:
            return self.applicant_organisation
        if self.applicant_person_id:
            return self.applicant_person
        return None

    def clean(self) -> None:
        super().clean()
        if bool(self.applicant_organisation_id) == bool(self.applicant_person_id):
            raise ValidationError(
                {"applicant_organisation": _("Chọn đúng một bên được hỗ trợ: một tổ chức hoặc một cá nhân.")}
            )


class Mark(Record):
    """A trademark, collective or certification mark, or industrial design whose registration the
    province supported, with its status at the national IP Office."""

    class Kind(models.TextChoices):
        TRADEMARK = "trademark", _("Nhãn hiệu")
        INDUSTRIAL_DESIGN = "industrial_design", _("Kiểu dáng công nghiệp")
        COLLECTIVE = "collective", _("Nhãn hiệu tập thể")
        CERTIFICATION = "certification", _("Nhãn hiệu chứng nhận")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Đang chuẩn bị hồ sơ")
        FILED = "filed", _("Đã nộp đơn")
        ACCEPTED = "accepted", _("Đã chấp nhận đơn hợp lệ")
        PUBLISHED = "published", _("Đã công bố đơn")
        GRANTED = "granted", _("Đã cấp văn bằng")
        REFUSED = "refused", _("Bị từ chối")
        WITHDRAWN = "withdrawn", _("Đã rút đơn")

    case = models.ForeignKey(
        IPSupportCase, on_delete=models.PROTECT, related_name="marks", verbose_name=_("hồ sơ hỗ trợ")
    )
    name = models.CharField(_("tên nhãn hiệu, kiểu dáng"), max_length=300)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices, default=Kind.TRADEMARK)
    nice_classes = models.CharField(
        _("nhóm sản phẩm, dịch vụ (Nice)"), max_length=100, blank=True, help_text=_("Ví dụ: 29, 31")
    )
    filing_number = models.CharField(
        _("số đơn"), max_length=50, blank=True, help_text=_("Số đơn tại Cục Sở hữu trí tuệ, ví dụ 4-2023-12345")
    )
    filing_date = models.DateField(_("ngày nộp đơn"), null=True, blank=True)
    status = models.CharField(_("tình trạng tại Cục SHTT"), max_length=20, choices=Status.choices, default=Status.FILED)
    status_checked_on = models.DateField(_("ngày cập nhật tình trạng"), null=True, blank=True)
    registration_number = models.CharField(_("số văn bằng"), max_length=50, blank=True)
    grant_date = models.DateField(_("ngày cấp văn bằng"), null=True, blank=True)
    valid_until = models.DateField(_("văn bằng hiệu lực đến"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhãn hiệu, kiểu dáng được hỗ trợ")
        verbose_name_plural = _("nhãn hiệu, kiểu dáng được hỗ trợ")
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("filing_number"),
                condition=~Q(filing_number="") & Q(archived_at__isnull=True),
                name="ip_mark_unique_filing_number",
                violation_error_message=_("Số đơn này đã được ghi cho nhãn hiệu, kiểu dáng khác."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        super().clean()
        self.filing_number = (self.filing_number or "").strip()
        self.registration_number = (self.registration_number or "").strip()
        errors: dict[str, Any] = {}
        if self.filing_number and self.archived_at is None:
            taken = Mark.objects.active().filter(filing_number__iexact=self.filing_number).exclude(pk=self.pk)
            if taken.exists():
                errors["filing_number"] = _("Số đơn “%(n)s” đã được ghi cho nhãn hiệu, kiểu dáng khác.") % {
                    "n": self.filing_number
                }
        if self.status not in (self.Status.PREPARING,) and not self.filing_date:
            errors["filing_date"] = _("Đơn đã nộp thì phải có ngày nộp đơn.")
        if self.status == self.Status.GRANTED and not (self.registration_number and self.grant_date):
            errors["registration_number"] = _("Đã cấp văn bằng thì phải ghi số văn bằng và ngày cấp.")
        if self.filing_date and self.grant_date and self.grant_date < self.filing_date:
            errors["grant_date"] = _("Ngày cấp văn bằng (%(g)s) trước ngày nộp đơn (%(f)s).") % {
                "g": _d(self.grant_date),
                "f": _d(self.filing_date),
            }
        if self.grant_date and self.valid_until and self.valid_until < self.grant_date:
            errors["valid_until"] = _("Ngày hết hiệu lực trước ngày cấp văn bằng.")
        if errors:
            raise ValidationError(errors)


# --- Use-right certificates (GI "Hưng Yên", certification mark "Long nhãn Hưng Yên") --------------


class UseRightKind(models.TextChoices):
    GEOGRAPHICAL_INDICATION = "gi", _("Chỉ dẫn địa lý")
    CERTIFICATION_MARK = "certification_mark", _("Nhãn hiệu chứng nhận")


# The designation a certificate grants, by kind, when none is given: the two the province manages
# for longan (registries.md §4).
DEFAULT_DESIGNATION: dict[str, str] = {
    UseRightKind.GEOGRAPHICAL_INDICATION: "Hưng Yên",
    UseRightKind.CERTIFICATION_MARK: "Long nhãn Hưng Yên",
}


class RuleQuerySet(ArchivableQuerySet):
    def in_force(self, on: dt.date) -> RuleQuerySet:
        return self.filter(archived_at__isnull=True, valid_from__lte=on).order_by("-valid_from", "-pk")


class UseRightValidityRule(Record):
    """How long a use-right certificate of a kind runs, for certificates issued from `valid_from`."""

    kind = models.CharField(_("loại"), max_length=30, choices=UseRightKind.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    months = models.PositiveSmallIntegerField(
        _("thời hạn (tháng)"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    objects = RuleQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("quy tắc thời hạn giấy chứng nhận quyền sử dụng")
        verbose_name_plural = _("quy tắc thời hạn giấy chứng nhận quyền sử dụng")
        ordering = ["kind", "-valid_from"]

    def __str__(self) -> str:
        return _("%(kind)s: %(m)d tháng (từ %(d)s)") % {
            "kind": self.get_kind_display(),
            "m": self.months,
            "d": _d(self.valid_from),
        }


class UseRightCertificate(Record):
    """A certificate of the right to use the GI or the certification mark, held by an
    organisation (cooperative, company) or an individual (a household's head)."""

    Kind = UseRightKind

    class Product(models.TextChoices):
        FRESH_LONGAN = "fresh_longan", _("Nhãn quả tươi")
        DRIED_LONGAN = "dried_longan", _("Long nhãn (nhãn sấy khô)")
        OTHER = "other", _("Sản phẩm khác")

    kind = models.CharField(_("loại"), max_length=30, choices=UseRightKind.choices)
    designation = models.CharField(
        _("chỉ dẫn địa lý, nhãn hiệu"),
        max_length=200,
        blank=True,
        help_text=_("Để trống: “Hưng Yên” hoặc “Long nhãn Hưng Yên” theo loại"),
    )
    number = models.CharField(_("số giấy chứng nhận"), max_length=100)
    number_key = models.CharField(max_length=100, editable=False, db_index=True)
    holder_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ip_use_rights",
        verbose_name=_("tổ chức được cấp"),
    )
    holder_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ip_use_rights",
        verbose_name=_("cá nhân, hộ được cấp"),
    )
    product = models.CharField(_("sản phẩm"), max_length=20, choices=Product.choices, default=Product.FRESH_LONGAN)
    growing_area = models.CharField(_("vùng trồng, cơ sở sản xuất"), max_length=500, blank=True)
    area_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã, phường của vùng trồng"),
        help_text=_("Đơn vị hành chính tại thời điểm cấp (có thể là đơn vị trước 01/07/2025)"),
    )
    area_ha = models.DecimalField(
        _("diện tích (ha)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    tree_count = models.PositiveIntegerField(_("số cây"), null=True, blank=True)
    output_tonnes = models.DecimalField(
        _("sản lượng (tấn/năm)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    stamps_issued = models.PositiveIntegerField(_("số tem đã cấp"), null=True, blank=True)
    issue_date = models.DateField(_("ngày cấp"))
    valid_until = models.DateField(
        _("hiệu lực đến"), null=True, blank=True, help_text=_("Để trống để tính theo quy tắc thời hạn")
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        verbose_name=_("cấp lại, gia hạn cho giấy chứng nhận"),
    )
    revoked = models.BooleanField(_("đã thu hồi"), default=False)
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giấy chứng nhận quyền sử dụng CDĐL, nhãn hiệu chứng nhận")
        verbose_name_plural = _("giấy chứng nhận quyền sử dụng CDĐL, nhãn hiệu chứng nhận")
        ordering = ["-issue_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_key"],
                condition=Q(archived_at__isnull=True),
                name="ip_use_right_unique_number",
                violation_error_message=_("Số giấy chứng nhận này đã được dùng."),
            ),
            models.CheckConstraint(
                condition=_one_holder("holder_organisation", "holder_person"),
                name="ip_use_right_one_holder",
                violation_error_message=_("Chọn đúng một chủ thể được cấp: một tổ chức hoặc một cá nhân, hộ."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "issue_date"]), models.Index(fields=["valid_until"])]

    def __str__(self) -> str:
        return f"{self.number} – {self.holder}"

    @property
    def holder(self) -> Organisation | Person | None:
        if self.holder_organisation_id:
            return self.holder_organisation
        if self.holder_person_id:
            return self.holder_person
        return None

    def clean(self) -> None:
        super().clean()
        from khcn.registries.ip import rules

        self.number = " ".join((self.number or "").split())
        self.number_key = number_key(self.number)
        if not self.designation and self.kind:
            self.designation = DEFAULT_DESIGNATION.get(self.kind, "")
        errors = rules.certificate_errors(self)
        if errors:
            raise ValidationError(errors)
