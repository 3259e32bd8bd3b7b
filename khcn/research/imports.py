"""Tabular datasets of the research app: proposals received on paper or in a spreadsheet.

Imported proposals start as "submitted", exactly like those sent online; screening then goes
through the workflow. A row whose day received is after the call's deadline is refused, and one
bad row refuses the whole file (the shared engine writes nothing until every row has passed).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import FieldOfScience, Organisation, TaskForm
from khcn.lib import tabular
from khcn.lib.formats import format_date
from khcn.research.models import MAX_BUDGET, MAX_DURATION_MONTHS, Call, Proposal

_resolve_call = datasets.lookup_resolver(
    (lambda: Call.objects.active().filter(kind=Call.Kind.PROPOSALS), "title"),
)
_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.active().exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.active(), "name"),
)
_resolve_field = datasets.lookup_resolver(
    (lambda: FieldOfScience.objects.filter(is_active=True), "code"),
    (lambda: FieldOfScience.objects.filter(is_active=True), "name"),
)
_resolve_form = datasets.lookup_resolver(
    (lambda: TaskForm.objects.filter(is_active=True), "name"),
    (lambda: TaskForm.objects.filter(is_active=True), "code"),
)


@datasets.register
class ProposalDataset(tabular.Dataset):
    name = "proposals"
    title = gettext_lazy("Phiếu đề xuất nhiệm vụ")
    model = Proposal
    # The number when the file carries it; otherwise the same title from the same organisation in
    # the same call is the same proposal (a row without a number never updates a numbered one).
    natural_keys = (("code",), ("call", "title", "proposer_org"))
    # Headers are the file's contract and stay Vietnamese whatever the interface language.
    columns = (
        tabular.Text("Số phiếu", "code", max_length=30, help_text=gettext_lazy("Để trống: hệ thống tự cấp số")),
        tabular.Lookup(
            "Đợt đề xuất",
            "call",
            required=True,
            resolve=_resolve_call,
            display=lambda call: call.title,
            noun=gettext_lazy("đợt đề xuất có tên"),
        ),
        tabular.Text("Tên nhiệm vụ", "title", max_length=500, required=True),
        tabular.Text("Tính cấp thiết", "urgency", required=True),
        tabular.Text("Mục tiêu", "objectives", required=True),
        tabular.Text("Kết quả dự kiến", "expected_results", required=True),
        tabular.Money("Kinh phí dự kiến (đồng)", "estimated_budget", required=True, max_value=MAX_BUDGET),
        tabular.Integer(
            "Thời gian thực hiện (tháng)",
            "estimated_duration_months",
            required=True,
            min_value=1,
            max_value=MAX_DURATION_MONTHS,
        ),
        tabular.Text("Địa chỉ ứng dụng", "application_place", required=True),
        tabular.Lookup(
            "Tổ chức đề xuất",
            "proposer_org",
            required=True,
            resolve=_resolve_organisation,
            display=lambda org: org.tax_code or org.name,
            noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
        ),
        tabular.Choice(
            "Nguồn đề xuất", "source", choices=Proposal.Source.choices, default=Proposal.Source.ORGANISATION
        ),
        tabular.Lookup(
            "Lĩnh vực",
            "field",
            required=True,
            resolve=_resolve_field,
            display=lambda f: f.code,
            noun=gettext_lazy("lĩnh vực có mã hoặc tên"),
        ),
        tabular.Lookup(
            "Hình thức",
            "task_form",
            required=True,
            resolve=_resolve_form,
            display=lambda form: form.name,
            noun=gettext_lazy("hình thức nhiệm vụ"),
        ),
        tabular.Date("Ngày nhận", "received_on", required=True),
    )

    def __init__(self) -> None:
        super().__init__()
        self._calls: dict[str, Call | None] = {}
        self._next: dict[int, int] = {}

    def _call(self, title: str) -> Call | None:
        # clean_row runs before the engine resolves lookups; the deadline rule needs the call, so
        # each distinct call title is read once here.
        if title not in self._calls:
            self._calls[title] = Call.objects.active().filter(kind=Call.Kind.PROPOSALS, title=title).first()
        return self._calls[title]

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        call = self._call(values.get("call") or "")
        received = values.get("received_on")
        if call is None or received is None:
            return []  # the lookup reports an unknown call by itself
        if received > call.deadline:
            return [
                (
                    "received_on",
                    _("Nhận sau hạn nộp của đợt (hạn cuối %(deadline)s)") % {"deadline": format_date(call.deadline)},
                )
            ]
        if received < call.opens_on:
            return [("received_on", _("Nhận trước ngày mở đợt (%(opens)s)") % {"opens": format_date(call.opens_on)})]
        return []

    def prepare(self, instance: Proposal) -> None:
        if instance.pk is None:
            instance.channel = Proposal.Channel.IMPORT
            if not instance.code:
                instance.code = self._next_code(instance.call.year)

    def _next_code(self, year: int) -> str:
        prefix = f"ĐX-{year}-"
        if year not in self._next:
            codes = Proposal.objects.filter(code__startswith=prefix).values_list("code", flat=True)
            self._next[year] = max((int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()), default=0)
        self._next[year] += 1
        return f"{prefix}{self._next[year]:03d}"

    def export_queryset(self) -> Any:
        return Proposal.objects.active().select_related("call", "proposer_org", "field", "task_form").order_by("code")
