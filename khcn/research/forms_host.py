"""Forms of the host organisation's pages (part 2): they read and check input, the services decide.

Uploads are checked here by content and size (the same check attachment_add makes) so a bad file
is reported on the form before anything is written; the view then saves the record and its files
in one transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khcn.core import filetypes
from khcn.directory.models import Organisation
from khcn.research.forms import DATE_WIDGET, MoneyField
from khcn.research.models import Acceptance, Adjustment, Grade

# More files than this in one report is almost certainly a mistake (a whole folder dropped in).
MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its real type (content) and its size."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("Mỗi lần chỉ đính kèm tối đa %(n)d tệp.") % {"n": MAX_FILES}, code="too_many_files")
        errors: list[ValidationError] = []
        cleaned: list[UploadedFile] = []
        for upload in uploads:
            upload = super().clean(upload, initial)
            try:
                filetypes.check_upload(upload)
            except ValidationError as exc:
                name = filetypes.safe_display_name(upload.name or "")
                errors.extend(ValidationError(f"{name}: {message}", code=exc.code) for message in exc.messages)
            cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _files_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Tệp đính kèm"),
        help_text=_("Có thể chọn nhiều tệp: PDF, Word, Excel, ảnh, ZIP."),
    )


def _text(label: Any, rows: int = 4, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": _("Hãy nhập “%(label)s”.") % {"label": label}},
        **kwargs,
    )


class ProgressReportForm(forms.Form):
    """The periodic progress report (A-2-BCTĐ) as the host fills it in."""

    period_start = forms.DateField(label=_("Kỳ báo cáo từ ngày"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("đến ngày"), widget=DATE_WIDGET)
    work_done = _text(_("Nội dung đã thực hiện"), rows=6)
    next_steps = _text(_("Kế hoạch kỳ tới"), rows=3, required=False)
    spent_amount = MoneyField(label=_("Kinh phí đã sử dụng lũy kế (đồng)"), required=False)
    attachments = _files_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("“Đến ngày” phải sau “Từ ngày”."))
        return cleaned


class ProgressReportResubmitForm(forms.Form):
    """A returned report handed in again, with what was supplemented."""

    note = _text(_("Nội dung đã bổ sung, giải trình"), rows=4)
    attachments = _files_field()


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại điều chỉnh"), choices=Adjustment.Kind.choices)
    description = _text(_("Nội dung, lý do đề nghị"), rows=5)
    before = _text(_("Trước điều chỉnh"), rows=2, required=False)
    after = _text(_("Sau điều chỉnh"), rows=2, required=False)
    new_end = forms.DateField(label=_("Thời hạn mới (chỉ khi đề nghị gia hạn)"), required=False, widget=DATE_WIDGET)
    attachments = _files_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Adjustment.Kind.EXTENSION and not cleaned.get("new_end"):
            self.add_error("new_end", _("Hãy nhập thời hạn mới đề nghị gia hạn đến."))
        return cleaned


class AcceptanceForm(forms.Form):
    """The acceptance dossier: the self-evaluation, the self-grade and the checklist of its parts."""

    self_evaluation = _text(_("Kết quả tự đánh giá"), rows=6)
    self_grade = forms.ChoiceField(
        label=_("Tự xếp loại"),
        choices=Grade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn kết quả tự xếp loại.")},
    )
    attachments = _files_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = {f.name: f for f in Acceptance._meta.concrete_fields}
        attachments = self.fields.pop("attachments")
        for name in Acceptance.DOSSIER_PARTS:
            self.fields[name] = forms.BooleanField(label=model_fields[name].verbose_name, required=False)
        self.fields["attachments"] = attachments

    @property
    def part_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in Acceptance.DOSSIER_PARTS]


class ResultApplicationForm(forms.Form):
    year = forms.IntegerField(
        label=_("Năm ứng dụng"),
        min_value=1990,
        max_value=2100,
        error_messages={"invalid": _("Hãy nhập năm bằng số, ví dụ 2025.")},
    )
    place = forms.CharField(label=_("Địa điểm ứng dụng"), max_length=300)
    organisation = forms.ModelChoiceField(
        label=_("Đơn vị ứng dụng (nếu có trong danh bạ)"), queryset=Organisation.objects.none(), required=False
    )
    scale = forms.CharField(label=_("Quy mô"), max_length=300, help_text=_("Ví dụ: 5 ha; 200 hộ; 3 dây chuyền."))
    effect = _text(_("Hiệu quả"), rows=4)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        # Only the organisations the user may see in the directory (a host: its own).
        self.fields["organisation"].queryset = organisations.order_by("name")  # type: ignore[attr-defined]
