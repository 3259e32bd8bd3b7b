"""Diacritic-insensitive search over the folded column: what a user types with or without marks
finds the document."""

from __future__ import annotations

import pytest

from khcn.registries.legaldocs import selectors
from khcn.registries.legaldocs.models import LegalDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(build):
    build.doc("04/2011/QH13", "Luật Đo lường")
    build.doc("29/2013/QH13", "Luật Khoa học và công nghệ")
    build.doc("05/2007/QH12", "Luật Chất lượng sản phẩm, hàng hóa")


def numbers(query: str) -> set[str]:
    return set(selectors.search(LegalDocument.objects.all(), query).values_list("number", flat=True))


def test_khoa_hoc_without_marks_finds_khoa_hoc_with_marks(library):
    assert numbers("khoa hoc") == {"29/2013/QH13"}


@pytest.mark.parametrize("query", ["do luong", "Đo lường", "ĐO LƯỜNG", "  đo   lường "])
def test_do_luong_is_found_however_it_is_typed(library, query):
    assert numbers(query) == {"04/2011/QH13"}


def test_every_word_must_match(library):
    assert numbers("luat hang hoa") == {"05/2007/QH12"}
    assert numbers("luat") == {"04/2011/QH13", "29/2013/QH13", "05/2007/QH12"}
    assert numbers("khoa hoc hang hoa") == set()


def test_the_number_and_the_issuer_are_searchable(library):
    assert numbers("2011/qh13") == {"04/2011/QH13"}
    assert len(numbers("uy ban nhan dan hung yen")) == 3
