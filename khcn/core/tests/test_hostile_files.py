"""Hostile files (security goals G4 and G5): every file of the generated corpus through every
registered importer, and a sample through the back office's upload pages.

Each file must be refused whole: no exception, nothing written (the target tables and their history
keep their row counts), and a Vietnamese message a user can act on.
"""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khcn.core import datasets, services
from khcn.core.models import Attachment, ImportBatch
from khcn.core.tests.hostile_corpus import VIETNAMESE, corpus, to_tcvn3, to_vni
from khcn.directory.models import Organisation
from khcn.lib import tabular

VIETNAMESE_LETTER = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
NOT_FOR_USERS = re.compile(r"Traceback|Exception|Error\b|errno|0x[0-9a-f]{2}|\bfield limit\b|File \"", re.I)


def _tables() -> list:
    models = {d.model for d in datasets.all()}
    models |= {apps.get_model("metrology", "Instrument")}
    tables = []
    for model in models:
        tables.append(model)
        history = getattr(model, "history", None)
        if history is not None:
            tables.append(history.model)
    return tables


def _counts(tables) -> dict:
    return {model._meta.label: model._default_manager.count() for model in tables}


def test_the_corpus_is_large_enough():
    samples = corpus(datasets.all())
    assert len(samples) >= 200
    by_category = Counter(s.category for s in samples)
    for category in ("xlsx-broken", "xxe", "bomb", "encoding-legacy", "formula", "names", "nul", "limits"):
        assert by_category[category] > 0, category


def test_the_legacy_encoders_give_the_known_byte_sequences():
    assert to_tcvn3("Việt Nam").decode("cp1252") == "ViÖt Nam"
    assert to_tcvn3("Nguyễn").decode("cp1252") == "NguyÔn"
    assert to_tcvn3("công nghệ").decode("cp1252") == "c«ng nghÖ"
    assert to_vni("Việt Nam").decode("cp1252") == "Vieät Nam"
    assert to_vni("Khoa học").decode("cp1252") == "Khoa hoïc"
    assert to_vni("Nguyễn Đức").decode("cp1252") == "Nguyeãn Ñöùc"


# Run once, on PostgreSQL when there is one (scripts/test.sh): it refuses values SQLite would store.
@pytest.mark.production_database
@pytest.mark.django_db
def test_every_hostile_file_is_refused_by_every_importer_and_nothing_is_written(science_officer):
    Organisation.objects.create(name="Công ty Đã Lưu", tax_code="0900000001", kind=Organisation.Kind.ENTERPRISE)
    tables = _tables()
    before = _counts(tables)
    failures: list[str] = []
    started = time.monotonic()
    samples = corpus(datasets.all())
    names = [d.name for d in datasets.all()]
    for sample in samples:
        for name in names:
            where = f"{sample.category}/{sample.name[:60]!r} → {name}"
            try:
                result = datasets.run_import(name, sample.name, sample.data, user=science_officer)
            except Exception as exc:  # noqa: BLE001 - the point is that none escapes
                failures.append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            if result.ok or result.status != ImportBatch.Status.FAILED:
                failures.append(f"{where}: accepted ({result.status}, {result.created} created)")
                continue
            messages = [e.message for e in result.errors]
            text = " ".join(messages)
            if not text.strip() or not VIETNAMESE_LETTER.search(text) or NOT_FOR_USERS.search(text):
                failures.append(f"{where}: unclear message {text[:300]!r}")
            if sample.category == "encoding-legacy" and not re.search("TCVN3|VNI", text):
                failures.append(f"{where}: legacy encoding not named: {text[:200]!r}")
            if "root:" in text:
                failures.append(f"{where}: an external entity was read")
    after = _counts(tables)
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
    assert after == before
    print(f"{len(samples)} files × {len(names)} importers in {elapsed:.1f} s")


GENUINE = [
    *VIETNAMESE,
    "Toà án nhân dân tỉnh Khánh Hoà; khoá học quản lý chất lượng cho 25 học viên",
    "Xuân Quỳnh, Thuý Kiều, Nguyễn Thị Quý, Trương Hoà Bình",
    "Công ty TNHH Bühler Việt Nam, đối tác Müller GmbH (Đức) và Société Générale",
    "Hệ thống © 2024 · Sở KH&CN «Hưng Yên» — 3×4 m, ½ kinh phí",
    "Mã số thuế 0900123456, điện thoại 0221.3862.123",
]


@pytest.mark.parametrize("text", GENUINE)
def test_genuine_unicode_vietnamese_is_not_taken_for_a_legacy_encoding(text):
    assert tabular.legacy_encoding(text) == ""
    assert tabular.legacy_encoding(" ".join([text] * 50)) == ""


def test_every_dataset_header_row_is_genuine():
    for dataset in datasets.all():
        assert tabular.legacy_encoding(" ".join(dataset.headers * 20)) == ""


@pytest.mark.parametrize("encode,name", [(to_tcvn3, "TCVN3"), (to_vni, "VNI")])
def test_legacy_text_is_named(encode, name):
    text = " ".join(encode(v).decode("cp1252", "replace") for v in VIETNAMESE)
    assert name in tabular.legacy_encoding(text)


# --- The HTTP upload paths -----------------------------------------------------------------------

