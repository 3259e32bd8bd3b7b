"""Documents of the annual plan: the annex (danh mục nhiệm vụ) as DOCX in the Decree 30/2020
layout and as XLSX. Both are built from the plan's current items, grouped as the decision lists
them, with subtotals and the total computed from the items."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from khcn.lib import documents
from khcn.lib.formats import format_date, group_thousands
from khcn.lib.tabular import write_xlsx
from khcn.research import selectors
from khcn.research.models import Plan, PlanItem

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
TABLE_MARKER = "[[DANH_MUC]]"


def _roman(n: int) -> str:
    return ROMAN[n - 1] if n <= len(ROMAN) else str(n)


def _grouped(plan: Plan) -> list[tuple[Any, list[PlanItem]]]:
    groups: list[tuple[Any, list[PlanItem]]] = []
    for item in selectors.plan_items_for_page(plan):
        if not groups or groups[-1][0] != item.group:
            groups.append((item.group, []))
        groups[-1][1].append(item)
    return groups


def _host(item: PlanItem) -> str:
    host = item.task.host if item.task_id and item.task and item.task.host_id else item.host
    return str(host) if host else ""


def _decision_line(plan: Plan) -> str:
    if plan.decision_id is None:
        return _("(Dự thảo, chưa phê duyệt)")
    decision = plan.decision
    assert decision is not None
    return _("(Kèm theo Quyết định số %(number)s ngày %(date)s của %(issuer)s)") % {
        "number": decision.number,
        "date": format_date(decision.date),
        "issuer": decision.issuer,
    }


def plan_annex_docx(plan: Plan) -> bytes:
    """The annex: tasks by group, each with host, form, new or carried over and the year's money."""
    template = documents.decree30_template(
        title=_("PHỤ LỤC"),
        subtitle=_("DANH MỤC NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ NĂM %(year)d") % {"year": plan.year},
        body=["{{ decision_line }}", TABLE_MARKER, _("Đơn vị tính: đồng.")],
        signer_block=False,
        letterhead=documents.Letterhead(
            superior="", issuer=_("ỦY BAN NHÂN DÂN TỈNH %(p)s") % {"p": plan.province.name.upper()}
        ),
    )
    decision = plan.decision
    docx = documents.render(
        template,
        {
            "number": decision.number if decision else "…",
            "date": decision.date if decision else plan.created_at.date(),
            "decision_line": _decision_line(plan),
        },
    )
    header = [
        _("TT"),
        _("Tên nhiệm vụ"),
        _("Tổ chức chủ trì"),
        _("Hình thức"),
        _("Chuyển tiếp / mở mới"),
        _("Kinh phí năm %(y)d") % {"y": plan.year},
    ]
    rows: list[list[Any]] = []
    total = 0
    count = 0
    for number, (group, items) in enumerate(_grouped(plan), start=1):
        subtotal = sum(item.allocation for item in items)
        total += subtotal
        count += len(items)
        rows.append(
            [
                _roman(number),
                _("%(name)s (%(n)d nhiệm vụ)") % {"name": group.name, "n": len(items)},
                "",
                "",
                "",
                group_thousands(subtotal),
            ]
        )
        for index, item in enumerate(items, start=1):
            rows.append(
                [
                    index,
                    (f"{item.task.code} – " if item.task is not None else "") + item.title,
                    _host(item),
                    str(item.form),
                    _("Chuyển tiếp") if item.carried_over else _("Mở mới"),
                    group_thousands(item.allocation),
                ]
            )
    rows.append(["", _("Tổng cộng (%(n)d nhiệm vụ)") % {"n": count}, "", "", "", group_thousands(total)])
    docx = documents.add_table(docx, header, rows, after_text=TABLE_MARKER)
    return _drop_paragraph(docx, TABLE_MARKER)


def _drop_paragraph(docx: bytes, marker: str) -> bytes:
    import io

    from docx import Document

    document = Document(io.BytesIO(docx))
    for paragraph in document.paragraphs:
        if marker in paragraph.text:
            paragraph._p.getparent().remove(paragraph._p)
            break
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


XLSX_HEADERS = (
    "STT",
    "Nhóm",
    "Mã số",
    "Tên nhiệm vụ",
    "Hình thức",
    "Lĩnh vực",
    "Tổ chức chủ trì",
    "Chủ nhiệm",
    "Chuyển tiếp",
    "Kinh phí năm (đồng)",
)


def plan_annex_xlsx(plan: Plan) -> bytes:
    """The same list, one row per task, for the finance division's spreadsheets."""

    def rows() -> Iterator[list[Any]]:
        total = 0
        number = 0
        for group, items in _grouped(plan):
            for item in items:
                number += 1
                total += item.allocation
                yield [
                    number,
                    group.name,
                    item.task.code if item.task is not None else "",
                    item.title,
                    str(item.form),
                    f"{item.field.code} – {item.field.name}",
                    _host(item),
                    str(item.task.pi) if item.task is not None and item.task.pi_id else "",
                    _("Có") if item.carried_over else _("Không"),
                    item.allocation,
                ]
        yield ["", "", "", _("Tổng cộng (%(n)d nhiệm vụ)") % {"n": number}, "", "", "", "", "", total]

    formats: list[str | None] = [None] * (len(XLSX_HEADERS) - 1) + ["#,##0"]
    return write_xlsx(
        XLSX_HEADERS,
        rows(),
        title=_("Danh mục nhiệm vụ %(y)d") % {"y": plan.year},
        number_formats=formats,
        widths=(6, 30, 14, 70, 22, 30, 36, 24, 10, 20),
    )
