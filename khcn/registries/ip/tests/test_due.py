"""Renewal reminders for use-right certificates, with time frozen: at 90 and 30 days before expiry,
once each, never for revoked or renewed certificates."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from khcn.core import due
from khcn.registries.ip import due as ip_due  # noqa: F401  (registers the check)
from khcn.registries.ip import selectors, services

pytestmark = pytest.mark.django_db


def keys(today):
    return [item.key for name, item in due.collect(today) if name == "ip.use_right_expiry"]


def test_reminders_at_ninety_and_thirty_days(certify):
    certificate = certify(issue_date=dt.date(2023, 6, 20))  # valid until 19/06/2028
    assert keys(dt.date(2028, 3, 20)) == []
    assert keys(dt.date(2028, 3, 21)) == [f"ip.use_right:{certificate.pk}:90"]
    assert keys(dt.date(2028, 5, 20)) == [f"ip.use_right:{certificate.pk}:30"]
    assert keys(dt.date(2028, 6, 20)) == []


def test_revoked_and_renewed_certificates_are_not_reminded(certify, technology_officer):
    revoked = certify(number="R")
    services.certificate_revoke(
        certificate=revoked, on=dt.date(2024, 1, 1), reason="Ngừng sản xuất", by=technology_officer
    )
    renewed = certify(number="N")
    services.certificate_renew(certificate=renewed, number="N2", issue_date=dt.date(2028, 5, 1), by=technology_officer)
    assert keys(dt.date(2028, 5, 20)) == []


def test_each_band_is_sent_once_to_the_division_and_the_holder(certify):
    certify(issue_date=dt.date(2023, 6, 20))
    with time_machine.travel(dt.datetime(2028, 3, 21, 7, 0)):
        for day in ("21/03/2028", "22/03/2028", "20/05/2028", "21/05/2028"):
            call_command("remind", date=day)
    assert len(mail.outbox) == 4  # two bands, each to the division's officer and to the holder
    assert sorted({tuple(m.to) for m in mail.outbox}) == [("htx@example.vn",), ("qlcn@khcn.local",)]


def test_the_state_follows_the_clock(certify):
    certificate = certify(issue_date=dt.date(2023, 6, 20))
    with time_machine.travel(dt.datetime(2028, 4, 1, 9, 0)):
        assert selectors.certificate_state(certificate) == selectors.CertificateState.EXPIRING
    with time_machine.travel(dt.datetime(2028, 7, 1, 9, 0)):
        assert selectors.certificate_state(certificate) == selectors.CertificateState.EXPIRED
    with time_machine.travel(dt.datetime(2025, 1, 1, 9, 0)):
        assert selectors.certificate_state(certificate) == selectors.CertificateState.VALID
