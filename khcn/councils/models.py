"""Councils (hội đồng): members, meetings, the objects they judge, score sheets, and the rule sets
that turn sheets into a result.

A council judges any record (a proposal, an application, a task, an initiative...) through a
generic link, so identification, selection, appraisal, acceptance and initiative councils share
one model. What the law says about quorum and thresholds lives in RuleSet rows, never in code.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.councils.fields import FractionField, parse_fraction
from khcn.directory.models import OfficialDocument, Person


class CouncilKind(models.TextChoices):
    IDENTIFICATION = "identification", _("Tư vấn xác định nhiệm vụ")
    SELECTION = "selection", _("Tuyển chọn tổ chức, cá nhân chủ trì")
    DIRECT_ASSIGNMENT = "direct_assignment", _("Giao trực tiếp tổ chức, cá nhân chủ trì")
    BUDGET_APPRAISAL = "budget_appraisal", _("Thẩm định nội dung, kinh phí")
    ACCEPTANCE = "acceptance", _("Đánh giá, nghiệm thu")
    INITIATIVES = "initiatives", _("Xét công nhận sáng kiến")
    TECHNOLOGY_APPRAISAL = "technology_appraisal", _("Thẩm định, cho ý kiến về công nghệ")


class Method(models.TextChoices):
    """How a member gives a judgment; the rule set of each kind says which."""

    SCORE = "score", _("Chấm điểm theo tiêu chí")
    VOTE = "vote", _("Bỏ phiếu đề nghị / không đề nghị")
    GRADE = "grade", _("Xếp loại Xuất sắc / Đạt / Không đạt")


class Vote(models.TextChoices):
    RECOMMEND = "recommend", _("Đề nghị thực hiện")
    NOT_RECOMMEND = "not_recommend", _("Không đề nghị thực hiện")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Xuất sắc")
    PASSED = "passed", _("Đạt")
    FAILED = "failed", _("Không đạt")


# A vote means "go ahead" whatever the council; the words differ by kind.
VOTE_LABELS: dict[str, tuple[Any, Any]] = {
    CouncilKind.IDENTIFICATION: (_("Đề nghị thực hiện"), _("Không đề nghị thực hiện")),
    CouncilKind.SELECTION: (_("Đề nghị chọn"), _("Không đề nghị chọn")),
    CouncilKind.DIRECT_ASSIGNMENT: (_("Đề nghị giao"), _("Không đề nghị giao")),
    CouncilKind.BUDGET_APPRAISAL: (_("Đồng ý thông qua"), _("Không đồng ý thông qua")),
    CouncilKind.INITIATIVES: (_("Đề nghị công nhận"), _("Không đề nghị công nhận")),
    CouncilKind.TECHNOLOGY_APPRAISAL: (_("Đạt yêu cầu"), _("Không đạt yêu cầu")),
    CouncilKind.ACCEPTANCE: (_("Đề nghị công nhận"), _("Không đề nghị công nhận")),
}


def vote_choices(kind: str) -> list[tuple[str, Any]]:
    yes, no = VOTE_LABELS.get(kind, (Vote.RECOMMEND.label, Vote.NOT_RECOMMEND.label))
    return [(Vote.RECOMMEND.value, yes), (Vote.NOT_RECOMMEND.value, no)]


CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def validate_criterion_code(value: str) -> None:
    # The code becomes a form field name (score_<code>) and a key in API payloads.
    if not CODE_RE.match(value or ""):
        raise ValidationError(
            _(
                "Mã tiêu chí chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ (ví dụ: can_thiet)."
            ),
            code="bad_code",
        )


class RuleSet(Record):
    """The aggregation rules of one kind of council for a period (a legal regime).

    Fractions are exact (FractionField); uncertain values are marked "[chưa xác minh]" in
    `legal_basis` until someone reads the provincial text and confirms them.
    """

    kind = models.CharField(_("loại hội đồng"), max_length=30, choices=CouncilKind.choices)
    name = models.CharField(_("tên bộ quy tắc"), max_length=255)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("áp dụng đến hết ngày"), null=True, blank=True)
    method = models.CharField(_("cách đánh giá"), max_length=10, choices=Method.choices)
    quorum_fraction = FractionField(
        _("tỉ lệ thành viên có mặt tối thiểu"), default="2/3", help_text=_("Phân số, ví dụ 2/3.")
    )
    quorum_requires_chair = models.BooleanField(_("phải có Chủ tịch hoặc Phó Chủ tịch"), default=True)
    quorum_requires_reviewers = models.BooleanField(_("phải có đủ 2 phản biện"), default=False)
    pass_mean_score = models.DecimalField(
        _("điểm trung bình tối thiểu để đạt"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    max_zero_fraction = FractionField(
        _("tỉ lệ tối đa thành viên có mặt cho 0 điểm một tiêu chí"),
        null=True,
        blank=True,
        help_text=_("Ví dụ 1/3: không tiêu chí nào bị quá 1/3 số thành viên có mặt cho 0 điểm."),
    )
    pass_fraction = FractionField(
        _("tỉ lệ thành viên có mặt xếp loại Đạt trở lên"), null=True, blank=True, help_text=_("Nghiệm thu, ví dụ 3/4.")
    )
    excellent_fraction = FractionField(
        _("tỉ lệ thành viên có mặt xếp loại Xuất sắc"), null=True, blank=True, help_text=_("Nghiệm thu, ví dụ 3/4.")
    )
    excellent_requires_no_failed = models.BooleanField(_("Xuất sắc khi không có phiếu Không đạt"), default=True)
    recommend_fraction = FractionField(
        _("tỉ lệ thành viên có mặt bỏ phiếu đề nghị"), null=True, blank=True, help_text=_("Bỏ phiếu, ví dụ 2/3.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ quy tắc đánh giá")
        verbose_name_plural = _("bộ quy tắc đánh giá")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="ruleset_valid_to_after_from",
                violation_error_message=_("Ngày hết áp dụng phải sau ngày bắt đầu áp dụng."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        required = {
            Method.SCORE: ("pass_mean_score",),
            Method.VOTE: ("recommend_fraction",),
            Method.GRADE: ("pass_fraction", "excellent_fraction"),
        }.get(self.method, ())  # type: ignore[call-overload]
        for name in required:
            if getattr(self, name) in (None, ""):
                errors[name] = _("Cách đánh giá này cần giá trị này.")
        if self.valid_from and self.kind:
            overlapping = RuleSet.objects.active().filter(kind=self.kind).exclude(pk=self.pk)
            overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
            if self.valid_to:
                overlapping = overlapping.filter(valid_from__lte=self.valid_to)
            if overlapping.exists():
                errors["valid_from"] = _(
                    "Thời gian áp dụng trùng với bộ quy tắc khác cùng loại hội đồng (%(other)s). "
                    "Hãy đặt ngày hết áp dụng cho bộ cũ trước."
                ) % {"other": overlapping.first()}
        if errors:
            raise ValidationError(errors)

    def fraction(self, name: str) -> Any:
        """A fraction field as a Fraction, even on an instance not yet reloaded from the database."""
        value = getattr(self, name)
        return None if value in (None, "") else parse_fraction(value)

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.criteria.all())


class RuleCriterion(models.Model):
    """One line of the score sheet: a criterion and its maximum points."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("bộ quy tắc")
    )
    code = models.CharField(_("mã"), max_length=40, validators=[validate_criterion_code])
    label = models.CharField(_("tiêu chí"), max_length=500)
    description = models.TextField(_("hướng dẫn chấm"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("điểm tối đa"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_key = models.BooleanField(
        _("tiêu chí ưu tiên khi bằng điểm"), default=False, help_text=_("Dùng để phân định khi hai hồ sơ bằng điểm.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["rule_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="criterion_unique_code_per_rule_set"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.max_points})"


class Council(Record):
    Kind = CouncilKind

    kind = models.CharField(_("loại hội đồng"), max_length=30, choices=CouncilKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    name = models.CharField(_("tên hội đồng"), max_length=500)
    decision = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="councils",
        verbose_name=_("quyết định thành lập"),
    )
    # Bound when the council is created, so adding a newer rule set later never changes the
    # result of a council that has already met.
    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        blank=True,
        related_name="councils",
        verbose_name=_("bộ quy tắc đánh giá"),
        help_text=_("Để trống: hệ thống chọn theo loại hội đồng và ngày quyết định (hoặc năm)."),
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hội đồng")
        verbose_name_plural = _("hội đồng")
        ordering = ["-year", "name"]
        indexes = [models.Index(fields=["kind", "year"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.rule_set_id is None and self.kind and self.year:
            from khcn.councils.selectors import rule_set_for

            found = rule_set_for(kind=self.kind, on=self.reference_date)
            if found is None and not RuleSet.objects.exists():
                # An emptied rule-set table (`manage.py flush`, a transactional test) gets the
                # defaults back; a table someone configured is never touched.
                from khcn.councils.defaults import seed_defaults

                seed_defaults(RuleSet, RuleCriterion)
                found = rule_set_for(kind=self.kind, on=self.reference_date)
            if found is None:
                raise ValidationError(
                    {
                        "rule_set": _(
                            "Chưa có bộ quy tắc đánh giá nào cho loại hội đồng “%(kind)s” áp dụng ngày %(date)s. "
                            "Hãy thêm bộ quy tắc trước."
                        )
                        % {"kind": self.get_kind_display(), "date": self.reference_date.strftime("%d/%m/%Y")}
                    }
                )
            self.rule_set = found
        elif self.rule_set_id is not None and self.kind and self.rule_set.kind != self.kind:
            raise ValidationError({"rule_set": _("Bộ quy tắc này dành cho loại hội đồng khác.")})

    @property
    def reference_date(self) -> Any:
        """The day whose rules apply: the establishing decision's date, else 1 January of the year."""
        import datetime as dt

        if self.decision_id is not None and self.decision is not None:
            return self.decision.date
        return dt.date(self.year, 1, 1)

    @classmethod
    def visible_to(cls, user: Any) -> QuerySet[Council]:
        from khcn.councils.selectors import council_list_visible_to

        return council_list_visible_to(user)


class CouncilMember(Record):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch")
        VICE_CHAIR = "vice_chair", _("Phó Chủ tịch")
        REVIEWER_1 = "reviewer_1", _("Ủy viên phản biện 1")
        REVIEWER_2 = "reviewer_2", _("Ủy viên phản biện 2")
        MEMBER = "member", _("Ủy viên")
        SCIENTIFIC_SECRETARY = "scientific_secretary", _("Ủy viên thư ký khoa học")
        ADMIN_SECRETARY = "administrative_secretary", _("Thư ký hành chính (không bỏ phiếu)")

    # One person per council holds each of these.
    SINGLE_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.REVIEWER_1, Role.REVIEWER_2)
    ROLE_ORDER = {role.value: i for i, role in enumerate(Role)}

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="members", verbose_name=_("hội đồng"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="council_memberships", verbose_name=_("thành viên")
    )
    role = models.CharField(_("chức danh trong hội đồng"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["council", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "person"],
                condition=Q(archived_at__isnull=True),
                name="council_member_once",
                violation_error_message=_("Người này đã là thành viên của hội đồng."),
            ),
            models.UniqueConstraint(
                fields=["council", "role"],
                condition=Q(archived_at__isnull=True, role__in=["chair", "vice_chair", "reviewer_1", "reviewer_2"]),
                name="council_single_roles",
                violation_error_message=_("Hội đồng đã có người giữ chức danh này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.display_name} – {self.get_role_display()}"

    @property
    def votes(self) -> bool:
        """The administrative secretary keeps the records and does not vote or score."""
        return self.role != self.Role.ADMIN_SECRETARY

    def clean(self) -> None:
        super().clean()
        if self.council_id is None or not self.role or self.archived_at is not None:
            return
        if self.role in self.SINGLE_ROLES:
            taken = (
                CouncilMember.objects.active()
                .filter(council_id=self.council_id, role=self.role)
                .exclude(pk=self.pk)
                .select_related("person")
                .first()
            )
            if taken is not None:
                raise ValidationError(
                    {
                        "role": _("Hội đồng đã có %(role)s: %(name)s.")
                        % {"role": self.get_role_display(), "name": taken.person.display_name}
                    }
                )


class Meeting(Record):
    """A sitting of the council; the latest one's attendance decides who was present."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("hội đồng"))
    date = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=500, blank=True)
    online = models.BooleanField(_("họp trực tuyến"), default=False)
    present = models.ManyToManyField(
        CouncilMember, blank=True, related_name="meetings_attended", verbose_name=_("thành viên có mặt")
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords(m2m_fields=[present])

    class Meta:
        verbose_name = _("phiên họp")
        verbose_name_plural = _("phiên họp")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return _("Phiên họp ngày %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}


class CouncilObject(Record):
    """What the council judges: any record, linked generically, with its title as it was then."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="council_objects", verbose_name=_("hội đồng")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("loại hồ sơ"))
    object_id = models.PositiveBigIntegerField(_("mã hồ sơ"))
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("tên đối tượng đánh giá"), max_length=1000)
    # Applications competing for the same task share a group; ranking and ties are per group.
    group = models.CharField(
        _("nhóm xét chọn"),
        max_length=255,
        blank=True,
        help_text=_("Các hồ sơ cùng tranh một nhiệm vụ đặt cùng nhóm; để trống nếu không so sánh."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đối tượng đánh giá")
        verbose_name_plural = _("đối tượng đánh giá")
        ordering = ["council", "order", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "content_type", "object_id"],
                condition=Q(archived_at__isnull=True),
                name="council_object_once",
                violation_error_message=_("Hồ sơ này đã có trong danh sách của hội đồng."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.content_type_id and self.object_id:
            model = self.content_type.model_class()
            target = model._default_manager.filter(pk=self.object_id).first() if model else None
            if target is None:
                raise ValidationError({"object_id": _("Không tìm thấy hồ sơ được đánh giá.")})
            if not self.title:
                self.title = str(target)[:1000]


class ConflictDeclaration(models.Model):
    """A member's declared conflict of interest with one object: that member does not score it
    and does not count towards its quorum."""

    council_object = models.ForeignKey(
        CouncilObject, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("đối tượng đánh giá")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("thành viên")
    )
    reason = models.TextField(_("lý do"))
    declared_at = models.DateTimeField(_("khai lúc"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người ghi nhận")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khai báo xung đột lợi ích")
        verbose_name_plural = _("khai báo xung đột lợi ích")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council_object", "member"],
                name="conflict_once",
                violation_error_message=_("Thành viên này đã khai báo xung đột lợi ích với đối tượng này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.council_object}"

    def clean(self) -> None:
        super().clean()
        if self.council_object_id and self.member_id and self.member.council_id != self.council_object.council_id:
            raise ValidationError({"member": _("Người này không phải thành viên của hội đồng đánh giá đối tượng này.")})


class ScoreSheet(Record):
    """One member's judgment of one object: scores per criterion, a vote or a grade, comments.

    Submitted once; a wrong sheet is archived (with a reason) and entered again.
    """

    class Conclusion(models.TextChoices):
        RECOMMEND = Vote.RECOMMEND.value, Vote.RECOMMEND.label
        NOT_RECOMMEND = Vote.NOT_RECOMMEND.value, Vote.NOT_RECOMMEND.label
        EXCELLENT = Grade.EXCELLENT.value, Grade.EXCELLENT.label
        PASSED = Grade.PASSED.value, Grade.PASSED.label
        FAILED = Grade.FAILED.value, Grade.FAILED.label

    class Source(models.TextChoices):
        ONLINE = "online", _("Chấm trực tuyến")
        PAPER = "paper", _("Phiếu giấy (cán bộ nhập)")

    council_object = models.ForeignKey(
        CouncilObject, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("đối tượng đánh giá")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("thành viên")
    )
    conclusion = models.CharField(_("kết luận của thành viên"), max_length=20, choices=Conclusion.choices, blank=True)
    comments = models.TextField(_("nhận xét"), blank=True)
    source = models.CharField(_("hình thức"), max_length=10, choices=Source.choices, default=Source.ONLINE)
    submitted_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người nhập")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = _("phiếu đánh giá")
        ordering = ["council_object", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council_object", "member"],
                condition=Q(archived_at__isnull=True),
                name="score_sheet_once",
                violation_error_message=_("Thành viên này đã gửi phiếu cho đối tượng này."),
            ),
        ]

    def __str__(self) -> str:
        return _("Phiếu của %(member)s – %(object)s") % {
            "member": self.member.person.display_name,
            "object": self.council_object,
        }

    @property
    def total(self) -> int | None:
        """Sum of the points (None for a sheet without scores). Uses prefetched scores if present."""
        points = [s.points for s in self.scores.all()]
        return sum(points) if points else None

    def conclusion_label(self) -> str:
        if self.conclusion in (Vote.RECOMMEND, Vote.NOT_RECOMMEND):
            return str(dict(vote_choices(self.council_object.council.kind))[self.conclusion])
        return str(self.get_conclusion_display())

    @classmethod
    def visible_to(cls, user: Any) -> QuerySet[ScoreSheet]:
        """A member sees their own sheets (and the scan of a paper sheet they signed)."""
        if not getattr(user, "is_authenticated", False):
            return cls.objects.none()
        return cls.objects.active().filter(member__person__user=user)


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("phiếu"))
    criterion = models.ForeignKey(
        RuleCriterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("tiêu chí")
    )
    points = models.PositiveSmallIntegerField(_("điểm"))

    class Meta:
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
        ordering = ["sheet", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"
