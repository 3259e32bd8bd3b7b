"""Server-rendered SVG bar charts (no JavaScript, no CDN): the dashboard draws them inline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from khcn.lib.formats import group_thousands

ROW = 22
LABEL_WIDTH = 300
BAR_WIDTH = 320
VALUE_WIDTH = 90


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    previous: int | None = None  # drawn as a thin bar under the main one, on the same scale
    href: str = ""


def bar_chart(bars: Sequence[Bar], *, title: str) -> SafeString:
    """Horizontal bars, one row per bar; each row scaled to its own pair (this year, last year)
    so a 20.363 next to a 2 still reads, and the pair shows the change."""
    height = ROW * len(bars) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW
        scale = max(bar.value, bar.previous or 0, 1)
        length = round(BAR_WIDTH * bar.value / scale)
        label = bar.label if len(bar.label) <= 48 else bar.label[:47] + "…"
        parts.append(f'<text x="0" y="{y + 13}"><title>{escape(bar.label)}</title>{escape(label)}</text>')
        rect = f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length}" height="11" fill="#1f6f8b"/>'
        if bar.href:
            rect = f'<a href="{escape(bar.href)}">{rect}</a>'
        parts.append(rect)
        if bar.previous is not None:
            previous = round(BAR_WIDTH * bar.previous / scale)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 15}" width="{previous}" height="4" fill="#b7c9d3"/>')
        parts.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 13}">{escape(group_thousands(bar.value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped


@dataclass(frozen=True)
class Pair:
    label: str
    first: int
    second: int
    href: str = ""


def pair_chart(rows: Sequence[Pair], *, title: str, legend: tuple[str, str]) -> SafeString:
    """Two bars per row on one scale for the whole chart (allocated vs disbursed, passed vs
    rejected), with a legend; values are written at the end of each bar."""
    height = 24 + (ROW + 8) * len(rows) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    scale = max([max(r.first, r.second) for r in rows] + [1])
    colours = ("#1f6f8b", "#e0a030")
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (name, colour) in enumerate(zip(legend, colours, strict=True)):
        x = LABEL_WIDTH + index * 170
        parts.append(f'<rect x="{x}" y="4" width="12" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="13">{escape(name)}</text>')
    for index, row in enumerate(rows):
        y = 24 + index * (ROW + 8)
        label = row.label if len(row.label) <= 48 else row.label[:47] + "…"
        parts.append(f'<text x="0" y="{y + 14}"><title>{escape(row.label)}</title>{escape(label)}</text>')
        for offset, (value, colour) in enumerate(zip((row.first, row.second), colours, strict=True)):
            length = round(BAR_WIDTH * value / scale)
            top = y + offset * 12
            rect = f'<rect x="{LABEL_WIDTH}" y="{top}" width="{length}" height="10" fill="{colour}"/>'
            if row.href:
                rect = f'<a href="{escape(row.href)}">{rect}</a>'
            parts.append(rect)
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4}" y="{top + 9}" font-size="10">{escape(group_thousands(value))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped
