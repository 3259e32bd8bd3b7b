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
import re
import zipfile
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

# A cell starting with one of these is run as a formula by Excel/LibreOffice (CSV injection).
FORMULA_PREFIXES = frozenset("=+-@\t\r")
# The escape is one apostrophe; an apostrophe already in front of a dangerous character, or of
# another apostrophe, is escaped too, so that unescape(escape(v)) == v for every text.
_ESCAPABLE_AFTER_QUOTE = FORMULA_PREFIXES | {"'"}

MONEY_MAX = 10**15  # one million billion đồng: anything larger is a typing slip, not a budget

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


def _kind_of(data: bytes, file_name: str) -> str:
    name = file_name.lower()
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise TabularError(
                _("Tệp Excel bị hỏng hoặc không đọc được. Hãy mở lại bằng Excel và lưu thành .xlsx.")
            ) from None
        if "xl/workbook.xml" not in names:
            raise TabularError(_("Tệp này không phải bảng tính Excel (.xlsx). Chỉ nhận tệp .xlsx hoặc .csv."))
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise TabularError(
            _("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ. Hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
        )
    if name.endswith(".xlsx"):
        raise TabularError(_("Tệp Excel bị hỏng hoặc không đọc được. Hãy mở lại bằng Excel và lưu thành .xlsx."))
    if not (name.endswith(".csv") or name.endswith(".txt")):
        raise TabularError(_("Kiểu tệp không được hỗ trợ. Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TabularError(_("Tệp CSV đang ở bảng mã UTF-16. Hãy lưu lại bằng “CSV UTF-8 (Comma delimited)”."))
    if b"\x00" in data[:4096]:
        raise TabularError(_("Tệp này không phải tệp CSV dạng văn bản. Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    return CSV


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception:  # calamine raises its own error types for every kind of broken file
        raise TabularError(
            _("Tệp Excel bị hỏng hoặc không đọc được. Hãy mở lại bằng Excel và lưu thành .xlsx.")
        ) from None
    # calamine yields rows from the top of the sheet, so the index is Excel's row number.
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:
            raise TabularError(
                _("Tệp Excel bị hỏng hoặc không đọc được. Hãy mở lại bằng Excel và lưu thành .xlsx.")
            ) from None
        number += 1
        yield number, list(row)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="strict", newline="")
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
        raise TabularError(
            _("Tệp CSV không ở bảng mã UTF-8. Trong Excel, chọn Lưu thành “CSV UTF-8 (Comma delimited)” rồi nhập lại.")
        ) from None
    except csv.Error as exc:
        raise TabularError(_("Tệp CSV bị lỗi định dạng: %(error)s") % {"error": exc}) from None


def read_rows(data: bytes, file_name: str) -> Iterator[tuple[int, list[Cell]]]:
    """(Excel row number, cells) for each row of the first sheet, read lazily."""
    kind = _kind_of(data, file_name)
    return _xlsx_rows(data) if kind == XLSX else _csv_rows(data)


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
    return _ILLEGAL_XLSX_CHARS.sub("", escape_formula(value))


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
