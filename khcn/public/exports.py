"""Open data: each public list as CSV and JSON, described by one data dictionary, and the tasks
in the columns of the national S&T information form (Mẫu 1) as XLSX.

Every export reads the same public querysets as the pages (selectors.py), so a file never holds a
record the site does not show. CSV goes through khcn.lib.tabular (UTF-8 with BOM, formulas escaped).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from khcn.audit import services as audit
from khcn.core.logs import current_request
from khcn.lib import tabular
from khcn.public import selectors
from khcn.public.search import certificate_holder_name


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    description: Any
    value: Callable[[Any], Any]
    type: str = "string"


@dataclass(frozen=True)
class Table:
    name: str
    title: Any
    columns: tuple[Column, ...]
    queryset: Callable[[], Any]

    def rows(self, objects: Iterable[Any]) -> Iterator[list[Any]]:
        for obj in objects:
            yield [c.value(obj) for c in self.columns]


def _d(day: Any) -> str:
    return day.isoformat() if day else ""


TASKS = Table(
    "nhiem-vu",
    _("Nhiệm vụ KH&CN"),
    (
        Column("code", _("Mã số"), _("Mã số nhiệm vụ do Sở cấp"), lambda t: t.code),
        Column("title", _("Tên nhiệm vụ"), _("Tên nhiệm vụ theo quyết định phê duyệt"), lambda t: t.title),
        Column("form", _("Hình thức"), _("Đề tài, dự án SXTN, đề án, dự án KH&CN"), lambda t: t.form.name),
        Column(
            "field_code", _("Mã lĩnh vực"), _("Mã lĩnh vực KH&CN (Thông tư 24/2025/TT-BKHCN)"), lambda t: t.field.code
        ),
        Column("field", _("Lĩnh vực"), _("Tên lĩnh vực KH&CN"), lambda t: t.field.name),
        Column("level", _("Cấp quản lý"), _("Quốc gia, tỉnh, cơ sở"), lambda t: t.get_level_display()),
        Column(
            "plan_year", _("Năm vào kế hoạch"), _("Năm nhiệm vụ bắt đầu vào kế hoạch"), lambda t: t.plan_year, "integer"
        ),
        Column("status", _("Trạng thái"), _("Tình trạng thực hiện"), lambda t: t.get_status_display()),
        Column("host", _("Tổ chức chủ trì"), _("Tên tổ chức chủ trì"), lambda t: t.host.name if t.host else ""),
        Column(
            "pi",
            _("Chủ nhiệm"),
            _("Chỉ hiện khi chủ nhiệm đồng ý công khai hồ sơ"),
            lambda t: selectors.public_name(t.pi),
        ),
        Column("start", _("Bắt đầu"), _("Ngày bắt đầu (ISO 8601)"), lambda t: _d(t.start), "date"),
        Column("end", _("Kết thúc"), _("Ngày kết thúc theo hợp đồng (ISO 8601)"), lambda t: _d(t.end), "date"),
        Column(
            "state_budget",
            _("Kinh phí NSNN (đồng)"),
            _("Ngân sách nhà nước được duyệt, đồng"),
            lambda t: t.state_budget,
            "integer",
        ),
        Column(
            "total_budget",
            _("Tổng kinh phí (đồng)"),
            _("NSNN + đối ứng + nguồn khác, đồng"),
            lambda t: t.total_budget,
            "integer",
        ),
    ),
    selectors.task_list_public,
)

ORGANISATIONS = Table(
    "to-chuc",
    _("Tổ chức KH&CN"),
    (
        Column("id", _("Mã"), _("Mã tổ chức trong hệ thống (ổn định)"), lambda o: o.pk, "integer"),
        Column("name", _("Tên tổ chức"), _("Tên đầy đủ"), lambda o: o.name),
        Column("short_name", _("Tên viết tắt"), _("Tên viết tắt"), lambda o: o.short_name),
        Column(
            "kind", _("Loại hình"), _("Cơ quan nhà nước, viện, trường, doanh nghiệp..."), lambda o: o.get_kind_display()
        ),
        Column("address", _("Địa chỉ"), _("Địa chỉ trụ sở"), lambda o: o.address),
        Column("website", _("Trang web"), _("Trang web"), lambda o: o.website),
        Column(
            "public_tasks",
            _("Số nhiệm vụ chủ trì"),
            _("Số nhiệm vụ công khai do tổ chức chủ trì"),
            lambda o: o.public_task_count,
            "integer",
        ),
    ),
    selectors.organisation_list_public,
)

PEOPLE = Table(
    "nha-khoa-hoc",
    _("Nhà khoa học"),
    (
        Column("id", _("Mã"), _("Mã cá nhân trong hệ thống (ổn định)"), lambda p: p.pk, "integer"),
        Column("full_name", _("Họ và tên"), _("Chỉ người đồng ý công khai hồ sơ"), lambda p: p.full_name),
        Column("academic_title", _("Học hàm"), _("GS, PGS"), lambda p: p.academic_title),
        Column("degree", _("Học vị"), _("TS, ThS..."), lambda p: p.degree),
        Column("position", _("Chức vụ"), _("Chức vụ"), lambda p: p.position),
        Column(
            "organisation", _("Cơ quan"), _("Cơ quan công tác"), lambda p: p.organisation.name if p.organisation else ""
        ),
        Column("field", _("Lĩnh vực"), _("Lĩnh vực KH&CN"), lambda p: p.field.name if p.field else ""),
    ),
    selectors.person_list_public,
)

CERTIFICATES = Table(
    "chi-dan-dia-ly",
    _("Giấy chứng nhận quyền sử dụng CDĐL, nhãn hiệu chứng nhận"),
    (
        Column("number", _("Số giấy chứng nhận"), _("Số giấy chứng nhận"), lambda c: c.number),
        Column("kind", _("Loại"), _("Chỉ dẫn địa lý hoặc nhãn hiệu chứng nhận"), lambda c: c.get_kind_display()),
        Column("designation", _("Chỉ dẫn, nhãn hiệu"), _("“Hưng Yên”, “Long nhãn Hưng Yên”"), lambda c: c.designation),
        Column(
            "holder", _("Chủ thể được cấp"), _("Tổ chức; cá nhân chỉ khi đồng ý công khai"), certificate_holder_name
        ),
        Column("product", _("Sản phẩm"), _("Sản phẩm"), lambda c: c.get_product_display()),
        Column("growing_area", _("Vùng trồng"), _("Vùng trồng, cơ sở sản xuất"), lambda c: c.growing_area),
        Column("issue_date", _("Ngày cấp"), _("ISO 8601"), lambda c: _d(c.issue_date), "date"),
        Column("valid_until", _("Hiệu lực đến"), _("ISO 8601"), lambda c: _d(c.valid_until), "date"),
    ),
    selectors.certificate_list_public,
)

INITIATIVES = Table(
    "sang-kien",
    _("Sáng kiến được công nhận"),
    (
        Column("code", _("Mã hồ sơ"), _("Mã hồ sơ sáng kiến"), lambda i: i.code),
        Column("title", _("Tên sáng kiến"), _("Tên sáng kiến"), lambda i: i.title),
        Column("unit", _("Cơ quan, đơn vị"), _("Đơn vị áp dụng"), lambda i: i.unit.name),
        Column("field", _("Lĩnh vực"), _("Lĩnh vực sáng kiến"), lambda i: i.get_field_display()),
        Column("year", _("Năm xét"), _("Năm thi đua, khen thưởng"), lambda i: i.year, "integer"),
        Column("recognised_on", _("Ngày công nhận"), _("ISO 8601"), lambda i: _d(i.recognised_on), "date"),
    ),
    selectors.initiative_list_public,
)

TABLES: dict[str, Table] = {t.name: t for t in (TASKS, ORGANISATIONS, PEOPLE, CERTIFICATES, INITIATIVES)}


def csv_response(table: Table, queryset: Any = None) -> HttpResponse:
    qs = table.queryset() if queryset is None else queryset
    sent = 0

    def counted() -> Iterator[Any]:
        nonlocal sent
        for row in table.rows(qs.iterator(chunk_size=2000)):
            sent += 1
            yield row

    data = tabular.write_csv([str(c.label) for c in table.columns], counted())
    # Public data, but it names people (those who agreed to publication): log what left.
    audit.export_recorded(dataset=f"public.{table.name}", rows=sent, fmt="csv")
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    return response


def json_response(table: Table, queryset: Any = None) -> StreamingHttpResponse:
    """A JSON array of objects keyed by the dictionary's column keys, streamed."""
    qs = table.queryset() if queryset is None else queryset
    keys = [c.key for c in table.columns]
    # The stream is read after the view has returned: keep the request for the audit row.
    request = current_request()

    def chunks() -> Iterator[str]:
        sent = 0
        complete = False
        try:
            yield "["
            for n, row in enumerate(table.rows(qs.iterator(chunk_size=2000))):
                yield ("," if n else "") + json.dumps(
                    dict(zip(keys, row, strict=True)), cls=DjangoJSONEncoder, ensure_ascii=False
                )
                sent = n + 1
            yield "]"
            complete = True
        finally:
            # Also when the client hangs up part way: the rows sent so far have left.
            audit.export_recorded(
                dataset=f"public.{table.name}", rows=sent, fmt="json", request=request, complete=complete
            )

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.json"'
    return response


