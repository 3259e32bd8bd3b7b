"""The demo loader: the seed article's 2023 technology figures, computed from individual records."""

from __future__ import annotations

import importlib

import pytest

from khcn.core import demo, metrics
from khcn.councils.models import Council, ScoreSheet
from khcn.registries.technology.models import TechnologyOpinion, TechnologyTransferCertificate

DEMOS = ("khcn.directory.demo", "khcn.councils.demo", "khcn.registries.technology.demo")


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
    assert value("technology.opinions") == 38
    assert value("technology.opinion_letters") == 41
    assert value("technology.opinions_late") == 2
    assert value("technology.appraisal_councils") == 3
    assert value("technology.workshops") == 3
    assert value("technology.workshop_attendees") == 500
    assert value("technology.transfer_certificates_new") == 1
    assert value("technology.transfer_certificates_amended") == 1

    # Each appraisal council voted; the project the department did not agree to was not passed.
    councils = Council.objects.filter(kind=Council.Kind.TECHNOLOGY_APPRAISAL, year=2023)
    assert ScoreSheet.objects.filter(council_object__council__in=councils).count() == 5 * 5
    # Every refusal and every late answer belongs to an invented investor.
    refusals = TechnologyOpinion.objects.filter(conclusion=TechnologyOpinion.Conclusion.DISAGREE)
    assert refusals.exists() and all("(demo)" in o.project.investor.name for o in refusals)
    for opinion in TechnologyOpinion.objects.exclude(answer_due=None):
        if opinion.answered_late:
            assert "(demo)" in opinion.project.investor.name
    assert all("(demo)" in c.transferee.name for c in TechnologyTransferCertificate.objects.all())

    counts = (TechnologyOpinion.objects.count(), Council.objects.count(), TechnologyTransferCertificate.objects.count())
    _load()
    assert (
        TechnologyOpinion.objects.count(),
        Council.objects.count(),
        TechnologyTransferCertificate.objects.count(),
    ) == counts
    assert value("technology.opinions") == 38
