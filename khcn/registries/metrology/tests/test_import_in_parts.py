"""The year file written a part at a time, while later chunks are read, leaves the registry
exactly as writing it at once does. (Inside the test's transaction the parts are written between
chunks by the reading thread; outside one, by a writer thread: core/tests/test_bulk.py and the
kill tests.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from khcn.core import datasets
from khcn.registries.metrology.imports import VerificationDataset
from khcn.registries.metrology.models import Instrument, Verification
from khcn.registries.metrology.tests.conftest import VERIFICATION_HEADERS, row, verify, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("types", "owner", "other_owner", "body")]

TODAY = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)
# Rows checked one chunk of two at a time, so that rows about one instrument fall in different parts.
CHUNK = 2


@pytest.fixture(params=["in parts", "at once"])
def mode(request, monkeypatch) -> str:
    monkeypatch.setattr(VerificationDataset, "chunk_rows", CHUNK)
    monkeypatch.setattr(VerificationDataset, "writes_in_parts", request.param == "in parts")
    return request.param


def state() -> dict[str, Any]:
    """Everything an import leaves, without keys and timestamps."""
    instruments = {
        i.serial: (i.owner.tax_code, i.status, i.last_verified_on, i.next_due_on, i.version)
        for i in Instrument.objects.select_related("owner")
    }
    history = sorted(
        (h.serial, h.history_type, h.owner_id, h.status, h.version, (h.history_change_reason or "")[:9])
        for h in Instrument.history.all()
    )
    verifications = sorted(
        (v.instrument.serial, v.date, v.result, v.certificate_no, v.valid_until)
        for v in Verification.objects.select_related("instrument")
    )
    verification_history = Verification.history.filter(history_type="+").count()
    return {
        "instruments": instruments,
        "history": history,
        "verifications": verifications,
        "verification_history": verification_history,
    }


@time_machine.travel(TODAY, tick=False)
def test_an_instrument_named_again_in_a_later_part_ends_as_its_newest_row_says(mode, quality_officer):
    data = xlsx(
        VERIFICATION_HEADERS,
        [
            row("SN-500", "10/01/2023"),  # new: created from this row (owner 0900000001, passed)
            row("SN-501", "11/01/2023"),
            row("SN-502", "12/01/2023"),
            row("SN-500", "20/05/2023", owner="0900000002", result="Không đạt"),  # its newest row
            row("SN-500", "05/03/2023"),  # older than the newest: changes nothing
        ],
    )
    result = datasets.run_import("verifications", "a.xlsx", data, user=quality_officer)

    assert result.ok, result.errors
    meter = Instrument.objects.get(serial="SN-500")
    assert (meter.owner.tax_code, meter.status, meter.last_verified_on, meter.next_due_on) == (
        "0900000002",
        Instrument.Status.REJECTED,
        dt.date(2023, 5, 20),
        None,
    )
    # One creation in its history, saying what the newest row says.
    created = meter.history.get()
    assert (created.history_type, created.owner.tax_code, created.status) == ("+", "0900000002", "rejected")
    assert meter.verifications.count() == 3 and Verification.objects.count() == 5


@time_machine.travel(TODAY, tick=False)
def test_a_registered_instrument_follows_its_newest_row_whichever_part_holds_it(mode, meter, body, quality_officer):
    verify(meter, dt.date(2022, 6, 1), body)
    data = xlsx(
        VERIFICATION_HEADERS,
        [
            row("SN-001", "15/03/2023", owner="0900000002"),  # newest: the owner changes
            row("SN-600", "16/03/2023"),
            row("SN-601", "17/03/2023"),
            row("SN-001", "10/01/2023", result="Không đạt"),  # older, in a later part
            row("SN-001", "01/05/2022"),  # older than the stored verification too
        ],
    )
    assert datasets.run_import("verifications", "b.xlsx", data, user=quality_officer).ok
    meter.refresh_from_db()
    assert (meter.owner.tax_code, meter.status, meter.last_verified_on, meter.next_due_on, meter.version) == (
        "0900000002",
        Instrument.Status.IN_USE,
        dt.date(2023, 3, 15),
        dt.date(2028, 3, 15),
        2,
    )
    assert meter.history.filter(history_type="~").count() == 1


@time_machine.travel(TODAY, tick=False)
def test_writing_in_parts_leaves_what_writing_at_once_leaves(types, meter, body, quality_officer, monkeypatch):
    verify(meter, dt.date(2022, 6, 1), body)
    rows = []
    for n in range(23):
        serial = f"SN-7{n % 9:02d}"  # nine instruments, most named several times, in different parts
        day = dt.date(2023, 1, 1) + dt.timedelta(days=17 * n)
        rows.append(
            row(
                serial,
                day,
                owner="0900000002" if n % 4 == 0 else "0900000001",
                result="Không đạt" if n % 5 == 0 else "Đạt",
            )
        )
    rows.append(row("SN-001", "15/03/2023", owner="0900000002"))
    data = xlsx(VERIFICATION_HEADERS, rows)
    monkeypatch.setattr(VerificationDataset, "chunk_rows", CHUNK)

    outcomes = []
    for in_parts in (True, False):
        monkeypatch.setattr(VerificationDataset, "writes_in_parts", in_parts)
        with pytest.raises(_Undo), datasets.transaction.atomic():
            result = datasets.run_import("verifications", "c.xlsx", data, user=quality_officer)
            assert result.ok, result.errors
            outcomes.append(state())
            raise _Undo
    assert outcomes[0] == outcomes[1]
    assert (
        len(outcomes[0]["verifications"]) == 25
    )  # with the one stored before and len(outcomes[0]["instruments"]) == 10


class _Undo(Exception):
    pass
