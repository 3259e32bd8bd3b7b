"""Metrology: group-2 measuring instruments, their verification cycles, and verifications.

Legal basis: Luật Đo lường 2011; TT 23/2013/TT-BKHCN as amended by TT 07/2019 and TT 03/2024
(consolidated in 02/VBHN-BKHCN, 2024), which lists the instrument types and their cycles.
Cycles change with amendments, so they are data (`VerificationCycle`, one row per type and date
from which it applies), and every verification keeps the cycle it was given.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import BulkHistory, Record
from khcn.directory.models import Organisation


class InstrumentType(models.Model):
    """A type of measuring instrument on the group-2 list (classification data, not a record)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại phương tiện đo"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loại phương tiện đo")
        verbose_name_plural = _("loại phương tiện đo")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class VerificationCycle(models.Model):
    """The verification cycle of a type from `valid_from` on; the row in force on a verification's
    date is the one with the latest `valid_from` not after it."""

    instrument_type = models.ForeignKey(
        InstrumentType, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("loại phương tiện đo")
    )
    valid_from = models.DateField(_("áp dụng từ ngày"))
    # Empty: the type needs an initial verification only, so nothing falls due afterwards.
    cycle_months = models.PositiveSmallIntegerField(
        _("chu kỳ kiểm định (tháng)"),
        null=True,
        blank=True,
        help_text=_("Để trống nếu loại này chỉ kiểm định ban đầu."),
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    note = models.CharField(
        _("ghi chú"),
        max_length=500,
        blank=True,
        help_text=_("Ghi [R] nếu giá trị được nhớ lại, chưa đối chiếu với văn bản."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chu kỳ kiểm định")
        verbose_name_plural = _("chu kỳ kiểm định")
        ordering = ["instrument_type", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_type", "valid_from"],
                name="verification_cycle_once_per_date",
                violation_error_message=_("Loại phương tiện đo này đã có chu kỳ áp dụng từ ngày này."),
            ),
        ]

    def __str__(self) -> str:
        months = (
            _("chỉ kiểm định ban đầu") if self.cycle_months is None else _("%(n)d tháng") % {"n": self.cycle_months}
        )
        return f"{self.instrument_type}: {months} ({self.valid_from:%d/%m/%Y})"


class Instrument(Record):
    """A measuring instrument in use. Serials are unique only per type and manufacturer."""

    class Status(models.TextChoices):
        IN_USE = "in_use", _("Đang sử dụng")
        REJECTED = "rejected", _("Bị loại bỏ (kiểm định không đạt)")

    # The unique (type, serial, manufacturer) index below serves lookups by type; a second index
    # on the type alone would only slow down every write of a year-sized import.
    instrument_type = models.ForeignKey(
        InstrumentType,
        on_delete=models.PROTECT,
        related_name="instruments",
        verbose_name=_("loại phương tiện đo"),
        db_index=False,
    )
    serial = models.CharField(_("số sêri"), max_length=60)
    manufacturer = models.CharField(_("hãng sản xuất"), max_length=100, blank=True)
    model = models.CharField(_("kiểu, mẫu"), max_length=100, blank=True)
    manufacture_year = models.PositiveSmallIntegerField(_("năm sản xuất"), null=True, blank=True)
    first_registered_on = models.DateField(
        _("ngày đăng ký lần đầu"),
        null=True,
        blank=True,
        help_text=_(
            "Ngày phương tiện đo được đăng ký, đưa vào sử dụng lần đầu; không lần kiểm định nào được trước ngày này."
        ),
    )
    accuracy_class = models.CharField(_("cấp chính xác"), max_length=30, blank=True)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="instruments", verbose_name=_("chủ sở hữu")
    )
    location = models.CharField(_("nơi sử dụng"), max_length=300, blank=True)
    # The three fields below follow from the instrument's latest verification. They are kept on
    # the instrument so that "due within 30 days" and "rejected" read one row per instrument, not
    # millions of verifications; services.instruments_refresh keeps them in step. None of them is
    # indexed: a year's import rewrites all three for every instrument it names, and with no
    # index on them (and free room left in each page, migration 0003) PostgreSQL rewrites each row
    # in place (a HOT update) instead of adding an entry to every index: 1.47 s -> 0.25 s for
    # 100,000 instruments (docs/benchmarks.md). A due-date search reads the instrument table,
    # which for a province's tens of thousands of instruments takes milliseconds.
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=Status.choices, default=Status.IN_USE, editable=False
    )
    last_verified_on = models.DateField(_("kiểm định gần nhất"), null=True, blank=True, editable=False)
    next_due_on = models.DateField(_("hạn kiểm định tiếp theo"), null=True, blank=True, editable=False)
    # History is read per instrument (by id), never by type or owner: no index on those there
    # (nor on its date and user, see BulkHistory).
    history = BulkHistory(
        excluded_fields=["last_verified_on", "next_due_on"],
        no_db_index=["instrument_type", "owner"],
    )

    class Meta:
        verbose_name = _("phương tiện đo")
        verbose_name_plural = _("phương tiện đo")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_type", "serial", "manufacturer"],
                name="instrument_unique_serial_per_type_and_maker",
                violation_error_message=_("Đã có phương tiện đo cùng loại, cùng hãng sản xuất với số sêri này."),
            ),
        ]
        indexes = [
            models.Index(fields=["serial"], name="instrument_serial"),
        ]

    def __str__(self) -> str:
        return _("%(type)s số %(serial)s") % {"type": self.instrument_type.name, "serial": self.serial}