# --- Mẫu 1: the national S&T information form for ongoing tasks --------------------------------------

# UNCERTAIN: the column list follows our reading of "Mẫu 1 – Phiếu thông tin về nhiệm vụ KH&CN đang
# tiến hành" (Thông tư 14/2014/TT-BKHCN on collecting, registering and storing S&T information);
# it has not been checked against the form's current text. Columns marked (*) have no field in our
# models yet and are exported empty.
FORM1_COLUMNS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("Tên nhiệm vụ", lambda t: t.title),
    ("Mã số", lambda t: t.code),
    ("Cấp quản lý", lambda t: t.get_level_display()),
    ("Lĩnh vực KH&CN (mã)", lambda t: t.field.code),
    ("Lĩnh vực KH&CN", lambda t: t.field.name),
    ("Hình thức", lambda t: t.form.name),
    ("Cơ quan quản lý", lambda t: "Sở Khoa học và Công nghệ tỉnh Hưng Yên"),
    ("Tổ chức chủ trì", lambda t: t.host.name if t.host else ""),
    ("Địa chỉ tổ chức chủ trì", lambda t: t.host.address if t.host else ""),
    ("Chủ nhiệm nhiệm vụ", lambda t: selectors.public_name(t.pi)),
    ("Thời gian bắt đầu", lambda t: t.start),
    ("Thời gian kết thúc", lambda t: t.end),
    ("Tổng kinh phí (đồng)", lambda t: t.total_budget),
    ("Kinh phí NSNN (đồng)", lambda t: t.state_budget),
    ("Mục tiêu", lambda t: t.objectives),
    ("Nội dung chính (*)", lambda t: ""),
    ("Sản phẩm dự kiến (*)", lambda t: ""),
    ("Phương thức", lambda t: t.get_mode_display()),
)


def form1_xlsx() -> HttpResponse:
    from khcn.research.models import Task

    tasks = selectors.task_list_public().filter(status=Task.Status.IN_PROGRESS)
    headers = [h for h, _f in FORM1_COLUMNS]
    data = tabular.write_xlsx(
        headers,
        ([f(t) for _h, f in FORM1_COLUMNS] for t in tasks.iterator(chunk_size=2000)),
        title="Mau 1 - NV dang tien hanh",
        number_formats=[None] * 10 + ["dd/mm/yyyy", "dd/mm/yyyy", "#,##0", "#,##0"],
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-1-nhiem-vu-dang-tien-hanh.xlsx"'
    return response
