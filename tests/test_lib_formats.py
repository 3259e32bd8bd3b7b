from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from khcn.lib import formats
from khcn.lib.text import fold


@pytest.mark.parametrize(
    ("amount", "text"),
    [(27_273_000_000, "27.273.000.000 đ"), (0, "0 đ"), (999, "999 đ"), (-1_500_000, "-1.500.000 đ")],
)
def test_format_vnd(amount, text):
    assert formats.format_vnd(amount) == text


def test_format_vnd_billion_writes_a_decimal_comma():
    assert formats.format_vnd_billion(27_273_000_000) == "27,273 tỷ đồng"
    assert formats.format_vnd_billion(1_234_567_000_000) == "1.234,567 tỷ đồng"


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("27.273.000.000", 27_273_000_000),
        ("27,273,000,000", 27_273_000_000),
        ("27273000000", 27_273_000_000),
        ("1.500.000 đ", 1_500_000),
        ("2 000 000 VNĐ", 2_000_000),
        (1500000.0, 1_500_000),
        (42, 42),
        ("1.5e9", 1_500_000_000),
    ],
)
def test_parse_vnd_reads_what_departments_type(raw, amount):
    assert formats.parse_vnd(raw) == amount


@pytest.mark.parametrize("raw", ["", None, "abc", "12,5", 1.25, True])
def test_parse_vnd_refuses_with_a_vietnamese_message(raw):
    with pytest.raises(formats.ParseError) as excinfo:
        formats.parse_vnd(raw)
    assert any(word in str(excinfo.value) for word in ("Số tiền", "Thiếu"))


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("15/01/2024", dt.date(2024, 1, 15)),
        ("5/3/2024", dt.date(2024, 3, 5)),
        ("2024-01-15", dt.date(2024, 1, 15)),
        ("15/01/2024 00:00:00", dt.date(2024, 1, 15)),
        (dt.datetime(2024, 1, 15, 8, 30), dt.date(2024, 1, 15)),
    ],
)
def test_parse_date(raw, date):
    assert formats.parse_date(raw) == date


@pytest.mark.parametrize("raw", ["31/02/2024", "15/13/2024", "hôm qua", ""])
def test_parse_date_refuses_impossible_dates(raw):
    with pytest.raises(formats.ParseError):
        formats.parse_date(raw)


def test_fold_strips_marks_and_d_with_stroke():
    assert fold("Long nhãn Hưng Yên") == "long nhan hung yen"
    assert fold("Đông trùng hạ thảo  ĐẶC SẢN") == "dong trung ha thao dac san"
    assert fold(None) == ""


def test_template_filters():
    out = Template("{% load khcn_formats %}{{ a|vnd }} | {{ a|vnd_billion }} | {{ d|dmy }}").render(
        Context({"a": 27_273_000_000, "d": dt.date(2024, 1, 15)})
    )
    assert out == "27.273.000.000 đ | 27,273 tỷ đồng | 15/01/2024"
