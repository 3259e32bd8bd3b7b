"""Recording verifications: cycles, due dates, rejected instruments, and the bad input refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from khcn.lib.dates import add_months
from khcn.registries.metrology import services
from khcn.registries.metrology.models import Instrument, Verification, VerificationCycle
from khcn.registries.metrology.tests.conftest import verify

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2023, 3, 15), 12, dt.date(2024, 3, 15)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2023, 8, 31), 18, dt.date(2025, 2, 28)),
        (dt.date(2019, 2, 28), 60, dt.date(2024, 2, 28)),
        (dt.date(2023, 12, 10), 1, dt.date(2024, 1, 10)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@time_machine.travel(TODAY, tick=False)
def test_a_passed_verification_is_due_again_after_its_cycle(meter, body):
    verification = verify(meter, dt.date(2023, 3, 15), body)

    assert (verification.cycle_months, verification.valid_until) == (60, dt.date(2028, 3, 15))
    assert verification.history.count() == 1
    meter.refresh_from_db()
    assert meter.status == Instrument.Status.IN_USE
    assert (meter.last_verified_on, meter.next_due_on) == (dt.date(2023, 3, 15), dt.date(2028, 3, 15))


@time_machine.travel(TODAY, tick=False)
def test_the_cycle_in_force_on_the_day_is_used_and_kept(types, owner, body):
    taxi = services.instrument_register(instrument_type=types["TAXI"], serial="TX-1", owner=owner, by=None)
    before = verify(taxi, dt.date(2023, 12, 29), body)
    after = verify(taxi, dt.date(2024, 1, 2), body)

    assert (before.cycle_months, before.valid_until) == (18, dt.date(2025, 6, 29))
    assert (after.cycle_months, after.valid_until) == (24, dt.date(2026, 1, 2))

    # A later amendment does not rewrite what was recorded under the old cycle.
    VerificationCycle.objects.filter(instrument_type=types["TAXI"], valid_from=dt.date(2014, 1, 1)).update(
        cycle_months=6
    )
    before.refresh_from_db()
    assert (before.cycle_months, before.valid_until) == (18, dt.date(2025, 6, 29))


@time_machine.travel(TODAY, tick=False)
def test_an_initial_only_type_has_no_next_due_date(types, owner, body):
    thermometer = services.instrument_register(instrument_type=types["NK"], serial="NK-1", owner=owner, by=None)
    verification = verify(thermometer, dt.date(2024, 5, 2), body)
    thermometer.refresh_from_db()
    assert verification.valid_until is None and thermometer.next_due_on is None
    assert thermometer.status == Instrument.Status.IN_USE


@time_machine.travel(TODAY, tick=False)
def test_a_failed_verification_rejects_the_instrument_until_it_passes_again(meter, body):
    verify(meter, dt.date(2023, 3, 15), body)
    failed = verify(meter, dt.date(2024, 3, 1), body, passed=False)
    meter.refresh_from_db()
    assert failed.valid_until is None
    assert (meter.status, meter.next_due_on) == (Instrument.Status.REJECTED, None)

    services.verification_record(
        instrument=meter,
        date=dt.date(2024, 3, 20),
        verifying_body=body,
        result=Verification.Result.PASSED,
        kind=Verification.Kind.AFTER_REPAIR,
        certificate_no="GCN-SC-1",
        stamp_no="T-SC-1",
        by=None,
    )
    meter.refresh_from_db()
    assert (meter.status, meter.next_due_on) == (Instrument.Status.IN_USE, dt.date(2029, 3, 20))


@time_machine.travel(TODAY, tick=False)
def test_archiving_a_mistaken_verification_restores_the_previous_status(meter, body, quality_officer):
    verify(meter, dt.date(2023, 3, 15), body)
    mistaken = verify(meter, dt.date(2024, 3, 1), body, passed=False)

    services.verification_archive(verification=mistaken, by=quality_officer, reason="Nhập nhầm phương tiện đo")

    meter.refresh_from_db()
    assert (meter.status, meter.last_verified_on, meter.next_due_on) == (
        Instrument.Status.IN_USE,
        dt.date(2023, 3, 15),
        dt.date(2028, 3, 15),
    )
    assert Verification.objects.active().count() == 1


@time_machine.travel(TODAY, tick=False)
def test_an_older_verification_entered_later_does_not_move_the_due_date(meter, body):
    verify(meter, dt.date(2024, 3, 1), body)
    verify(meter, dt.date(2021, 5, 5), body)
    meter.refresh_from_db()
    assert meter.last_verified_on == dt.date(2024, 3, 1)


# --- Bad input --------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_verification_before_the_year_made_is_refused(meter, body):
    with pytest.raises(ValidationError) as caught:
        verify(meter, dt.date(2018, 12, 31), body)
    assert "Ngày kiểm định 31/12/2018 trước năm sản xuất 2019 của phương tiện đo." in messages(caught.value)
    assert not Verification.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_verification_before_the_first_registration_is_refused(types, owner, body):
    scale = services.instrument_register(
        instrument_type=types["CAN"], serial="C-1", owner=owner, first_registered_on=dt.date(2022, 7, 1), by=None
    )
    with pytest.raises(ValidationError) as caught:
        verify(scale, dt.date(2022, 6, 30), body)
    assert "trước ngày đăng ký lần đầu 01/07/2022" in messages(caught.value)
    scale.refresh_from_db()
    assert scale.last_verified_on is None


@time_machine.travel(TODAY, tick=False)
def test_a_certificate_number_is_used_once_per_verifying_body(meter, types, owner, body, other_body):
    second = services.instrument_register(instrument_type=types["CT-1P"], serial="SN-002", owner=owner, by=None)
    verify(meter, dt.date(2023, 3, 15), body, number="123/2023")

    with pytest.raises(ValidationError) as caught:
        verify(second, dt.date(2023, 3, 16), body, number="123/2023")
    assert "Số giấy chứng nhận này đã được đơn vị kiểm định cấp cho lần kiểm định khác." in messages(caught.value)
    assert Verification.objects.count() == 1

    # Another body numbers its own certificates.
    verify(second, dt.date(2023, 3, 16), other_body, number="123/2023")
    assert Verification.objects.count() == 2


@time_machine.travel(TODAY, tick=False)
def test_the_same_instrument_cannot_be_verified_twice_on_one_day(meter, body):
    verify(meter, dt.date(2023, 3, 15), body)
    with pytest.raises(ValidationError) as caught:
        verify(meter, dt.date(2023, 3, 15), body, number="KHAC")
    assert "đã có kết quả kiểm định trong ngày này" in messages(caught.value)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("passed", "certificate", "stamp", "message"),
    [
        (True, "", "T-1", "phải có số giấy chứng nhận kiểm định"),
        (True, "GCN-1", "", "phải có số tem kiểm định"),
        (False, "GCN-1", "", "không được cấp giấy chứng nhận"),
        (False, "", "T-1", "không được dán tem"),
    ],
)
def test_marks_follow_the_result(meter, body, passed, certificate, stamp, message):
    with pytest.raises(ValidationError) as caught:
        services.verification_record(
            instrument=meter,
            date=dt.date(2023, 3, 15),
            verifying_body=body,
            result=Verification.Result.PASSED if passed else Verification.Result.FAILED,
            certificate_no=certificate,
            stamp_no=stamp,
            by=None,
        )
    assert message in messages(caught.value)
    meter.refresh_from_db()
    assert meter.last_verified_on is None


@time_machine.travel(TODAY, tick=False)
def test_a_verification_in_the_future_is_refused(meter, body):
    with pytest.raises(ValidationError) as caught:
        verify(meter, dt.date(2024, 6, 4), body)
    assert "Ngày kiểm định 04/06/2024 ở tương lai." in messages(caught.value)


@time_machine.travel(TODAY, tick=False)
def test_a_type_without_a_cycle_on_that_date_is_refused(types, owner, body):
    taxi = services.instrument_register(instrument_type=types["TAXI"], serial="TX-9", owner=owner, by=None)
    with pytest.raises(ValidationError) as caught:
        verify(taxi, dt.date(2013, 6, 1), body)
    assert "chưa có chu kỳ kiểm định áp dụng vào ngày 01/06/2013" in messages(caught.value)


@time_machine.travel(TODAY, tick=False)
def test_instrument_dates_must_be_consistent(types, owner, meter, body):
    with pytest.raises(ValidationError) as caught:
        services.instrument_register(
            instrument_type=types["CAN"],
            serial="C-2",
            owner=owner,
            manufacture_year=2021,
            first_registered_on=dt.date(2020, 5, 1),
            by=None,
        )
    assert "Ngày đăng ký lần đầu 01/05/2020 trước năm sản xuất 2021." in messages(caught.value)

    # A new year made must not leave a recorded verification before it.
    verify(meter, dt.date(2020, 3, 15), body)
    meter.manufacture_year = 2021
    with pytest.raises(ValidationError) as caught:
        services.instrument_save(instrument=meter, by=None)
    assert "đã có lần kiểm định ngày 15/03/2020, trước năm sản xuất 2021" in messages(caught.value)


@time_machine.travel(TODAY, tick=False)
def test_the_serial_is_unique_per_type_and_manufacturer(types, owner, meter):
    with pytest.raises(ValidationError) as caught:
        services.instrument_register(
            instrument_type=types["CT-1P"], serial="SN-001", manufacturer="EMIC", owner=owner, by=None
        )
    assert "Đã có phương tiện đo cùng loại, cùng hãng sản xuất với số sêri này." in messages(caught.value)
    # Another manufacturer may use the same serial.
    services.instrument_register(
        instrument_type=types["CT-1P"], serial="SN-001", manufacturer="Gelex", owner=owner, by=None
    )


@time_machine.travel(TODAY, tick=False)
def test_a_stale_edit_is_refused(meter, body):
    verification = verify(meter, dt.date(2023, 3, 15), body)
    loaded = verification.version
    Verification.objects.filter(pk=verification.pk).update(version=loaded + 1)
    verification.verifier = "Trần Văn B"
    with pytest.raises(ValidationError) as caught:
        services.verification_save(verification=verification, by=None, expected_version=loaded)
    assert "vừa được người khác sửa" in messages(caught.value)