class Verification(Record):
    """One verification of one instrument: who verified it, when, the result and the marking.

    A passed verification carries a certificate and a stamp, and is valid until its date plus
    the cycle in force on that date (copied here, so a later change of cycle does not rewrite it).
    """

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Ban đầu")
        PERIODIC = "periodic", _("Định kỳ")
        AFTER_REPAIR = "after_repair", _("Sau sửa chữa")

    class Result(models.TextChoices):
        PASSED = "passed", _("Đạt")
        FAILED = "failed", _("Không đạt")

    # The (instrument, date) unique index below serves lookups by instrument; a second index on
    # instrument alone would only slow down year-sized imports.
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="verifications",
        verbose_name=_("phương tiện đo"),
        db_index=False,
    )
    kind = models.CharField(_("hình thức kiểm định"), max_length=20, choices=Kind.choices, default=Kind.PERIODIC)
    date = models.DateField(_("ngày kiểm định"))
    # No index: nothing selects verifications by their verifying body (the certificate index
    # leads with the number), and organisations are archived, never deleted.
    verifying_body = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị kiểm định"), db_index=False
    )
    verifier = models.CharField(_("kiểm định viên"), max_length=200, blank=True)
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices)
    certificate_no = models.CharField(_("số giấy chứng nhận kiểm định"), max_length=60, blank=True)
    stamp_no = models.CharField(_("số tem kiểm định"), max_length=60, blank=True)
    cycle_months = models.PositiveSmallIntegerField(_("chu kỳ áp dụng (tháng)"), null=True, blank=True, editable=False)
    valid_until = models.DateField(_("hạn kiểm định tiếp theo"), null=True, blank=True, editable=False)
    # History is read per verification (by id): four fewer indexes to keep up on every import row
    # (instrument and verifying body here, date and user in BulkHistory). Its user column has no
    # database constraint: PostgreSQL checks a foreign key row by row at commit, 0.4 s of a
    # 100,000-row import for a column that only ever holds the signed-in user.
    history = BulkHistory(no_db_index=["instrument", "verifying_body"])

    class Meta:
        verbose_name = _("lần kiểm định")
        verbose_name_plural = _("kết quả kiểm định")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "date"],
                name="verification_once_per_instrument_and_day",
                violation_error_message=_("Phương tiện đo này đã có kết quả kiểm định trong ngày này."),
            ),
            # Certificate numbers are issued by each verifying body; the number leads the index so
            # that a search by certificate number uses it.
            models.UniqueConstraint(
                fields=["certificate_no", "verifying_body"],
                condition=~Q(certificate_no=""),
                name="verification_unique_certificate_per_body",
                violation_error_message=_(
                    "Số giấy chứng nhận này đã được đơn vị kiểm định cấp cho lần kiểm định khác."
                ),
            ),
            models.CheckConstraint(
                condition=Q(result="failed") | (~Q(certificate_no="") & ~Q(stamp_no="")),
                name="verification_passed_has_certificate_and_stamp",
                violation_error_code="passed_without_marks",
                violation_error_message=_("Phương tiện đo đạt yêu cầu phải có số giấy chứng nhận và số tem."),
            ),
        ]
        indexes = [
            # (date, id): newest-first pages are read by keyset on this pair.
            models.Index(fields=["date", "id"], name="verification_date"),
            models.Index(fields=["stamp_no"], name="verification_stamp"),
        ]

    def __str__(self) -> str:
        return _("Kiểm định ngày %(date)s: %(result)s") % {
            "date": self.date.strftime("%d/%m/%Y") if self.date else "",
            "result": self.get_result_display(),
        }

    @property
    def passed(self) -> bool:
        return self.result == self.Result.PASSED
