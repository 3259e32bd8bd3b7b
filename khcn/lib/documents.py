"""Official documents: docxtpl templates in the Decree 30/2020/NĐ-CP layout, and PDF copies.

A template is either a .docx file an app ships in its `documents/` folder (editable in Word by the
department), or one built here by `decree30_template()` from a body of paragraphs with Jinja tags.
Times New Roman 13–14 pt, A4, margins 20–25 mm top/bottom, 30–35 mm left, 15–20 mm right (Decree
30/2020, Appendix I). PDF goes through LibreOffice when it is installed; Vietnamese needs the
fonts-liberation2 package (Liberation Serif stands in for Times New Roman).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate

FONT = "Times New Roman"


@dataclass(frozen=True)
class Letterhead:
    """The two header columns: issuing body on the left, the national motto on the right."""

    superior: str = "UBND TỈNH HƯNG YÊN"
    issuer: str = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    place: str = "Hưng Yên"


def _run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    run.italic = italic
    run.font.name = FONT
    run.font.size = Pt(size)


def _para(
    cell_or_doc: Any,
    text: str = "",
    *,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    bold: bool = False,
    italic: bool = False,
    size: float = 13,
) -> Any:
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def decree30_template(
    *,
    title: str,
    subtitle: str = "",
    body: Iterable[str],
    signer_block: bool = True,
    letterhead: Letterhead | None = None,
) -> bytes:
    """Build a .docx template: header, number and date, title, body paragraphs (Jinja allowed,
    including `{%p for %}` lines), recipients and signature. Context keys it uses: number, date
    (a date), signer_title, signer_name, recipients (list of str)."""
    head = letterhead or Letterhead()
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT  # type: ignore[attr-defined]
    style.font.size = Pt(13)  # type: ignore[attr-defined]

    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _run(left.paragraphs[0], head.superior, size=13)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(left, head.issuer, bold=True)
    _para(left, "_______")
    _run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    _para(right, "_______________________")
    number_cell, date_cell = table.rows[1].cells
    _run(number_cell.paragraphs[0], "Số: {{ number }}", size=13)
    number_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(
        date_cell.paragraphs[0],
        head.place + ", ngày {{ date.day }} tháng {{ date.month }} năm {{ date.year }}",
        italic=True,
        size=13,
    )
    date_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    _para(document, "")
    _para(document, title, bold=True, size=14)
    if subtitle:
        _para(document, subtitle, bold=True, size=14)
    _para(document, "")
    for line in body:
        paragraph = _para(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.paragraph_format.space_after = Pt(6)
        _run(paragraph, line, size=14)

    if signer_block:
        _para(document, "")
        sign = document.add_table(rows=1, cols=2)
        recipients_cell, signer_cell = sign.rows[0].cells
        _run(recipients_cell.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
        _para(recipients_cell, "{%p for r in recipients %}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
        _para(recipients_cell, "- {{ r }};", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
        _para(recipients_cell, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
        _run(signer_cell.paragraphs[0], "{{ signer_title }}", bold=True, size=13)
        signer_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for _ in range(3):
            _para(signer_cell, "")
        _para(signer_cell, "{{ signer_name }}", bold=True, size=14)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(template: bytes | str | Path, context: Mapping[str, Any]) -> bytes:
    """Render a docxtpl template (bytes or a path) with the context; returns the .docx bytes."""
    source = io.BytesIO(template) if isinstance(template, bytes) else str(template)
    doc = DocxTemplate(source)
    context = {"recipients": [], "signer_title": "", "signer_name": "", **context}
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def add_table(
    docx_bytes: bytes, header: list[str], rows: Iterable[Iterable[Any]], *, after_text: str | None = None
) -> bytes:
    """Append (or insert after the paragraph containing `after_text`) a bordered table: annexes,
    score summaries. Kept outside Jinja so a long table does not need a template loop per cell."""
    document = Document(io.BytesIO(docx_bytes))
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].text = ""
        _run(cell.paragraphs[0], str(text), bold=True, size=12)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _run(cell.paragraphs[0], "" if value is None else str(value), size=12)
    if after_text:
        for paragraph in document.paragraphs:
            if after_text in paragraph.text:
                paragraph._p.addnext(table._tbl)
                break
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(docx_bytes: bytes) -> str:
    """All text of a .docx, paragraphs and table cells: for tests and search."""
    document = Document(io.BytesIO(docx_bytes))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def libreoffice_path() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def to_pdf(docx_bytes: bytes, timeout: int = 120) -> bytes | None:
    """A PDF copy through LibreOffice, or None when LibreOffice is not installed."""
    binary = libreoffice_path()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(docx_bytes)
        subprocess.run(
            [
                binary,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        return (Path(tmp) / "document.pdf").read_bytes()
