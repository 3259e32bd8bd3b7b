from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.core import services
from khcn.directory.models import Organisation


@pytest.mark.django_db
def test_archive_keeps_the_record_and_its_reason(science_officer, org_a):
    services.record_archive(record=org_a, by=science_officer, reason="Tổ chức đã giải thể")
    org_a.refresh_from_db()
    assert org_a.is_archived
    assert org_a.archive_reason == "Tổ chức đã giải thể"
    assert Organisation.objects.active().filter(pk=org_a.pk).count() == 0
    assert Organisation.objects.archived().filter(pk=org_a.pk).count() == 1
    latest = org_a.history.latest()
    assert latest.history_user == science_officer
    assert "giải thể" in latest.history_change_reason


@pytest.mark.django_db
def test_archive_needs_a_reason_and_changes_nothing_without_one(science_officer, org_a):
    with pytest.raises(ValidationError):
        services.record_archive(record=org_a, by=science_officer, reason="  ")
    org_a.refresh_from_db()
    assert not org_a.is_archived
    assert org_a.history.count() == 1


@pytest.mark.django_db
def test_restore_brings_an_archived_record_back(science_officer, org_a):
    services.record_archive(record=org_a, by=science_officer, reason="nhầm")
    services.record_restore(record=org_a, by=science_officer)
    org_a.refresh_from_db()
    assert not org_a.is_archived
    with pytest.raises(ValidationError):
        services.record_restore(record=org_a, by=science_officer)


@pytest.mark.django_db
def test_official_records_cannot_be_deleted(org_a):
    with pytest.raises(PermissionDenied):
        org_a.delete()
    assert Organisation.objects.filter(pk=org_a.pk).exists()


@pytest.mark.django_db
def test_second_editor_with_a_stale_version_is_refused(science_officer, quality_officer, org_a):
    first = Organisation.objects.get(pk=org_a.pk)
    second = Organisation.objects.get(pk=org_a.pk)
    loaded = first.version

    first.phone = "0221 3862 111"
    services.record_save(record=first, by=science_officer, expected_version=loaded)

    second.phone = "0221 0000 000"
    with pytest.raises(services.StaleRecordError) as excinfo:
        services.record_save(record=second, by=quality_officer, expected_version=loaded)
    assert "người khác sửa" in str(excinfo.value)
    org_a.refresh_from_db()
    assert org_a.phone == "0221 3862 111"
    assert org_a.version == loaded + 1


@pytest.mark.django_db
def test_every_save_is_kept_in_history_with_who_and_when(science_officer, org_a):
    org_a.address = "Phường Phố Hiến"
    services.record_save(record=org_a, by=science_officer, expected_version=org_a.version, reason="Cập nhật địa chỉ")
    records = list(org_a.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[-1].history_user == science_officer
    assert records[-1].history_change_reason == "Cập nhật địa chỉ"
    delta = records[-1].diff_against(records[0])
    assert [c.field for c in delta.changes if c.field == "address"] == ["address"]
