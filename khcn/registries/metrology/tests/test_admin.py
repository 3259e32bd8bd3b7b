"""The metrology back office: lists that page by key and never count, permissions by division."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.registries.metrology import services
from khcn.registries.metrology.models import Instrument, Verification
from khcn.registries.metrology.tests.conftest import VERIFICATION_HEADERS, row, verify, xlsx
from khcn.testing import empty_inline

pytestmark = pytest.mark.django_db

VERIFICATIONS = "admin:metrology_verification_changelist"
INSTRUMENTS = "admin:metrology_instrument_changelist"
TODAY = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)


def make_verifications(types, owner, body, count: int, start: int = 0) -> None:
    with time_machine.travel(TODAY, tick=False):
        for n in range(start, start + count):
            scale = services.instrument_register(
                instrument_type=types["CAN"], serial=f"C-{n:04d}", owner=owner, by=None
            )
            verify(scale, dt.date(2023, 1, 2) + dt.timedelta(days=n % 300), body, passed=n % 7 != 0)


@pytest.fixture
def officer(client, quality_officer):
    client.force_login(quality_officer)
    return client


@pytest.fixture
def radiation(client, radiation_officer):
    client.force_login(radiation_officer)
    return client


# --- Lists ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [VERIFICATIONS, INSTRUMENTS])
def test_list_pages_cost_the_same_queries_for_5_or_60_rows(
    officer, types, owner, body, url, django_assert_max_num_queries
):
    make_verifications(types, owner, body, 5)
    with CaptureQueriesContext(connection) as few:
        assert officer.get(reverse(url)).status_code == 200
    make_verifications(types, owner, body, 55, start=5)
    with django_assert_max_num_queries(len(few)):
        response = officer.get(reverse(url))
    assert response.status_code == 200
    assert "C-0059" in response.content.decode()


def test_the_verification_list_never_counts_and_pages_by_key(officer, types, owner, body):
    make_verifications(types, owner, body, 120)
    with CaptureQueriesContext(connection) as queries:
        first = officer.get(reverse(VERIFICATIONS))
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert not [q["sql"] for q in queries if "OFFSET" in q["sql"].upper()]
    body_first = first.content.decode()
    shown_first = set(re.findall(r"C-\d{4}", body_first))
    assert len(first.context["cl"].result_list) == 100

    link = re.search(r'href="(\?[^"]*sau=[^"]*)"', body_first)
    assert link, "the first page links to the next one"
    second = officer.get(reverse(VERIFICATIONS) + link.group(1).replace("&amp;", "&"))
    shown_second = set(re.findall(r"C-\d{4}", second.content.decode()))
    assert len(second.context["cl"].result_list) == 20
    assert shown_first.isdisjoint(shown_second)
    assert len(shown_first | shown_second) == 120
    assert not re.search(r'href="(\?[^"]*sau=[^"]*)"[^>]*data-keyset-next', second.content.decode())


def test_filters_and_search_use_exact_keys(officer, types, owner, body):
    make_verifications(types, owner, body, 14)
    failed = officer.get(reverse(VERIFICATIONS), {"result__exact": "failed", "nam": "2023"})
    assert {v.result for v in failed.context["cl"].result_list} == {"failed"}
    assert len(failed.context["cl"].result_list) == 2

    number = Verification.objects.filter(result="passed").first().certificate_no
    found = officer.get(reverse(VERIFICATIONS), {"q": number})
    assert [v.certificate_no for v in found.context["cl"].result_list] == [number]
    by_serial = officer.get(reverse(VERIFICATIONS), {"q": "C-0003"})
    assert [v.instrument.serial for v in by_serial.context["cl"].result_list] == ["C-0003"]

    owners = officer.get(reverse(INSTRUMENTS), {"q": "xang dau so 12"})
    assert len(owners.context["cl"].result_list) == 14


@time_machine.travel(TODAY, tick=False)
def test_the_due_filter_finds_instruments_due_soon_overdue_and_rejected(officer, types, owner, body):
    for serial, day, passed in [
        ("SOON", dt.date(2023, 6, 20), True),
        ("LATE", dt.date(2023, 2, 1), True),
        ("BAD", dt.date(2023, 9, 9), False),
    ]:
        verify(
            services.instrument_register(instrument_type=types["CAN"], serial=serial, owner=owner, by=None),
            day,
            body,
            passed=passed,
        )

    def serials(state: str) -> set[str]:
        response = officer.get(reverse(INSTRUMENTS), {"han": state})
        return {i.serial for i in response.context["cl"].result_list}

    assert serials("due_soon") == {"SOON"}
    assert serials("overdue") == {"LATE"}
    assert serials("rejected") == {"BAD"}


# --- Editing ----------------------------------------------------------------------------------


def change_form(verification: Verification, **changes) -> dict:
    data = {
        "instrument": verification.instrument_id,
        "kind": verification.kind,
        "date": verification.date.strftime("%d/%m/%Y"),
        "verifying_body": verification.verifying_body_id,
        "verifier": verification.verifier,
        "result": verification.result,
        "certificate_no": verification.certificate_no,
        "stamp_no": verification.stamp_no,
        "loaded_version": verification.version,
        **empty_inline(),
    }
    data.update(changes)
    return data


@time_machine.travel(TODAY, tick=False)
def test_the_quality_officer_corrects_a_verification_and_the_instrument_follows(officer, meter, body):
    verification = verify(meter, dt.date(2023, 3, 15), body)
    url = reverse("admin:metrology_verification_change", args=[verification.pk])
    response = officer.post(url, change_form(verification, result="failed", certificate_no="", stamp_no=""))
    assert response.status_code == 302, response.context["adminform"].form.errors
    verification.refresh_from_db()
    meter.refresh_from_db()
    assert (verification.result, verification.valid_until, verification.version) == ("failed", None, 2)
    assert meter.status == Instrument.Status.REJECTED


@time_machine.travel(TODAY, tick=False)
def test_the_form_shows_each_rule_on_its_field(officer, meter, body):
    verification = verify(meter, dt.date(2023, 3, 15), body)
    url = reverse("admin:metrology_verification_change", args=[verification.pk])
    response = officer.post(url, change_form(verification, stamp_no="", date="15/03/2018"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Phương tiện đo đạt yêu cầu phải có số tem kiểm định." in errors["stamp_no"]
    assert "Ngày kiểm định 15/03/2018 trước năm sản xuất 2019 của phương tiện đo." in errors["date"]
    verification.refresh_from_db()
    assert verification.stamp_no and verification.version == 1


@time_machine.travel(TODAY, tick=False)
def test_archiving_from_the_list_refreshes_the_instrument(officer, meter, body):
    verify(meter, dt.date(2023, 3, 15), body)
    failed = verify(meter, dt.date(2024, 2, 1), body, passed=False)
    response = officer.post(
        reverse(VERIFICATIONS), {"action": "archive_selected", "_selected_action": [failed.pk], "index": 0}
    )
    assert response.status_code == 302
    meter.refresh_from_db()
    assert meter.status == Instrument.Status.IN_USE and meter.last_verified_on == dt.date(2023, 3, 15)


@time_machine.travel(TODAY, tick=False)
def test_the_import_page_runs_the_verification_importer(officer, types, owner, body):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kd.xlsx", xlsx(VERIFICATION_HEADERS, [row("SN-800"), row("SN-801", owner="khong-co")]))
    response = officer.post(reverse("admin:metrology_verification_tabular_import"), {"file": upload})
    assert response.status_code == 200
    assert "Không nhập tệp kd.xlsx: có 1 lỗi." in response.content.decode()
    assert not Verification.objects.exists()

    upload = SimpleUploadedFile("kd.xlsx", xlsx(VERIFICATION_HEADERS, [row("SN-800")]))
    response = officer.post(reverse("admin:metrology_verification_tabular_import"), {"file": upload}, follow=True)
    assert "Đã nhập kd.xlsx: 1 dòng, 1 tạo mới, 0 cập nhật." in response.content.decode()
    assert Verification.objects.get().instrument.serial == "SN-800"


# --- Who may ----------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_radiation_staff_may_look_but_not_edit(radiation, meter, body):
    verification = verify(meter, dt.date(2023, 3, 15), body)
    change = reverse("admin:metrology_verification_change", args=[verification.pk])

    assert radiation.get(reverse(VERIFICATIONS)).status_code == 200
    page = radiation.get(change)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert radiation.post(change, change_form(verification, verifier="Ai đó")).status_code == 403
    assert radiation.get(reverse("admin:metrology_verification_add")).status_code == 403
    assert radiation.get(reverse("admin:metrology_instrument_add")).status_code == 403
    assert radiation.get(reverse("admin:metrology_instrumenttype_add")).status_code == 403
    assert radiation.get(reverse("admin:metrology_verification_tabular_import")).status_code == 403
    radiation.post(
        reverse(VERIFICATIONS), {"action": "archive_selected", "_selected_action": [verification.pk], "index": 0}
    )
    verification.refresh_from_db()
    assert (verification.verifier, verification.version, verification.archived_at) == ("", 1, None)


def test_the_quality_officer_may_import_and_edit_types(officer):
    assert officer.get(reverse("admin:metrology_verification_tabular_import")).status_code == 200
    assert officer.get(reverse("admin:metrology_instrumenttype_add")).status_code == 200
    assert officer.get(reverse("admin:metrology_instrument_tabular_import")).status_code == 200


def test_people_outside_the_back_office_are_sent_to_log_in(client, outsider, host_user):
    for user in (outsider, host_user):
        client.force_login(user)
        response = client.get(reverse(VERIFICATIONS))
        assert response.status_code == 302
