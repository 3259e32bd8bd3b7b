"""Radiation safety registry (registries.md §7, §8): facilities, X-ray devices and sources,
licences, worker certificates, trainings, and the environmental background survey.

Rules the law (or the department) sets are rule records, not literals: licence terms by radiation
work (LicenceTermRule), verification intervals by device kind (DeviceVerificationRule), and the
survey's re-check thresholds (SurveyRule). Each has a `valid_from` date; the rule in force on a day
is the one with the latest `valid_from` on or before it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import ArchivableQuerySet, Record
from khcn.directory.models import AdministrativeUnit, Organisation, Person
from khcn.registries.radiation.dose import DoseUnit

# Since 01/02/2021 (NĐ 142/2020/NĐ-CP) worker certificates no longer expire; older 5-year
# certificates keep their expiry date and are re-issued when it comes (registries.md §7 (c)).
CERTIFICATE_NO_EXPIRY_FROM = dt.date(2021, 2, 1)


class RadiationWork(models.TextChoices):
    """Công việc bức xạ. The province licenses medical diagnostic X-ray only; other work is licensed
    by VARANS (Cục ATBXHN) and recorded here only to follow facilities in the province."""

    MEDICAL_XRAY = "medical_xray", _("Sử dụng thiết bị X-quang chẩn đoán trong y tế")
    OTHER = "other", _("Công việc bức xạ khác (do Cục An toàn bức xạ và hạt nhân cấp)")


# --- Rules as data -------------------------------------------------------------------------------


class RuleQuerySet(ArchivableQuerySet):
    def in_force(self, on: dt.date) -> RuleQuerySet:
        return self.filter(archived_at__isnull=True, valid_from__lte=on).order_by("-valid_from", "-pk")


class LicenceTermRule(Record):
    """How long a licence for one kind of radiation work runs (NĐ 142/2020 Điều 37: 3 years for
    "other radiation work", which includes medical X-ray)."""

    activity = models.CharField(_("công việc bức xạ"), max_length=30, choices=RadiationWork.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    term_months = models.PositiveSmallIntegerField(
        _("thời hạn giấy phép (tháng)"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    # Still Record's queryset (active(), archived()), plus in_force().
    objects = RuleQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("quy tắc thời hạn giấy phép")
        verbose_name_plural = _("quy tắc thời hạn giấy phép")
        ordering = ["activity", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "valid_from"],
                condition=models.Q(archived_at__isnull=True),
                name="radiation_term_rule_one_per_day",
                violation_error_message=_("Đã có quy tắc cho công việc bức xạ này từ cùng ngày; hãy sửa quy tắc đó."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(activity)s: %(months)d tháng (từ %(date)s)") % {
            "activity": self.get_activity_display(),
            "months": self.term_months,
            "date": self.valid_from.strftime("%d/%m/%Y"),
        }


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("Bệnh viện")
    HEALTH_CENTRE = "health_centre", _("Trung tâm y tế, trung tâm kiểm soát bệnh tật")
    CLINIC = "clinic", _("Phòng khám đa khoa, chuyên khoa")
    DENTAL = "dental", _("Phòng khám nha khoa")
    OTHER = "other", _("Khác")


class DeviceKind(models.TextChoices):
    GENERAL = "general", _("X-quang chụp chung")
    DENTAL = "dental", _("X-quang nha khoa (trong miệng)")
    PANORAMIC = "panoramic", _("X-quang nha khoa toàn cảnh, sọ mặt")
    MAMMOGRAPHY = "mammography", _("X-quang chụp vú")
    MOBILE = "mobile", _("X-quang di động")
    FLUOROSCOPY = "fluoroscopy", _("X-quang tăng sáng truyền hình")
    C_ARM = "c_arm", _("X-quang C-arm")
    CT = "ct", _("Cắt lớp vi tính (CT)")
    BONE_DENSITOMETRY = "bone_densitometry", _("Đo mật độ xương")
    OTHER = "other", _("Khác")


class DeviceVerificationRule(Record):
    """How often a device kind is verified (kiểm định): yearly for CT and fluoroscopy, every two
    years for other diagnostic X-ray (TTLT 13/2014/TTLT-BKHCN-BYT)."""

    device_kind = models.CharField(_("loại thiết bị"), max_length=30, choices=DeviceKind.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    interval_months = models.PositiveSmallIntegerField(
        _("chu kỳ kiểm định (tháng)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    # Still Record's queryset (active(), archived()), plus in_force().
    objects = RuleQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("quy tắc chu kỳ kiểm định thiết bị")
        verbose_name_plural = _("quy tắc chu kỳ kiểm định thiết bị")
        ordering = ["device_kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["device_kind", "valid_from"],
                condition=models.Q(archived_at__isnull=True),
                name="radiation_verification_rule_one_per_day",
                violation_error_message=_("Đã có quy tắc cho loại thiết bị này từ cùng ngày; hãy sửa quy tắc đó."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s: %(months)d tháng (từ %(date)s)") % {
            "kind": self.get_device_kind_display(),
            "months": self.interval_months,
            "date": self.valid_from.strftime("%d/%m/%Y"),
        }


class SurveyRule(Record):
    """When a background measurement is flagged for re-measurement. These are field heuristics
    (re-check above ~0.3 µSv/h or 3× the local median, registries.md §8 [U]), not legal limits,
    so the department sets them here."""

    valid_from = models.DateField(_("áp dụng từ ngày"))
    threshold_nsv_h = models.PositiveIntegerField(
        _("ngưỡng đo lại (nSv/h)"),
        validators=[MinValueValidator(1)],
        help_text=_("Điểm có suất liều lớn hơn ngưỡng này bị đánh dấu để đo lại."),
    )
    median_multiple = models.DecimalField(
        _("bội số trung vị địa phương"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("1.0"))],
        help_text=_("Điểm lớn hơn bội số này nhân với trung vị của xã (khi đo) bị đánh dấu."),
    )
    min_points_for_median = models.PositiveSmallIntegerField(
        _("số điểm tối thiểu để tính trung vị xã"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Xã có ít điểm hơn thì so với trung vị của cả đợt quan trắc."),
    )
    max_plausible_nsv_h = models.PositiveIntegerField(
        _("giá trị lớn nhất chấp nhận khi nhập (nSv/h)"),
        default=100_000,
        help_text=_("Lớn hơn mức này coi là nhập sai (thường là sai đơn vị) và bị từ chối khi nhập."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    # Still Record's queryset (active(), archived()), plus in_force().
    objects = RuleQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("quy tắc đánh dấu điểm đo")
        verbose_name_plural = _("quy tắc đánh dấu điểm đo")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=models.Q(archived_at__isnull=True),
                name="radiation_survey_rule_one_per_day",
                violation_error_message=_("Đã có quy tắc đánh dấu từ cùng ngày; hãy sửa quy tắc đó."),
            ),
        ]

    def __str__(self) -> str:
        return _("> %(t)d nSv/h hoặc > %(m)s × trung vị xã (từ %(date)s)") % {
            "t": self.threshold_nsv_h,
            "m": self.median_multiple,
            "date": self.valid_from.strftime("%d/%m/%Y"),
        }


# --- Facilities, devices, sources ----------------------------------------------------------------


class RadiationFacility(Record):
    """A facility doing radiation work (cơ sở bức xạ): mostly hospitals and clinics with X-ray."""

    Kind = FacilityKind

    code = models.CharField(
        _("mã cơ sở"), max_length=30, blank=True, help_text=_("Mã quản lý của Sở (nếu có), ví dụ HY-BX-001")
    )
    name = models.CharField(_("tên cơ sở"), max_length=255)
    kind = models.CharField(_("loại cơ sở"), max_length=30, choices=FacilityKind.choices, default=FacilityKind.CLINIC)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="radiation_facilities",
        verbose_name=_("tổ chức (pháp nhân)"),
        help_text=_("Tổ chức đứng tên giấy phép, trong danh bạ tổ chức"),
    )
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị hành chính"),
    )
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True, help_text=_("Nhận nhắc hạn giấy phép, kiểm định"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ sở bức xạ")
        verbose_name_plural = _("cơ sở bức xạ")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="radiation_facility_unique_code",
                violation_error_message=_("Mã cơ sở này đã được dùng cho cơ sở khác."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Device(Record):
    """An X-ray device (or other radiation equipment) of a facility."""

    Kind = DeviceKind

    class Status(models.TextChoices):
        IN_USE = "in_use", _("Đang sử dụng")
        STORAGE = "storage", _("Lưu giữ, không sử dụng")
        DISUSED = "disused", _("Đã thanh lý, ngừng hẳn")
        TRANSFERRED = "transferred", _("Đã chuyển cho cơ sở khác")

    facility = models.ForeignKey(
        RadiationFacility, on_delete=models.PROTECT, related_name="devices", verbose_name=_("cơ sở")
    )
    kind = models.CharField(_("loại thiết bị"), max_length=30, choices=DeviceKind.choices, default=DeviceKind.GENERAL)
    manufacturer = models.CharField(_("hãng sản xuất"), max_length=100)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial = models.CharField(_("số sê-ri"), max_length=100, blank=True)
    year_made = models.PositiveSmallIntegerField(
        _("năm sản xuất"), null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    kv_max = models.PositiveSmallIntegerField(_("điện áp cực đại (kV)"), null=True, blank=True)
    ma_max = models.PositiveIntegerField(_("dòng cực đại (mA)"), null=True, blank=True)
    room = models.CharField(_("phòng đặt máy"), max_length=100, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.IN_USE)
    last_verified_on = models.DateField(_("ngày kiểm định gần nhất"), null=True, blank=True)
    verification_body = models.CharField(_("tổ chức kiểm định"), max_length=200, blank=True)
    next_verification_due = models.DateField(
        _("hạn kiểm định tiếp theo"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Tính từ ngày kiểm định gần nhất theo quy tắc chu kỳ kiểm định"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thiết bị bức xạ")
        verbose_name_plural = _("thiết bị bức xạ (máy X-quang)")
        ordering = ["facility__name", "kind", "pk"]
        indexes = [models.Index(fields=["next_verification_due"])]

    def __str__(self) -> str:
        parts = [self.get_kind_display(), self.manufacturer, self.model]
        text = " ".join(p for p in parts if p)
        return f"{text} ({self.serial})" if self.serial else text

    def clean(self) -> None:
        if self.last_verified_on and self.year_made and self.last_verified_on.year < self.year_made:
            raise ValidationError({"last_verified_on": _("Ngày kiểm định trước năm sản xuất của thiết bị.")})


class RadiationSource(Record):
    """A sealed radioactive source (RAIS "source": radionuclide, activity on a reference date)."""

    class Status(models.TextChoices):
        IN_USE = "in_use", _("Đang sử dụng")
        STORAGE = "storage", _("Lưu giữ")
        DISUSED = "disused", _("Nguồn đã qua sử dụng")
        TRANSFERRED = "transferred", _("Đã chuyển giao")

    class ActivityUnit(models.TextChoices):
        BQ = "Bq", "Bq"
        KBQ = "kBq", "kBq"
        MBQ = "MBq", "MBq"
        GBQ = "GBq", "GBq"
        TBQ = "TBq", "TBq"
        CI = "Ci", "Ci"
        MCI = "mCi", "mCi"

    facility = models.ForeignKey(
        RadiationFacility, on_delete=models.PROTECT, related_name="sources", verbose_name=_("cơ sở")
    )
    radionuclide = models.CharField(_("đồng vị"), max_length=30, help_text=_("Ví dụ Cs-137, Co-60, Ir-192"))
    activity = models.DecimalField(_("hoạt độ"), max_digits=14, decimal_places=4, validators=[MinValueValidator(0)])
    activity_unit = models.CharField(_("đơn vị hoạt độ"), max_length=5, choices=ActivityUnit.choices)
    reference_date = models.DateField(_("ngày xác định hoạt độ"))
    category = models.PositiveSmallIntegerField(
        _("nhóm nguồn (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Theo QCVN 6:2010/BKHCN (tương ứng nhóm 1–5 của IAEA RS-G-1.9)"),
    )
    manufacturer = models.CharField(_("hãng sản xuất"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial = models.CharField(_("số sê-ri"), max_length=100, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.IN_USE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nguồn phóng xạ")
        verbose_name_plural = _("nguồn phóng xạ")
        ordering = ["facility__name", "radionuclide", "pk"]

    def __str__(self) -> str:
        return f"{self.radionuclide} {self.activity.normalize():f} {self.activity_unit} ({self.serial or '—'})"


# --- Certificates and licences -------------------------------------------------------------------


class WorkerCertificate(Record):
    """Chứng chỉ nhân viên bức xạ: a person's certificate; since 01/02/2021 it has no expiry."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("Chứng chỉ nhân viên bức xạ")
        SAFETY_OFFICER = "safety_officer", _("Chứng chỉ người phụ trách an toàn bức xạ")

    number = models.CharField(_("số chứng chỉ"), max_length=50)
    kind = models.CharField(_("loại chứng chỉ"), max_length=20, choices=Kind.choices, default=Kind.WORKER)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="radiation_certificates",
        verbose_name=_("cá nhân trong danh bạ"),
    )
    # Personal data (Law on Personal Data Protection): department staff only, like Person's.
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    id_number = models.CharField(_("số CCCD"), max_length=20, blank=True)
    facility = models.ForeignKey(
        RadiationFacility,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="worker_certificates",
        verbose_name=_("cơ sở làm việc"),
    )
    position = models.CharField(_("chức danh, công việc"), max_length=200, blank=True)
    issue_date = models.DateField(_("ngày cấp"))
    expiry_date = models.DateField(
        _("ngày hết hạn"),
        null=True,
        blank=True,
        help_text=_("Chỉ với chứng chỉ cấp trước 01/02/2021 (loại có thời hạn 5 năm)"),
    )
    issuing_body = models.CharField(_("cơ quan cấp"), max_length=200, default="Sở Khoa học và Công nghệ tỉnh Hưng Yên")
    history = HistoricalRecords()

    PERSONAL_FIELDS = ("birth_date", "id_number")

    class Meta:
        verbose_name = _("chứng chỉ nhân viên bức xạ")
        verbose_name_plural = _("chứng chỉ nhân viên bức xạ")
        ordering = ["-issue_date", "number"]
        constraints = [
            models.UniqueConstraint(
                Lower("number"),
                name="radiation_certificate_unique_number",
                violation_error_message=_("Số chứng chỉ này đã được dùng cho một chứng chỉ khác."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.full_name}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.issue_date and self.expiry_date:
            if self.expiry_date < self.issue_date:
                errors["expiry_date"] = _("Ngày hết hạn (%(expiry)s) trước ngày cấp (%(issue)s).") % {
                    "expiry": self.expiry_date.strftime("%d/%m/%Y"),
                    "issue": self.issue_date.strftime("%d/%m/%Y"),
                }
            elif self.issue_date >= CERTIFICATE_NO_EXPIRY_FROM:
                errors["expiry_date"] = _(
                    "Chứng chỉ cấp từ ngày %(date)s không có thời hạn; hãy để trống ngày hết hạn."
                ) % {"date": CERTIFICATE_NO_EXPIRY_FROM.strftime("%d/%m/%Y")}
        if self.birth_date and self.issue_date and self.birth_date >= self.issue_date:
            errors["birth_date"] = _("Ngày sinh phải trước ngày cấp chứng chỉ.")
        if errors:
            raise ValidationError(errors)


class RadiationLicence(Record):
    """Giấy phép tiến hành công việc bức xạ. A renewal, amendment or re-issue points to the licence
    it follows (`previous`); a renewal runs from the old expiry, an amendment or a re-issue keeps it."""

    class Kind(models.TextChoices):
        NEW = "new", _("Cấp mới")
        RENEWAL = "renewal", _("Gia hạn")
        AMENDMENT = "amendment", _("Sửa đổi, bổ sung")
        REISSUE = "reissue", _("Cấp lại")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Có hiệu lực")
        SUSPENDED = "suspended", _("Bị đình chỉ")
        REVOKED = "revoked", _("Bị thu hồi")
        TERMINATED = "terminated", _("Chấm dứt (cơ sở ngừng công việc bức xạ)")

    number = models.CharField(_("số giấy phép"), max_length=50, help_text=_("Số và ký hiệu, ví dụ 15/GP-SKHCN"))
    kind = models.CharField(_("loại thủ tục"), max_length=20, choices=Kind.choices, default=Kind.NEW)
    facility = models.ForeignKey(
        RadiationFacility, on_delete=models.PROTECT, related_name="licences", verbose_name=_("cơ sở được cấp")
    )
    activity = models.CharField(
        _("công việc bức xạ"), max_length=30, choices=RadiationWork.choices, default=RadiationWork.MEDICAL_XRAY
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
        verbose_name=_("giấy phép được gia hạn, sửa đổi hoặc cấp lại"),
    )
    devices = models.ManyToManyField(Device, blank=True, related_name="licences", verbose_name=_("thiết bị được phép"))
    safety_officer = models.ForeignKey(
        WorkerCertificate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licences_as_safety_officer",
        verbose_name=_("người phụ trách an toàn"),
    )
    worker_count = models.PositiveSmallIntegerField(_("số nhân viên bức xạ"), null=True, blank=True)
    received_on = models.DateField(_("ngày nhận hồ sơ"), null=True, blank=True)
    issue_date = models.DateField(_("ngày cấp"))
    expiry_date = models.DateField(
        _("ngày hết hạn"), help_text=_("Để trống để tính theo quy tắc thời hạn giấy phép"), blank=True
    )
    conditions = models.TextField(_("điều kiện kèm theo"), blank=True)
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    appraisal_fee = models.PositiveBigIntegerField(_("phí thẩm định (đồng)"), null=True, blank=True)
    status = models.CharField(_("tình trạng pháp lý"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("lý do đổi tình trạng"), max_length=500, blank=True)
    history = HistoricalRecords(m2m_fields=[devices])

    class Meta:
        verbose_name = _("giấy phép tiến hành công việc bức xạ")
        verbose_name_plural = _("giấy phép tiến hành công việc bức xạ")
        ordering = ["-issue_date", "number"]
        constraints = [
            models.UniqueConstraint(
                Lower("number"),
                name="radiation_licence_unique_number",
                violation_error_message=_("Số giấy phép này đã được dùng cho một giấy phép khác."),
            ),
        ]
        indexes = [models.Index(fields=["expiry_date"]), models.Index(fields=["issue_date"])]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.issue_date and self.expiry_date and self.expiry_date < self.issue_date:
            errors["expiry_date"] = _("Ngày hết hạn (%(expiry)s) trước ngày cấp (%(issue)s).") % {
                "expiry": self.expiry_date.strftime("%d/%m/%Y"),
                "issue": self.issue_date.strftime("%d/%m/%Y"),
            }
        if self.received_on and self.issue_date and self.received_on > self.issue_date:
            errors["received_on"] = _("Ngày nhận hồ sơ sau ngày cấp giấy phép.")
        if self.kind == self.Kind.NEW and self.previous_id:
            errors["previous"] = _("Giấy phép cấp mới không dẫn tới giấy phép trước; hãy chọn loại thủ tục khác.")
        if self.kind != self.Kind.NEW and not self.previous_id:
            errors["previous"] = _("Hãy chọn giấy phép được %(kind)s.") % {"kind": self.get_kind_display().lower()}
        if self.previous_id and self.pk and self.previous_id == self.pk:
            errors["previous"] = _("Giấy phép không thể dẫn tới chính nó.")
        previous = self.previous if self.previous_id else None
        if previous is not None and self.facility_id and previous.facility_id != self.facility_id:
            errors["previous"] = _("Giấy phép trước thuộc cơ sở khác (%(facility)s).") % {"facility": previous.facility}
        if errors:
            raise ValidationError(errors)


# --- Trainings -----------------------------------------------------------------------------------


class Training(Record):
    """A training in radiation and nuclear safety (tập huấn)."""

    class Audience(models.TextChoices):
        FACILITIES = "facilities", _("Cơ sở bức xạ, nhân viên bức xạ")
        STAFF = "staff", _("Cán bộ của Sở")
        OTHER = "other", _("Khác")

    date = models.DateField(_("ngày tổ chức"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    topic = models.CharField(_("chủ đề"), max_length=500)
    audience = models.CharField(_("đối tượng"), max_length=20, choices=Audience.choices, default=Audience.FACILITIES)
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255, blank=True)
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị hành chính"),
    )
    trainee_count = models.PositiveIntegerField(_("số người, đơn vị tham dự"))
    participants = models.TextField(
        _("danh sách tham dự"), blank=True, help_text=_("Mỗi dòng một người hoặc một đơn vị")
    )
    facilities = models.ManyToManyField(
        RadiationFacility, blank=True, related_name="trainings", verbose_name=_("cơ sở bức xạ tham dự")
    )
    history = HistoricalRecords(m2m_fields=[facilities])

    class Meta:
        verbose_name = _("tập huấn an toàn bức xạ")
        verbose_name_plural = _("tập huấn an toàn bức xạ")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.topic}"

    def clean(self) -> None:
        if self.date and self.end_date and self.end_date < self.date:
            raise ValidationError({"end_date": _("Ngày kết thúc trước ngày tổ chức.")})


# --- Environmental radiation background survey ---------------------------------------------------


class Survey(Record):
    """A survey campaign of the environmental radiation background (đợt quan trắc)."""

    class Quantity(models.TextChoices):
        AMBIENT_DOSE_EQUIVALENT = "h10", _("Suất liều tương đương môi trường H*(10)")
        AIR_ABSORBED_DOSE = "air", _("Suất liều hấp thụ trong không khí")

    code = models.CharField(_("mã đợt"), max_length=30, help_text=_("Ví dụ HY-2023; dùng trong tệp nhập điểm đo"))
    name = models.CharField(_("tên đợt quan trắc"), max_length=255)
    start_date = models.DateField(_("bắt đầu"))
    end_date = models.DateField(_("kết thúc"), null=True, blank=True)
    contractor = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị thực hiện"),
    )
    quantity = models.CharField(
        _("đại lượng đo"), max_length=10, choices=Quantity.choices, default=Quantity.AMBIENT_DOSE_EQUIVALENT
    )
    method = models.TextField(_("phương pháp"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt quan trắc phông phóng xạ")
        verbose_name_plural = _("đợt quan trắc phông phóng xạ")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="radiation_survey_unique_code",
                violation_error_message=_("Mã đợt quan trắc này đã được dùng."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc trước ngày bắt đầu.")})


class MeasurementPoint(Record):
    """One point of a survey: where (WGS84), in which commune as named then and as mapped now,
    what the meter read (raw value and unit) and that value in nSv/h."""

    class LandUse(models.TextChoices):
        PADDY = "paddy", _("Ruộng lúa")
        CROPLAND = "cropland", _("Đất màu, vườn cây")
        ROAD = "road", _("Đường giao thông")
        RESIDENTIAL = "residential", _("Khu dân cư")
        RIVER_BANK = "river_bank", _("Bãi sông, ven sông")
        INDUSTRIAL = "industrial", _("Khu, cụm công nghiệp")
        COAST = "coast", _("Ven biển")
        OTHER = "other", _("Khác")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="points", verbose_name=_("đợt quan trắc"))
    code = models.CharField(_("mã điểm"), max_length=30)
    measured_on = models.DateField(_("ngày đo"))
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6)
    place_name = models.CharField(_("địa danh"), max_length=255, blank=True)
    unit_named = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã/phường khi đo"),
        help_text=_("Đơn vị hành chính ghi trong hồ sơ đo (có thể là xã, huyện trước 01/07/2025)"),
    )
    # Both derived from unit_named by the services and the import (never typed in): the unit it
    # maps to today, and the district it belonged to when named (for statistics by old district).
    current_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("xã/phường hiện nay"),
    )
    district_then = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("huyện (trước 2025)"),
    )
    land_use = models.CharField(_("loại bề mặt"), max_length=20, choices=LandUse.choices, default=LandUse.OTHER)
    height_m = models.DecimalField(
        _("độ cao đo (m)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
    )
    instrument = models.CharField(_("thiết bị đo"), max_length=200, blank=True, help_text=_("Model và số máy"))
    instrument_calibrated_on = models.DateField(_("ngày hiệu chuẩn thiết bị"), null=True, blank=True)
    raw_value = models.DecimalField(_("giá trị đo"), max_digits=12, decimal_places=4, null=True, blank=True)
    raw_unit = models.CharField(_("đơn vị đo"), max_length=10, choices=DoseUnit.choices, blank=True)
    value_nsv_h = models.DecimalField(
        _("suất liều (nSv/h)"), max_digits=9, decimal_places=1, null=True, blank=True, editable=False
    )
    measured_by = models.CharField(_("người đo"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm đo phông phóng xạ")
        verbose_name_plural = _("điểm đo phông phóng xạ")
        ordering = ["survey", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code"],
                name="radiation_point_unique_code_per_survey",
                violation_error_message=_("Mã điểm này đã có trong đợt quan trắc."),
            ),
        ]
        indexes = [
            models.Index(fields=["measured_on"]),
            models.Index(fields=["survey", "value_nsv_h"]),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        # The same checks as the import (checks.point_errors), so a point typed in the back office
        # and a point in a file are refused for the same reasons with the same words.
        from khcn.registries.radiation.checks import point_errors, validation_error

        errors = point_errors(
            latitude=self.latitude,
            longitude=self.longitude,
            raw_value=self.raw_value,
            raw_unit=self.raw_unit,
            measured_on=self.measured_on,
            calibrated_on=self.instrument_calibrated_on,
            note=self.note,
        )
        if errors:
            raise validation_error(errors)
