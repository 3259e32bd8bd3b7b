"""Organisations, people, official documents, administrative units and classification lists."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.lib.text import fold


class AdministrativeUnit(models.Model):
    """A province, district or commune as it existed between `valid_from` and `valid_to`.

    Units abolished on 01/07/2025 are kept with `valid_to` and links to the units that took them
    over, so a record keeps the unit it named and still maps to today's province.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Huyện/thị xã/thành phố thuộc tỉnh")
        COMMUNE = "commune", _("Xã/phường/thị trấn")

    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=150)
    division_type = models.CharField(_("loại đơn vị"), max_length=50, blank=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("trực thuộc")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors", verbose_name=_("đơn vị kế thừa")
    )
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_unique_code_per_period"),
        ]
        indexes = [models.Index(fields=["level", "valid_to"])]

    def __str__(self) -> str:
        if self.valid_to:
            return _("%(name)s (đến %(date)s)") % {"name": self.name, "date": self.valid_to.strftime("%d/%m/%Y")}
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on < self.valid_to)


class FieldOfScience(models.Model):
    """Fields of science and technology (Circular 24/2025/TT-BKHCN codes), as data."""

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("thuộc lĩnh vực"),
    )
    level = models.PositiveSmallIntegerField(_("cấp"), default=1)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lĩnh vực KH&CN")
        verbose_name_plural = _("lĩnh vực KH&CN")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class TaskForm(models.Model):
    """Forms of S&T tasks (đề tài, dự án SXTN, đề án, dự án KH&CN...), as data."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hình thức nhiệm vụ")
        verbose_name_plural = _("hình thức nhiệm vụ")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class FundingSource(models.Model):
    """Funding sources (state budget for S&T, counterpart funds, the host's own funds...), as data."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên nguồn vốn"), max_length=255)
    is_state_budget = models.BooleanField(_("thuộc ngân sách nhà nước"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nguồn kinh phí")
        verbose_name_plural = _("nguồn kinh phí")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Organisation(Record):
    class Kind(models.TextChoices):
        STATE_AGENCY = "state_agency", _("Cơ quan nhà nước")
        RESEARCH_INSTITUTE = "research_institute", _("Viện, trung tâm nghiên cứu")
        UNIVERSITY = "university", _("Trường đại học, cao đẳng")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        HOUSEHOLD_BUSINESS = "household_business", _("Hộ kinh doanh")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên tổ chức"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại hình"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("đơn vị hành chính"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="divisions", verbose_name=_("trực thuộc")
    )
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang web"), blank=True)
    representative = models.CharField(_("người đại diện"), max_length=200, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~models.Q(tax_code=""),
                name="organisation_unique_tax_code",
                violation_error_message=_("Đã có tổ chức khác với mã số thuế này."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Person(Record):
    class AcademicTitle(models.TextChoices):
        NONE = "", _("—")
        PROFESSOR = "GS", _("Giáo sư")
        ASSOCIATE_PROFESSOR = "PGS", _("Phó giáo sư")

    class Degree(models.TextChoices):
        NONE = "", _("—")
        BACHELOR = "CN", _("Cử nhân")
        ENGINEER = "KS", _("Kỹ sư")
        DOCTOR_MD = "BS", _("Bác sĩ")
        MASTER = "ThS", _("Thạc sĩ")
        DOCTOR = "TS", _("Tiến sĩ")
        DOCTOR_SCIENCE = "TSKH", _("Tiến sĩ khoa học")

    full_name = models.CharField(_("họ và tên"), max_length=200)
    academic_title = models.CharField(_("học hàm"), max_length=10, choices=AcademicTitle.choices, blank=True)
    degree = models.CharField(_("học vị"), max_length=10, choices=Degree.choices, blank=True)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="people", verbose_name=_("cơ quan")
    )
    field = models.ForeignKey(
        FieldOfScience, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("lĩnh vực")
    )
    # Personal data (Law on Personal Data Protection): shown and exported to department staff only.
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    id_number = models.CharField(_("số CCCD"), max_length=20, blank=True)
    # Where an individual (a farmer applying for a mark, an initiative's author) lives: the
    # report by area counts individuals by it. A unit, never a street address.
    residence = models.ForeignKey(
        "AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nơi cư trú (xã, phường)"),
    )
    public_profile_consent = models.BooleanField(_("đồng ý công khai hồ sơ"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("tài khoản đăng nhập"),
    )
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    history = HistoricalRecords()

    PERSONAL_FIELDS = ("email", "phone", "birth_year", "id_number", "residence")

    class Meta:
        verbose_name = _("cá nhân, nhà khoa học")
        verbose_name_plural = _("cá nhân, nhà khoa học")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        prefix = ".".join(p for p in (self.academic_title, self.degree) if p)
        return f"{prefix}. {self.full_name}" if prefix else self.full_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)


def document_path(instance: OfficialDocument, filename: str) -> str:
    from khcn.core.models import attachment_path

    return attachment_path(instance, filename).replace("attachments/", "documents/", 1)  # type: ignore[arg-type]


class OfficialDocument(Record):
    """An official document (văn bản): a decision, plan, notice, contract, minutes..."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Quyết định")
        PLAN = "plan", _("Kế hoạch")
        NOTICE = "notice", _("Thông báo")
        OFFICIAL_LETTER = "letter", _("Công văn")
        REPORT = "report", _("Báo cáo")
        MINUTES = "minutes", _("Biên bản")
        CONTRACT = "contract", _("Hợp đồng")
        RESOLUTION = "resolution", _("Nghị quyết")
        DIRECTIVE = "directive", _("Chỉ thị")
        CERTIFICATE = "certificate", _("Giấy chứng nhận")
        OTHER = "other", _("Khác")

    number = models.CharField(_("số, ký hiệu"), max_length=100)
    date = models.DateField(_("ngày ban hành"))
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="issued_documents", verbose_name=_("cơ quan ban hành")
    )
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    subject = models.TextField(_("trích yếu"))
    file = models.FileField(_("tệp văn bản"), upload_to=document_path, blank=True, max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"],
                name="document_unique_number_per_issuer",
                violation_error_message=_("Số văn bản này đã được dùng cho một văn bản khác của cùng cơ quan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ngày {self.date:%d/%m/%Y}"