HTTP_SAMPLE = (
    "xlsx-broken",
    "xxe",
    "bomb",
    "encoding-legacy",
    "encoding",
    "garbage",
    "names",
    "nul",
    "empty",
    "duplicates",
)


@pytest.mark.django_db
def test_the_back_office_import_page_refuses_hostile_files_without_a_server_error(client, science_officer):
    client.force_login(science_officer)
    url = reverse("admin:directory_organisation_tabular_import")
    seen: Counter = Counter()
    count = Organisation.objects.count()
    for sample in corpus([datasets.get("organisations")]):
        if sample.category not in HTTP_SAMPLE or seen[sample.category] >= 4 and sample.category != "names":
            continue
        if len(sample.data) > 10 << 20 or sample.name in ("", ".."):
            continue  # Django's own upload handling refuses those names and sizes before us
        seen[sample.category] += 1
        response = client.post(url, {"file": SimpleUploadedFile(sample.name or "x", sample.data)})
        assert response.status_code == 200, (sample.name, response.status_code)
        body = response.content.decode()
        assert "<script>alert(1)</script>" not in body
        batch = ImportBatch.objects.latest("pk")
        assert batch.status == ImportBatch.Status.FAILED
        assert "/" not in batch.file_name and "\\" not in batch.file_name
        assert not re.search("[\x00-\x1f\u202a-\u202e\u2066-\u2069]", batch.file_name)
    assert Organisation.objects.count() == count
    assert sum(seen.values()) >= 30


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STORED = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd.pdf",
        "..\\..\\windows\\x.pdf",
        "hoa-don\u202efdp.exe",
        "bao-cao.pdf\x00.exe",
        "tên\r\nX-Evil: 1.pdf",
        "x" * 400 + ".pdf",
        ".pdf",
    ],
)
def test_attachment_names_with_path_tricks_are_stored_safely(settings, tmp_path, science_officer, org_a, name):
    settings.MEDIA_ROOT = tmp_path / "media"
    attachment = services.attachment_add(record=org_a, upload=SimpleUploadedFile(name, PDF), by=science_officer)
    assert STORED.match(attachment.file.name), attachment.file.name
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    shown = attachment.original_name
    assert shown and len(shown) <= 255
    assert "/" not in shown and "\\" not in shown and shown not in (".", "..")
    assert not re.search("[\x00-\x1f\u202a-\u202e\u2066-\u2069]", shown)


@pytest.mark.django_db
def test_hostile_attachments_on_the_record_page_are_refused_without_a_server_error(
    client, settings, tmp_path, science_officer, org_a
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(science_officer)
    url = reverse("admin:directory_organisation_change", args=[org_a.pk])
    prefix = "core-attachment-content_type-object_id"
    base = {
        "name": org_a.name,
        "kind": org_a.kind,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    samples = [s for s in corpus([]) if s.category in ("garbage", "bomb", "xlsx-broken", "names")][:40]
    for sample in samples:
        if sample.name in ("", ".."):
            continue
        org_a.refresh_from_db()
        data = {
            **base,
            "loaded_version": org_a.version,
            f"{prefix}-0-file": SimpleUploadedFile(sample.name or "x", sample.data),
        }
        response = client.post(url, data)
        assert response.status_code in (200, 302), (sample.name, response.status_code)
    for attachment in Attachment.objects.all():
        assert STORED.match(attachment.file.name), attachment.file.name
        assert "/" not in attachment.original_name


# --- Exports: formula cells come out inert (G5) --------------------------------------------------

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1", "\x00=1"]


def _inert(value) -> bool:
    return not (isinstance(value, str) and value and value[0] in "=+-@\t\r\x00")


def test_csv_and_xlsx_writers_escape_every_formula_prefix():
    import csv
    import io

    from openpyxl import load_workbook

    data = tabular.write_csv(DANGEROUS, [DANGEROUS])
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        assert all(_inert(v) for v in row), row
    sheet = load_workbook(io.BytesIO(tabular.write_xlsx(DANGEROUS, [DANGEROUS]))).active
    for row in sheet.iter_rows(values_only=True):
        assert all(_inert(v) for v in row), row
    report = tabular.error_report([tabular.RowError(1, v, v, v) for v in DANGEROUS])
    for row in load_workbook(io.BytesIO(report)).active.iter_rows(values_only=True):
        assert all(_inert(v) for v in row), row


@pytest.mark.django_db
def test_dataset_exports_escape_formula_cells():
    import csv
    import io

    from django.db import connection
    from openpyxl import load_workbook

    # PostgreSQL refuses NUL in text, so no stored record can carry one there; the writers' own
    # test above covers a NUL-led cell on every database.
    stored = [v for v in DANGEROUS if connection.vendor != "postgresql" or "\x00" not in v]
    for n, value in enumerate(stored):
        Organisation.objects.create(
            name=value + f" {n}", tax_code=f"09001000{n:02d}", kind=Organisation.Kind.ENTERPRISE
        )
    rows = list(csv.reader(io.StringIO(datasets.run_export("organisations", fmt=tabular.CSV).decode("utf-8-sig"))))
    assert all(_inert(v) for row in rows for v in row)
    sheet = load_workbook(io.BytesIO(datasets.run_export("organisations", fmt=tabular.XLSX))).active
    assert all(_inert(v) for row in sheet.iter_rows(values_only=True) for v in row)
