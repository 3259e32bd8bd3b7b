"""The one tabular import/export engine: XLSX and CSV in, XLSX and CSV out, Vietnamese headers.

A dataset is a class that lists its columns (header, field, type). This module reads a file,
matches its headers, cleans every cell and reports every bad cell with the row number the user
sees in Excel. It never touches the database itself: lookups go through the resolver callables a
dataset gives its `Lookup` columns, and writing is the Django-side runner's job
(khcn.core.datasets), so that nothing is written until every row has passed.

Column headers are file contracts, not UI text: they stay Vietnamese whatever the interface
language, so that a file exported by one user re-imports for any other.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from khcn.lib.formats import ParseError, group_thousands, parse_date, parse_vnd
from khcn.lib.text import fold

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)

# A cell starting with one of these is run as a formula by Excel/LibreOffice (CSV injection); NUL
# too, since a reader that drops it would see the formula behind it (ASVS 1.2.10).
FORMULA_PREFIXES = frozenset("=+-@\t\r\x00")
# The escape is one apostrophe; an apostrophe already in front of a dangerous character, or of
# another apostrophe, is escaped too, so that unescape(escape(v)) == v for every text.
_ESCAPABLE_AFTER_QUOTE = FORMULA_PREFIXES | {"'"}

MONEY_MAX = 10**15  # one million billion đồng: anything larger is a typing slip, not a budget

# Limits on what a file may make the reader do (ASVS 5.2.3), whatever its size on disk.
# Rows: the Excel row number of the last row read; a year file of verifications is 100,000.
MAX_ROWS = 300_000
# XLSX is a zip: its parts may unpack to at most this much in all, and at most RATIO times the
# upload (real workbooks unpack 5 to 20 times; a zip bomb a thousand times).
XLSX_MAX_UNZIPPED = 512 << 20
XLSX_MAX_RATIO = 100
XLSX_RATIO_FLOOR = 20 << 20  # small files may unpack further than RATIO times (headers, styles)
XLSX_MAX_ENTRIES = 1_000
# calamine holds the first sheet as one dense grid from its first to its last filled cell: a single
# cell at XFD1048576 asks for 17 billion cells and aborts the process. A sheet may span at most
# this many cells (26 columns by MAX_ROWS rows, about 250 MB in calamine).
XLSX_MAX_CELLS = 26 * MAX_ROWS
# Rows read to decide whether the text is in a legacy Vietnamese encoding.
LEGACY_SAMPLE_ROWS = 200

Cell = Any
Label = str | Promise  # a plain or a lazily translated string
Resolver = Callable[[set[str]], Mapping[str, Any]]

# openpyxl refuses these control characters in a cell; they cannot travel through XLSX anyway.
_ILLEGAL_XLSX_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TabularError(Exception):
    """The file as a whole cannot be read (wrong type, broken, wrong encoding, too big)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Ambiguous:
    """What a resolver returns for a key that names more than one record."""

    def __init__(self, count: int = 2) -> None:
        self.count = count


@dataclass(frozen=True)
class RowError:
    """One problem, where the user will look for it: Excel row, column header, the value, why."""

    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowError:
        return cls(
            row=data.get("row"),
            column=str(data.get("column", "")),
            value=str(data.get("value", "")),
            message=str(data.get("message", "")),
        )


