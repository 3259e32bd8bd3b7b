"""The tabular engine on its own (khcn.lib.tabular): reading, cleaning, reporting, writing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from khcn.lib import tabular
from khcn.lib.tabular import Ambiguous, RowError


class Grant:
    """A stand-in record for exports (the engine only reads attributes)."""

    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


ORGS = {"0101234567": Grant(pk=1, code="0101234567"), "TRUNG": Ambiguous(2)}


def resolve_org(keys: set[str]) -> dict[str, object]:
    return {k: ORGS[k] for k in keys if k in ORGS}


class GrantDataset(tabular.Dataset):
    """A test-only dataset with one column of every type, money among them."""

    name = "grants"
    title = "Khoản hỗ trợ"
    natural_keys = (("code",),)
    columns = (
        tabular.Text("Mã khoản", "code", max_length=10, required=True),
        tabular.Text("Tên", "title", max_length=50),
        tabular.Money("Số tiền", "amount", required=True),
        tabular.Date("Ngày quyết định", "decided_on"),
        tabular.Choice("Loại", "kind", choices=[("grant", "Tài trợ"), ("loan", "Cho vay")]),
        tabular.Boolean("Đã quyết toán", "settled"),
        tabular.Integer("Năm", "year", min_value=2000, max_value=2100),
        tabular.Lookup("Đơn vị", "org", resolve=resolve_org, display=lambda o: o.code, noun="đơn vị"),
    )


HEADERS = [c.header for c in GrantDataset.columns]


def xlsx(rows: list[list[object]], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers if headers is not None else HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], headers: list[str] | None = None, *, bom: bool = True, sep: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(headers if headers is not None else HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def run(data: bytes, name: str = "tep.xlsx", **kwargs: object) -> tabular.Validation:
    return tabular.validate(GrantDataset(), data, name, **kwargs)  # type: ignore[arg-type]


def messages_for(result: tabular.Validation) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


# --- Good files ---------------------------------------------------------------------------------


def test_good_xlsx_is_cleaned_into_typed_values():
    data = xlsx(
        [
            ["HT-01", "Giống lúa", 27_273_000_000, dt.date(2024, 1, 15), "Tài trợ", "Có", 2024, "0101234567"],
            ["HT-02", "Men vi sinh", "1.500.000", "16/02/2024", "loan", "không", 2025.0, ""],
        ]
    )
    result = run(data)
    assert result.ok, result.errors
    assert result.row_count == 2
    first, second = (row.values for row in result.rows)
    assert first == {
        "code": "HT-01",
        "title": "Giống lúa",
        "amount": 27_273_000_000,
        "decided_on": dt.date(2024, 1, 15),
        "kind": "grant",
        "settled": True,
        "year": 2024,
        "org": ORGS["0101234567"],
    }
    assert second["amount"] == 1_500_000
    assert second["decided_on"] == dt.date(2024, 2, 16)
    assert second["kind"] == "loan"
    assert second["settled"] is False
    assert second["year"] == 2025
    assert second["org"] is None
    assert [row.number for row in result.rows] == [2, 3]


@pytest.mark.parametrize("bom", [True, False])
def test_good_csv_with_or_without_bom(bom):
    data = csv_bytes(
        [["HT-01", "Nấm đông trùng hạ thảo", "27.273.000.000", "15/01/2024", "Cho vay", "có", "2024", ""]], bom=bom
    )
    result = run(data, "tep.csv")
    assert result.ok, result.errors
    values = result.rows[0].values
    assert values["title"] == "Nấm đông trùng hạ thảo"
    assert values["amount"] == 27_273_000_000
    assert values["decided_on"] == dt.date(2024, 1, 15)
    assert values["kind"] == "loan"


def test_csv_saved_by_vietnamese_excel_with_semicolons_is_read():
    data = csv_bytes([["HT-01", "Tên; có dấu chấm phẩy", "1.000", "", "", "", "", ""]], sep=";")
    result = run(data, "tep.csv")
    assert result.ok, result.errors
    assert result.rows[0].values["title"] == "Tên; có dấu chấm phẩy"


def test_headers_match_without_diacritics_case_or_required_star():
    headers = ["MA KHOAN *", "ten", "so tien", "ngay quyet dinh", "LOẠI", "da quyet toan", "nam", "don vi"]
    result = run(xlsx([["HT-01", "", 5, "", "", "", "", ""]], headers=headers))
    assert result.ok, result.errors
    assert result.rows[0].values["amount"] == 5


def test_optional_columns_may_be_left_out():
    result = run(xlsx([["HT-01", 1000]], headers=["Mã khoản", "Số tiền"]))
    assert result.ok, result.errors
    assert result.fields == ["code", "amount"]
    assert result.rows[0].values == {"code": "HT-01", "amount": 1000}


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_excel():
    data = xlsx([["HT-01", "", 1, "", "", "", "", ""], [None] * 8, ["HT-02", "", "âm", "", "", "", "", ""]])
    result = run(data)
    assert result.row_count == 2
    assert messages_for(result) == [(4, "Số tiền", "Số tiền không hợp lệ: “âm”")]


# --- Wrong headers ------------------------------------------------------------------------------


def test_unknown_and_missing_required_headers_are_named_and_no_row_is_read():
    result = run(xlsx([["HT-01", "x"]], headers=["Mã khoản", "Ghi chú"]))
    assert not result.ok
    assert result.rows == []
    named = {(e.column, e.message) for e in result.errors}
    assert ("Ghi chú", "Cột không có trong mẫu “Khoản hỗ trợ”") in named
    assert ("Số tiền", "Thiếu cột bắt buộc") in named
    assert all(e.row == 1 for e in result.errors)
    assert "Mã khoản, Tên, Số tiền" in result.errors[-1].message


def test_a_header_given_twice_is_an_error():
    result = run(xlsx([["HT-01", "HT-02", 1]], headers=["Mã khoản", "ma khoan", "Số tiền"]))
    assert ("ma khoan", "Cột này xuất hiện hai lần") in {(e.column, e.message) for e in result.errors}


# --- Bad values ---------------------------------------------------------------------------------


def test_bad_dates_are_reported_with_row_column_and_value():
    data = csv_bytes(
        [
            ["HT-01", "", "1000", "31/02/2024", "", "", "", ""],
            ["HT-02", "", "1000", "hôm qua", "", "", "", ""],
            ["HT-03", "", "1000", "45000", "", "", "", ""],
        ]
    )
    result = run(data, "tep.csv")
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "Ngày quyết định", "31/02/2024"),
        (3, "Ngày quyết định", "hôm qua"),
        (4, "Ngày quyết định", "45000"),
    ]
    assert all("dd/mm/yyyy" in e.message for e in result.errors)
    assert result.rows == []


def test_an_excel_serial_number_in_a_date_column_is_refused_not_guessed():
    result = run(xlsx([["HT-01", "", 1000, 45000, "", "", "", ""]]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Ngày quyết định")]


def test_negative_and_absurd_amounts_are_refused():
    data = xlsx(
        [
            ["HT-01", "", -5_000_000, "", "", "", "", ""],
            ["HT-02", "", "-1.000.000", "", "", "", "", ""],
            ["HT-03", "", 10**15 + 1, "", "", "", "", ""],
            ["HT-04", "", 1.5, "", "", "", "", ""],
            ["HT-05", "", 10**15, "", "", "", "", ""],
        ]
    )
    result = run(data)
    assert messages_for(result) == [
        (2, "Số tiền", "Số tiền không được âm"),
        (3, "Số tiền", "Số tiền không được âm"),
        (4, "Số tiền", "Số tiền lớn bất thường (quá 1.000.000.000.000.000 đồng); hãy kiểm tra lại"),
        (5, "Số tiền", "Số tiền phải là số đồng nguyên, không có phần lẻ"),
    ]
    assert [row.values["amount"] for row in result.rows] == [10**15]


def test_required_text_too_long_bad_choice_boolean_and_integer_are_each_reported():
    data = xlsx([["", "x" * 51, 1, "", "Biếu", "có lẽ", 1999, ""]])
    result = run(data)
    by_column = {e.column: e.message for e in result.errors}
    assert by_column["Mã khoản"] == "Bắt buộc phải có giá trị"
    assert by_column["Tên"] == "Dài quá 50 ký tự (đang có 51)"
    assert by_column["Loại"] == "Không có trong danh mục. Chọn một trong: Tài trợ, Cho vay"
    assert by_column["Đã quyết toán"] == "Ghi “Có” hoặc “Không”"
    assert by_column["Năm"] == "Không được nhỏ hơn 2000"


def test_lookups_not_found_or_ambiguous_are_errors():
    data = xlsx([["HT-01", "", 1, "", "", "", "", "9999999999"], ["HT-02", "", 1, "", "", "", "", "TRUNG"]])
    result = run(data)
    assert messages_for(result) == [
        (2, "Đơn vị", "Không tìm thấy đơn vị “9999999999”"),
        (3, "Đơn vị", "Có 2 đơn vị cùng khớp “TRUNG”; hãy ghi mã để phân biệt"),
    ]


def test_a_natural_key_twice_in_the_file_is_an_error_on_the_second_row():
    data = xlsx(
        [
            ["HT-01", "", 1, "", "", "", "", ""],
            ["HT-02", "", 1, "", "", "", "", ""],
            ["HT-01", "", 2, "", "", "", "", ""],
        ]
    )
    result = run(data)
    assert messages_for(result) == [(4, "Mã khoản", "Trùng Mã khoản với dòng 2")]
    assert [row.number for row in result.rows] == [2, 3]


# --- Broken and foreign files --------------------------------------------------------------------


def test_csv_in_another_encoding_is_refused_with_a_clear_message():
    # Windows-1258 (Excel's "CSV" on a Vietnamese Windows) writes tone marks as combining bytes.
    data = unicodedata.normalize("NFD", "Mã khoản,Số tiền\nHT-01,1000\n").encode("cp1258", errors="replace")
    result = run(data, "tep.csv")
    assert messages_for(result) == [
        (
            None,
            "",
            "Tệp CSV không ở bảng mã UTF-8. Trong Excel, chọn Lưu thành “CSV UTF-8 (Comma delimited)” rồi nhập lại.",
        )
    ]


def test_utf16_csv_is_refused_with_a_clear_message():
    data = "Mã khoản,Số tiền\nHT-01,1000\n".encode("utf-16")
    result = run(data, "tep.csv")
    assert "UTF-16" in result.errors[0].message


def test_truncated_xlsx_is_reported_as_broken():
    data = xlsx([["HT-01", "", 1, "", "", "", "", ""]])
    result = run(data[: len(data) // 2])
    assert messages_for(result) == [
        (None, "", "Tệp Excel bị hỏng hoặc không đọc được. Hãy mở lại bằng Excel và lưu thành .xlsx.")
    ]


def test_xlsx_whose_sheet_xml_is_garbage_is_reported_as_broken():
    source = zipfile.ZipFile(io.BytesIO(xlsx([["HT-01", "", 1, "", "", "", "", ""]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = b"<worksheet><sheetData><row" if item.filename.endswith("sheet1.xml") else source.read(item)
            target.writestr(item, content)
    result = run(out.getvalue())
    assert not result.ok
    assert "bị hỏng" in result.errors[0].message


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7 not a table", "bang.pdf", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "anh.csv", "không phải tệp CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cu.xls", "Excel 97-2003 (.xls)"),
        (b"just text", "tep.xlsx", "Tệp Excel bị hỏng"),
        (b"", "tep.xlsx", "Tệp rỗng"),
    ],
)
def test_non_spreadsheets_get_a_clear_message(data, name, expected):
    result = run(data, name)
    assert len(result.errors) == 1
    assert expected in result.errors[0].message


def test_a_word_document_is_not_taken_for_a_spreadsheet():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    result = run(out.getvalue(), "hop-dong.xlsx")
    assert result.errors[0].message.startswith("Tệp này không phải bảng tính Excel (.xlsx)")


def test_file_over_the_size_limit_is_refused_before_reading():
    result = run(xlsx([]), max_bytes=100)
    assert result.errors[0].message.startswith("Tệp quá lớn")


def test_header_only_file_has_no_data_rows():
    result = run(xlsx([]))
    assert messages_for(result) == [(None, "", "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")]


# --- Formula injection and round trip -----------------------------------------------------------

TRICKY = ["=1+1", "+84 912", "-5", "@SUM(A1)", "\tTab", "\rCR", "'=already", "''=double", "'plain", "'", "bình thường"]


@pytest.mark.parametrize("text", TRICKY)
def test_unescape_undoes_exactly_escape(text):
    escaped = tabular.escape_formula(text)
    assert tabular.unescape_formula(escaped) == text
    assert escaped[:1] not in tabular.FORMULA_PREFIXES


def test_exported_xlsx_escapes_formulas_and_keeps_types():
    grant = Grant(
        code='=HYPERLINK("http://x")',
        title="@cmd",
        amount=27_273_000_000,
        decided_on=dt.date(2024, 1, 15),
        kind="grant",
        settled=True,
        year=2024,
        org=ORGS["0101234567"],
    )
    data = tabular.export(GrantDataset(), [grant], tabular.XLSX)
    sheet = load_workbook(io.BytesIO(data)).active
    header, row = list(sheet.iter_rows(values_only=False))[:2]
    assert [c.value for c in header] == HEADERS
    assert row[0].value == '\'=HYPERLINK("http://x")'
    assert row[0].data_type == "s"  # text, never a formula
    assert row[1].value == "'@cmd"
    assert row[2].value == 27_273_000_000 and row[2].number_format == "#,##0"
    assert row[3].value.date() == dt.date(2024, 1, 15) and row[3].number_format == "DD/MM/YYYY"
    assert [row[4].value, row[5].value, row[6].value, row[7].value] == ["Tài trợ", "Có", 2024, "0101234567"]


def test_exported_csv_is_utf8_with_bom_and_vietnamese_formats():
    grant = Grant(
        code="-HT",
        title="Lúa",
        amount=27_273_000_000,
        decided_on=dt.date(2024, 1, 5),
        kind="loan",
        settled=False,
        year=None,
        org=None,
    )
    data = tabular.export(GrantDataset(), [grant], tabular.CSV)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1] == ["'-HT", "Lúa", "27.273.000.000", "05/01/2024", "Cho vay", "Không", "", ""]


@pytest.mark.parametrize("fmt", [tabular.XLSX, tabular.CSV])
def test_an_export_reimports_to_the_same_values(fmt):
    grants = [
        Grant(
            code=code,
            title=title,
            amount=amount,
            decided_on=day,
            kind="grant",
            settled=True,
            year=2024,
            org=ORGS["0101234567"],
        )
        for code, title, amount, day in [
            ("=A1", "'=trích dẫn", 27_273_000_000, dt.date(2024, 1, 15)),
            ("+84", "\tthụt lề", 0, dt.date(2023, 12, 31)),
            ("HT-3", "Sản phẩm OCOP 4 sao", 10**15, None),
        ]
    ]
    data = tabular.export(GrantDataset(), grants, fmt)
    result = run(data, f"xuat.{fmt}")
    assert result.ok, result.errors
    expected = [{**g.__dict__, "title": g.title.strip()} for g in grants]
    assert [row.values for row in result.rows] == expected


def test_error_report_workbook_lists_every_error():
    errors = [RowError(2, "Số tiền", "-5", "Số tiền không được âm"), RowError(None, "", "", "Tệp rỗng.")]
    sheet = load_workbook(io.BytesIO(tabular.error_report(errors))).active
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Dòng", "Cột", "Giá trị", "Lỗi"),
        (2, "Số tiền", "'-5", "Số tiền không được âm"),
        (None, None, None, "Tệp rỗng."),
    ]


# --- The XLSX pre-check reads each part in chunks ------------------------------------------------


def _chunked(text: str, size: int) -> list[bytes]:
    data = text.encode()
    return [data[i : i + size] for i in range(0, len(data), size)]


def _sheet(cells: str) -> str:
    return f'<worksheet><dimension ref="A1"/><sheetData>{cells}</sheetData></worksheet>'


@pytest.mark.parametrize("size", [3, 7, 13, 64, 1 << 20])
def test_the_chunked_scan_finds_what_a_whole_part_scan_finds_whatever_the_cut(size):
    far_row = _sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="400000"><c r="B400000"><v>1</v></c></row>')
    nul = _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a_x0000_b</t></is></c></row>')
    too_wide = _sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="290000"><c r="ZZ290000"><v>1</v></c></row>')
    for text, message in ((far_row, "dòng quá xa"), (nul, "NUL"), (too_wide, "trải quá rộng")):
        with pytest.raises(tabular.TabularError, match=message):
            tabular._check_part(iter(_chunked(text, size)))
    # 30 columns (to AD) by 100 rows: past Z, so measured exactly, and accepted
    wide = _sheet(
        "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="AD{r}"><v>1</v></c></row>' for r in range(1, 101))
    )
    tabular._check_part(iter(_chunked(wide, size)))
    # a part named as not a sheet is scanned only if it holds sheet data
    tabular._check_part(iter(_chunked("<styles>a_x0000_b</styles>", size)), sheet_only=True)
    with pytest.raises(tabular.TabularError, match="NUL"):
        tabular._check_part(iter(_chunked("<sst>a_x0000_b</sst>", size)))


def _zip(parts: dict[str, tuple[bytes, int]], *, streamed: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, (payload, method) in parts.items():
            if streamed:  # sizes in a data descriptor after the part, as a writer that streams leaves them
                with archive.open(zipfile.ZipInfo(name), "w", force_zip64=True) as stream:
                    stream.write(payload)
            else:
                archive.writestr(zipfile.ZipInfo(name), payload, compress_type=method)
    return buffer.getvalue()


@pytest.mark.parametrize("streamed", [False, True])
def test_each_part_is_unpacked_from_the_files_bytes_as_zipfile_unpacks_it(streamed):
    # Sizes around the 1 MiB chunk, text that packs tightly and bytes that do not.
    noise = bytes((n * 7919) % 251 for n in range(300_000))
    parts = {
        "empty.xml": (b"", zipfile.ZIP_DEFLATED),
        "tiny.xml": (b"<a/>", zipfile.ZIP_STORED),
        "rows.xml": (b'<row r="1"><c r="A1"><v>1</v></c></row>' * 60_000, zipfile.ZIP_DEFLATED),
        "noise.xml": (noise * 4, zipfile.ZIP_DEFLATED),
        "stored.xml": (noise * 5, zipfile.ZIP_STORED),
    }
    data = _zip(parts, streamed=streamed)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            chunks = list(tabular._member_chunks(data, info))
            assert b"".join(chunks) == archive.read(info), info.filename
            assert all(len(chunk) <= 1 << 20 for chunk in chunks)


def test_a_part_that_unpacks_to_more_or_less_than_the_directory_says_is_a_broken_file():
    data = _zip({"xl/workbook.xml": (b"<workbook/>", zipfile.ZIP_DEFLATED), "xl/big.xml": (b"x" * 5000, 8)})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/big.xml")
    # The central directory's declared size of xl/big.xml, lowered and raised in place.
    entry = data.index(b"xl/big.xml", data.index(b"PK\x01\x02")) - 46
    for declared in (100, 9000):
        lying = bytearray(data)
        lying[entry + 24 : entry + 28] = declared.to_bytes(4, "little")
        with pytest.raises(tabular.TabularError, match="bị hỏng hoặc không đọc được"):
            tabular._check_xlsx(bytes(lying))
    # A part cut short: its packed bytes end before its end of stream.
    info.compress_size -= 10
    with pytest.raises(EOFError):
        list(tabular._member_chunks(data[: info.header_offset + 30 + len(info.filename) + info.compress_size], info))


@pytest.mark.parametrize("reference", ["ABC1", "A3000000", "XFD1048576", "ZZ1"])
def test_far_references_are_found_whatever_their_letters(reference):
    assert tabular._FAR_REF.search(f'<c r="{reference}">'.encode())


@pytest.mark.parametrize("reference", ["A1", "L100001", "Z299999"])
def test_near_references_pass(reference):
    assert tabular._FAR_REF.search(f'<c r="{reference}">'.encode()) is None
