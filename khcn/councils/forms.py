"""Forms of the councils pages: the score sheet (built from the council's rule set), the conflict
declaration, and the staff's paper-sheet entry. Validation of scores lives in the service; the
forms only read what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khcn.councils.models import Council, CouncilMember, Grade, Method, RuleCriterion, vote_choices


class ScoreSheetForm(forms.Form):
    """Fields: score_<code> per criterion, vote (radio) or grade (radio), comments.

    No min/max validators here on purpose: the service refuses out-of-range scores with one set of
    Vietnamese messages, for this page, the paper entry and any program alike. The inputs carry
    min/max so the browser warns first.
    """

    comments = forms.CharField(label=_("Nhận xét, ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, council: Council, criteria: list[RuleCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        self.criteria = criteria
        method = council.rule_set.method
        scores_required = method == Method.SCORE
        score_fields: dict[str, forms.Field] = {}
        for criterion in criteria:
            score_fields[f"score_{criterion.code}"] = forms.IntegerField(
                label=criterion.label,
                required=scores_required,
                help_text=_("Tối đa %(max)d điểm") % {"max": criterion.max_points},
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": criterion.max_points, "step": 1, "inputmode": "numeric", "class": "score"}
                ),
                error_messages={
                    "required": _("Chưa chấm tiêu chí này."),
                    "invalid": _("Hãy nhập một số nguyên."),
                },
            )
        if method == Method.VOTE:
            self.fields["vote"] = forms.ChoiceField(
                label=_("Kết luận"),
                choices=vote_choices(council.kind),
                widget=forms.RadioSelect,
                error_messages={"required": _("Hãy chọn đề nghị hoặc không đề nghị.")},
            )
        elif method == Method.SCORE:
            self.fields["vote"] = forms.ChoiceField(
                label=_("Kiến nghị của thành viên (không bắt buộc)"),
                choices=vote_choices(council.kind),
                widget=forms.RadioSelect,
                required=False,
            )
        else:
            self.fields["grade"] = forms.ChoiceField(
                label=_("Xếp loại"),
                choices=Grade.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Hãy chọn xếp loại: Xuất sắc, Đạt hoặc Không đạt.")},
            )
        # Scores first, then the verdict, then comments: the order of the paper sheet.
        comments = self.fields.pop("comments")
        self.fields = {**score_fields, **self.fields, "comments": comments}  # type: ignore[assignment]

    @property
    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{c.code}"] for c in self.criteria]

    @property
    def choice_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("vote", "grade") if name in self.fields]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        scores = {c.code: data.get(f"score_{c.code}") for c in self.criteria}
        return {
            "scores": {k: v for k, v in scores.items() if v is not None},
            "vote": data.get("vote") or None,
            "grade": data.get("grade") or None,
            "comments": data.get("comments", ""),
        }


class PaperSheetForm(ScoreSheetForm):
    """The same sheet, typed by staff from a signed paper sheet, with the scan attached."""

    member = forms.ModelChoiceField(label=_("Thành viên ký phiếu"), queryset=CouncilMember.objects.none())
    scan = forms.FileField(
        label=_("Bản quét phiếu đã ký (PDF, ảnh)"), required=False, help_text=_("Nên đính kèm để đối chiếu.")
    )

    def __init__(
        self, *args: Any, council: Council, criteria: list[RuleCriterion], members: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, council=council, criteria=criteria, **kwargs)
        member_field = self.fields.pop("member")
        scan_field = self.fields.pop("scan")
        member_field.queryset = members  # type: ignore[attr-defined]
        member_field.label_from_instance = lambda m: f"{m.person.display_name} – {m.get_role_display()}"  # type: ignore[attr-defined]
        self.fields = {"member": member_field, **self.fields, "scan": scan_field}  # type: ignore[assignment]


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do xung đột lợi ích"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ví dụ: là thành viên nhóm thực hiện, cùng cơ quan với chủ nhiệm, có quan hệ gia đình."),
        error_messages={"required": _("Hãy nêu lý do.")},
    )