def escape_formula(text: str) -> str:
    """Make a text cell inert in a spreadsheet by putting an apostrophe in front."""
    if not text:
        return text
    if text[0] in FORMULA_PREFIXES or (text[0] == "'" and len(text) > 1 and text[1] in _ESCAPABLE_AFTER_QUOTE):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """Undo exactly what escape_formula did, and nothing else."""
    if len(text) > 1 and text[0] == "'" and text[1] in _ESCAPABLE_AFTER_QUOTE:
        return text[1:]
    return text


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Cell) -> str:
    """A cell as the user typed it, for error messages and text columns."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, float) and value.is_integer():
        # Excel keeps every number as a float: 1975 arrives as 1975.0.
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# --- Columns -----------------------------------------------------------------------------------


class Column:
    """One column: its Vietnamese header, the field it fills, and how a cell becomes a value."""

    number_format: ClassVar[str | None] = None
    # A natural key in this column ignores letter case (e-mail addresses).
    case_insensitive_key: ClassVar[bool] = False

    def __init__(
        self,
        header: str,
        field: str,
        *,
        required: bool = False,
        aliases: Sequence[str] = (),
        help_text: Label = "",
    ) -> None:
        self.header = header
        self.field = field
        self.required = required
        self.aliases = tuple(aliases)
        self.help_text = help_text

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.header!r} -> {self.field}>"

    def header_keys(self) -> list[str]:
        return [normalise_header(h) for h in (self.header, *self.aliases)]

    def clean(self, raw: Cell) -> Any:
        """Turn a cell into a value; raise ParseError with a Vietnamese message if it cannot."""
        if isinstance(raw, str):
            raw = unescape_formula(raw).strip()
        if is_blank(raw):
            if self.required:
                raise ParseError(_("Bắt buộc phải có giá trị"))
            return self.empty_value()
        return self.parse(raw)

    def parse(self, raw: Cell) -> Any:
        return raw

    def empty_value(self) -> Any:
        return None

    def to_cell(self, value: Any, fmt: str) -> Cell:
        """The value as it goes into an exported file (native types in XLSX, text in CSV)."""
        if value is None:
            return ""
        return value if fmt == XLSX else str(value)


class Text(Column):
    def __init__(self, header: str, field: str, *, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(header, field, **kwargs)
        self.max_length = max_length

    def parse(self, raw: Cell) -> str:
        text = cell_text(raw).strip()
        if self.max_length is not None and len(text) > self.max_length:
            raise ParseError(_("Dài quá %(max)d ký tự (đang có %(n)d)") % {"max": self.max_length, "n": len(text)})
        return text

    def empty_value(self) -> str:
        return ""

    def to_cell(self, value: Any, fmt: str) -> Cell:
        return "" if value is None else str(value)


class Email(Text):
    """An e-mail address, kept as written; as a natural key, An@x.vn and an@x.vn are one."""

    case_insensitive_key = True

    def __init__(self, header: str, field: str, *, max_length: int | None = 254, **kwargs: Any) -> None:
        super().__init__(header, field, max_length=max_length, **kwargs)

    def parse(self, raw: Cell) -> str:
        text = super().parse(raw)
        try:
            validate_email(text)
        except ValidationError:
            raise ParseError(_("Địa chỉ thư điện tử không hợp lệ")) from None
        return text


class Integer(Column):
    def __init__(
        self, header: str, field: str, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(header, field, **kwargs)
        self.min_value = min_value
        self.max_value = max_value

    def parse(self, raw: Cell) -> int:
        if isinstance(raw, bool):
            raise ParseError(_("Phải là số nguyên"))
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float):
            if not raw.is_integer():
                raise ParseError(_("Phải là số nguyên"))
            value = int(raw)
        else:
            text = str(raw).strip()
            if not re.fullmatch(r"-?\d+", text):
                raise ParseError(_("Phải là số nguyên"))
            value = int(text)
        if self.min_value is not None and value < self.min_value:
            raise ParseError(_("Không được nhỏ hơn %(min)d") % {"min": self.min_value})
        if self.max_value is not None and value > self.max_value:
            raise ParseError(_("Không được lớn hơn %(max)d") % {"max": self.max_value})
        return value


class Money(Column):
    """An amount in whole đồng: 27.273.000.000 in CSV, a number in XLSX."""

    number_format = "#,##0"

    def __init__(self, header: str, field: str, *, max_value: int = MONEY_MAX, **kwargs: Any) -> None:
        super().__init__(header, field, **kwargs)
        self.max_value = max_value

    def parse(self, raw: Cell) -> int:
        try:
            value = parse_vnd(raw)
        except ParseError as exc:
            raise ParseError(str(exc)) from None
        if value < 0:
            raise ParseError(_("Số tiền không được âm"))
        if value > self.max_value:
            raise ParseError(
                _("Số tiền lớn bất thường (quá %(max)s đồng); hãy kiểm tra lại")
                % {"max": group_thousands(self.max_value)}
            )
        return value

    def to_cell(self, value: Any, fmt: str) -> Cell:
        if value is None:
            return ""
        return int(value) if fmt == XLSX else group_thousands(int(value))


class Date(Column):
    """A date: dd/mm/yyyy text, or a real Excel date."""

    number_format = "DD/MM/YYYY"

    def parse(self, raw: Cell) -> dt.date:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            # A bare number is an Excel serial day that lost its date format; guessing would be wrong.
            raise ParseError(_("Ngày không hợp lệ: “%(v)s” (viết theo dạng dd/mm/yyyy)") % {"v": cell_text(raw)})
        return parse_date(raw)

    def to_cell(self, value: Any, fmt: str) -> Cell:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.date()
        return value if fmt == XLSX else value.strftime("%d/%m/%Y")


class Choice(Column):
    """One of a fixed list; the file may give the label (“Doanh nghiệp”) or the code."""

    def __init__(
        self, header: str, field: str, *, choices: Iterable[tuple[Any, Any]], default: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(header, field, **kwargs)
        self.choices = [(code, label) for code, label in choices]
        self.default = default
        self._lookup_cache: dict[str, dict[str, Any]] = {}

    def _lookup(self) -> dict[str, Any]:
        # Labels are lazy translations: build the index once per active language.
        language = get_language() or ""
        if language not in self._lookup_cache:
            index: dict[str, Any] = {}
            for code, label in self.choices:
                index.setdefault(fold(str(label)), code)
            for code, _label in self.choices:
                if code not in (None, ""):
                    index.setdefault(fold(str(code)), code)
            self._lookup_cache[language] = index
        return self._lookup_cache[language]

    def parse(self, raw: Cell) -> Any:
        key = fold(cell_text(raw))
        index = self._lookup()
        if key not in index:
            labels = ", ".join(str(label) for code, label in self.choices if code not in (None, ""))
            raise ParseError(_("Không có trong danh mục. Chọn một trong: %(labels)s") % {"labels": labels})
        return index[key]

    def empty_value(self) -> Any:
        # A blank cell means the declared default, else the choice whose code is empty, if any.
        if self.default is not None:
            return self.default
        for code, _label in self.choices:
            if code == "":
                return ""
        return None

    def to_cell(self, value: Any, fmt: str) -> Cell:
        if value in (None, ""):
            return ""
        for code, label in self.choices:
            if code == value:
                return str(label)
        return str(value)


class Boolean(Column):
    """Có / Không."""

    TRUE = frozenset({"co", "x", "1", "true", "yes", "dung"})
    FALSE = frozenset({"khong", "0", "false", "no", "sai"})

    def __init__(self, header: str, field: str, *, default: bool | None = False, **kwargs: Any) -> None:
        super().__init__(header, field, **kwargs)
        self.default = default

    def parse(self, raw: Cell) -> bool:
        if isinstance(raw, bool):
            return raw
        key = fold(cell_text(raw))
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise ParseError(_("Ghi “Có” hoặc “Không”"))

    def empty_value(self) -> bool | None:
        return self.default

    def to_cell(self, value: Any, fmt: str) -> Cell:
        if value is None:
            return ""
        return _("Có") if value else _("Không")


class Lookup(Column):
    """A reference to another record by its natural key (a code, a tax code, an exact name).

    `resolve` receives every distinct key in the file at once and returns {key: record} (or
    {key: Ambiguous()}), so a file of any length costs a few queries, not one per row.
    `display` gives the key that an export writes, so that the export re-imports.
    """

    def __init__(
        self,
        header: str,
        field: str,
        *,
        resolve: Resolver,
        display: Callable[[Any], str],
        noun: Label = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(header, field, **kwargs)
        self.resolve = resolve
        self.display = display
        self.noun = noun or header

    def parse(self, raw: Cell) -> str:
        return cell_text(raw).strip()

    def to_cell(self, value: Any, fmt: str) -> Cell:
        return "" if value is None else self.display(value)


def normalise_header(text: Cell) -> str:
    # "Mã số thuế *", "ma so thue" and "MÃ SỐ THUẾ" are the same header.
    return fold(cell_text(text).strip().rstrip("*").strip())


# --- Datasets ----------------------------------------------------------------------------------


class Dataset:
    """A tabular schema: subclass it, set `name`, `title`, `model`, `columns`, `natural_keys`.

    `natural_keys` lists alternatives in order of preference; a row is identified by the first one
    whose fields are all filled (e.g. tax code when present, else name), or by the last one.
    """

    name: ClassVar[str] = ""
    title: ClassVar[Label] = ""
    model: ClassVar[Any] = None
    columns: ClassVar[tuple[Column, ...]] = ()
    natural_keys: ClassVar[tuple[tuple[str, ...], ...]] = ()
    # Fields the runner writes besides the columns (values that save() would compute, since bulk
    # writes skip save()).
    derived_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self._by_field = {column.field: column for column in self.columns}

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def column(self, field_name: str) -> Column:
        return self._by_field[field_name]

    def header_index(self) -> dict[str, Column]:
        index: dict[str, Column] = {}
        for column in self.columns:
            for key in column.header_keys():
                index.setdefault(key, column)
        return index

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        """Rules across columns; return [(field, message)]. Subclasses override."""
        return []

    def key_for(self, values: Mapping[str, Any]) -> tuple[int, tuple[Any, ...]] | None:
        """(which alternative, the key's values) for a cleaned row, or None without natural keys."""
        if not self.natural_keys:
            return None
        for index, fields in enumerate(self.natural_keys):
            parts = self._key_parts(fields, values)
            if all(part not in (None, "") for part in parts):
                return index, parts
        last = len(self.natural_keys) - 1
        return last, self._key_parts(self.natural_keys[last], values)

    def _key_parts(self, fields: Sequence[str], values: Mapping[str, Any]) -> tuple[Any, ...]:
        parts = []
        for name in fields:
            part = key_part(values.get(name))
            column = self._by_field.get(name)
            if column is not None and column.case_insensitive_key and isinstance(part, str):
                part = part.lower()
            parts.append(part)
        return tuple(parts)

    def export_value(self, obj: Any, column: Column) -> Any:
        return getattr(obj, column.field)

    def prepare(self, instance: Any) -> None:
        """Set derived fields before a bulk write (bulk writes do not call save())."""

    def export_queryset(self) -> Any:
        return self.model._default_manager.all()


def key_part(value: Any) -> Any:
    # Records compare by primary key, so a key never depends on how a record was loaded.
    return getattr(value, "pk", value)


# --- Reading -----------------------------------------------------------------------------------


_BROKEN_XLSX = "Tệp Excel bị hỏng hoặc không đọc được. Hãy mở lại bằng Excel và lưu thành .xlsx."


def _broken_xlsx() -> TabularError:
    return TabularError(_(_BROKEN_XLSX))


def _kind_of(data: bytes, file_name: str) -> str:
    name = file_name.lower()
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise TabularError(
            _("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ. Hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
        )
    if name.endswith(".xlsx"):
        raise _broken_xlsx()
    if not (name.endswith(".csv") or name.endswith(".txt")):
        raise TabularError(_("Kiểu tệp không được hỗ trợ. Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data[:4096]):
        raise TabularError(_("Tệp CSV đang ở bảng mã UTF-16. Hãy lưu lại bằng “CSV UTF-8 (Comma delimited)”."))
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        if b"\x00" in data[:4096] and not _mostly_text(data[:4096]):
            raise TabularError(
                _("Tệp này không phải tệp CSV dạng văn bản. Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")
            )
        raise TabularError(
            _("Tệp CSV có ký tự NUL (mã 0) ở dòng %(line)d: tệp bị hỏng hoặc không phải văn bản.") % {"line": line}
        )
    return CSV


def _looks_utf16(sample: bytes) -> bool:
    # UTF-16 without a byte-order mark: text where every other byte is NUL.
    if len(sample) < 16:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (
        odd.count(0) > 0.4 * len(odd)
        and even.count(0) < 0.1 * len(even)
        or (even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd))
    )


def _mostly_text(sample: bytes) -> bool:
    control = sum(1 for byte in sample if byte < 0x20 and byte not in (9, 10, 13))
    return control <= 0.01 * len(sample)


# A cell reference that may lie far out: a column of two letters or more (AA…), or a row from
# 300000 (six digits from 3, or seven digits). One pass with a literal start ('r="'), which also
# finds the attribute after a tab or a line break; a far column only means the exact scan runs.
# The letters are taken possessively: a near reference ("L10001") then fails without backtracking
# through them, a fifth faster over the 1.3 million references of a year file.
_FAR_REF = re.compile(rb'r="(?:([A-Z]{2})|[A-Z]*+(?:[3-9]\d{5}|\d{7}))')
_CELL_REF = re.compile(rb'r="([A-Z]{1,3})(\d{1,7})"')
# Parts are read this much at a time; each chunk keeps the previous one's last bytes in front, more
# than the longest pattern ('r="XFD1048576"', '<sheetData').
_CHUNK = 1 << 20
_OVERLAP = 32
_ROW_REF = re.compile(rb'<row\b[^>]*?\sr="(\d{1,7})"')
# Parts a workbook needs that hold no cells; any other part is scanned as if it were a sheet.
_NOT_SHEETS = re.compile(r"^(?:docProps/.*|xl/theme/.*|xl/styles\.xml|\[Content_Types\]\.xml|.*\.rels)$")


def _check_xlsx(data: bytes, *, in_pieces: bool = False) -> _PiecePlan | None:
    """Refuse a workbook that would make the reader unpack or allocate without bound (ASVS 5.2.3).

    Sizes are read from the zip directory (calamine's zip reader refuses a part that unpacks to more
    than its declared size, so a lying directory only breaks the file). The sheets are then scanned
    for cells placed far out, which calamine would turn into a huge dense grid.

    `in_pieces`: if the first sheet is large enough to be read in pieces, its plan is returned and
    its scan left to the reading of the pieces, each piece scanned before calamine parses it."""
    # The entry count from the end record, before zipfile reads thousands of directory entries.
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end >= 0 and len(data) >= end + 12 and struct.unpack_from("<H", data, end + 10)[0] > XLSX_MAX_ENTRIES:
        raise TabularError(
            _("Tệp Excel có quá nhiều thành phần (%(n)d, tối đa %(max)d): không phải bảng tính thông thường.")
            % {"n": struct.unpack_from("<H", data, end + 10)[0], "max": XLSX_MAX_ENTRIES}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _broken_xlsx() from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise TabularError(_("Tệp này không phải bảng tính Excel (.xlsx). Chỉ nhận tệp .xlsx hoặc .csv."))
        if len(infos) > XLSX_MAX_ENTRIES or len(names) != len(infos):
            raise TabularError(
                _("Tệp Excel có quá nhiều thành phần (%(n)d, tối đa %(max)d): không phải bảng tính thông thường.")
                % {"n": len(infos), "max": XLSX_MAX_ENTRIES}
            )
        unpacked = sum(info.file_size for info in infos)
        if unpacked > XLSX_MAX_UNZIPPED or (
            unpacked > XLSX_RATIO_FLOOR and unpacked > XLSX_MAX_RATIO * max(len(data), 1)
        ):
            raise TabularError(
                _(
                    "Tệp Excel giải nén ra %(size)s MB (gấp %(ratio)d lần tệp tải lên): quá lớn, có thể là "
                    "tệp nén độc hại. Hãy lưu lại bảng tính chỉ với dữ liệu cần nhập."
                )
                % {"size": group_thousands(unpacked // 1_048_576), "ratio": unpacked // max(len(data), 1)}
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise TabularError(_("Tệp Excel có mật khẩu. Hãy bỏ mật khẩu rồi nhập lại."))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _broken_xlsx()
        plan = _piece_plan(data) if in_pieces else None
        for info in infos:
            if info.is_dir() or not info.filename.endswith(".xml") or (plan and info.filename == plan.sheet.filename):
                continue
            try:
                _check_part(_member_chunks(data, info), sheet_only=bool(_NOT_SHEETS.match(info.filename)))
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
                raise _broken_xlsx() from None
    return plan


def _member_chunks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes, unpacked a chunk at a time straight from the file's bytes, and never more
    than the directory declares (a part that unpacks to more is a broken file).

    zipfile's own reader feeds zlib 4 KB at a time and checks a CRC on the way: 0.17 s for the
    84 MB sheet of a year file, against 0.06 s here. The CRC is left to calamine, which reads the
    part again if this scan lets it through."""
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    packed = memoryview(data)[start : start + info.compress_size]
    if len(packed) != info.compress_size:
        raise EOFError
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise zipfile.BadZipFile
        for position in range(0, len(packed), _CHUNK):
            yield bytes(packed[position : position + _CHUNK])
        return
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    left = info.file_size
    position = 0
    pending: bytes | memoryview = b""
    while not inflate.eof:
        if not pending and position < len(packed):
            pending = packed[position : position + _CHUNK]
            position += _CHUNK
        # Called with no input too: zlib may still hold output of the last input it took.
        chunk = inflate.decompress(pending, _CHUNK)
        pending = inflate.unconsumed_tail
        if chunk:
            left -= len(chunk)
            if left < 0:
                raise zipfile.BadZipFile
            yield chunk
        elif not pending and position >= len(packed):
            break  # the part ends before its end of stream
    if left:
        raise EOFError


def _check_part(chunks: Iterator[bytes], *, sheet_only: bool = False) -> None:
    """Scan one part a chunk at a time (a part may unpack to hundreds of MB): NUL cells anywhere,
    then, from `<sheetData` on, cells placed far out. `sheet_only`: a part that is not a sheet by
    name, scanned only if it holds sheet data after all."""
    scan = _PartScan(sheet_only=sheet_only)
    for chunk in chunks:
        scan.feed(chunk)


class _PartScan:
    """The scan of one part, fed a chunk at a time; it raises as soon as what it has seen is too
    much (the sheet's extent only grows), so that a sheet read in pieces is refused before calamine
    parses the piece that goes too far."""

    def __init__(self, *, sheet_only: bool = False) -> None:
        self.sheet_only = sheet_only
        self.tail = b""
        self.in_sheet = self.exact = False
        self.rows_seen: list[int] = []
        self.columns_seen: list[int] = []

    def feed(self, chunk: bytes) -> None:
        # The tail of the previous chunk goes in front, so nothing is missed across the cut.
        buffer = self.tail + chunk
        self.tail = buffer[-_OVERLAP:]
        if not self.in_sheet and b"<sheetData" in buffer:
            self.in_sheet = True
        # OOXML writes a NUL as "_x0000_", which calamine unescapes; databases refuse NUL in text.
        if (self.in_sheet or not self.sheet_only) and b"_x0000_" in buffer:
            raise TabularError(_("Tệp Excel có ký tự NUL (mã 0) trong một ô: tệp bị hỏng hoặc được tạo bất thường."))
        if not self.in_sheet:
            return
        rows_seen, columns_seen = self.rows_seen, self.columns_seen
        if not self.exact:
            far = _FAR_REF.search(buffer)
            if far is None:
                return  # at most 26 columns by fewer than MAX_ROWS rows so far
            if far.group(1) is None:
                raise TabularError(
                    _("Bảng tính có dữ liệu ở dòng quá xa (từ dòng %(max)s trở đi); mỗi lần nhập tối đa %(max)s dòng.")
                    % {"max": group_thousands(MAX_ROWS)}
                )
            # Something lies far out (or only looks like it): measure the sheet exactly from here on.
            # The chunks before held only columns A-Z and rows under MAX_ROWS; counting from A1 for
            # them can only make the sheet look larger.
            self.exact = True
            rows_seen.append(1)
            columns_seen.append(1)
        rows = [int(r) for r in _ROW_REF.findall(buffer)]
        for letters, digits in _CELL_REF.findall(buffer):
            rows.append(int(digits))
            number = 0
            for letter in letters:
                number = number * 26 + letter - 64
            columns_seen.append(number)
        if rows and max(rows) >= MAX_ROWS:
            raise TabularError(
                _("Bảng tính có dữ liệu ở dòng quá xa (dòng %(row)s); mỗi lần nhập tối đa %(max)s dòng.")
                % {"row": group_thousands(max(rows)), "max": group_thousands(MAX_ROWS)}
            )
        rows_seen[:] = [min([*rows_seen, *rows]), max([*rows_seen, *rows])] if rows or rows_seen else []
        if len(columns_seen) > 2:
            columns_seen[:] = [min(columns_seen), max(columns_seen)]
        width = (max(columns_seen) - min(columns_seen) + 1) if columns_seen else 1
        height = (max(rows_seen) - min(rows_seen) + 1) if rows_seen else 1
        if width * height > XLSX_MAX_CELLS:
            raise TabularError(
                _(
                    "Bảng tính trải quá rộng (%(width)s cột × %(height)s dòng); hãy xoá các ô thừa ở xa vùng dữ "
                    "liệu rồi lưu lại."
                )
                % {"width": group_thousands(width), "height": group_thousands(height)}
            )


def _xlsx_rows_whole(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        left = sheet.start[1] if sheet.start else 0
    except Exception:  # calamine raises its own error types for every kind of broken file
        raise _broken_xlsx() from None
    # calamine yields rows from the top of the sheet, so the index is Excel's row number; its
    # columns start at the first filled one, and are placed from A as a sheet read in pieces is.
    padding = [""] * left
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:
            raise _broken_xlsx() from None
        number += 1
        yield number, padding + row if left else list(row)


# --- Large sheets, read in pieces ----------------------------------------------------------------

# A first sheet that unpacks to more than two of these is read in pieces of about this size, each a
# small workbook of its own (the original's workbook, relationships, styles and shared strings, and
# one run of rows), parsed by calamine on a second thread while the rows of the piece before are
# checked and written. python-calamine (0.9) has no streaming reader, but it lets go of the GIL
# while it parses: a year file's second of parsing then overlaps the import's own work instead of
# preceding it, and calamine holds one piece's grid at a time instead of the whole sheet's.
XLSX_PIECE_BYTES = 2 << 20
# Pieces parsed ahead of the rows being read: one waits while the next is parsed.
_PIECES_AHEAD = 1
# A piece is at least this many times the size of the shared strings, which each piece carries.
_SHARED_STRINGS_SHARE = 8
# The workbook and its relationships are read whole to find the first sheet; larger ones are odd.
_SMALL_PART = 1 << 20

_SHEET_DATA = b"<sheetData>"
_DIMENSION = re.compile(rb"<dimension\b[^>]*>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s/>]")
_FIRST_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_REL_ID = re.compile(rb'\s(?:\w+:)?id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_NUMBERED_ROW = re.compile(rb'\sr="\d')
# The parts every piece carries besides its rows: what calamine reads to find the sheet, its
# dates (styles, the 1904 flag in the workbook) and its text (shared strings).
_PIECE_PARTS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")
_PIECE_PART_TYPES = (b"/styles", b"/sharedStrings")


@dataclass
class _PiecePlan:
    sheet: zipfile.ZipInfo
    parts: dict[str, bytes]
    piece_bytes: int


def _piece_plan(data: bytes) -> _PiecePlan | None:
    """How to read the first sheet in pieces, or None to read it whole: a sheet too small to gain,
    or a workbook laid out in a way this reader does not know (it then goes to calamine whole)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = {info.filename: info for info in archive.infolist()}
        if max(infos["xl/workbook.xml"].file_size, infos["xl/_rels/workbook.xml.rels"].file_size) > _SMALL_PART:
            return None
        workbook = b"".join(_member_chunks(data, infos["xl/workbook.xml"]))
        relationships = b"".join(_member_chunks(data, infos["xl/_rels/workbook.xml.rels"]))
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, OSError):
        return None
    first = _FIRST_SHEET.search(workbook)
    wanted = _REL_ID.search(first.group(0)) if first else None
    if wanted is None:
        return None
    sheet_name = None
    extra: list[str] = []
    shared_names: set[str] = set()
    for tag in _RELATIONSHIP.findall(relationships):
        attributes = {key.rpartition(b":")[2]: value for key, value in _ATTRIBUTE.findall(tag)}
        target = attributes.get(b"Target", b"").decode("utf-8", "replace")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if attributes.get(b"Id") == wanted.group(1):
            sheet_name = name
        elif attributes.get(b"Type", b"").endswith(_PIECE_PART_TYPES):
            extra.append(name)
            if attributes[b"Type"].endswith(b"/sharedStrings"):
                shared_names.add(name)
    sheet = infos.get(sheet_name or "")
    if sheet is None or sheet.file_size < 2 * XLSX_PIECE_BYTES:
        return None
    # Every piece parses the shared strings again: with many, pieces grow so that this stays a
    # small share of the work (and a sheet that would make fewer than two is read whole). Sizes as
    # the directory declares them, which no part may exceed.
    shared = sum(infos[name].file_size for name in shared_names if name in infos)
    piece_bytes = max(XLSX_PIECE_BYTES, _SHARED_STRINGS_SHARE * shared)
    if sheet.file_size < 2 * piece_bytes:
        return None
    try:
        parts = {
            name: b"".join(_member_chunks(data, infos[name]))
            for name in (*_PIECE_PARTS, *extra)
            if name in infos and name != sheet.filename
        }
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        return None
    return _PiecePlan(sheet=sheet, parts=parts, piece_bytes=piece_bytes)


def _sheet_pieces(data: bytes, plan: _PiecePlan) -> Iterator[bytes]:
    """The sheet's XML as pieces that are each a whole sheet: the original's opening (without the
    stated dimension, which calamine would size each piece's grid by), a run of rows cut just before
    a row that states its number (so that calamine places every row where Excel shows it), and the
    closing tags. A sheet that cannot be cut so comes out as one piece, as it was."""
    head: bytes | None = None
    closing = b""
    buffer = bytearray()
    # The sheet's safety scan (see _check_xlsx), made here on the way: each chunk is scanned before
    # it can be part of a piece, so calamine never parses what the scan would refuse.
    scan = _PartScan()
    for chunk in _member_chunks(data, plan.sheet):
        scan.feed(chunk)
        buffer += chunk
        if head is None:
            start = buffer.find(_SHEET_DATA)
            root = _ROOT.search(buffer)  # the first element: declarations and comments do not match
            if start < 0 or root is None:
                continue
            end = start + len(_SHEET_DATA)
            head = _DIMENSION.sub(b"", bytes(buffer[:end]))
            closing = b"</sheetData></" + root.group(1) + b">"
            del buffer[:end]
        while len(buffer) >= plan.piece_bytes:
            cut = _numbered_row_near(buffer, plan.piece_bytes)
            if cut <= 0:
                break
            yield head + bytes(buffer[:cut]) + closing
            del buffer[:cut]
    yield (head or b"") + bytes(buffer)


def _numbered_row_near(buffer: bytearray, size: int) -> int:
    """Where a complete `<row r="…">` tag starts, the last one before `size` bytes or else the first
    after; -1 if there is none in reach (rows that do not state their number are never cut at)."""
    end = size
    for _attempt in range(64):
        start = buffer.rfind(b"<row", 0, end)
        if start <= 0:
            break
        if _numbered_row_at(buffer, start):
            return start
        end = start
    start = size
    for _attempt in range(64):
        start = buffer.find(b"<row", start)
        if start < 0:
            break
        if _numbered_row_at(buffer, start):
            return start
        start += 4
    return -1


def _numbered_row_at(buffer: bytearray, start: int) -> bool:
    close = buffer.find(b">", start, start + 4096)
    return (
        close > 0
        and buffer[start + 4 : start + 5] in (b" ", b"\t", b"\n", b"\r")
        and _NUMBERED_ROW.search(buffer, start, close) is not None
    )


def _piece_workbook(plan: _PiecePlan, xml: bytes) -> bytes:
    # Stored, not compressed: calamine unpacks nothing and the CRC is the only pass over the bytes.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in plan.parts.items():
            archive.writestr(name, content)
        archive.writestr(plan.sheet.filename, xml)
    return out.getvalue()


def _xlsx_rows_in_pieces(data: bytes, plan: _PiecePlan) -> Iterator[tuple[int, list[Cell]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    waiting: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=_PIECES_AHEAD)
    stop = threading.Event()

    def hand_over(kind: str, item: Any) -> bool:
        while not stop.is_set():
            try:
                waiting.put((kind, item), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def parse() -> None:
        outcome: tuple[str, Any] = ("end", None)
        try:
            for xml in _sheet_pieces(data, plan):
                piece = _piece_workbook(plan, xml)
                del xml
                sheet = CalamineWorkbook.from_filelike(io.BytesIO(piece)).get_sheet_by_index(0)
                del piece
                if not hand_over("sheet", sheet):
                    return
        except BaseException as exc:  # noqa: BLE001 - whatever it is, the reading thread raises it
            outcome = ("error", exc)
        hand_over(*outcome)

    thread = threading.Thread(target=parse, name="xlsx-pieces", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = waiting.get()
            if kind == "end":
                return
            if kind == "error":
                # What calamine or the unpacking refuse is a broken file, as when the sheet is read
                # whole; the scan's own refusals keep their message; anything else is ours.
                if isinstance(item, (CalamineError, zipfile.BadZipFile, zlib.error, EOFError)):
                    raise _broken_xlsx() from None
                raise item
            start = item.start
            if start is None:
                continue  # a piece with no cell that holds a value
            top, left = start
            try:
                rows = item.to_python()
            except Exception:
                raise _broken_xlsx() from None
            del item
            # calamine's grid starts at the piece's first filled cell; rows are numbered and
            # columns placed from A1, as in the sheet read whole.
            padding = [""] * left
            for number, row in enumerate(rows, start=top + 1):
                yield number, (padding + row) if left else row
    finally:
        stop.set()
        thread.join()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="strict", newline="")
    reader: Any = None
    number = 0
    try:
        first_line = text.readline()
        text.seek(0)
        # Excel in Vietnamese regional settings separates with ';' (the decimal mark is ',').
        counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
        delimiter = max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","
        reader = csv.reader(text, delimiter=delimiter)
        for number, row in enumerate(reader, start=1):
            yield number, list(row)
    except UnicodeDecodeError:
        # TCVN3 and VNI files saved as "CSV (Comma delimited)" are Windows-1252 bytes.
        legacy = legacy_encoding(data[:65536].decode("cp1252", errors="replace"))
        raise TabularError(
            legacy
            or _(
                "Tệp CSV không ở bảng mã UTF-8. Trong Excel, chọn Lưu thành “CSV UTF-8 (Comma delimited)” rồi nhập lại."
            )
        ) from None
    except csv.Error as exc:
        # csv's messages are English and name its internals: say what the user can fix.
        line = getattr(reader, "line_num", 0) or number + 1
        if "field larger than field limit" in str(exc):
            message = _("Dòng %(row)d có một ô dài quá %(max)s ký tự.") % {
                "row": line,
                "max": group_thousands(csv.field_size_limit()),
            }
        else:
            message = _(
                "Tệp CSV bị lỗi định dạng ở dòng %(row)d (dấu ngoặc kép không khớp hoặc ký tự lạ). "
                "Hãy mở bằng Excel và lưu lại bằng “CSV UTF-8 (Comma delimited)”."
            ) % {"row": line}
        raise TabularError(message) from None


def read_rows(data: bytes, file_name: str) -> Iterator[tuple[int, list[Cell]]]:
    """(Excel row number, cells) for each row of the first sheet, read lazily."""
    if _kind_of(data, file_name) == CSV:
        return _guarded(_csv_rows(data))
    plan = _check_xlsx(data, in_pieces=True)
    return _guarded(_xlsx_rows_in_pieces(data, plan) if plan else _xlsx_rows_whole(data))


def _guarded(rows: Iterator[tuple[int, list[Cell]]]) -> Iterator[tuple[int, list[Cell]]]:
    """The rows, refused if the text is in a legacy encoding or the file goes past MAX_ROWS."""
    head: list[tuple[int, list[Cell]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= LEGACY_SAMPLE_ROWS:
            break
    # 64,000 characters are plenty to tell an encoding, and keep a huge cell from costing time.
    sample = " ".join(cell[:2000] for _n, cells in head for cell in cells if isinstance(cell, str))[:64_000]
    legacy = legacy_encoding(sample)
    if legacy:
        raise TabularError(legacy)
    yield from head
    for number, cells in rows:
        if number > MAX_ROWS:
            raise TabularError(
                _("Tệp có quá nhiều dòng: mỗi lần nhập tối đa %(max)s dòng. Hãy chia thành nhiều tệp.")
                % {"max": group_thousands(MAX_ROWS)}
            )
        yield number, cells


# --- Legacy Vietnamese encodings ---------------------------------------------------------------

# Text typed with the TCVN3 (ABC, ".VnTime") or VNI fonts is stored as Western (Windows-1252)
# letters: "Việt Nam" is "ViÖt Nam" in TCVN3 and "Vieät Nam" in VNI. It reads as UTF-8 without
# error, so without this check it would be imported as garbage.
# Letters only Unicode Vietnamese has (Windows-1252 has none of them): ạ…ỹ, ă, đ, ĩ, ũ, ơ, ư.
_VIETNAMESE_ONLY = re.compile("[\u1ea0-\u1ef9\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0]")
# Windows-1252 characters that TCVN3 or VNI text is full of and Vietnamese in Unicode never uses.
_LEGACY_SIGNS = re.compile("[äåæçëîïñöøûüÄÅÆÇËÎÏÑÖØÛÜ¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾×ÐÞßð÷þ]")
# VNI: a vowel followed by the character that carries its mark ("Vieät", "hoïc", "Nguyeãn").
_VNI_MARKS = re.compile("[aeiouyAEIOUYôöÔÖ][ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]")
_TCVN3_ONLY = re.compile("[¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾×Þ÷þ]")
_LEGACY_WORD = re.compile(r"\S*[äåæçëîïñöøûüÄÅÆÇËÎÏÑÖØÛÜ¡¢£¤¥¦§¨©ª«¬®µ¶·¸¹»¼½¾×ÐÞßð÷þ]\S*")


def legacy_encoding(text: str) -> str:
    """A Vietnamese message if `text` looks typed in TCVN3 (ABC) or VNI rather than Unicode, else "".

    The signs: characters those encodings are full of and Vietnamese in Unicode never uses
    outnumber, two to one, the letters only Unicode Vietnamese has, and the text is mostly
    ASCII letters (which rules out binary files). A few foreign names ("Müller") are not enough.
    """
    signs = len(_LEGACY_SIGNS.findall(text))
    if signs < 5:
        return ""
    if signs <= 2 * len(_VIETNAMESE_ONLY.findall(text)):
        return ""
    letters = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if letters < 0.5 * sum(1 for ch in text if not ch.isspace()):
        return ""
    tcvn3 = len(_TCVN3_ONLY.findall(text))
    vni = len(_VNI_MARKS.findall(text))
    name = "TCVN3 (ABC)" if tcvn3 >= vni else "VNI"
    example = _LEGACY_WORD.search(text)
    word = example.group(0)[:40] if example else ""
    return _(
        "Tệp có vẻ dùng bảng mã %(name)s (ví dụ “%(word)s”), không phải Unicode. Hãy chuyển sang Unicode "
        "(UTF-8), chẳng hạn bằng công cụ chuyển mã của Unikey, rồi nhập lại."
    ) % {"name": name, "word": word}


# --- Validating --------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    raw: dict[str, Cell]
    key: tuple[int, tuple[Any, ...]] | None = None


@dataclass
class Validation:
    """Everything known about a file before anything is written."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0
    fields: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, message: str) -> Validation:
        self.errors.append(RowError(row=None, column="", value="", message=message))
        return self


def _short(value: Cell, limit: int = 200) -> str:
    text = cell_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate(dataset: Dataset, data: bytes, file_name: str, *, max_bytes: int | None = None) -> Validation:
    """Read and check a whole file; the result carries either clean rows or every error."""
    result = Validation()
    if not data:
        return result.fail(_("Tệp rỗng."))
    if max_bytes is not None and len(data) > max_bytes:
        return result.fail(
            _("Tệp quá lớn: %(size)s MB, tối đa %(limit)s MB.")
            % {"size": round(len(data) / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)}
        )
    try:
        rows = read_rows(data, file_name)
        header_number, layout = _read_header(dataset, rows, result)
        if layout is None:
            return result
        result.fields = [column.field for column in layout.values()]
        for number, cells in rows:
            if all(is_blank(cell) for cell in cells):
                continue
            result.row_count += 1
            _clean_row(dataset, number, cells, layout, result)
    except TabularError as exc:
        result.rows = []
        return result.fail(exc.message)
    if header_number is not None and result.row_count == 0:
        return result.fail(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    _resolve_lookups(dataset, layout, result)
    _check_keys(dataset, result)
    result.errors.sort(key=lambda e: e.row or 0)
    return result


def _read_header(
    dataset: Dataset, rows: Iterator[tuple[int, list[Cell]]], result: Validation
) -> tuple[int | None, dict[int, Column] | None]:
    for number, cells in rows:
        if all(is_blank(cell) for cell in cells):
            continue
        index = dataset.header_index()
        layout: dict[int, Column] = {}
        seen: dict[str, str] = {}
        unknown: list[str] = []
        duplicated: list[str] = []
        for position, cell in enumerate(cells):
            key = normalise_header(cell)
            if not key:
                continue  # an unnamed column (often a stray border) carries nothing we can use
            column = index.get(key)
            if column is None:
                unknown.append(cell_text(cell).strip())
            elif column.field in seen:
                duplicated.append(cell_text(cell).strip())
            else:
                seen[column.field] = cell_text(cell).strip()
                layout[position] = column
        missing = [c.header for c in dataset.columns if c.required and c.field not in seen]
        for header in unknown:
            result.errors.append(
                RowError(number, header, header, _("Cột không có trong mẫu “%(title)s”") % {"title": dataset.title})
            )
        for header in duplicated:
            result.errors.append(RowError(number, header, header, _("Cột này xuất hiện hai lần")))
        for header in missing:
            result.errors.append(RowError(number, header, "", _("Thiếu cột bắt buộc")))
        if unknown or duplicated or missing:
            expected = ", ".join(dataset.headers)
            result.errors.append(
                RowError(number, "", "", _("Dòng tiêu đề phải gồm các cột: %(expected)s") % {"expected": expected})
            )
            return number, None
        return number, layout
    result.fail(_("Tệp không có dòng tiêu đề."))
    return None, None


def _clean_row(dataset: Dataset, number: int, cells: list[Cell], layout: dict[int, Column], result: Validation) -> None:
    values: dict[str, Any] = {}
    raw: dict[str, Cell] = {}
    failed = False
    for position, column in layout.items():
        cell = cells[position] if position < len(cells) else None
        raw[column.field] = cell
        try:
            values[column.field] = column.clean(cell)
        except ParseError as exc:
            failed = True
            result.errors.append(RowError(number, column.header, _short(cell), str(exc)))
    if failed:
        return
    for field_name, message in dataset.clean_row(values):
        failed = True
        column = dataset.column(field_name)
        result.errors.append(RowError(number, column.header, _short(raw.get(field_name)), message))
    if not failed:
        result.rows.append(ParsedRow(number=number, values=values, raw=raw))


def _resolve_lookups(dataset: Dataset, layout: dict[int, Column] | None, result: Validation) -> None:
    if not layout:
        return
    lookups = [column for column in layout.values() if isinstance(column, Lookup)]
    bad_rows: set[int] = set()
    for column in lookups:
        keys = {row.values[column.field] for row in result.rows if row.values[column.field]}
        found = column.resolve(keys) if keys else {}
        for row in result.rows:
            key = row.values[column.field]
            if not key:
                row.values[column.field] = None
                continue
            target = found.get(key)
            if target is None:
                message = _("Không tìm thấy %(noun)s “%(key)s”") % {"noun": column.noun, "key": key}
            elif isinstance(target, Ambiguous):
                message = _("Có %(n)d %(noun)s cùng khớp “%(key)s”; hãy ghi mã để phân biệt") % {
                    "n": target.count,
                    "noun": column.noun,
                    "key": key,
                }
            else:
                row.values[column.field] = target
                continue
            bad_rows.add(row.number)
            result.errors.append(RowError(row.number, column.header, _short(row.raw.get(column.field)), message))
    if bad_rows:
        result.rows = [row for row in result.rows if row.number not in bad_rows]


def _check_keys(dataset: Dataset, result: Validation) -> None:
    first_seen: dict[tuple[int, tuple[Any, ...]], int] = {}
    kept: list[ParsedRow] = []
    for row in result.rows:
        row.key = dataset.key_for(row.values)
        if row.key is None:
            kept.append(row)
            continue
        if row.key in first_seen:
            fields = dataset.natural_keys[row.key[0]]
            headers = ", ".join(dataset.column(f).header for f in fields if f in dataset._by_field)
            result.errors.append(
                RowError(
                    row.number,
                    dataset.column(fields[0]).header,
                    _short(row.raw.get(fields[0])),
                    _("Trùng %(headers)s với dòng %(first)d") % {"headers": headers, "first": first_seen[row.key]},
                )
            )
            continue
        first_seen[row.key] = row.number
        kept.append(row)
    result.rows = kept


# --- Writing files -----------------------------------------------------------------------------


def _xlsx_text(value: str) -> str:
    # Strip first: "\x00=cmd" escaped and then stripped would leave a live "=cmd".
    return escape_formula(_ILLEGAL_XLSX_CHARS.sub("", value))


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    title: str = "",
    number_formats: Sequence[str | None] = (),
    widths: Sequence[int] = (),
) -> bytes:
    """A one-sheet workbook, written row by row (openpyxl write-only) so memory stays flat."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    for position, header in enumerate(headers, start=1):
        width = widths[position - 1] if position - 1 < len(widths) else max(12, min(40, len(header) + 4))
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        out: list[Any] = []
        for position, value in enumerate(row):
            if isinstance(value, str):
                out.append(_xlsx_text(value))
                continue
            number_format = number_formats[position] if position < len(number_formats) else None
            if number_format and value not in (None, ""):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31]
    return cleaned or "Sheet1"


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM, which is what makes Excel show Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_formula(str(h)) for h in headers])
    for row in rows:
        writer.writerow([escape_formula(cell_text(value)) if value is not None else "" for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def export(dataset: Dataset, objects: Iterable[Any], fmt: str) -> bytes:
    """Write records with the dataset's own headers, so that the file re-imports unchanged."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    columns = dataset.columns

    def rows() -> Iterator[list[Cell]]:
        for obj in objects:
            yield [column.to_cell(dataset.export_value(obj, column), fmt) for column in columns]

    headers = dataset.headers
    if fmt == XLSX:
        return write_xlsx(headers, rows(), title=str(dataset.title), number_formats=[c.number_format for c in columns])
    return write_csv(headers, rows())


def error_report(errors: Iterable[RowError], *, title: str = "") -> bytes:
    """The row-by-row error report as a workbook the user can sort and filter next to the file."""
    headers = (_("Dòng"), _("Cột"), _("Giá trị"), _("Lỗi"))
    rows = ([e.row if e.row is not None else "", e.column, e.value, e.message] for e in errors)
    return write_xlsx(headers, rows, title=title or _("Lỗi"), widths=(8, 28, 36, 80))
