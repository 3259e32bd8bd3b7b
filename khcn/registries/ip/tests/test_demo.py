"""The demo loader: the seed article's 2023 IP figures, computed from individual records."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from khcn.core import demo, due, metrics
from khcn.registries.ip import due as ip_due  # noqa: F401  (registers the check)
from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate

DEMOS = ("khcn.directory.demo", "khcn.registries.ip.demo")


def _load() -> None:
    for module in DEMOS:
        importlib.import_module(module)
    loaders = dict(demo.loaders())
    for module in DEMOS:
        loaders[module]()


def value(key: str) -> int:
    return metrics.get(key).compute(metrics.Period.year(2023))


@pytest.mark.django_db
def test_the_demo_gives_the_articles_figures_and_loads_twice_without_duplicates():
    _load()
    assert value("ip.support_organisations") == 5
    assert value("ip.support_individuals") == 1
    assert value("ip.supported_marks") == 24
    assert value("ip.gi_certificates") == 60
    assert value("ip.certification_mark_certificates") == 2
    assert not Mark.objects.filter(status=Mark.Status.REFUSED).exists()
    assert not UseRightCertificate.objects.filter(revoked=True).exists()
    # Certificates name the 2023 units (before the 2025 reform) and have their validity from the rule.
    certificate = UseRightCertificate.objects.get(number="01/2023/GCN-CDĐL")
    assert certificate.area_unit is not None and certificate.area_unit.valid_to == dt.date(2025, 7, 1)
    assert certificate.valid_until == dt.date(2028, 6, 19)
    # The two 2022 certificates come up for renewal at the end of 2026.
    assert len([i for name, i in due.collect(dt.date(2026, 11, 26)) if name == "ip.use_right_expiry"]) == 2

    counts = (IPSupportCase.objects.count(), Mark.objects.count(), UseRightCertificate.objects.count())
    _load()
    assert (IPSupportCase.objects.count(), Mark.objects.count(), UseRightCertificate.objects.count()) == counts
