"""The library of legal documents on science and technology (văn bản QPPL, chỉ đạo điều hành).

The province's leadership asked to "systematise the legal normative and directive documents on
S&T, as the basis for communication" (facts.md). Each document keeps its number, date, issuer,
subject, effective and expiry dates, and its links to the documents it amends, replaces, guides or
repeals. The file itself is an attachment (core.Attachment), like every record's files.

Search is diacritic-insensitive: `search_text` holds the folded number, subject, issuer and signer
(khcn.lib.text.fold), so "khoa hoc" finds "khoa học" and "do luong" finds "Đo lường", with a plain
LIKE on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.directory.models import Organisation
from khcn.lib.text import fold


def number_key(number: str) -> str:
    """A document number as compared for duplicates: "12/2023/QĐ-UBND", "12/2023/qđ-ubnd" and
    "12/2023/QD-UBND" are one number (SQLite's case-insensitive match stops at ASCII, and people
    often type Đ as D)."""
    return fold(number).replace(" ", "")


class LegalDocument(Record):
    class Kind(models.TextChoices):
        NORMATIVE = "normative", _("Văn bản quy phạm pháp luật")
        DIRECTIVE = "directive", _("Văn bản chỉ đạo, điều hành")

    class Form(models.TextChoices):
        """The document's form (hình thức văn bản), as its number's symbol shows it."""

        LAW = "law", _("Luật")
        RESOLUTION = "resolution", _("Nghị quyết")
        DECREE = "decree", _("Nghị định")
        CIRCULAR = "circular", _("Thông tư")
        DECISION = "decision", _("Quyết định")
        DIRECTIVE = "directive", _("Chỉ thị")
        PLAN = "plan", _("Kế hoạch")
        OFFICIAL_LETTER = "letter", _("Công văn")
        NOTICE = "notice", _("Thông báo")
        CONSOLIDATED = "consolidated", _("Văn bản hợp nhất")
        OTHER = "other", _("Khác")

    class Area(models.TextChoices):
        SCIENCE = "science", _("Khoa học và công nghệ")
        INNOVATION = "innovation", _("Đổi mới sáng tạo, khởi nghiệp")
        TECHNOLOGY = "technology", _("Chuyển giao, đánh giá công nghệ")
        IP = "ip", _("Sở hữu trí tuệ")
        STANDARDS = "standards", _("Tiêu chuẩn, đo lường, chất lượng")
        RADIATION = "radiation", _("Năng lượng nguyên tử, an toàn bức xạ")
        DIGITAL = "digital", _("Chuyển đổi số, thông tin và truyền thông")
        INSPECTION = "inspection", _("Thanh tra, kiểm tra")
        ORGANISATION = "organisation", _("Tổ chức bộ máy")
        OTHER = "other", _("Khác")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    form = models.CharField(_("hình thức văn bản"), max_length=20, choices=Form.choices, default=Form.DECISION)
    number = models.CharField(_("số, ký hiệu"), max_length=100, help_text=_("Ví dụ: 23/2021/QĐ-UBND"))
    number_key = models.CharField(max_length=100, editable=False, default="")
    issue_date = models.DateField(_("ngày ban hành"))
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="legal_documents", verbose_name=_("cơ quan ban hành")
    )
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    subject = models.TextField(_("trích yếu"))
    area = models.CharField(_("lĩnh vực"), max_length=20, choices=Area.choices, default=Area.SCIENCE)
    effective_date = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    expired = models.BooleanField(_("đã hết hiệu lực"), default=False)
    expired_on = models.DateField(
        _("ngày hết hiệu lực"), null=True, blank=True, help_text=_("Để trống nếu còn hiệu lực hoặc chưa rõ ngày.")
    )
    drafted_by_department = models.BooleanField(
        _("do Sở tham mưu, ban hành"),
        default=False,
        help_text=_("Đánh dấu văn bản Sở soạn thảo hoặc tham mưu trình ban hành (được tính vào báo cáo năm)."),
    )
    is_public = models.BooleanField(
        _("công khai trên thư viện văn bản"),
        default=True,
        help_text=_("Bỏ đánh dấu với văn bản không công bố rộng rãi."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    related = models.ManyToManyField(
        "self",
        through="LegalDocumentRelation",
        symmetrical=False,
        blank=True,
        related_name="related_from",
        verbose_name=_("văn bản liên quan"),
    )
    # Folded number, subject, issuer and signer: the column diacritic-insensitive search reads.
    search_text = models.TextField(editable=False, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản pháp luật, chỉ đạo điều hành")
        verbose_name_plural = _("văn bản pháp luật, chỉ đạo điều hành")
        ordering = ["-issue_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number_key"],
                name="legaldoc_unique_number_per_issuer",
                violation_error_message=_("Cơ quan này đã có văn bản mang số, ký hiệu này."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "issue_date"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.number} ngày {self.issue_date:%d/%m/%Y}"

    def compute_search_text(self, issuer_name: str | None = None) -> str:
        if issuer_name is None:
            issuer_name = self.issuer.name if self.issuer_id else ""
        parts = (self.number, self.subject, issuer_name, self.signer, self.get_form_display())
        return fold(" ".join(p for p in parts if p))

    def get_public_url(self) -> str:
        return reverse("legaldocs:document-detail", args=[self.pk])


class LegalDocumentRelation(models.Model):
    """`source` amends, replaces, guides or repeals `target` (the older document)."""

    class Kind(models.TextChoices):
        AMENDS = "amends", _("Sửa đổi, bổ sung")
        REPLACES = "replaces", _("Thay thế")
        GUIDES = "guides", _("Hướng dẫn thi hành")
        REPEALS = "repeals", _("Bãi bỏ")

    # How a relation reads from the other end, on the older document's page.
    INVERSE_LABELS = {
        Kind.AMENDS: _("Được sửa đổi, bổ sung bởi"),
        Kind.REPLACES: _("Được thay thế bởi"),
        Kind.GUIDES: _("Được hướng dẫn bởi"),
        Kind.REPEALS: _("Bị bãi bỏ bởi"),
    }
    # These end the older document's force (entirely, as recorded here; a partial repeal is noted).
    ENDING_KINDS = frozenset({Kind.REPLACES, Kind.REPEALS})

    source = models.ForeignKey(
        LegalDocument, on_delete=models.CASCADE, related_name="relations_out", verbose_name=_("văn bản")
    )
    target = models.ForeignKey(
        LegalDocument, on_delete=models.PROTECT, related_name="relations_in", verbose_name=_("văn bản bị tác động")
    )
    kind = models.CharField(_("quan hệ"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True, help_text=_("Ví dụ: sửa đổi Điều 5, Điều 7"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quan hệ giữa văn bản")
        verbose_name_plural = _("quan hệ giữa văn bản")
        ordering = ["source", "kind", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="legaldoc_relation_once",
                violation_error_message=_("Quan hệ này đã được ghi."),
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="legaldoc_relation_not_self",
                violation_error_message=_("Một văn bản không thể tác động lên chính nó."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.number} – {self.get_kind_display().lower()} – {self.target.number}"

    @property
    def inverse_label(self) -> str:
        return str(self.INVERSE_LABELS[self.Kind(self.kind)])
