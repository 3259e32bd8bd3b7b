from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khcn.core import filetypes, services
from khcn.core.models import Attachment

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_a_pdf_is_stored_outside_the_web_root_under_a_random_name(media_root, science_officer, org_a):
    upload = SimpleUploadedFile("../../etc/quyet-dinh.pdf", PDF_BYTES, content_type="text/plain")
    attachment = services.attachment_add(record=org_a, upload=upload, by=science_officer)
    assert attachment.mime_type == "application/pdf"
    assert attachment.original_name == "quyet-dinh.pdf"
    assert ".." not in attachment.file.name
    assert attachment.file.path.startswith(str(media_root))
    assert len(attachment.sha256) == 64


@pytest.mark.django_db
def test_the_stored_and_shown_suffix_follow_the_content(media_root, science_officer, org_a):
    upload = SimpleUploadedFile("bao-cao.pdf.exe", PDF_BYTES, content_type="application/octet-stream")
    attachment = services.attachment_add(record=org_a, upload=upload, by=science_officer)
    assert attachment.file.name.endswith(".pdf")
    assert attachment.original_name == "bao-cao.pdf.exe.pdf"
    photo = SimpleUploadedFile("anh.JPG", b"\xff\xd8\xff\xe0" + b"0" * 64, content_type="image/jpeg")
    attachment = services.attachment_add(record=org_a, upload=photo, by=science_officer)
    assert attachment.original_name == "anh.JPG"
    assert attachment.file.name.endswith(".jpeg")


@pytest.mark.django_db
def test_type_comes_from_content_not_from_the_name(media_root, science_officer, org_a):
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_add(record=org_a, upload=fake, by=science_officer)
    assert "Kiểu tệp không được chấp nhận" in excinfo.value.messages[0]
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_too_large_and_empty_files_are_refused(media_root, settings, science_officer, org_a):
    settings.ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("lon.pdf", PDF_BYTES + b"0" * 200)
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_add(record=org_a, upload=big, by=science_officer)
    assert "quá lớn" in excinfo.value.messages[0]
    with pytest.raises(ValidationError):
        services.attachment_add(record=org_a, upload=SimpleUploadedFile("rong.pdf", b""), by=science_officer)
    assert Attachment.objects.count() == 0


def test_office_files_are_told_apart_inside_the_zip():
    assert filetypes.sniff(io.BytesIO(_docx_bytes())) == filetypes.DOCX
    assert filetypes.sniff(io.BytesIO(b"\x89PNG\r\n\x1a\n....")) == filetypes.PNG
    assert filetypes.sniff(io.BytesIO(b"plain text")) is None


@pytest.mark.django_db
def test_download_only_for_users_who_may_see_the_record(
    client, media_root, science_officer, host_user, outsider, org_a
):
    attachment = services.attachment_add(
        record=org_a, upload=SimpleUploadedFile("hop-dong.docx", _docx_bytes()), by=science_officer
    )
    url = reverse("core:attachment-download", args=[attachment.pk])

    client.force_login(science_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _docx_bytes()
    assert "hop-dong.docx" in response["Content-Disposition"]

    for user in (host_user, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404

    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


@pytest.mark.django_db
def test_staff_attach_a_file_on_the_record_page_and_a_fake_one_is_refused(client, media_root, science_officer, org_a):
    url = reverse("admin:directory_organisation_change", args=[org_a.pk])
    client.force_login(science_officer)
    prefix = "core-attachment-content_type-object_id"
    base = {
        "name": org_a.name,
        "kind": org_a.kind,
        "loaded_version": org_a.version,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-description": "Giấy chứng nhận",
    }
    fake = client.post(url, {**base, f"{prefix}-0-file": SimpleUploadedFile("gcn.pdf", b"not a pdf at all")})
    assert fake.status_code == 200
    assert "Kiểu tệp không được chấp nhận" in fake.content.decode()
    assert Attachment.objects.count() == 0

    org_a.refresh_from_db()
    ok = client.post(
        url, {**base, "loaded_version": org_a.version, f"{prefix}-0-file": SimpleUploadedFile("gcn.pdf", PDF_BYTES)}
    )
    assert ok.status_code == 302, ok.content.decode()[:3000]
    attachment = Attachment.objects.get()
    assert attachment.record == org_a
    assert attachment.uploaded_by == science_officer
    assert attachment.mime_type == "application/pdf"
    page = client.get(url).content.decode()
    assert reverse("core:attachment-download", args=[attachment.pk]) in page
