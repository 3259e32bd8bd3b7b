"""A large first sheet is read in pieces parsed on a second thread (khcn.lib.tabular): the rows,
their numbers, types and columns must be exactly those of the sheet read whole."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import zipfile

import pytest
from openpyxl import Workbook

from khcn.lib import tabular


@pytest.fixture
def small_pieces(monkeypatch):
    # A few hundred bytes a piece, so that a test sheet is cut dozens of times.
    monkeypatch.setattr(tabular, "XLSX_PIECE_BYTES", 600)
    monkeypatch.setattr(tabular, "_SHARED_STRINGS_SHARE", 0)


def _workbook(*, first_column: int = 1) -> bytes:
    book = Workbook()  # not write-only: text goes to shared strings, as Excel saves it
    sheet = book.active
    sheet.title = "Kiểm định"
    left = first_column
    sheet.cell(1, left, "Số sêri")
    sheet.cell(1, left + 1, "Ngày kiểm định")
    sheet.cell(1, left + 2, "Kết quả")
    sheet.cell(1, left + 3, "Số lượng")
    for row in range(2, 302):
        if row in (120, 121):
            continue  # two blank rows, which keep their numbers
        sheet.cell(row, left, f"SR-{row:05d} Đạt")
        sheet.cell(row, left + 1, dt.date(2023, 1, 1) + dt.timedelta(days=row))
        sheet.cell(row, left + 2, "Không đạt" if row % 7 == 0 else "Đạt")
        if row % 5:
            sheet.cell(row, left + 3, row * 1.5)
    sheet.cell(305, left + 5, "ô lạc ở cột xa hơn")  # a last row wider than the rest
    other = book.create_sheet("Ghi chú")
    other["A1"] = "không đọc trang này"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _filled(rows):
    """Rows with a filled cell, without their trailing blank cells (a piece's grid ends at its own
    last filled column, the whole sheet's at the sheet's: readers treat a missing cell as blank)."""
    out = []
    for number, cells in rows:
        cells = list(cells)
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            out.append((number, cells))
    return out


def _with_shared_strings(data: bytes) -> bytes:
    """The workbook as Excel saves it: text in a shared strings part, cells holding its index."""
    strings: dict[bytes, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        index = strings.setdefault(match.group(2), len(strings))
        return match.group(1) + b' t="s"><v>' + str(index).encode() + b"</v></c>"

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                payload = re.sub(
                    rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t>(.*?)</t></is></c>', shared, payload
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                payload = payload.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                payload = payload.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(info.filename, payload)
        items = b"".join(b"<si><t>" + text + b"</t></si>" for text in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
            % (len(strings), len(strings))
            + items
            + b"</sst>",
        )
    return out.getvalue()


def _pieces_parsed(monkeypatch) -> list[int]:
    parsed: list[int] = []
    original = tabular._piece_workbook

    def counting(plan, xml):
        parsed.append(len(xml))
        return original(plan, xml)

    monkeypatch.setattr(tabular, "_piece_workbook", counting)
    return parsed


@pytest.mark.parametrize("shared_strings", [False, True])
@pytest.mark.parametrize("first_column", [1, 3])
def test_a_sheet_read_in_pieces_gives_the_rows_of_the_sheet_read_whole(
    small_pieces, monkeypatch, first_column, shared_strings
):
    data = _workbook(first_column=first_column)
    if shared_strings:
        data = _with_shared_strings(data)
        assert b"xl/sharedStrings.xml" in data
    parsed = _pieces_parsed(monkeypatch)
    whole = _filled(tabular._xlsx_rows_whole(data))
    pieces = _filled(tabular.read_rows(data, "kiem-dinh.xlsx"))
    assert len(parsed) > 10  # read in pieces indeed, not whole
    assert pieces == whole
    assert len(pieces) == 300 - 2 + 1 + 1  # header, 298 rows, the stray cell
    assert [number for number, _cells in pieces][118:121] == [119, 122, 123]
    row = dict(pieces)[7]
    offset = first_column - 1
    assert row[offset : offset + 4] == ["SR-00007 Đạt", dt.date(2023, 1, 8), "Không đạt", 10.5]
    assert row[:offset] == [""] * offset  # columns placed from A
    assert dict(pieces)[305][offset + 5] == "ô lạc ở cột xa hơn"


def test_the_first_sheet_is_found_through_the_workbook_whatever_its_part_is_called(small_pieces):
    # The rows' sheet stored as xl/worksheets/data.xml, after the notes sheet's part in the archive.
    renamed = {"xl/worksheets/sheet1.xml": "xl/worksheets/data.xml"}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_workbook())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        infos = sorted(source.infolist(), key=lambda info: info.filename != "xl/worksheets/sheet2.xml")
        for info in infos:
            payload = source.read(info)
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                payload = payload.replace(b"worksheets/sheet1.xml", b"worksheets/data.xml")
            target.writestr(renamed.get(info.filename, info.filename), payload)
    data = out.getvalue()
    plan = tabular._piece_plan(data)
    assert plan is not None
    assert plan.sheet.filename == "xl/worksheets/data.xml"
    rows = _filled(tabular.read_rows(data, "kiem-dinh.xlsx"))
    assert rows == _filled(tabular._xlsx_rows_whole(data))
    assert rows[0][1][0] == "Số sêri"
    assert len(rows) == 300


def _rewrite_sheet(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                payload = change(payload)
            target.writestr(info.filename, payload)
    return out.getvalue()


def test_rows_that_do_not_state_their_number_are_not_cut_and_read_as_whole(small_pieces, monkeypatch):
    # Some writers leave out r="…" on rows: a piece starting at such a row would be numbered from 1.
    data = _rewrite_sheet(_workbook(), lambda xml: re.sub(rb'<row r="\d+"', b"<row", xml))
    parsed = _pieces_parsed(monkeypatch)
    rows = _filled(tabular.read_rows(data, "kiem-dinh.xlsx"))
    assert len(parsed) == 1
    assert rows == _filled(tabular._xlsx_rows_whole(data))


def test_a_broken_piece_is_a_broken_file_and_the_second_thread_ends(small_pieces):
    data = _rewrite_sheet(_workbook(), lambda xml: xml.replace(b'<row r="250"', b'<row r="250"><c r="A250" t="n"><v>'))
    rows = tabular.read_rows(data, "kiem-dinh.xlsx")
    with pytest.raises(tabular.TabularError, match="bị hỏng hoặc không đọc được"):
        list(rows)
    assert not [thread for thread in threading.enumerate() if thread.name == "xlsx-pieces"]


def test_stopping_early_ends_the_second_thread(small_pieces):
    rows = tabular.read_rows(_workbook(), "kiem-dinh.xlsx")
    assert next(rows)[0] == 1
    assert [thread for thread in threading.enumerate() if thread.name == "xlsx-pieces"]
    rows.close()
    assert not [thread for thread in threading.enumerate() if thread.name == "xlsx-pieces"]


def test_a_small_sheet_is_read_whole(monkeypatch):
    parsed = _pieces_parsed(monkeypatch)
    data = _workbook()
    assert tabular._piece_plan(data) is None
    assert _filled(tabular.read_rows(data, "kiem-dinh.xlsx"))[1][0] == 2
    assert parsed == []


def test_many_shared_strings_make_larger_pieces(monkeypatch):
    monkeypatch.setattr(tabular, "XLSX_PIECE_BYTES", 600)
    data = _with_shared_strings(_workbook())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        shared = archive.getinfo("xl/sharedStrings.xml").file_size
        sheet = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setattr(tabular, "_SHARED_STRINGS_SHARE", 1)
    assert tabular._piece_plan(data).piece_bytes == shared
    # pieces so large that fewer than two would come out: read whole
    monkeypatch.setattr(tabular, "_SHARED_STRINGS_SHARE", sheet // shared + 1)
    assert tabular._piece_plan(data) is None


def test_each_piece_is_a_whole_sheet_without_the_stated_dimension(small_pieces):
    data = _workbook()
    plan = tabular._piece_plan(data)
    pieces = list(tabular._sheet_pieces(data, plan))
    assert len(pieces) > 10
    for xml in pieces[:-1]:
        assert xml.startswith(b"<worksheet") and b"<dimension" not in xml
        assert xml.endswith(b"</sheetData></worksheet>")
        assert re.search(rb"<sheetData><row r=\"\d+\"", xml) or xml.count(b"<row") == 0
    # Cut only before rows: together the pieces hold every row of the sheet once.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        whole = archive.read(plan.sheet.filename)
    assert sum(xml.count(b"<row ") for xml in pieces) == whole.count(b"<row ")


@pytest.mark.parametrize(
    ("late_cell", "message"),
    [
        ('<c r="XFD280"><v>1</v></c>', "trải quá rộng"),  # 16,384 columns by 280 rows
        ('<c r="A290"><v>1</v></c></row><row r="400000"><c r="A400000"><v>1</v></c>', "dòng quá xa"),
        ('<c r="G280" t="inlineStr"><is><t>a_x0000_b</t></is></c>', "NUL"),
    ],
)
def test_a_large_sheet_is_scanned_piece_by_piece_and_nothing_refused_reaches_calamine(
    small_pieces, monkeypatch, late_cell, message
):
    monkeypatch.setattr(tabular, "XLSX_MAX_CELLS", 26 * 300 * 10)  # 16,384 x 280 is then too wide
    data = _rewrite_sheet(
        _workbook(), lambda xml: xml.replace(b"</row></sheetData>", late_cell.encode() + b"</row></sheetData>")
    )
    # Whole, the file is refused before anything is read; in pieces, its sheet's scan is left to
    # the reading, which refuses it before the piece holding the cell is parsed.
    with pytest.raises(tabular.TabularError, match=message):
        tabular._check_xlsx(data)
    assert tabular._check_xlsx(data, in_pieces=True) is not None
    monkeypatch.setattr(tabular, "_CHUNK", 2048)  # unpacked a little at a time, as a real sheet is
    wrapped: list[bytes] = []
    original = tabular._piece_workbook
    monkeypatch.setattr(tabular, "_piece_workbook", lambda plan, xml: wrapped.append(xml) or original(plan, xml))
    with pytest.raises(tabular.TabularError, match=message):
        list(tabular.read_rows(data, "kiem-dinh.xlsx"))
    assert len(wrapped) > 5  # pieces before the cell were parsed
    assert not any(late_cell.encode()[:12] in xml for xml in wrapped)


def test_a_fault_of_ours_in_the_second_thread_is_raised_as_it_is_not_taken_for_a_broken_file(small_pieces, monkeypatch):
    def failing(plan, xml):
        raise RuntimeError("a fault in the piece reader")

    monkeypatch.setattr(tabular, "_piece_workbook", failing)
    with pytest.raises(RuntimeError, match="a fault in the piece reader"):
        list(tabular.read_rows(_workbook(), "kiem-dinh.xlsx"))
    assert not [thread for thread in threading.enumerate() if thread.name == "xlsx-pieces"]
