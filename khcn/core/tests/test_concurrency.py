"""Two people editing one record never silently overwrite each other (issue 9; security.md goal G7).

In the back office, two staff open the same registry record, both save: the second is refused
with the message saying why, and the first one's change stands. Under the back office,
`record_save(expected_version=...)` is raced by two threads, each with its own database
connection, over a few hundred random interleavings: each time exactly one save wins and the other
is refused, whatever the order in which their statements reach the database.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from khcn.accounts import roles
from khcn.core.services import StaleRecordError, record_save
from khcn.directory.models import Organisation
from khcn.registries.metrology import services as metrology
from khcn.registries.metrology.models import Instrument, InstrumentType
from khcn.registries.radiation import services as radiation
from khcn.registries.radiation.models import Device, RadiationFacility, RadiationLicence
from khcn.research.tests.test_task_concurrency import loaded_form
from khcn.testing import make_user

STALE = "vừa được người khác sửa"


def a_licence(by: Any) -> RadiationLicence:
    facility = radiation.facility_save(facility=RadiationFacility(code="HY-BX-009", name="Bệnh viện B"), by=by)
    device = radiation.device_save(device=Device(facility=facility, kind="general", manufacturer="Shimadzu"), by=by)
    return radiation.licence_issue(
        facility=facility,
        number="09/2023/GP-SKHCN",
        issue_date=dt.date(2023, 3, 1),
        expiry_date=dt.date(2026, 3, 1),
        devices=[device],
        by=by,
    )


def an_instrument(by: Any) -> Instrument:
    return metrology.instrument_register(
        instrument_type=InstrumentType.objects.create(code="CAN", name="Cân đồng hồ lò xo"),
        serial="C-0042",
        owner=Organisation.objects.create(name="Chợ Phố Hiến", tax_code="0900000042"),
        location="Quầy số 3",
        by=by,
    )


@dataclass(frozen=True)
class Registry:
    role: str
    admin: str  # app_model of the change form
    field: str  # a text field both people change
    make: Any


REGISTRIES = {
    "radiation licence": Registry(roles.RADIATION_OFFICER, "radiation_radiationlicence", "conditions", a_licence),
    "metrology instrument": Registry(roles.QUALITY_OFFICER, "metrology_instrument", "location", an_instrument),
}


@pytest.mark.django_db
@pytest.mark.parametrize("registry", REGISTRIES.values(), ids=REGISTRIES.keys())
def test_the_second_of_two_staff_saving_one_registry_record_is_refused(registry):
    first_user, second_user = make_user("nguoi_mot", registry.role), make_user("nguoi_hai", registry.role)
    record = registry.make(first_user)
    url = reverse(f"admin:{registry.admin}_change", args=[record.pk])
    first, second = Client(), Client()
    first.force_login(first_user)
    second.force_login(second_user)
    form_1, form_2 = loaded_form(first, url), loaded_form(second, url)
    history = record.history.count()

    form_1[registry.field] = "Bản sửa của người thứ nhất"
    response = first.post(url, form_1)
    assert response.status_code == 302, response.content.decode()[:3000]

    form_2[registry.field] = "Bản sửa của người thứ hai"
    response = second.post(url, form_2)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    stored = type(record)._base_manager.get(pk=record.pk)
    assert getattr(stored, registry.field) == "Bản sửa của người thứ nhất"
    assert stored.version == record.version + 1
    assert stored.history.count() == history + 1


# --- The service under real concurrency ----------------------------------------------------------

ROUNDS = 100  # per model; two models


class Race:
    """Two writer threads, each with its own connection, and the test's thread as referee.

    Each round both writers load the record (so both hold the same version), then save their own
    value with `expected_version` after a random pause of up to 2 ms: sometimes one has committed
    before the other starts, sometimes their statements overlap and the database must order them.
    """

    def __init__(self, model: type, pk: int, field: str, seed: int) -> None:
        self.model, self.pk, self.field = model, pk, field
        self.rng = random.Random(seed)
        self.go = threading.Barrier(3, timeout=30)
        self.loaded = threading.Barrier(2, timeout=30)
        self.done = threading.Barrier(3, timeout=30)
        self.outcomes: dict[str, str] = {}
        self.errors: list[BaseException] = []

    def writer(self, name: str, pauses: list[float]) -> None:
        try:
            for round_, pause in enumerate(pauses):
                self.go.wait()
                record = self.model._base_manager.get(pk=self.pk)
                self.loaded.wait()
                time.sleep(pause)
                setattr(record, self.field, f"{name} {round_}")
                try:
                    record_save(record=record, by=None, expected_version=record.version)
                    self.outcomes[name] = "saved"
                except StaleRecordError:
                    self.outcomes[name] = "refused"
                self.done.wait()
        except BaseException as exc:  # a broken barrier or a database error: stop the referee too
            self.errors.append(exc)
            for barrier in (self.go, self.loaded, self.done):
                barrier.abort()
        finally:
            connection.close()

    def run(self, rounds: int) -> int:
        """Play `rounds` rounds; returns how many lost an update without anyone being told."""
        pauses = {name: [self.rng.uniform(0, 0.002) for _ in range(rounds)] for name in ("A", "B")}
        threads = [threading.Thread(target=self.writer, args=(name, pauses[name])) for name in pauses]
        for thread in threads:
            thread.start()
        silent = 0
        try:
            for _round in range(rounds):
                before = self.model._base_manager.get(pk=self.pk).version
                self.outcomes.clear()
                self.go.wait()
                self.done.wait()
                stored = self.model._base_manager.get(pk=self.pk)
                winners = [name for name, outcome in self.outcomes.items() if outcome == "saved"]
                value = getattr(stored, self.field)
                if len(winners) != 1 or value != f"{winners[0]} {_round}" or stored.version != before + 1:
                    silent += 1
        except threading.BrokenBarrierError:
            pass
        finally:
            for thread in threads:
                thread.join(timeout=30)
        assert not self.errors, self.errors
        return silent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_on_one_version_never_both_succeed():
    # A superuser: the race needs the record, not the role (whose permissions a flush may have taken).
    licence = a_licence(make_user("bxhn", is_superuser=True))
    instrument = an_instrument(None)
    assert Race(RadiationLicence, licence.pk, "conditions", seed=9).run(ROUNDS) == 0
    assert Race(Instrument, instrument.pk, "location", seed=10).run(ROUNDS) == 0
    assert RadiationLicence.objects.get().version == licence.version + ROUNDS
    assert Instrument.objects.get().history.count() == 1 + ROUNDS
