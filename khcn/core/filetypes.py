"""Upload checks: the type is read from the file's content, never trusted from its name."""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    code: str
    mime: str
    label: str


PDF = FileKind("pdf", "application/pdf", "PDF")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)")
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", "OpenDocument (.odt)")
DOC = FileKind("doc", "application/msword", "Word 97-2003 (.doc)")
XLS = FileKind("xls", "application/vnd.ms-excel", "Excel 97-2003 (.xls)")
PNG = FileKind("png", "image/png", "PNG")
JPEG = FileKind("jpeg", "image/jpeg", "JPEG")
ZIP = FileKind("zip", "application/zip", "ZIP")
CSV = FileKind("csv", "text/csv", "CSV")

ALLOWED = (PDF, DOCX, XLSX, ODT, DOC, XLS, PNG, JPEG, ZIP)
_SUFFIXES = {kind.mime: kind.code for kind in (*ALLOWED, CSV)}
_SAME_SUFFIX = {"jpeg": ("jpeg", "jpg")}


def suffix_for_mime(mime: str) -> str:
    """The file suffix of a type read from content ("" for an unknown type)."""
    code = _SUFFIXES.get(mime, "")
    return f".{code}" if code else ""


def name_for_kind(name: str, kind: FileKind) -> str:
    """The display name with the suffix of the type found in the content, so that a PDF uploaded as
    "bao-cao.pdf.exe" downloads as "bao-cao.pdf.exe.pdf" and never opens as a program."""
    suffix = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if suffix in _SAME_SUFFIX.get(kind.code, (kind.code,)):
        return name
    return f"{name}.{kind.code}"


def _read_head(stream: IO[bytes], n: int = 8192) -> bytes:
    pos = stream.tell()
    head = stream.read(n)
    stream.seek(pos)
    return head


def _zip_kind(stream: IO[bytes]) -> FileKind:
    pos = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
            if "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.text"):
                return ODT
            return ZIP
    except zipfile.BadZipFile:
        raise ValidationError(_("Tệp nén bị hỏng hoặc không đọc được."), code="bad_zip") from None
    finally:
        stream.seek(pos)


def sniff(stream: IO[bytes]) -> FileKind | None:
    """Name the file's real type from its first bytes (and, for zip containers, its contents)."""
    head = _read_head(stream)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(stream)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE2 compound file: old Word or Excel, both common in departments. Excel's
        # directory names its stream "Workbook" (UTF-16); Word's names "WordDocument".
        sample = _read_head(stream, 1 << 20)
        return XLS if "Workbook".encode("utf-16-le") in sample else DOC
    return None


def check_upload(upload: IO[bytes], allowed: tuple[FileKind, ...] = ALLOWED, max_bytes: int | None = None) -> FileKind:
    limit = max_bytes or settings.ATTACHMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise ValidationError(_("Tệp rỗng."), code="empty")
    if size > limit:
        raise ValidationError(
            _("Tệp quá lớn: %(size)s MB, tối đa %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
            code="too_large",
        )
    kind = sniff(upload)
    upload.seek(0)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("Kiểu tệp không được chấp nhận. Chỉ nhận: %(kinds)s.") % {"kinds": ", ".join(k.label for k in allowed)},
            code="bad_type",
        )
    return kind


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


# Characters that make a name display as something else: controls (NUL included) and the
# bidirectional marks and overrides ("hoadon\u202efdp.exe" shows as "hoadonexe.pdf").
_UNSAFE_NAME_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def safe_display_name(name: str) -> str:
    """The name to show and to put in Content-Disposition: the last path component, no control or
    direction characters, at most 255 characters with the extension kept. Storage names are random."""
    cleaned = _UNSAFE_NAME_CHARS.sub("", unicodedata.normalize("NFC", name or ""))
    base = os.path.basename(cleaned.replace("\\", "/")).strip().strip(".").strip()
    if not base:
        return "tep"
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = stem[: 254 - len(ext)] + dot + ext if dot and len(ext) <= 16 else base[:255]
    return base
