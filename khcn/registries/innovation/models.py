"""Innovation and start-ups (registries.md §5): support given to innovative start-ups, events
(workshops, fairs such as the Red River Delta Techfest, the creative start-up day with the
provincial youth union) with the enterprises that took part, and trainings.

News items and reports on innovation are not kept here: they are the news app's articles with
topic "innovation" (see khcn.registries.news.metrics, key innovation.news_items), so the figure in
the report is the list of articles the public reads.

Basis: QĐ 844/QĐ-TTg (2016) on the national innovative start-up ecosystem, extended in 2022 [U],
and the province's yearly plans.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class StartupSupport(Record):
    """One support given in a year to an innovative start-up (an enterprise in the directory)."""

    class SupportKind(models.TextChoices):
        CONSULTING = "consulting", _("Tư vấn, đào tạo, huấn luyện")
        IP = "ip", _("Xác lập, bảo hộ quyền sở hữu trí tuệ")
        TECHNOLOGY = "technology", _("Hoàn thiện công nghệ, sản phẩm")
        STANDARDS = "standards", _("Tiêu chuẩn, chất lượng, truy xuất nguồn gốc")
        PROMOTION = "promotion", _("Xúc tiến, kết nối, truyền thông")
        INCUBATION = "incubation", _("Ươm tạo, không gian làm việc")
        FUNDING = "funding", _("Hỗ trợ kinh phí")
        OTHER = "other", _("Khác")

    class Stage(models.TextChoices):
        IDEA = "idea", _("Ý tưởng")
        PROTOTYPE = "prototype", _("Sản phẩm mẫu")
        MARKET = "market", _("Thương mại hóa")
        GROWTH = "growth", _("Mở rộng, tăng trưởng")

    enterprise = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="startup_supports",
        verbose_name=_("doanh nghiệp khởi nghiệp"),
    )
    year = models.PositiveSmallIntegerField(_("năm hỗ trợ"), validators=YEAR_VALIDATORS)
    project = models.CharField(_("dự án, sản phẩm khởi nghiệp"), max_length=300, blank=True)
    founders = models.CharField(_("người sáng lập"), max_length=300, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=200, blank=True)
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=Stage.choices, blank=True)
    support_kind = models.CharField(_("hình thức hỗ trợ"), max_length=20, choices=SupportKind.choices)
    amount = models.PositiveBigIntegerField(_("kinh phí hỗ trợ (đồng)"), default=0)
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
        verbose_name = _("hỗ trợ khởi nghiệp đổi mới sáng tạo")
        verbose_name_plural = _("hỗ trợ khởi nghiệp đổi mới sáng tạo")
        ordering = ["-year", "enterprise__name"]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.enterprise} – {self.get_support_kind_display()} ({self.year})"


class Event(Record):
    """An innovation event: a workshop, a fair or supply-demand event (Techfest), a start-up day."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Hội thảo, tọa đàm")
        FAIR = "fair", _("Hội chợ, triển lãm, kết nối cung – cầu công nghệ")
        STARTUP_DAY = "startup_day", _("Ngày hội khởi nghiệp")
        CONTEST = "contest", _("Cuộc thi ý tưởng, dự án khởi nghiệp")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên sự kiện"), max_length=300)
    kind = models.CharField(_("loại sự kiện"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    location = models.CharField(_("địa điểm"), max_length=300, blank=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị hành chính nơi tổ chức"),
    )
    organisers = models.CharField(_("đơn vị tổ chức, phối hợp"), max_length=500, blank=True)
    organised_by_department = models.BooleanField(
        _("Sở tổ chức hoặc đồng tổ chức"),
        default=True,
        help_text=_("Bỏ đánh dấu với sự kiện của nơi khác mà Sở đưa doanh nghiệp tham gia (ví dụ Techfest vùng)."),
    )
    is_techfest = models.BooleanField(_("thuộc chuỗi sự kiện Techfest"), default=False)
    attendee_count = models.PositiveIntegerField(_("số người tham dự"), null=True, blank=True)
    participants = models.ManyToManyField(
        Organisation,
        through="EventParticipation",
        blank=True,
        related_name="innovation_events",
        verbose_name=_("doanh nghiệp, tổ chức tham gia"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sự kiện đổi mới sáng tạo")
        verbose_name_plural = _("sự kiện đổi mới sáng tạo")
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%d/%m/%Y})"


class EventParticipation(models.Model):
    """An enterprise (or other organisation) taking part in an event, and how."""

    class Role(models.TextChoices):
        EXHIBITOR = "exhibitor", _("Trưng bày, giới thiệu sản phẩm")
        MATCHING = "matching", _("Tham gia kết nối cung – cầu")
        PITCH = "pitch", _("Trình bày, thi dự án")
        ATTENDEE = "attendee", _("Tham dự")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations", verbose_name=_("sự kiện"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="innovation_participations", verbose_name=_("tổ chức")
    )
    role = models.CharField(_("hình thức tham gia"), max_length=20, choices=Role.choices, default=Role.EXHIBITOR)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tổ chức tham gia sự kiện")
        verbose_name_plural = _("tổ chức tham gia sự kiện")
        ordering = ["event", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"],
                name="innovation_participation_once",
                violation_error_message=_("Tổ chức này đã có trong danh sách tham gia sự kiện."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.event}"


class Training(Record):
    """A training on IP, start-ups or innovation, with how many people were trained."""

    class Area(models.TextChoices):
        IP = "ip", _("Sở hữu trí tuệ")
        STARTUP = "startup", _("Khởi nghiệp đổi mới sáng tạo")
        INNOVATION = "innovation", _("Đổi mới sáng tạo, quản trị đổi mới")
        DIGITAL = "digital", _("Chuyển đổi số, thương mại điện tử")
        OTHER = "other", _("Khác")

    topic = models.CharField(_("chủ đề tập huấn"), max_length=300)
    area = models.CharField(_("lĩnh vực"), max_length=20, choices=Area.choices, default=Area.STARTUP)
    audience = models.CharField(
        _("đối tượng"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: đoàn viên thanh niên, doanh nghiệp, hợp tác xã, hộ sản xuất, cán bộ quản lý"),
    )
    date = models.DateField(_("ngày tập huấn"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    location = models.CharField(_("địa điểm"), max_length=300, blank=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị hành chính nơi tổ chức"),
    )
    organisers = models.CharField(_("đơn vị tổ chức, phối hợp"), max_length=500, blank=True)
    trainee_count = models.PositiveIntegerField(_("số học viên"), validators=[MinValueValidator(1)])
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = _("lớp tập huấn")
        ordering = ["-date", "topic"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d/%m/%Y})"
