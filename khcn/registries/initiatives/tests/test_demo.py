"""The demo loader: the seed article's 2023 initiatives figures, computed from individual records
and the council's votes."""

from __future__ import annotations

import importlib

import pytest

from khcn.core import demo, metrics
from khcn.councils.models import Council, ScoreSheet
from khcn.registries.initiatives.models import Initiative

DEMOS = ("khcn.directory.demo", "khcn.registries.initiatives.demo")
S = Initiative.Status


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
    assert value("initiatives.council_meetings") == 2
    assert value("initiatives.recommended") == 42
    assert value("initiatives.recognised") == 42
    assert value("initiatives.not_recommended") == 3
    assert value("initiatives.supported_wider") == 3
    wider = " ".join(
        Initiative.objects.filter(supported_for_wider_application=True).values_list(
            "wider_application_where", flat=True
        )
    )
    assert "Phù Cừ" in wider and "Văn Giang" in wider
    # The recommendations come from the votes: every application has five sheets.
    councils = Council.objects.filter(kind=Council.Kind.INITIATIVES, year=2023)
    assert councils.count() == 2
    assert ScoreSheet.objects.filter(council_object__council__in=councils).count() == 45 * 5
    # Refusals belong to invented units only; every application has authors.
    assert all("(demo)" in i.unit.name for i in Initiative.objects.filter(status=S.NOT_RECOMMENDED))
    assert not Initiative.objects.filter(author_links__isnull=True).exists()

    _load()
    assert Initiative.objects.count() == 45 and councils.count() == 2
